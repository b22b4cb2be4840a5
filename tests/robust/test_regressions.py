"""Crashes and lost bytes the robustness tests found, each pinned by its smallest input."""

from __future__ import annotations

from mlops_report.analysis import Analyzer
from tests.builder import ReportBuilder


def test_lone_surrogate_in_instructions_does_not_crash_detection():
    # a client may send "\ud800" in JSON; fingerprinting encoded it as strict UTF-8 and raised
    text = ReportBuilder("2026").build().replace("> Answer:", "> \ud800 Answer:", 1)
    a = Analyzer().analyse(text)
    assert a.is_report
