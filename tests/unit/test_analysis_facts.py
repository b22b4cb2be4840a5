"""What the hover, the lens, the status and the CLI show is computed once, by the analysis:
the reasons a count differs, whether edited instructions can be restored, the crash's cause
(beside the checker's own message and place, which the analysis leaves as the checker has
them)."""

from __future__ import annotations

from mlops_report import checker
from mlops_report.analysis import Analyzer
from tests.builder import ReportBuilder, words


def filled() -> ReportBuilder:
    return ReportBuilder("2026").fill_all()


def status_of(analysis, number: int):
    return next(s for s in analysis.questions if s.number == number)


def test_a_crash_keeps_the_checkers_place_and_adds_its_cause():
    text = filled().heading(5, "## Question 5").build()
    analysis = Analyzer().analyse(text)
    alone = checker.check(text, analysis.view.spec)
    assert (analysis.view.crash, analysis.view.crash_at) == (alone.crash, alone.crash_at)
    assert text[analysis.crash.span.start :].startswith("## Question 5")
    assert "question 5's heading does not start with '###'" in analysis.crash.why
    (finding,) = [f for f in analysis.findings if f.code == "checker-crash"]
    assert (finding.span, analysis.crash.why in finding.message) == (analysis.crash.span, True)
    assert Analyzer().analyse(filled().build()).crash is None


def test_the_reasons_a_count_differs_are_the_word_count_findings():
    text = filled().answer(5, "Zebra " + words(89) + "\n\n--- question 5 fill here ---").build()
    analysis = Analyzer().analyse(text)
    s = status_of(analysis, 5)
    assert (s.words, s.checker_words, s.differences) == (90, 96, ("the placeholder counts 6",))
    (f,) = [f for f in analysis.findings if f.code == "word-count"]
    assert f.message.endswith(f"words; {'; '.join(s.differences)})")
    assert status_of(analysis, 6).differences == ()


def test_edited_instructions_are_restorable_only_with_the_originals():
    b = filled()
    original = b.build()
    text = b.instructions(5, "> **Tell us something else.**\n>\n> Answer:").build()
    first = Analyzer().analyse(text)
    assert (status_of(first, 5).edited, status_of(first, 5).restorable) == (True, False)
    assert (status_of(first, 6).edited, status_of(first, 6).restorable) == (False, False)
    from mlops_report.parse import parse

    originals = {q.number: q.instructions.text for q in parse(original).questions}
    second = Analyzer().analyse(text, originals=originals)
    assert (status_of(second, 5).edited, status_of(second, 5).restorable) == (True, True)


def test_failing_lists_the_answers_the_checker_fails():
    analysis = Analyzer().analyse(filled().answer(7, words(30)).build())
    assert analysis.failing == [7]
    assert Analyzer().analyse(filled().build()).failing == []
