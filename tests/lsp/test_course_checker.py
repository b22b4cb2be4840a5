"""The server names the checker that judges, honours ``mlopsReport.checker`` and judges a report of
a run newer than our data with the group's own reports/report.py (read as data)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from mlops_report.editions import Limits, by_id
from tests.builder import ReportBuilder, words
from tests.checkers import checker_source

from .conftest import Session
from .test_hover import hover_at

COURSE = by_id("2026").checker.limits
OLD_Q3 = {**COURSE, 3: Limits(words=(100, 200))}


def with_copy(tmp_path, builder: ReportBuilder, limits: dict) -> object:
    path = builder.write(tmp_path)
    (path.parent / "report.py").write_text(checker_source(limits, 31), encoding="utf-8")
    return path


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def test_hover_names_the_course_run_and_the_copy_that_differs(client, session: Session, tmp_path):
    path = with_copy(tmp_path, ReportBuilder("2026").fill_all().answer(3, words(68)), OLD_Q3)
    uri = session.open_file(path)
    diagnostics = await session.diagnostics(uri)
    (differs,) = [d for d in diagnostics if d.code == "checker-differs"]
    assert differs.severity == types.DiagnosticSeverity.Information
    assert (
        differs.message == "your reports/report.py: Q3 100-200 words; the January 2026 course checker: Q3 0-200 words"
    )
    value = await hover_at(client, session, uri, "### Question 3", 4)
    assert "0–200 words" in value
    assert "(edition January 2026, judged by the January 2026 course checker)" in value
    assert "✓ **passes**" in value


@pytest.mark.init_options({"checker": "local"})
async def test_the_checker_setting_chooses_the_groups_copy(client, session: Session, tmp_path):
    path = with_copy(tmp_path, ReportBuilder("2026").fill_all().answer(3, words(68)), OLD_Q3)
    uri = session.open_file(path)
    diagnostics = await session.diagnostics(uri)
    assert "word-count" in codes(diagnostics)
    value = await hover_at(client, session, uri, "### Question 3", 4)
    assert "100–200 words" in value
    assert "judged by your reports/report.py (the same as the January 2025 course checker)" in value
    assert "✗ **fails** report.py check: add 32 words" in value


async def test_a_newer_template_with_its_report_py_works_without_a_release(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(3, words(120))
    b.instructions(
        3,
        "> **Tell us, in a new way, about part 3 of the project.**\n>\n"
        "> Recommended answer length: 50-150 words.\n>\n> Answer:",
    )
    uri = session.open_file(with_copy(tmp_path, b, {**COURSE, 3: Limits(words=(50, 150))}))
    diagnostics = await session.diagnostics(uri)
    assert not [c for c in codes(diagnostics) if c in ("instructions-edited", "word-count", "checker-crash")]
    value = await hover_at(client, session, uri, "### Question 3", 4)
    assert "50–150 words" in value
    assert "(edition newer than January 2026, judged by your reports/report.py, for a run newer than our data)" in value
