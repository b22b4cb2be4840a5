"""The checker that grades, on the course's real templates (../shared/templates): each template is
judged by the final checker of its course run, the evidence decides between templates, and a
template newer than our data works with the group's checker, or after ``make editions`` with a
report.py saved beside it. Reports are the templates with synthetic answers; the templates are
read from ../shared, never copied into the project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.editions import Limits, by_id
from mlops_report.editions.checkers import CHECKERS
from tests.builder import words
from tests.checkers import checker_source
from tests.conftest import ROOT, SHARED

TEMPLATES = SHARED / "templates"
T_2026_01_04 = TEMPLATES / "2026-01-04_1fa25710_README.md"
T_2024_12_22 = TEMPLATES / "2024-12-22_4eb18892_README.md"
T_2024 = TEMPLATES / "2023-09-27_64ea22b7_README.md"
T_2026 = TEMPLATES / "2026-01-09_eb7305c5_README.md"

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not T_2026.is_file(), reason=f"no templates at {TEMPLATES}")]


def run(*args, pythonpath: Path = ROOT / "server") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def answer(text: str, n: int, body: str) -> str:
    placeholder = f"--- question {n} fill here ---"
    assert text.count(placeholder) == 1
    return text.replace(placeholder, body)


def segment(text: str, n: int) -> tuple[int, int]:
    start = text.index(f"### Question {n}\n")
    nxt = text.find("### Question", start + 5)
    return start, nxt if nxt >= 0 else len(text)


def change(text: str, n: int, old: str, new: str) -> str:
    s, e = segment(text, n)
    assert old in text[s:e], (n, old)
    return text[:s] + text[s:e].replace(old, new, 1) + text[e:]


def save(folder: Path, text: str, report_py: str | None = None) -> Path:
    reports = folder / "reports"
    reports.mkdir(parents=True)
    (reports / "README.md").write_text(text, encoding="utf-8")
    if report_py is not None:
        (reports / "report.py").write_text(report_py, encoding="utf-8")
    return reports / "README.md"


def row(stdout: str, n: int) -> list[str]:
    (line,) = [x for x in stdout.splitlines() if re.match(rf"^\s*{n}\s+\d", x)]
    return line.split()


# -- the 2026-01-04 template: graded by the January 2026 checker (Q3 0-200) ------------------------


def test_2026_01_04_is_judged_by_the_january_2026_course_checker(tmp_path):
    text = answer(T_2026_01_04.read_text(encoding="utf-8"), 3, words(68))
    own_copy = checker_source(CHECKERS["2026-01-04_1fa25710"].limits, 31)  # the checker of its own date
    path = save(tmp_path, text, own_copy)

    r = run(path)
    assert (
        f"{path}: edition 2026-01-04 (January 2026) (2026-01-04_1fa25710); judged by the January 2026 "
        "course checker (report.py e3622b47)" in r.stdout
    )
    assert row(r.stdout, 3)[3:] == ["0-200", "0", "-", "pass"]
    assert (
        "information checker-differs your reports/report.py: Q3 100-200 words; the January 2026 course "
        "checker: Q3 0-200 words"
    ) in r.stdout

    local = run(path, "--checker", "local")
    assert "judged by your reports/report.py (the same as the January 2025 course checker)" in local.stdout
    assert row(local.stdout, 3)[3:] == ["100-200", "0", "-", "fail"]
    assert "warning word-count Question 3: 68 words, the checker needs 100-200: add 32" in local.stdout

    (entry,) = json.loads(run(path, "--format", "json").stdout)
    assert entry["run"] == "January 2026" and entry["ties"] == []
    assert (entry["checker"]["id"], entry["checker"]["source"]) == ("2026-01-09_e3622b47", "course")
    (entry,) = json.loads(run(path, "--format", "json", "--checker", "local").stdout)
    assert (entry["checker"]["id"], entry["checker"]["source"]) == ("local", "local")


def test_the_uv_line_says_january_2026():
    # the 2025-01-24 and 2026-01-04 templates differ only in the introduction's `uv add` lines
    a = Analyzer().analyse(T_2026_01_04.read_text(encoding="utf-8"))
    assert a.edition.id == "2026-01-04_1fa25710" and a.edition.run.name == "January 2026"
    assert a.detection.ties == ()


def test_a_tie_is_broken_by_the_parts_of_an_edited_question():
    # the group removed question 31's example; its prompt and length line are still the 2024-12-22 ones
    text = T_2024_12_22.read_text(encoding="utf-8")
    s, e = segment(text, 31)
    example = re.search(r"> Example:\n(.*?)>\n> Answer:", text[s:e], re.S).group(1)
    text = change(text, 31, example, "")
    a = Analyzer().analyse(text)
    assert a.edition.id == "2024-12-22_4eb18892" and a.detection.ties == ()
    (f,) = [f for f in a.findings if f.code == "instructions-edited"]
    assert f.question == 31 and "the example was removed" in f.message
    assert "prompt" not in f.message and "length line" not in f.message


def test_every_instruction_block_rewritten_still_has_the_limits(tmp_path):
    text = T_2024.read_text(encoding="utf-8")
    for n in range(1, 28):
        s, e = segment(text, n)
        block = re.search(r"\n(>.*?> Answer:)", text[s:e], re.S).group(1)
        text = text[:s] + text[s:e].replace(block, f"> **Our own question {n}.**\n>\n> Answer:") + text[e:]
    a = Analyzer().analyse(text)
    assert a.detection.how == "size" and a.edition.id == "2023-09-27_64ea22b7"
    assert a.judge.label == "the January 2024 course checker"
    # nothing is answered: every question the course checker limits fails, as it would warn
    course = CHECKERS["2023-09-27_64ea22b7"]
    failing = {
        n
        for n, lim in course.limits.items()
        if (lim.words and not lim.words[0] <= 6 <= lim.words[1]) or (lim.images and lim.images[0] > 0)
    }
    assert {q.number for q in a.questions if q.status != "pass"} == failing
    assert len([f for f in a.findings if f.code == "unanswered" and f.data["fails"]]) >= 25


# -- a 2027 template (simulated: a limit and a prompt edited) --------------------------------------

NEW_ID = "2027-01-05_0123abcd"
NEW_LIMITS = {**by_id("2026").checker.limits, 3: Limits(words=(50, 150))}


def template_2027() -> str:
    text = T_2026.read_text(encoding="utf-8")
    text = change(text, 3, "Recommended answer length: 0-200 words.", "Recommended answer length: 50-150 words.")
    s, e = segment(text, 12)
    prompt = re.search(r"> \*\*(.*?)\*\*", text[s:e]).group(1)
    return change(text, 12, prompt, "Describe, in a new way, how you configured your experiments?")


def filled_2027() -> str:
    text = answer(template_2027(), 3, words(120))
    return answer(text, 12, words(70))


def test_a_newer_template_without_data_is_judged_by_the_groups_checker(tmp_path):
    path = save(tmp_path, filled_2027(), checker_source(NEW_LIMITS, 31))
    r = run(path, "--fail-on", "error")  # the unanswered questions fail; the edition is what is tested
    assert r.returncode == 0, r.stderr
    assert "edition newer than January 2026 (newer); judged by your reports/report.py, for a run newer" in r.stdout
    assert row(r.stdout, 3)[3:] == ["50-150", "0", "-", "pass"]
    assert "instructions-edited" not in r.stdout and "checker-differs" not in r.stdout


def test_make_editions_refuses_a_newer_template_without_its_checker(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / f"{NEW_ID}_README.md").write_text(template_2027(), encoding="utf-8")
    out = tmp_path / "data.json"
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report.editions.generate", str(folder), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and not out.exists()
    assert r.stderr.strip() == (
        f"editions: template {NEW_ID} is newer than the last hand-in we know (January 2026, 2026-01-19) and no "
        f"checker of its time is known: save that run's reports/report.py beside it as {NEW_ID}_report.py (it is "
        "read as data, never run), or add the run's hand-in to editions/runs.py"
    )


def test_make_editions_pairs_a_newer_template_with_the_report_py_beside_it(tmp_path):
    package = tmp_path / "server"
    shutil.copytree(ROOT / "server", package, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / f"{NEW_ID}_README.md").write_text(template_2027(), encoding="utf-8")
    (folder / f"{NEW_ID}_report.py").write_text(checker_source(NEW_LIMITS, 31), encoding="utf-8")
    data = package / "mlops_report" / "editions" / "data.json"
    env = {**os.environ, "PYTHONPATH": str(package)}
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report.editions.generate", str(folder), "--out", str(data)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    generated = json.loads(data.read_text(encoding="utf-8"))
    assert generated["runs"]["January 2027"] == {
        "alias": "2027",
        "checker": NEW_ID,
        "handin": None,
        "tag": None,
        "template": NEW_ID,
    }
    assert generated["checkers"][NEW_ID]["limits"]["3"] == [[50, 150], None]
    assert generated["editions"][NEW_ID]["run"] == "January 2027"
    assert "import" not in data.read_text(encoding="utf-8")  # numbers, not code

    path = save(tmp_path / "group", filled_2027())  # no report.py beside the report now
    r = run(path, "--fail-on", "error", pythonpath=package)
    assert r.returncode == 0, r.stderr
    assert (
        f"edition January 2027 ({NEW_ID}); judged by the January 2027 course checker (report.py 0123abcd)" in r.stdout
    )
    assert row(r.stdout, 3)[3:] == ["50-150", "0", "-", "pass"]
    assert "instructions-edited" not in r.stdout
    # the 2026 template is still judged as before
    r = run(save(tmp_path / "old", T_2026.read_text(encoding="utf-8")), pythonpath=package)
    assert "judged by the January 2026 course checker (report.py e3622b47)" in r.stdout
