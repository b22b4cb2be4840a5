"""checker.py against the independent reference implementation in tests/reference.py."""

from __future__ import annotations

import random

import pytest

from mlops_report import checker
from mlops_report.editions import by_id
from mlops_report.editions.checkers import CHECKERS
from tests import reference
from tests.builder import ReportBuilder, words

EDITIONS = ["2023", "2024", "2025", "2026", "2022-12-29_58831729", "2024-12-20_8906a13c"]

TOKENS = [
    "##",
    "###",
    "#### Heading\n",
    "Answer:",
    "\r\n",
    "\r",
    "\n",
    "![a](b.png)",
    "![a\n](b.png)",
    "![x](y)![z](w)",
    "---",
    " ",
    "\ufeff",
    "> ",
    "```\n## note\n```\n",
    "page##x",
    "# one\n",
]


def outcome_of(text: str, spec) -> reference.Outcome:
    view = checker.check(text, spec)
    if view.crashes:
        return reference.Outcome(view.crash.split(":", 1)[0], [], [])
    return reference.Outcome(None, [a.words for a in view.answers], [a.images for a in view.answers])


def assert_same(text: str, spec) -> None:
    ours = outcome_of(text, spec)
    ref = reference.run(text, spec.family, spec.expected)
    assert ours == ref, f"{spec.id}: ours {ours} vs reference {ref}"


def filled(edition: str, newline: str = "\n") -> ReportBuilder:
    return ReportBuilder(edition, newline=newline).fill_all()


@pytest.mark.parametrize("edition", EDITIONS)
def test_filled_and_empty_reports(edition):
    e = by_id(edition)
    for text in (
        filled(edition).build(),
        ReportBuilder(edition).build(),
        filled(edition, "\r\n").build(),
        filled(edition, "\r").build(),
    ):
        assert_same(text, e.checker)


@pytest.mark.parametrize("spec_id", sorted(c for c in CHECKERS if CHECKERS[c].family != "draft"))
def test_every_checker_version_on_its_own_size(spec_id):
    spec = CHECKERS[spec_id]
    edition = "2026" if spec.expected == 31 else "2024"
    text = filled(edition).answer(5, words(30) + "\n#### Part\n" + words(40)).build()
    assert_same(text, spec)


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_random_mutations(edition):
    rng = random.Random(f"mutations-{edition}")
    spec = by_id(edition).checker
    base = filled(edition).build()
    for _ in range(400):
        text = base
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        assert_same(text, spec)


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_random_deletions(edition):
    rng = random.Random(f"deletions-{edition}")
    spec = by_id(edition).checker
    base = filled(edition).build()
    for _ in range(200):
        at = rng.randrange(len(base))
        text = base[:at] + base[at + rng.randint(1, 40) :]
        assert_same(text, spec)


def test_count_error_when_a_heading_is_renamed():
    text = filled("2026").heading(5, "## Question 5").build()
    view = checker.check(text, by_id("2026").checker)
    assert view.crash.startswith("ValueError")
    assert reference.run(text, "C", 31).crash == "ValueError"


def test_family_c_index_error_without_any_label():
    text = "# A report\n\n### Question 1\n\nno label here\n"
    view = checker.check(text, by_id("2026").checker)
    assert view.crash.startswith("IndexError")
    assert reference.run(text, "C", 31).crash == "IndexError"


def test_family_a_without_any_label_is_a_count_error():
    text = "x" * 50 + "\n### Question 1\n\nno label here\n"
    view = checker.check(text, by_id("2024").checker)
    assert view.crash.startswith("ValueError")


def test_last_answer_with_three_hashes_is_counted_twice():
    text = filled("2026").answer(31, words(60) + "\n\n### More\n\n" + words(10)).build()
    view = checker.check(text, by_id("2026").checker)
    assert view.crash.startswith("ValueError")
    assert len(view.answers) == 32
    assert view.answers[-1].appended_again and view.answers[-1].words > view.answers[-2].words


def test_double_hash_cuts_a_middle_answer():
    text = filled("2026").answer(12, words(10) + "\n```bash\n## a comment\n```\n" + words(60)).build()
    view = checker.check(text, by_id("2026").checker)
    assert view.answers[11].words == 10 + 1  # the ```bash token before the comment
    assert reference.run(text, "C", 31).words[11] == 11


def test_literal_label_drops_what_comes_before():
    text = filled("2026").answer(4, words(150) + "\nAnswer: " + words(10)).build()
    view = checker.check(text, by_id("2026").checker)
    assert view.answers[3].words == 10


def test_counted_span_matches_counts():
    text = filled("2026", "\r\n").answer(7, words(55) + "\r\n![x](figures/x.png)").build()
    view = checker.check(text, by_id("2026").checker)
    for a in view.answers:
        piece = text[a.counted.start : a.counted.end]
        assert checker.count_words(piece) == a.words
