"""``mlops-report check --checker course|local|ID`` as a real process: which checker judges, how
the header and the JSON name it, and usage errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlops_report.editions import Limits, by_id
from tests.builder import ReportBuilder, words
from tests.checkers import checker_source
from tests.cli.test_check import one_line, run

OLD_Q3 = {**by_id("2026").checker.limits, 3: Limits(words=(100, 200))}


def group(tmp_path: Path, report_py: str | None = None) -> Path:
    path = ReportBuilder("2026").fill_all().answer(3, words(68)).write(tmp_path / "group")
    if report_py is not None:
        (path.parent / "report.py").write_text(report_py, encoding="utf-8")
    return path


def q3(stdout: str) -> list[str]:
    (line,) = [x for x in stdout.splitlines() if re.match(r"^\s+3\s+\d", x)]
    return line.split()


def test_the_course_checker_by_default(tmp_path):
    path = group(tmp_path, checker_source(OLD_Q3, 31))
    r = run(path)
    assert r.returncode == 0, r.stderr
    assert (
        f"{path}: edition January 2026 (2026-01-09_eb7305c5); judged by the January 2026 course checker "
        "(report.py e3622b47)\n" in r.stdout
    )
    assert q3(r.stdout)[3:] == ["0-200", "0", "-", "pass"]
    assert "report.py check will pass 31/31; 0 errors, 0 warnings" in r.stdout
    assert "information checker-differs your reports/report.py: Q3 100-200 words;" in r.stdout


def test_local_uses_the_groups_copy(tmp_path):
    path = group(tmp_path, checker_source(OLD_Q3, 31))
    r = run(path, "--checker", "local")
    assert "judged by your reports/report.py (the same as the January 2025 course checker)\n" in r.stdout
    assert q3(r.stdout)[3:] == ["100-200", "0", "-", "fail"]
    assert "report.py check will pass 30/31" in r.stdout
    (entry,) = json.loads(run(path, "--checker", "local", "--format", "json").stdout)
    assert {k: entry["checker"][k] for k in ("id", "source", "label", "note")} == {
        "id": "local",
        "source": "local",
        "note": None,
        "label": "your reports/report.py (the same as the January 2025 course checker)",
    }


def test_local_without_a_copy_says_so(tmp_path):
    path = group(tmp_path)
    r = run(path, "--checker", "local")
    assert r.returncode == 0
    assert f"{path}: reports/report.py is not used: there is none beside the report\n" in r.stdout
    assert q3(r.stdout)[3] == "0-200"
    (entry,) = json.loads(run(path, "--checker", "local", "--format", "json").stdout)
    assert entry["checker"]["source"] == "course"
    assert entry["checker"]["note"] == "reports/report.py is not used: there is none beside the report"


def test_a_checker_id(tmp_path):
    path = group(tmp_path)
    r = run(path, "--checker", "2024-12-22_4eb18892", "--format", "json")
    (entry,) = json.loads(r.stdout)
    assert (entry["checker"]["id"], entry["checker"]["source"]) == ("2024-12-22_4eb18892", "setting")
    q = {x["number"]: x for x in entry["questions"]}
    assert (q[3]["min_words"], q[31]["max_words"]) == (100, 200)
    r = run(path, "--checker", "d1b907d5")
    assert "judged by report.py 2025-01-08_d1b907d5 (the January 2025 course checker)\n" in r.stdout


def test_an_unknown_checker_is_a_usage_error(tmp_path):
    r = run(group(tmp_path), "--checker", "1999")
    assert r.returncode == 2
    assert one_line(r.stderr) == (
        "mlops-report: unknown checker '1999' (course, local or a checker id such as 2026-01-09_e3622b47)"
    )


def test_a_tie_is_named_in_the_header(tmp_path):
    path = ReportBuilder("2025").fill_all().write(tmp_path / "g")
    r = run(path)
    assert (
        f"{path}: the report fits 2026-01-04 (January 2026) (2026-01-04_1fa25710) as well; the evidence "
        "does not decide\n"
    ) in r.stdout
    (entry,) = json.loads(run(path, "--format", "json").stdout)
    assert entry["edition"] == "2025-01-24_9c3875c2" and entry["run"] == "January 2025"
    assert entry["ties"] == ["2026-01-04_1fa25710"]
