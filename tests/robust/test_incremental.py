"""Issue #5's keystroke path: after an edit inside one answer the engine re-parses one question,
recounts one checker chunk and reuses every other question's findings. Whatever it reuses, the
result must be exactly what a fresh analysis of the new text gives, for any keystroke a group
can make, including the ones that do break structure (those must fall back, not go wrong)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mlops_report import checker, parse
from mlops_report.analysis import Analyzer
from mlops_report.editions.checkers import CHECKERS
from mlops_report.text import LineIndex, changed_range
from tests.builder import ReportBuilder, words

from .conftest import CASES
from .strategies import SNIPPETS, base_report, disks, mutated_report
from .test_engine import fresh, snapshot

# what typing puts into an answer: mostly letters and spaces, sometimes a piece that matters to
# markdown or to the checker
KEYS = [
    "a",
    "e",
    " ",
    " ",
    "word",
    ".",
    ",",
    "\n",
    "\n\n",
    "#",
    "##",
    "###",
    "`",
    "```",
    "~~~",
    "Answer:",
    ":",
    "|",
    "[",
    "]",
    "]: figures/x.png",
    "!",
    "![x](figures/q14_0.png)",
    "\r",
    "\r\n",
    '<img src="figures/q19_0.png">',
    "-",
    "---",
    "*",
    ">",
    "    ",
    "\t",
    "é",
    "😀",
    "\u2028",
]


@st.composite
def typing(draw, max_steps: int = 12) -> list[str]:
    """A report, then the texts after each keystroke: most land inside an answer, some anywhere."""
    text = draw(st.one_of(base_report(), mutated_report(max_edits=2).map(lambda p: p[1])))
    texts = [text]
    for _ in range(draw(st.integers(1, max_steps))):
        report = parse.parse(text)
        if report.questions and draw(st.integers(0, 4)):
            q = report.questions[draw(st.integers(0, len(report.questions) - 1))]
            a = q.answer.span
            at = draw(st.integers(a.start, a.end))
        else:
            at = draw(st.integers(0, len(text)))
        cut = draw(st.one_of(st.just(0), st.just(0), st.integers(0, 3), st.integers(0, 60)))
        key = draw(st.one_of(st.sampled_from(KEYS), st.sampled_from(SNIPPETS), st.just("")))
        text = text[:at] + key + text[min(len(text), at + cut) :]
        texts.append(text)
    return texts


def report_snapshot(r: parse.Report) -> tuple:
    """Everything the parse says, with every question's instructions and answer placed."""
    return (
        r.text,
        r.lines.starts,
        r.front_matter,
        r.title,
        r.sections,
        r.checklist,
        r.checklist_groups,
        r.references,
        r.introduction,
        [(q.number, q.heading, q.section, q.span, q.instructions, q.answer) for q in r.questions],
    )


@given(typing())
def test_reparse_equals_parse(texts):
    prev = parse.parse(texts[0])
    for text in texts[1:]:
        edit = changed_range(prev.text, text)
        whole = parse.parse(text)
        if edit is not None:
            got = parse.reparse(prev, text, *edit)
            if got is not None:
                CASES["incremental.reparse"] += 1
                assert report_snapshot(got[0]) == report_snapshot(whole)
                assert whole.questions[got[1]].span.start <= edit[0] <= whole.questions[got[1]].span.end
        prev = whole


@given(typing(max_steps=6))
def test_recheck_equals_check(texts):
    for spec in CHECKERS.values():
        old = texts[0]
        view = checker.check(old, spec)
        for text in texts[1:]:
            whole = checker.check(text, spec)
            edit = changed_range(old, text)
            if edit is not None:
                got = checker.recheck(view, old, text, *edit)
                if got is not None:
                    CASES["incremental.recheck"] += 1
                    new, recounted = got
                    assert (new.answers, new.dropped, new.crash, new.crash_at) == (
                        whole.answers,
                        whole.dropped,
                        whole.crash,
                        whole.crash_at,
                    )
                    assert all(
                        a.label in recounted
                        for a, b in zip(view.answers, new.answers, strict=True)  # no Answer: made or broken
                        if (a.words, a.images) != (b.words, b.images)
                    )
            old, view = text, whole


@given(typing(), disks)
def test_typing_analysis_equals_fresh(texts, disk):
    """A warm analyzer fed every keystroke answers as a new analyzer does for the last text."""
    warm = Analyzer()
    for text in texts:
        got = warm.analyse(text, disk=disk)
        assert snapshot(got) == snapshot(fresh(text, disk=disk))
        assert report_snapshot(got.report) == report_snapshot(parse.parse(text))
    CASES["incremental.analyses"] += len(texts)


def test_a_keystroke_in_an_answer_reuses_the_rest_of_the_report():
    b = ReportBuilder("2026")
    b.answer(5, words(80)).answer(20, words(40)).figures(14, "figures/q14_0.png")
    text = b.build()
    analyzer = Analyzer()
    before = analyzer.analyse(text)
    at = before.report.question(20).answer.span.start + 10
    after = analyzer.analyse(text[:at] + "x" + text[at:])
    assert after.report.questions[0] is before.report.questions[0]  # above the edit: the same
    assert after.questions[0] is before.questions[0]
    assert after.report.question(21).shape is before.report.question(21).shape  # below: moved, not parsed
    assert after.report.question(21).span.start == before.report.question(21).span.start + 1
    assert snapshot(after) == snapshot(fresh(text[:at] + "x" + text[at:]))


def test_enter_inside_an_answer_moves_the_lines_below():
    text = ReportBuilder("2025").answer(3, words(30)).build()
    analyzer = Analyzer()
    before = analyzer.analyse(text)
    at = before.report.question(3).answer.span.start + 20
    typed = text[:at] + "\n\n" + text[at:]
    after = analyzer.analyse(typed)
    assert [s.line for s in after.questions[3:]] == [s.line + 2 for s in before.questions[3:]]
    assert after.report.lines.starts == LineIndex(typed).starts
    assert snapshot(after) == snapshot(fresh(typed))
