"""Shared test fixtures: where ../shared is, and the synthetic report builder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def builder():
    from tests.builder import ReportBuilder

    return ReportBuilder
