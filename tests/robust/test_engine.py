"""Issue #6, engine half: analysis survives any text, keeps its spans inside the document,
gives the same answer warm and cold, and agrees with an independent model of report.py."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from mlops_report import checker, parse
from mlops_report.analysis import Analyzer
from mlops_report.editions.checkers import CHECKERS
from mlops_report.text import LineIndex
from tests import reference

from .conftest import CASES
from .strategies import any_text, base_report, disks, hostile_text, mutated_report


def _inside(span, n: int, what) -> None:
    assert 0 <= span.start <= span.end <= n, f"{what}: {span} outside a document of {n} characters"


def assert_spans_inside(text: str, analysis) -> None:
    n = len(text)
    r = analysis.report
    for h in r.sections:
        _inside(h.span, n, h)
    for q in r.questions:
        for s in (
            q.span,
            q.heading.span,
            q.instructions.span,
            q.answer.span,
            *q.answer.placeholders,
            *q.answer.labels,
            *(q.answer.wrapper or ()),
        ):
            _inside(s, n, f"question {q.number}")
        for f in q.answer.figures:
            _inside(f.span, n, f)
            _inside(f.target_span, n, f)
        for b in q.answer.blocks:
            _inside(b.span, n, b)
    for item in r.checklist:
        _inside(item.span, n, item)
        _inside(item.mark_span, n, item)
    for f in analysis.findings:
        _inside(f.span, n, f)
        for fix in f.fixes:
            for e in fix.edits:
                _inside(e.span, n, (f.code, fix.title))
    if analysis.view is not None:
        for a in analysis.view.answers + analysis.view.dropped:
            _inside(a.chunk, n, a)
            _inside(a.counted, n, a)
        if analysis.view.crash_at is not None:
            assert 0 <= analysis.view.crash_at <= n


def snapshot(analysis) -> tuple:
    """Everything a client sees of an analysis, comparable with ==."""
    return (
        [
            (f.code, f.severity, f.question, f.span, f.message, f.fixes, sorted(f.data.items()))
            for f in analysis.findings
        ],
        analysis.questions,
        analysis.edition.id if analysis.edition else None,
        (analysis.view.crash, analysis.passing) if analysis.view else None,
    )


def fresh(text: str, **kw):
    parse._parse_segment.cache_clear()
    return Analyzer().analyse(text, **kw)


@given(st.one_of(any_text, hostile_text()))
def test_any_text_analyses(text):
    CASES["engine.any_text"] += 1
    a = Analyzer().analyse(text)
    assert_spans_inside(text, a)
    lines = LineIndex(text)
    for off in (0, len(text) // 2, len(text)):
        line, col = lines.position(off)
        assert lines.offset(line, col) == off


@given(mutated_report(), disks)
def test_mutated_reports_analyse_with_spans_inside(pair, disk):
    CASES["engine.mutated"] += 1
    _, text = pair
    a = Analyzer().analyse(text, disk=disk)
    assert_spans_inside(text, a)


@given(mutated_report(), disks, st.integers(1, 3))
def test_warm_analysis_equals_fresh(pair, disk, steps):
    """An analyzer that saw the report before the edits answers as a new one does."""
    CASES["engine.incremental"] += 1
    base, text = pair
    warm = Analyzer()
    warm.analyse(base, disk=disk)
    # pass through intermediate states too, as a typing group does
    for k in range(1, steps):
        cut = len(text) * k // steps
        warm.analyse(text[:cut] + base[cut:], disk=disk)
    got = warm.analyse(text, disk=disk)
    assert snapshot(got) == snapshot(fresh(text, disk=disk))


# the reference is written as plainly as report.py and backtracks as report.py does: small pastes
@given(st.one_of(mutated_report(hostile=200).map(lambda p: p[1]), any_text, hostile_text(200)))
def test_checker_view_equals_reference(text):
    CASES["engine.checker"] += 1
    for spec in CHECKERS.values():
        view = checker.check(text, spec)
        ref = reference.run(text, spec.family, spec.expected)
        if ref.crash is not None:
            assert view.crashes, (spec.id, ref)
            assert view.crash.startswith(ref.crash), (spec.id, view.crash, ref)
            continue
        assert not view.crashes, (spec.id, view.crash)
        assert [(a.words, a.images) for a in view.answers] == list(zip(ref.words, ref.images, strict=True)), spec.id
        assert view.passed == reference.passed(ref, spec.limits), spec.id


@given(base_report(), hostile_text(20_000), st.integers(1, 31), disks)
def test_a_hostile_paste_in_an_answer_is_analysed_in_time(text, paste, n, disk):
    """Seconds allowed where a linear analysis takes milliseconds: a freeze, not a slow machine."""
    CASES["engine.hostile"] += 1
    report = parse.parse(text)
    q = report.question(n) or (report.questions[-1] if report.questions else None)
    at = q.answer.span.end if q is not None else len(text)
    text = text[:at] + "\n\n" + paste + "\n\n" + text[at:]
    start = time.perf_counter()
    a = Analyzer().analyse(text, disk=disk)
    took = time.perf_counter() - start
    assert took < 3.0, f"{took:.1f} s"
    assert_spans_inside(text, a)
