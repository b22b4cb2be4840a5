"""What a group sees on a real report: one finding per cause, each on the text that causes it
(../shared/reports/2026-audio-emotion)."""

from __future__ import annotations

from itertools import pairwise

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
    for f, g in pairwise(found):
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
    said = [
        f.question
        for f in a.findings
        if f.code in ("word-count", "image-count") or (f.code == "unanswered" and f.data["fails"])
    ]
    assert sorted(said) == sorted(failing)


# -- the fixes a newcomer met on the real reports -------------------------------------------------

from mlops_report.findings import apply_edits  # noqa: E402
from mlops_report.rules import consequences  # noqa: E402

T_2024 = SHARED / "reports" / "2024-timeseries" / "reports" / "README.md"


def _offered(analysis, code: str, question: int):
    (f,) = [f for f in analysis.findings if f.code == code and f.question == question]
    fix = f.fixes[0]
    return fix, consequences.judged(fix, consequences.consequence(analysis, fix))


def _fix_all_keeps_every_verdict(analysis) -> str:
    chosen = consequences.fix_all(analysis)
    text = apply_edits(analysis.report.text, [e for fix in chosen for e in fix.edits])
    after = Analyzer().analyse(text)
    before = {q.number: q.status for q in analysis.questions}
    assert not [q.number for q in after.questions if before[q.number] == "pass" and q.status != "pass"]
    assert after.passing >= analysis.passing
    return text


def test_q22_of_2026_keeps_its_placeholder_and_its_pass():
    a = _analysis()
    assert a.questions[21].status == "pass" and a.questions[21].checker_words == 103
    fix, offered = _offered(a, "placeholder-left", 22)
    assert offered.title == "Remove the placeholder: Q22 drops to 97 words, 3 under 100" and not offered.safe
    assert fix not in consequences.fix_all(a)
    text = _fix_all_keeps_every_verdict(a)
    assert text.count("--- question 22 fill here ---") == 1


@pytest.mark.skipif(not T_2024.is_file(), reason=f"no real report at {T_2024}")
def test_q25_of_2024_keeps_its_dashes_and_its_pass():
    a = Analyzer().analyse(read_report(T_2024), T_2024)
    assert a.questions[24].status == "pass" and a.questions[24].checker_words == 201
    (wrapped,) = [f for f in a.findings if f.code == "answer-wrapped" and f.question == 25]
    assert wrapped.severity == "warning"  # its verdict depends on the dashes
    fix, offered = _offered(a, "answer-wrapped", 25)
    assert offered.title == "Remove the --- dashes: Q25 drops to 199 words, 1 under 200" and not offered.safe
    assert fix not in consequences.fix_all(a)
    # the other answers' dashes decide nothing: information, and fix all removes them
    quiet = [f for f in a.findings if f.code == "answer-wrapped" and f.question != 25]
    assert quiet and all(f.severity == "information" for f in quiet)
    _fix_all_keeps_every_verdict(a)
