"""Issue #5's keystroke path: after an edit inside one answer the engine re-parses one question,
recounts one checker chunk and reuses every other question's findings. Whatever it reuses, the
result must be exactly what a fresh analysis of the new text gives, for any keystroke a group
can make, including the ones that do break structure (those must fall back, not go wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_report import checker, parse
from mlops_report.analysis import Analyzer
from mlops_report.editions.checkers import CHECKERS
from mlops_report.text import LineIndex, Span, changed_range
from tests.builder import ReportBuilder, words
from tests.conftest import SHARED

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
                if got[1] is None:  # a checklist item
                    assert any(c.span.start <= edit[0] <= c.span.end for c in whole.checklist)
                else:
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


# -- typing outside answers: instruction blocks, heading lines, checklist items (issue #18) -------

# what typing there puts in: the keys above, and the digits and words that matter there (a
# question's number, a stated limit, a checkbox's mark)
PLACE_KEYS = [*KEYS, "5", "0", "1-2", "x", "X", "[", "] ", " words", "Question", "figures", "- [ ] "]
PLACES = ("instructions", "heading", "checklist")


def places(report: parse.Report) -> dict[str, list[Span]]:
    """Where each kind of typing lands: an instruction block (from after the heading line to
    its label), a question's heading line after its first character, a checklist item's line."""
    return {
        "instructions": [q.instructions.span for q in report.questions],
        "heading": [Span(q.heading.span.start + 1, q.heading.span.end) for q in report.questions],
        "checklist": [c.span for c in report.checklist],
    }


@st.composite
def typing_anywhere(draw, max_steps: int = 10) -> list[str]:
    """A report, then the texts after each keystroke into instruction blocks, heading lines and
    checklist items (sometimes a deletion, sometimes anywhere)."""
    text = draw(st.one_of(base_report(), mutated_report(max_edits=2).map(lambda p: p[1])))
    texts = [text]
    for _ in range(draw(st.integers(1, max_steps))):
        spans = places(parse.parse(text))[draw(st.sampled_from(PLACES))]
        if spans and draw(st.integers(0, 5)):
            s = draw(st.sampled_from(spans))
            at = draw(st.integers(s.start, s.end))
        else:
            at = draw(st.integers(0, len(text)))
        cut = draw(st.one_of(st.just(0), st.just(0), st.integers(0, 3), st.integers(0, 30)))
        key = draw(st.one_of(st.sampled_from(PLACE_KEYS), st.sampled_from(SNIPPETS), st.just("")))
        text = text[:at] + key + text[min(len(text), at + cut) :]
        texts.append(text)
    return texts


def whole_snapshot(a) -> tuple:
    """``snapshot`` and what detection and the checker decided."""
    view = (a.view.answers, a.view.dropped, a.view.crash, a.view.crash_at) if a.view else None
    return (snapshot(a), a.detection, a.judge, a.crash, view)


@given(typing_anywhere())
def test_reparse_anywhere_equals_parse(texts):
    prev = parse.parse(texts[0])
    for text in texts[1:]:
        edit = changed_range(prev.text, text)
        whole = parse.parse(text)
        got = parse.reparse(prev, text, *edit) if edit is not None else None
        if got is not None:
            CASES[f"incremental.reparse.{'checklist' if got[1] is None else 'question'}"] += 1
            assert report_snapshot(got[0]) == report_snapshot(whole)
        prev = whole


@given(typing_anywhere(), disks)
def test_typing_anywhere_analysis_equals_fresh(texts, disk):
    """A warm analyzer fed every keystroke into instructions, headings and the checklist answers
    as a new analyzer does, down to the edition detected and the checker's every answer."""
    warm = Analyzer()
    for text in texts:
        got = warm.analyse(text, disk=disk)
        assert whole_snapshot(got) == whole_snapshot(fresh(text, disk=disk))
        assert report_snapshot(got.report) == report_snapshot(parse.parse(text))
    CASES["incremental.anywhere"] += len(texts)


def _type(analyzer: Analyzer, text: str, at: int, typed: str) -> tuple[str, list]:
    """``typed`` entered one character at a time at ``at``: the texts and their analyses."""
    out = []
    for k, ch in enumerate(typed):
        text = text[: at + k] + ch + text[at + k :]
        out.append(analyzer.analyse(text))
    return text, out


def test_a_keystroke_in_a_checklist_item_reuses_every_question():
    text = ReportBuilder("2025").answer(3, words(30)).answer(12, words(60)).build()
    analyzer = Analyzer()
    before = analyzer.analyse(text)
    item = before.report.checklist[4]
    typed, analyses = _type(analyzer, text, item.span.end, " and a note")
    after = analyses[-1]
    assert all(a is b for a, b in zip(after.questions, before.questions, strict=True))  # moved, not run again
    assert after.report.checklist[4].text == item.text + " and a note"
    assert whole_snapshot(after) == whole_snapshot(fresh(typed))
    # a mark typed between the brackets: the checkbox rules see it at once
    at = after.report.checklist[2].mark_span.start + 1
    ticked = typed[:at] + "x" + typed[at + 1 :]
    assert whole_snapshot(analyzer.analyse(ticked)) == whole_snapshot(fresh(ticked))


def test_a_keystroke_in_an_instruction_block_runs_that_question_again():
    text = ReportBuilder("2026").answer(5, words(80)).answer(20, words(40)).build()
    analyzer = Analyzer()
    before = analyzer.analyse(text)
    q = before.report.question(10)
    at = q.instructions.span.start + 10
    typed, analyses = _type(analyzer, text, at, "ab")
    after = analyses[-1]
    i = before.report.questions.index(q)
    # the question edited runs again; the one whose checker chunk holds its instructions is
    # recounted, but the chunk is cut at the heading above them, so its counts stay and it is kept
    assert [j for j, (a, b) in enumerate(zip(after.questions, before.questions, strict=True)) if a is not b] == [i]
    assert whole_snapshot(after) == whole_snapshot(fresh(typed))


def test_a_keystroke_in_a_heading_line_runs_that_question_again():
    text = ReportBuilder("2024").answer(5, words(80)).build()
    analyzer = Analyzer()
    before = analyzer.analyse(text)
    q = before.report.question(7)
    typed, analyses = _type(analyzer, text, q.heading.span.end, " (our setup)")
    after = analyses[-1]
    i = before.report.questions.index(q)
    # the chunk before holds the heading line, after its cut: recounted, the same counts, kept
    assert [j for j, (a, b) in enumerate(zip(after.questions, before.questions, strict=True)) if a is not b] == [i]
    assert after.report.question(7).heading.title == "Question 7 (our setup)"
    assert whole_snapshot(after) == whole_snapshot(fresh(typed))
    # a digit after the number makes another question: that falls back, and stays right
    renumbered = typed[: q.heading.span.end] + "0" + typed[q.heading.span.end :]
    assert whole_snapshot(analyzer.analyse(renumbered)) == whole_snapshot(fresh(renumbered))


def _real_reports() -> list[str]:
    """The real reports in ../shared (template text, so detection goes by fingerprints), else
    the bundled example."""
    found = sorted((SHARED / "reports").glob("*/reports/README.md"))
    paths = found or [Path(__file__).resolve().parents[2] / "examples" / "reports" / "README.md"]
    return [p.read_text(encoding="utf-8").removeprefix("\ufeff") for p in paths if p.is_file()]


@pytest.mark.parametrize("place", PLACES)
def test_typing_into_real_reports_equals_fresh(place):
    """On reports written on the course's templates: a character of an instruction block,
    heading or checklist item deleted (the text no longer the template's), typed back (the
    template's again), then words typed; after every keystroke warm equals fresh."""
    texts = _real_reports()
    assert texts
    for text in texts:
        analyzer = Analyzer()
        analyzer.analyse(text)
        spans = places(parse.parse(text))[place]
        for s in (spans[0], spans[len(spans) // 2], spans[-1]):
            at = (s.start + s.end) // 2
            steps = [text[:at] + text[at + 1 :], text]
            steps += [text[:at] + " new"[: k + 1] + text[at:] for k in range(4)]
            for step in steps:
                got = analyzer.analyse(step)
                assert whole_snapshot(got) == whole_snapshot(fresh(step)), (place, at)
            text = steps[-1]


# -- the diagnostics a keystroke converts (issue #18) --------------------------------------------


def _shown(converted) -> list[tuple]:
    """What a client shows of converted diagnostics, in a stable order."""
    return sorted(
        (
            d.code,
            d.message,
            int(d.severity or 0),
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
            tuple(d.tags or ()),
            tuple((r.location.uri, r.location.range.start.line, r.message) for r in d.related_information or ()),
        )
        for d in converted.items
    )


def _edited(doc, text: str):
    """``doc`` after the one edit that makes ``text`` of it, sent as a client sends it."""
    from lsprotocol import types

    edit = changed_range(doc.text, text)
    if edit is None:
        return doc
    start, old_end, new_end = edit
    old = doc.text
    if 0 < start < len(old) and old[start - 1 : start + 1] == "\r\n":  # no position lies inside a CRLF
        start -= 1
    if 0 < old_end < len(old) and old[old_end - 1 : old_end + 1] == "\r\n":
        old_end, new_end = old_end + 1, new_end + 1
    change = types.TextDocumentContentChangePartial(
        range=types.Range(doc.position(start), doc.position(old_end)), text=text[start:new_end]
    )
    return doc.changed([change], (doc.version or 0) + 1)


@given(st.one_of(typing(), typing_anywhere()), disks, st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_typing_diagnostics_equal_fresh(texts, disk, encoding):
    """The server's diagnostics after every keystroke (the questions and checks not analysed
    again taken over from the last conversion, whole) are those of a fresh conversion of a
    fresh analysis, position for position, in every encoding."""
    from mlops_report.lsp.diagnostics import convert
    from mlops_report.lsp.documents import Document

    warm = Analyzer()
    doc = Document("file:///r/reports/README.md", 1, texts[0], encoding=encoding)
    converted = convert(doc, warm.analyse(doc.text, disk=disk), True)
    for text in texts[1:]:
        doc = _edited(doc, text)
        assert doc.text == text
        converted = convert(doc, warm.analyse(text, disk=disk), True, converted)
        again = Document(doc.uri, doc.version, text, encoding=encoding)
        assert _shown(converted) == _shown(convert(again, fresh(text, disk=disk), True))
    CASES["incremental.diagnostics"] += len(texts)
