"""``mlops-report check`` as a gate, run as a process: ``--fail-on``, the report it finds without
a path, GitHub annotations in the order GitHub shows them, the summary of many reports, colour,
and the pre-commit hook as pre-commit runs it."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builder import ReportBuilder, words
from tests.cli.test_check import ENV, one_line, report, run
from tests.conftest import ROOT


def failing(tmp_path: Path, name: str = "failing") -> Path:
    """Question 7 too short: a warning, and the course's checker fails it."""
    return report(tmp_path, ReportBuilder("2026").fill_all().answer(7, words(30)), name)


def odd_mark(tmp_path: Path, name: str = "odd") -> Path:
    """Every question passes; one checklist mark draws a warning."""
    return report(tmp_path, ReportBuilder("2026").fill_all().mark(0, "✅"), name)


def missing_figure(tmp_path: Path, name: str = "missing") -> Path:
    """Every question passes; a linked figure does not exist: an error."""
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n![gone](figures/gone.png)")
    return report(tmp_path, b, name)


def crashing(tmp_path: Path, name: str = "crash") -> Path:
    return report(tmp_path, ReportBuilder("2026").fill_all().heading(5, "## Question 5"), name)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )


# -- --fail-on ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker, expected",
    [
        (failing, {"checker": 1, "error": 0, "warning": 1, "never": 0}),
        (odd_mark, {"checker": 0, "error": 0, "warning": 1, "never": 0}),
        (missing_figure, {"checker": 1, "error": 1, "warning": 1, "never": 0}),
        (crashing, {"checker": 1, "error": 1, "warning": 1, "never": 0}),
    ],
)
def test_fail_on(tmp_path, maker, expected):
    path = maker(tmp_path)
    codes = {level: run(path, "--fail-on", level).returncode for level in expected}
    assert codes == expected
    assert run(path).returncode == expected["checker"]  # the default
    assert run(path, "--format", "json").returncode == expected["checker"]  # whatever the format


def test_fail_on_never_still_reports_usage_and_io_errors(tmp_path):
    r = run(tmp_path / "nope.md", failing(tmp_path), "--fail-on", "never")
    assert r.returncode == 2 and "no such file" in one_line(r.stderr)
    assert "report.py check will pass 30/31: Q7 fails" in r.stdout  # the readable one is still checked
    assert run(failing(tmp_path), "--fail-on", "sometimes").returncode == 2


def test_a_failing_report_among_passing_ones_fails_the_run(tmp_path):
    good = report(tmp_path, name="good")
    assert run(good).returncode == 0
    assert run(good, failing(tmp_path)).returncode == 1


# -- which report, without a path ---------------------------------------------------------------


def test_inside_reports_the_readme_there_is_checked(tmp_path):
    path = failing(tmp_path)
    r = run(cwd=path.parent)
    assert r.returncode == 1, r.stderr
    assert re.search(r"^README\.md:\d+:1: warning word-count Question 7", r.stdout, re.M)
    assert "report.py check will pass 30/31: Q7 fails" in r.stdout


def test_from_anywhere_in_a_repository_its_report_is_checked(tmp_path):
    path = failing(tmp_path, "repo")
    repo = path.parent.parent
    git("init", "-q", cwd=repo)
    (repo / "README.md").write_text("# Our project\n\nA model of something.\n")  # the project's own README
    deep = repo / "src" / "models"
    deep.mkdir(parents=True)
    for cwd, shown in ((repo, "reports/README.md"), (deep, "../../reports/README.md")):
        r = run(cwd=cwd)
        assert r.returncode == 1, r.stderr
        assert f"{shown}: edition January 2026" in r.stdout


def test_the_search_stops_at_the_repository_root(tmp_path):
    failing(tmp_path, "outer")  # outer/reports/README.md, above the repository
    repo = tmp_path / "outer" / "inner"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "README.md").write_text("# Not a report\n")
    r = run(cwd=repo)
    assert r.returncode == 2
    assert one_line(r.stderr) == (
        f"mlops-report: no report found: ./README.md is not an exam report and there "
        f"is no reports/README.md in {repo} (the repository root)"
    )


def test_outside_a_repository_only_the_working_directory_is_searched(tmp_path):
    failing(tmp_path, "above")
    here = tmp_path / "above" / "elsewhere"
    here.mkdir()
    r = run(cwd=here)
    assert r.returncode == 2
    assert one_line(r.stderr) == "mlops-report: no report found: there is no reports/README.md here"


# -- GitHub annotations -------------------------------------------------------------------------


def test_github_summaries_first_then_errors_then_the_rest(tmp_path):
    a, b = failing(tmp_path, "a"), missing_figure(tmp_path, "b")
    c = report(
        tmp_path, ReportBuilder("2026").fill_all().answer(12, words(20) + "\n\n#### Results\n\n" + words(40)), "c"
    )
    r = run(a, b, c, "--format", "github")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines]
    titles = [re.search(r"title=([^:]+)::", line).group(1) for line in lines]
    assert titles[:3] == ["mlops-report"] * 3 and "mlops-report" not in titles[3:]
    assert (
        lines[0] == f"::error file={a},title=mlops-report::report.py check will pass 30/31: Q7 fails; "
        "0 errors, 1 warning"
    )
    assert lines[1] == f"::notice file={b},title=mlops-report::report.py check will pass 31/31; 1 error, 0 warnings"
    assert lines[2].startswith(f"::error file={c},title=mlops-report::report.py check will pass 30/31: Q12 fails; ")
    rest = kinds[3:]
    assert rest[0] == "::error" and "title=image-missing-file" in lines[3]
    assert "::error" not in rest[1:], "every error comes before every warning and notice"
    assert len(lines) == 3 + 1 + (len(lines) - 4) and "::warning" in rest


def test_github_fifteen_failing_questions_named_in_one_annotation(tmp_path):
    b = ReportBuilder("2026").fill_all()
    for n in range(4, 19):
        b.answer(n, words(5))
    r = run(report(tmp_path, b), "--format", "github")
    first = r.stdout.splitlines()[0]
    assert first.startswith("::error ")
    assert (
        "::report.py check will pass 16/31: " + ", ".join(f"Q{n}" for n in range(4, 19)) + " fail; 0 errors, "
    ) in first


# -- many reports: the summary ------------------------------------------------------------------


def test_many_reports_end_with_a_table_and_totals(tmp_path):
    paths = [report(tmp_path, name="clean"), failing(tmp_path), missing_figure(tmp_path), crashing(tmp_path)]
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n")
    r = run(*paths, notes)
    assert r.returncode == 1
    table = r.stdout[r.stdout.index("\nreport ") :].strip().splitlines()
    assert table[0].split() == ["report", "edition", "verdict", "errors", "warnings"]
    rows = {line.split()[0]: line for line in table[1:6]}
    assert re.search(r"January 2026\s+pass 31/31\s+0\s+0$", rows[str(paths[0])])
    assert re.search(r"January 2026\s+fail 30/31\s+0\s+1$", rows[str(paths[1])])
    assert re.search(r"January 2026\s+pass 31/31\s+1\s+0$", rows[str(paths[2])])
    assert re.search(r"January 2026\s+crash\s+[1-9]\d*\s+\d+$", rows[str(paths[3])])
    assert re.search(r"-\s+not a report\s+-\s+-$", rows[str(notes)])
    errors = int(rows[str(paths[3])].split()[-2]) + 1
    warnings = 1 + int(rows[str(paths[3])].split()[-1])
    assert table[-2] == "5 reports: 2 pass report.py check, 1 fails, 1 crashes, 1 is not a report"
    assert table[-1] == (
        f"Found {errors + warnings} problems ({errors} errors, {warnings} "
        f"warning{'s' if warnings != 1 else ''}) in 3 files"
    )


def test_totals_in_the_singular(tmp_path):
    r = run(failing(tmp_path), report(tmp_path, name="clean"))
    assert r.stdout.endswith(
        "2 reports: 1 passes report.py check, 1 fails\nFound 1 problem (0 errors, 1 warning) in 1 file\n"
    )
    r = run(report(tmp_path, name="x"), report(tmp_path, name="y"))
    assert r.stdout.endswith("2 reports: 2 pass report.py check\nFound no errors or warnings in 2 files\n")


def test_one_report_has_no_summary_table(tmp_path):
    r = run(failing(tmp_path))
    assert "\nreport " not in r.stdout and "Found" not in r.stdout


# -- colour -------------------------------------------------------------------------------------

SGR = re.compile(r"\x1b\[[0-9;]*m")


def coloured(path: Path, *args: str, **env: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", str(path), *args],
        cwd=ROOT,
        env={**ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return r.stdout


def test_colour_is_asked_for_or_forced_never_piped_by_default(tmp_path):
    path = failing(tmp_path)
    plain = coloured(path)
    assert "\x1b" not in plain
    forced = coloured(path, "--color", "always")
    assert "\x1b[1;33mwarning\x1b[0m word-count" in forced
    assert "\x1b[31mreport.py check will pass 30/31: Q7 fails\x1b[0m; 0 errors, 1 warning" in forced
    assert re.search(r"^\s+7\s.*\x1b\[31mfail\x1b\[0m$", forced, re.M)
    assert SGR.sub("", forced) == plain
    assert coloured(path, FORCE_COLOR="1") == forced
    assert "\x1b" not in coloured(path, FORCE_COLOR="0")
    assert "\x1b" not in coloured(path, FORCE_COLOR="1", NO_COLOR="")  # NO_COLOR, whatever its value, wins
    assert "\x1b" not in coloured(path, "--color", "never", FORCE_COLOR="1")
    assert coloured(path, "--color", "always", NO_COLOR="1") == forced  # the option is explicit
    assert "\x1b" not in coloured(path, "--format", "github", "--color", "always")


def test_colour_never_lets_report_text_through(tmp_path):
    b = ReportBuilder("2026").fill_all().answer(7, words(30))
    b.answer(14, b.passing_text(14) + "\n\n![x](<figures/\x1b[2J\x1b]0;t\x07.png>)")
    out = coloured(report(tmp_path, b), "--color", "always")
    assert "\\x1b[2J\\x1b]0;t\\x07.png" in out
    assert "\x07" not in out and not re.search(r"\x1b(?!\[[0-9;]*m)", out)  # only our own colours


# -- the pre-commit hook ------------------------------------------------------------------------


def hook() -> dict[str, str]:
    """The hook's fields, read as the flat YAML mapping it is."""
    out = {}
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text().splitlines():
        m = re.match(r"^(?:- |  )(\w+): (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_the_pre_commit_hook_fails_a_commit_whose_report_fails(tmp_path):
    h = hook()
    assert h["language"] == "python" and h["pass_filenames"] == "true"
    entry = shlex.split(h["entry"])
    args = re.fullmatch(r"\[(.*)\]", h["args"]).group(1).replace(",", " ").split()
    assert entry[0] == "mlops-report"
    files = re.compile(h["files"])
    path = failing(tmp_path, "repo")
    repo = path.parent.parent
    git("init", "-q", cwd=repo)
    (repo / "README.md").write_text("# Our project\n")
    git("add", "-A", cwd=repo)
    listed = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    staged = [f for f in listed.splitlines() if files.search(f)]
    assert staged == ["reports/README.md"]

    def commit_hook() -> subprocess.CompletedProcess:  # what pre-commit runs, from the repository's root
        return subprocess.run(
            [sys.executable, "-m", "mlops_report", *entry[1:], *args, *staged],
            cwd=repo,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = commit_hook()
    assert r.returncode == 1, r.stdout
    assert "report.py check will pass 30/31: Q7 fails" in r.stdout
    path.write_text(ReportBuilder("2026").fill_all().build())
    r = commit_hook()
    assert r.returncode == 0, r.stdout
