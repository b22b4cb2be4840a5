"""Editions: the generated data is up to date, and every template is recognised as itself."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mlops_report.editions import by_id, detect, editions
from mlops_report.editions.checkers import CHECKERS, PAIRING
from mlops_report.parse import parse
from tests.builder import ReportBuilder, words
from tests.conftest import ROOT, SHARED

TEMPLATES = SHARED / "templates"
TEMPLATE_FILES = sorted(TEMPLATES.glob("*_README.md")) if TEMPLATES.is_dir() else []
needs_templates = pytest.mark.skipif(not TEMPLATE_FILES, reason=f"no template folder at {TEMPLATES}")


def test_every_pairing_has_data_and_a_checker():
    known = {e.id for e in editions()}
    assert known == set(PAIRING)
    for checker_id, _aliases, _label in PAIRING.values():
        assert checker_id in CHECKERS


def test_aliases_name_the_january_editions():
    assert by_id("2026").id == "2026-01-09_eb7305c5"
    assert by_id("2024").questions == 27
    assert by_id("eb7305c5").id == "2026-01-09_eb7305c5"
    assert by_id("nonsense") is None


@needs_templates
@pytest.mark.corpus
def test_data_json_is_generated_from_the_templates():
    run = subprocess.run([sys.executable, "-m", "mlops_report.editions.generate", str(TEMPLATES), "--check"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@needs_templates
@pytest.mark.corpus
@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.name[:19])
def test_every_template_is_detected_as_itself(path):
    eid = re.match(r"(\d{4}-\d{2}-\d{2}_[0-9a-f]{8})", path.name).group(1)
    report = parse(path.read_text(encoding="utf-8"))
    d = detect(report)
    checker_id = PAIRING[eid][0]
    assert len(report.questions) == d.edition.questions
    assert d.edition.checker.limits == CHECKERS[checker_id].limits
    assert d.edition.checker.expected == CHECKERS[checker_id].expected
    assert d.how == "fingerprint"


def test_override_wins():
    report = parse(ReportBuilder("2026").fill_all().build())
    assert detect(report, "2025").edition.id == by_id("2025").id
    assert detect(report, "2025").how == "setting"


def test_synthetic_reports_are_recognised_by_shape():
    for name in ("2023", "2024", "2025", "2026"):
        report = parse(ReportBuilder(name).fill_all().build())
        d = detect(report)
        assert d.edition.limits == by_id(name).limits, name
        assert d.edition.questions == by_id(name).questions, name


def test_unknown_edition_uses_the_stated_limits():
    b = ReportBuilder("2026").fill_all()
    b.count = 12  # a shape no edition has
    text = b.build()
    report = parse(text)
    d = detect(report)
    assert d.how == "stated" and d.edition.id == "unknown"
    assert d.edition.checker.expected == 12
    assert d.edition.limits[4].words == by_id("2026").stated[4].words
