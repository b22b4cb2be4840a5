"""Issue "Safe on any repository and any text", part 4: a number of thousands of digits in a
heading or a length line is a finding, not an exception (Python refuses to convert more than
4 300 digits, and the whole analysis used to raise)."""

from __future__ import annotations

import subprocess
import sys

from mlops_report.analysis import Analyzer
from mlops_report.parse import parse
from tests.builder import ReportBuilder

HUGE = "9" * 5_000


def _report() -> ReportBuilder:
    b = ReportBuilder("2026").fill_all().heading(5, f"### Question {HUGE}")
    return b.instructions(7, b._instruction_block(7).replace("50-100", f"{HUGE}-100"))


def test_a_huge_question_number_is_an_unrecognised_heading_and_a_huge_limit_no_limit():
    report = parse(_report().build())
    assert 5 not in [q.number for q in report.questions]
    assert report.question(7).instructions.stated_words is None
    codes = {(f.code, f.question) for f in Analyzer().analyse(_report().build()).findings}
    assert ("question-missing", 5) in codes
    assert ("instructions-edited", 7) in codes


def test_six_digits_are_still_a_number():
    b = ReportBuilder("2026").fill_all().heading(5, "### Question 999999")
    b.instructions(7, b._instruction_block(7).replace("50-100", "50-999999"))
    report = parse(b.build())
    assert 999999 in [q.number for q in report.questions]
    assert report.question(7).instructions.stated_words == (50, 999999)


def test_cli_prints_findings_for_huge_numbers(tmp_path):
    path = _report().write(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "question-missing Question 5 is missing" in proc.stdout
    assert "report.py check will" in proc.stdout
