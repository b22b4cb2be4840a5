"""The checker view against what the course's own report.py printed for real reports
(../shared/reports/*/official.json)."""

from __future__ import annotations

import json
import re

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.cli import read_report
from mlops_report.editions.checkers import CHECKERS
from tests import reference
from tests.conftest import SHARED

REPORTS = (
    sorted(p for p in (SHARED / "reports").glob("*") if (p / "official.json").is_file())
    if (SHARED / "reports").is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not REPORTS, reason=f"no real reports: {SHARED / 'reports'} is absent"),
]


def _load(folder):
    official = json.loads((folder / "official.json").read_text(encoding="utf-8"))
    path = folder / "reports" / "README.md"
    return official, path, read_report(path)


@pytest.fixture(params=REPORTS, ids=lambda p: p.name)
def case(request):
    return _load(request.param)


def test_detected_checker_is_the_one_that_ran(case):
    # each official output was made with the final checker of the report's course run (January
    # 2024 64ea22b7, January 2025 d1b907d5, January 2026 e3622b47): the one judging by default
    official, path, text = case
    analysis = Analyzer().analyse(text, path)
    ran = official["checker"].removesuffix("_report.py")
    assert analysis.edition.checker.id == ran == analysis.edition.run.checker
    assert analysis.view.spec.id == ran and analysis.judge.source == "course"
    assert analysis.judge.label == f"the {analysis.edition.run.name} course checker"


def test_every_question_counts_as_official(case):
    official, path, text = case
    analysis = Analyzer().analyse(text, path)
    assert analysis.view.crashes == official["crashes"]
    assert len(analysis.view.answers) == official["answer_chunks"]
    got = {q.number: (q.checker_words, q.checker_images) for q in analysis.questions}
    want = {q["number"]: (q["words"], q["images"]) for q in official["questions"]}
    assert got == want


def test_limits_are_official(case):
    official, _path, _text = case
    spec = CHECKERS[official["checker"].removesuffix("_report.py")]
    for n, lim in official["limits"].items():
        ours = spec.limits.get(int(n))
        words = tuple(lim["words"]) if lim["words"] else None
        images = tuple(lim["images"]) if lim["images"] else None
        assert (ours.words if ours else None, ours.images if ours else None) == (words, images), n


def test_failures_and_verdict_match_the_warnings(case):
    official, path, text = case
    analysis = Analyzer().analyse(text, path)
    failed = {int(m.group(1)) for w in official["warnings"] for m in [re.match(r"Question (\d+) failed", w)] if m}
    ours = {v.position for v in analysis.view.verdicts if not v.passed}
    assert ours == failed
    assert analysis.passing == official["expected_questions"] - len(failed)
    # word-count and image-count findings, and the failing limits an unanswered finding names,
    # are exactly the official warnings
    expected_findings = sorted(
        (int(m.group(1)), "word-count" if m.group(2) == "words" else "image-count", int(m.group(3)))
        for w in official["warnings"]
        for m in [re.match(r"Question (\d+) failed check\. Expected number of (words|screenshots) .* got (\d+)", w)]
    )
    ours_findings = sorted(
        [
            (f.question, f.code, f.data["words"] if f.code == "word-count" else f.data["images"])
            for f in analysis.findings
            if f.code in ("word-count", "image-count")
        ]
        + [
            (f.question, "word-count" if part == "words" else "image-count", f.data[part])
            for f in analysis.findings
            if f.code == "unanswered"
            for part in f.data["fails"]
        ]
    )
    assert ours_findings == expected_findings


def test_reference_implementation_agrees(case):
    official, _path, text = case
    spec = CHECKERS[official["checker"].removesuffix("_report.py")]
    out = reference.run(text, spec.family, spec.expected)
    assert out.words == [q["words"] for q in official["questions"]]
    assert out.images == [q["images"] for q in official["questions"]]


def test_crlf_and_bom_change_nothing(case):
    _official, path, text = case
    plain = Analyzer().analyse(text, path)
    for variant in (text.replace("\n", "\r\n"), "\ufeff" + text):
        other = Analyzer().analyse(variant, path)
        assert [(q.checker_words, q.checker_images, q.words, q.status) for q in other.questions] == [
            (q.checker_words, q.checker_images, q.words, q.status) for q in plain.questions
        ]
        assert [(f.code, f.question) for f in other.findings] == [(f.code, f.question) for f in plain.findings]
