"""instructions-edited against the course's real templates (../shared/templates)."""

from __future__ import annotations

import re

import pytest

from mlops_report.analysis import Analyzer
from tests.conftest import SHARED

TEMPLATES = sorted((SHARED / "templates").glob("*_README.md")) if (SHARED / "templates").is_dir() else []
NEWEST = SHARED / "templates" / "2026-01-09_eb7305c5_README.md"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not NEWEST.is_file(), reason=f"no templates at {SHARED / 'templates'}"),
]


def edited(text: str) -> dict[int, str]:
    return {f.question: f.message for f in Analyzer().analyse(text).findings if f.code == "instructions-edited"}


def segment(text: str, n: int) -> tuple[int, int]:
    start = text.index(f"### Question {n}\n")
    return start, text.index("### Question", start + 5)


def change(text: str, n: int, old: str, new: str, count: int = 1) -> str:
    s, e = segment(text, n)
    seg = text[s:e]
    assert old in seg
    return text[:s] + seg.replace(old, new, count) + text[e:]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name[:19])
def test_untouched_templates_have_no_edited_instructions(path):
    assert edited(path.read_text(encoding="utf-8")) == {}


def test_what_changed_is_named():
    text = NEWEST.read_text(encoding="utf-8")
    s, e = segment(text, 8)
    example = re.search(r"> Example:\n(.*?)>\n> Answer:", text[s:e], re.S).group(1)
    cases = {
        4: (
            change(text, 4, "100-200 words", "50-200 words"),
            "the length line says 50-200 words where the template says 100-200 words; "
            "the official limits still apply (100-200 words)",
        ),
        5: (change(text, 5, "> Recommended answer length: 100-200 words\n", ""), "the length line was removed"),
        8: (change(text, 8, example, ""), "the example was removed"),
        9: (change(text, 9, "**Did", "**Does"), "the question's prompt was changed"),
        10: (change(text, 10, "> Example:\n> *", "> Example:\n> *Our "), "the example was changed"),
    }
    for n, (mutated, expected) in cases.items():
        found = edited(mutated)
        assert list(found) == [n], (n, found)
        assert expected in found[n], found[n]


def test_a_removed_label_is_named_and_crashes_the_checker():
    text = NEWEST.read_text(encoding="utf-8")
    mutated = change(text, 6, "> Answer:", ">")
    analysis = Analyzer().analyse(mutated)
    assert "the 'Answer:' label was removed" in edited(mutated)[6]
    (crash,) = [f for f in analysis.findings if f.code == "checker-crash"]
    assert mutated[crash.span.start : crash.span.end] == "### Question 6"
