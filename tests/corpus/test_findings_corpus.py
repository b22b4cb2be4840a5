"""What a group sees on a real report: one finding per cause, each on the text that causes it
(../shared/reports/2026-audio-emotion)."""

from __future__ import annotations

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.cli import read_report
from tests.conftest import SHARED

REPORT = SHARED / "reports" / "2026-audio-emotion" / "reports" / "README.md"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not REPORT.is_file(), reason=f"no real report at {REPORT}"),
]


def _analysis():
    return Analyzer().analyse(read_report(REPORT), REPORT)


def test_one_finding_per_cause():
    a = _analysis()
    found = sorted(a.findings, key=lambda f: (f.span.start, f.span.end))
    for f, g in zip(found, found[1:]):
        assert f.span.end <= g.span.start, (f.code, g.code, f.message, g.message)  # no cause told twice
    for q in range(1, 32):
        codes = [f.code for f in a.findings if f.question == q]
        if "unanswered" in codes:
            assert codes == ["unanswered"], (q, codes)
    assert len([f for f in a.findings if f.code == "unanswered"]) == 6


def test_no_range_is_longer_than_the_line_that_causes_it():
    a = _analysis()
    lines = a.report.lines
    for f in a.findings:
        if f.code == "answer-truncated":  # the checker's cut runs to the end of the answer's line
            continue
        line = lines.line_of(f.span.start)
        assert f.span.end <= lines.line_end(line), (f.code, f.message)
        text = a.report.text[f.span.start : f.span.end]
        assert text.strip() and len(text) < 120, (f.code, text)


def test_every_failing_question_is_named_once():
    a = _analysis()
    failing = {q.number for q in a.questions if q.status in ("fail", "unanswered")}
    said = [f.question for f in a.findings if f.code in ("word-count", "image-count")
            or (f.code == "unanswered" and f.data["fails"])]
    assert sorted(said) == sorted(failing)
