"""Issue #12: "fix all" never costs a verdict. Applying every fix it chooses never lowers the
number of questions the course's checker passes, never fails a question that passed, and never
makes a report the checker reads crash; on the real reports (../shared, when present) hit by
random edits, and on built reports with traps and mutations."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from mlops_report import checker
from mlops_report.analysis import Analyzer
from mlops_report.cli import read_report
from mlops_report.findings import apply_edits
from mlops_report.rules import consequences
from tests.conftest import SHARED

from .conftest import CASES
from .strategies import apply, disks, edit, mutated_report
from .test_fixes import report_with_traps

REAL = [read_report(p) for p in sorted(SHARED.glob("reports/*/reports/README.md"))] if SHARED.is_dir() else []


def check_fix_all(text: str, disk) -> int:
    analysis = Analyzer().analyse(text, disk=disk)
    if analysis.view is None:
        return 0
    chosen = consequences.fix_all(analysis)
    edits = [e for fix in chosen for e in fix.edits]
    spans = sorted((e.span.start, e.span.end) for e in edits)
    assert all(a[1] <= b[0] for a, b in pairwise(spans)), "fix all chose overlapping edits"
    before = analysis.view
    after = checker.check(apply_edits(text, edits), before.spec)
    if not before.crashes:
        assert not after.crashes, ([f.title for f in chosen], after.crash)
        assert after.passed >= before.passed, [f.title for f in chosen]
        lost = [
            a.position
            # a checker that expects no count (the draft) may see more or fewer answers after the fixes
            for a, v, w in zip(before.answers, before.verdicts, after.verdicts, strict=False)
            if v.passed and not w.passed
        ]
        assert not lost, (lost, [f.title for f in chosen])
    return len(chosen)


@st.composite
def real_report(draw) -> str:
    text = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(0, 4))):
        text = apply(text, draw(edit(len(text))))
    return text


if REAL:

    @given(real_report(), disks)
    def test_fix_all_on_the_real_reports(text, disk):
        CASES["fix-all.real"] += check_fix_all(text, disk)


@given(report_with_traps(), disks)
def test_fix_all_on_reports_with_traps(text, disk):
    CASES["fix-all.traps"] += check_fix_all(text, disk)


@given(mutated_report(), disks)
def test_fix_all_on_mutated_reports(pair, disk):
    CASES["fix-all.mutated"] += check_fix_all(pair[1], disk)


def test_fix_all_on_each_real_report_as_it_is():
    for text in REAL:
        check_fix_all(text, None)
