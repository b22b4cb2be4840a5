"""The project file as the command line reads it, run as a process: ``[tool.mlops-report]`` in
``pyproject.toml`` or ``.mlops-report.toml``, the nearest to the report up to the repository
root; flags over the file over the defaults; ``--severity CODE=LEVEL`` and ``--config FILE``;
every problem named by file and key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlops_report.rules.handin import RULES as HANDIN_RULES
from tests.builder import ReportBuilder, words
from tests.cli.test_check import ENV, one_line, run
from tests.cli.test_gate import hook


def git_init(folder: Path) -> None:
    """A repository with everything in ``folder`` committed, so that the hand-in gates nothing."""
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(folder), *ident, "commit", "-q", "-m", "report"], check=True, capture_output=True)


def short_q7(folder: Path) -> Path:
    """A repository whose report fails question 7 (a warning, and the course's checker fails
    it) and has one odd checklist mark (another warning)."""
    path = ReportBuilder("2026").fill_all().answer(7, words(30)).mark(0, "✅").write(folder)
    git_init(folder)
    return path


HANDIN = {rule.code for rule in HANDIN_RULES}  # what git says of the hand-in: not these tests' subject


def codes(r: subprocess.CompletedProcess) -> dict[str, str]:
    """Finding code -> severity, from the JSON output of one report, the hand-in's left out."""
    (entry,) = json.loads(r.stdout)
    return {d["code"]: d["severity"] for d in entry["diagnostics"] if d["code"] not in HANDIN}


def test_pyproject_at_the_repository_root_sets_the_gate_and_the_rules(tmp_path):
    path = short_q7(tmp_path)
    assert run(path).returncode == 1
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "ours"\n\n[tool.mlops-report]\nfail-on = "never"\ndisable = ["checkbox-mark"]\n'
        'severity = { word-count = "error" }\n'
    )
    r = run(cwd=tmp_path)  # no path: reports/README.md of this repository, as the hook and CI call it
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "error word-count Question 7" in r.stdout and "checkbox-mark" not in r.stdout
    assert codes(run(path, "--format", "json")) == {"word-count": "error"}


def test_the_nearest_file_wins(tmp_path):
    path = short_q7(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nseverity = { word-count = "error" }\n')
    (path.parent / ".mlops-report.toml").write_text('severity = { word-count = "hint" }\n')
    assert codes(run(path, "--format", "json"))["word-count"] == "hint"
    # in one folder, .mlops-report.toml comes before pyproject.toml
    (path.parent / "pyproject.toml").write_text('[tool.mlops-report]\nseverity = { word-count = "information" }\n')
    assert codes(run(path, "--format", "json"))["word-count"] == "hint"
    (path.parent / ".mlops-report.toml").unlink()
    assert codes(run(path, "--format", "json"))["word-count"] == "information"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    path = short_q7(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nfail-on = "never"\n')
    (path.parent / "pyproject.toml").write_text('[project]\nname = "not ours"\n')
    assert run(path).returncode == 0


def test_nothing_above_the_repository_root_is_read(tmp_path):
    path = short_q7(tmp_path / "repo")
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nfail-on = "never"\n')
    r = run(path)
    assert r.returncode == 1 and r.stderr == ""


def test_flags_override_the_file(tmp_path):
    path = short_q7(tmp_path)
    (tmp_path / ".mlops-report.toml").write_text(
        'fail-on = "never"\nseverity = { word-count = "error", checkbox-mark = "hint" }\n'
    )
    assert run(path).returncode == 0
    assert run(path, "--fail-on", "checker").returncode == 1
    # severity merges code by code: the flag's word-count, the file's checkbox-mark
    found = codes(run(path, "--format", "json", "--severity", "word-count=information"))
    assert found == {"word-count": "information", "checkbox-mark": "hint"}
    # disable adds up; off is a level too
    found = codes(run(path, "--format", "json", "--disable", "word-count", "--severity", "checkbox-mark=off"))
    assert found == {}


def test_severity_flag_is_checked(tmp_path):
    path = short_q7(tmp_path)
    r = run(path, "--severity", "word-count=fatal")
    assert r.returncode == 2
    assert one_line(r.stderr) == (
        "mlops-report: --severity word-count: 'fatal' is not one of error, warning, information, hint, off"
    )
    r = run(path, "--severity", "no-such-code=error")
    assert r.returncode == 2 and one_line(r.stderr) == "mlops-report: --severity unknown code 'no-such-code'"
    r = run(path, "--severity", "word-count")
    assert r.returncode == 2 and "write CODE=LEVEL" in one_line(r.stderr)


def test_config_flag_names_the_file(tmp_path):
    path = short_q7(tmp_path)
    chosen = tmp_path / "ci.toml"
    chosen.write_text('fail-on = "never"\n')
    (tmp_path / ".mlops-report.toml").write_text('fail-on = "warning"\n')
    assert run(path).returncode == 1
    assert run(path, "--config", chosen).returncode == 0
    r = run(path, "--config", tmp_path / "missing.toml")
    assert r.returncode == 2 and one_line(r.stderr) == f"mlops-report: {tmp_path / 'missing.toml'}: no such file"
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "ours"\n')
    r = run(path, "--config", other)
    assert r.returncode == 2 and one_line(r.stderr) == f"mlops-report: {other}: no [tool.mlops-report] table"


def test_every_problem_names_the_file_and_the_key(tmp_path):
    short_q7(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlops-report]\nfail-on = "sometimes"\nseverity = { word-count = "loud", nope = "error" }\n'
        'disable = "checkbox-mark"\nedition = "1999"\ncolour = "red"\n'
    )
    r = run(cwd=tmp_path)
    assert r.returncode == 2  # a usage error, like a bad flag: CI must not pass on a typo
    where = "mlops-report: pyproject.toml [tool.mlops-report]: "
    assert r.stderr.splitlines() == [
        where + "fail-on: 'sometimes' is not one of checker, error, warning, never",
        where + "severity: word-count: 'loud' is not one of error, warning, information, hint, off; "
        "unknown code 'nope'",
        where + "disable must be a list of codes",
        where + "edition: unknown edition '1999'; using auto",
        where + "unknown key 'colour' (known: edition, checker, figures-dir, severity, disable, fail-on, deadline, "
        "image-size-limit)",
    ]
    assert "report.py check will pass 30/31: Q7 fails" in r.stdout  # the report is still checked


def test_a_file_that_is_not_toml_is_a_usage_error(tmp_path):
    path = short_q7(tmp_path)
    bad = path.parent / ".mlops-report.toml"
    bad.write_text('fail-on = "never\n')
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nfail-on = "never"\n')
    r = run(path)
    assert r.returncode == 2  # the broken nearer file is not silently skipped for the farther one
    assert r.stderr.startswith(f"mlops-report: {bad}: not valid TOML: ") and "line 1" in r.stderr


def test_the_editors_spelling_is_read_with_a_note(tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path, figures=[f.replace("figures/", "pics/") for f in b.needed_figures()])
    path.write_text(path.read_text().replace("](figures/", "](pics/"))
    git_init(tmp_path)
    assert "image-outside-figures" in run(path).stdout
    (tmp_path / ".mlops-report.toml").write_text('figuresDir = "pics"\n')
    r = run(path)
    assert r.returncode == 0 and "image-outside-figures" not in r.stdout
    assert one_line(r.stderr) == (
        f"mlops-report: {tmp_path / '.mlops-report.toml'}: figuresDir: read as figures-dir, the spelling of this file"
    )
    (tmp_path / ".mlops-report.toml").write_text('figures-dir = "pics"\n')
    assert run(path).stderr == ""


def test_the_deadline_key_is_accepted_as_text_or_a_toml_date(tmp_path):
    path = short_q7(tmp_path)
    for value in ('"2026-01-23T23:59:00+01:00"', "2026-01-23T23:59:00+01:00"):
        (tmp_path / ".mlops-report.toml").write_text(f'fail-on = "never"\ndeadline = {value}\n')
        r = run(path)
        assert r.returncode == 0 and r.stderr == "", r.stderr


def test_the_pre_commit_hook_follows_the_project_file(tmp_path):
    """The hook passes no gate of its own: the group's file decides, as in CI and the editor."""
    args = hook()["args"].strip("[]").replace(",", " ").split()
    assert "--fail-on" not in args
    path = short_q7(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nfail-on = "never"\n')
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", *args, "reports/README.md"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert path.exists()
