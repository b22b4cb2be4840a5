"""Editions: the generated data is up to date, and every template is recognised as itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from mlops_report.editions import by_id, checkers, detect, editions, judge, runs
from mlops_report.editions.checkers import CHECKERS
from mlops_report.parse import parse
from tests.builder import ReportBuilder
from tests.conftest import ROOT, SHARED

TEMPLATES = SHARED / "templates"
TEMPLATE_FILES = sorted(TEMPLATES.glob("*_README.md")) if TEMPLATES.is_dir() else []
needs_templates = pytest.mark.skipif(not TEMPLATE_FILES, reason=f"no template folder at {TEMPLATES}")


# the checker on the course repository's main branch at each January hand-in (tags v2023january,
# v2024january, v2025january; January 2026 untagged at HEAD): the one that graded every report
FINAL_CHECKERS = {
    "January 2023": "2023-01-19_d1fc9de3",
    "January 2024": "2023-09-27_64ea22b7",
    "January 2025": "2025-01-08_d1b907d5",
    "January 2026": "2026-01-09_e3622b47",
}


def test_every_run_is_graded_by_its_final_checker():
    assert {r.name: r.checker for r in runs()} == FINAL_CHECKERS
    for r in runs():
        assert r.checker in checkers()
        assert by_id(r.alias).id == r.template and by_id(r.name).id == r.template


def test_every_edition_is_judged_by_the_final_checker_of_its_run():
    for e in editions():
        assert e.run is not None and e.checker.id == e.run.checker, e.id
        assert e.checker is checkers()[e.run.checker]


@pytest.mark.parametrize(
    "template, run",
    [
        ("2022-12-29_58831729", "January 2023"),  # its own report.py had no Q7 limit; the course's of 2023-01-19 had
        ("2023-09-27_64ea22b7", "January 2024"),
        ("2024-02-01_0902b07d", "January 2025"),  # after the 2024 hand-in: the next January
        ("2024-12-22_4eb18892", "January 2025"),
        ("2025-01-24_9c3875c2", "January 2025"),
        ("2026-01-04_1fa25710", "January 2026"),  # graded by e3622b47 (Q3 0-200), not its own date's 1fa25710
    ],
)
def test_a_template_belongs_to_the_run_of_the_next_hand_in(template, run):
    e = by_id(template)
    assert e.run.name == run
    assert run in e.label
    assert e.checker.id == FINAL_CHECKERS[run]


def test_the_2026_01_04_template_is_judged_with_q3_from_0():
    assert by_id("2026-01-04_1fa25710").limits[3].words == (0, 200)
    assert CHECKERS["2026-01-04_1fa25710"].limits[3].words == (100, 200)  # its own date's checker


def test_aliases_name_the_january_editions():
    assert by_id("2026").id == "2026-01-09_eb7305c5"
    assert by_id("2024").questions == 27
    assert by_id("eb7305c5").id == "2026-01-09_eb7305c5"
    assert by_id("nonsense") is None


@needs_templates
@pytest.mark.corpus
def test_data_json_is_generated_from_the_templates():
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report.editions.generate", str(TEMPLATES), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


@needs_templates
@pytest.mark.corpus
@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.name[:19])
def test_every_template_is_detected_as_itself(path):
    eid = re.match(r"(\d{4}-\d{2}-\d{2}_[0-9a-f]{8})", path.name).group(1)
    report = parse(path.read_text(encoding="utf-8"))
    d = detect(report)
    assert d.how == "fingerprint"
    assert d.edition.id == eid  # the introduction and checklist decide between identical question blocks
    assert d.ties == ()
    assert d.edition.checker.id == FINAL_CHECKERS[d.edition.run.name]


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
    assert d.edition.label == "unknown (newer than January 2026?)"
    judged = judge(d, "course")
    assert (judged.source, judged.label) == ("stated", "the limits the report states")


def _generate(folder, out):
    return subprocess.run(
        [sys.executable, "-m", "mlops_report.editions.generate", str(folder), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_editions_checks_a_saved_checker_against_its_record(tmp_path):
    from mlops_report.editions import Limits
    from tests.checkers import checker_source

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "2026-01-09_eb7305c5_README.md").write_text(ReportBuilder("2026").build(), encoding="utf-8")
    saved = folder / "2026-01-09_e3622b47_report.py"
    course = by_id("2026").checker
    saved.write_text(checker_source({**course.limits, 3: Limits(words=(100, 200))}, 31), encoding="utf-8")
    r = _generate(folder, tmp_path / "data.json")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "editions: 2026-01-09_e3622b47_report.py: its limits differ from the ones recorded "
        "for 2026-01-09_e3622b47 in editions/checkers.py"
    )
    saved.write_text(checker_source(course.limits, 31), encoding="utf-8")
    r = _generate(folder, tmp_path / "data.json")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    assert data["runs"] == {
        "January 2026": {
            "alias": "2026",
            "checker": "2026-01-09_e3622b47",
            "handin": "2026-01-19",
            "tag": None,
            "template": "2026-01-09_eb7305c5",
        }
    }
    assert data["checkers"] == {}  # a recorded checker is not written again
