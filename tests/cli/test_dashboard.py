"""The teacher's dashboard as a process: ``check DIR --format csv|html`` on folders of built
reports, read back with the csv module and compared with ``--format json``."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builder import ReportBuilder, words
from tests.conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "PYTHONIOENCODING": "utf-8"}
# what a question's dashboard status may be for each status of the JSON output
REFINES = {
    "pass": {"pass"},
    "unanswered": {"unanswered"},
    "crash": {"crash"},
    "fail": {"under", "over", "truncated", "figures", "uncounted", "fail"},
}


def run(*args: str, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", *map(str, args)],
        cwd=cwd or ROOT,
        env={**ENV, **kw.pop("env", {})},
        capture_output=True,
        timeout=300,
        **kw,
    )


def rows(stdout: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout.decode("utf-8"), newline="")))


def mixed() -> ReportBuilder:
    """A 2026 report failing in every way the dashboard tells apart."""
    b = ReportBuilder("2026").fill_all()
    del b.answers[4]  # the placeholder: unanswered
    b.answer(1, "Group 17")
    b.answer(2, "s111111, S222222, s333333")
    b.answer(5, words(20))  # under
    b.answer(6, words(250))  # over
    b.answer(8, words(60) + "\n\n#### Details\n\n" + words(100))  # the checker stops at ##: truncated
    b.answer(14, b.passing_text(14, with_figures=False))  # words fine, no figure: figures
    b.figures(19, "figures/gone.png")  # counted, but no such file
    b.answer(20, '<img src="figures/q20_0.png" alt="an html figure">')  # not counted: figures
    return b


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("groups")
    ReportBuilder("2026").fill_all().answer(1, "3").write(root / "clean")
    b = mixed()
    b.write(root / "mixed", figures=[*b.needed_figures(), "figures/q20_0.png"])
    ReportBuilder("2026").fill_all().heading(5, "## Question 5").write(root / "crash")
    ReportBuilder("2024").fill_all().write(root / "old")
    (root / "notreport" / "reports").mkdir(parents=True)
    (root / "notreport" / "reports" / "README.md").write_text("# Our project\n\nNothing to see.\n")
    (root / "latin1" / "reports").mkdir(parents=True)
    (root / "latin1" / "reports" / "README.md").write_bytes("# Rapport\n\ncaf\xe9\n".encode("latin-1"))
    (root / "empty").mkdir()
    return root


@pytest.fixture(scope="module")
def both(folder) -> tuple[list[dict], list[dict]]:
    c = run(folder, "--format", "csv")
    assert c.returncode == 0, c.stderr
    j = run(folder, "--format", "json")
    return rows(c.stdout), json.loads(j.stdout)


def test_csv_agrees_with_json(both):
    table, data = both
    by_path = {r["path"]: r for r in table}
    reports = [d for d in data if d.get("report") is not False]
    assert len(reports) == 4
    for d in reports:
        r = by_path[d["path"]]
        assert r["reason"] == ""
        assert r["edition"] == d["edition"]
        assert r["run"] == d["run"]
        assert r["checker"] == d["checker"]["id"]
        assert r["crashes"] == ("true" if d["checker"]["crashes"] else "false")
        assert int(r["passed"]) == d["checker"]["passed"]
        assert int(r["total"]) == d["checker"]["total"]
        assert int(r["errors"]) == sum(1 for x in d["diagnostics"] if x["severity"] == "error")
        assert int(r["warnings"]) == sum(1 for x in d["diagnostics"] if x["severity"] == "warning")
        for q in d["questions"]:
            assert r[f"q{q['number']}"] in REFINES[q["status"]], (d["path"], q)
        for n in range(d["checker"]["total"] + 1, 32):
            assert r[f"q{n}"] == ""


def test_statuses_say_why_a_question_fails(both, folder):
    table, _ = both
    r = next(r for r in table if r["path"] == str(folder / "mixed" / "reports" / "README.md"))
    assert [r[f"q{n}"] for n in (3, 4, 5, 6, 7, 8, 14, 19, 20)] == [
        "pass",
        "unanswered",
        "under",
        "over",
        "pass",
        "truncated",
        "figures",
        "pass",
        "figures",
    ]
    assert (r["group"], r["study_numbers"]) == ("17", "s111111 s333333")
    assert (r["figures_missing"], r["figures_uncounted"]) == ("1", "1")
    assert (r["ticked"], r["items"]) == ("0", "12")
    crash = next(r for r in table if r["path"].startswith(str(folder / "crash")))
    assert crash["crashes"] == "true" and {crash[f"q{n}"] for n in range(1, 32)} == {"crash"}


def test_what_cannot_be_analysed_is_a_row_with_its_reason(both, folder):
    table, _ = both
    reasons = {r["path"]: r["reason"] for r in table if r["reason"]}
    assert reasons == {
        str(folder / "empty"): "no reports/README.md in this directory",
        str(
            folder / "latin1" / "reports" / "README.md"
        ): "not UTF-8: byte 0xe9 on line 3 cannot be decoded; save the file as UTF-8",
        str(
            folder / "notreport" / "reports" / "README.md"
        ): "not an exam report (no '### Question N' headings with 'Answer:' labels)",
    }
    assert [r["path"] for r in table] == sorted(r["path"] for r in table)  # the order they were found in


def test_columns_are_the_documented_ones_in_order(both):
    table, _ = both
    doc = (ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8")
    section = doc.split("## Dashboard columns", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_0-9]+)`", section, re.M)
    assert documented[-2:] == ["q31", "other_questions"] and "q1" in documented
    expected = documented[: documented.index("q1")] + [f"q{n}" for n in range(1, 32)] + ["other_questions"]
    assert list(table[0]) == expected
    statuses = re.findall(r"^\| `([a-z]+)` \|", doc.split("## Question statuses", 1)[1], re.M)
    seen = {r[f"q{n}"] for r in table for n in range(1, 32)} - {""}
    assert seen <= set(statuses)


def test_a_walk_cut_short_counts_figures_as_not_checked_rather_than_missing(tmp_path):
    """More entries beside the report than a walk looks at: no linked figure is found or missing,
    each is "not checked", in the table, on the page, and in the human output no file is missing."""
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n![gone](figures/gone.png)")  # no such file
    path = b.write(tmp_path / "groups" / "big")
    for i in range(20_100):  # the walk stops after 20 000 entries, here all in the report's folder
        (path.parent / f"data{i:05}.csv").touch()
    linked = len(b.needed_figures()) + 1
    c = run(tmp_path / "groups", "--format", "csv")
    assert c.returncode == 0, c.stderr
    (r,) = rows(c.stdout)
    assert (r["figures_missing"], r["figures_unchecked"]) == ("0", str(linked))
    out = tmp_path / "dash.html"
    assert run(tmp_path / "groups", "--format", "html", "-o", out).returncode == 0
    assert f">{linked} not checked</td>" in out.read_text(encoding="utf-8")
    human = run(path)
    assert b"image-missing-file" not in human.stdout, human.stdout.decode()
    (line,) = [x for x in human.stdout.decode().splitlines() if "figures-unchecked" in x]
    assert f"{linked} linked figures are not checked" in line and "information" in line


def test_rfc4180_quoting_and_no_formula_from_a_folder_name(tmp_path):
    odd = tmp_path / 'we, "the" group'
    ReportBuilder("2026").fill_all().write(odd)
    ReportBuilder("2026").fill_all().write(tmp_path / "=HYPERLINK(1)")
    r = run(".", "--format", "csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode("utf-8")
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    assert '\r\n"we, ""the"" group/reports/README.md",' in text
    paths = [row["path"] for row in rows(r.stdout)]
    assert paths == ["'=HYPERLINK(1)/reports/README.md", 'we, "the" group/reports/README.md']


def test_roster(tmp_path):
    groups = tmp_path / "groups"
    ReportBuilder("2026").fill_all().answer(1, "Group 7").answer(2, "s100001 s100002 s999999").write(groups / "a")
    ReportBuilder("2026").fill_all().answer(1, "12").answer(2, "s200001").write(groups / "b")
    ReportBuilder("2026").fill_all().answer(1, "12").answer(2, "s200002").write(groups / "c")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "group,study number\n07,s100001\n7,S100002\n7,s100003\n12,s200001 s200002\n30,s300001\n", encoding="utf-8"
    )
    r = run(groups, "--format", "csv", "--roster", roster)
    assert r.returncode == 0, r.stderr
    table = rows(r.stdout)
    got = {
        (row["path"].removeprefix(str(groups)), row["group"]): (
            row["roster"],
            row["roster_missing"],
            row["roster_unknown"],
            row["same_group"],
        )
        for row in table
    }
    assert got == {
        ("/a/reports/README.md", "7"): ("listed", "s100003", "s999999", ""),
        ("/b/reports/README.md", "12"): ("listed", "s200002", "", str(groups / "c/reports/README.md")),
        ("/c/reports/README.md", "12"): ("listed", "s200001", "", str(groups / "b/reports/README.md")),
        ("", "30"): ("no report", "s300001", "", ""),
    }
    assert next(row for row in table if row["group"] == "30")["reason"] == "no report names this group"
    bad = run(groups, "--format", "csv", "--roster", tmp_path / "nowhere.csv")
    assert bad.returncode == 2 and b"nowhere.csv: cannot be read" in bad.stderr
    elsewhere = run(groups, "--format", "json", "--roster", roster)
    assert (
        elsewhere.returncode == 2
        and elsewhere.stderr == b"mlops-report: -o and --roster go with --format csv or html\n"
    )


def test_many_reports_on_every_core_come_back_in_order(tmp_path):
    for i in range(60):
        b = ReportBuilder("2026").fill_all().answer(1, str(i))
        if i % 7 == 0:
            b.answer(4, words(20))
        b.write(tmp_path / f"g{i:02}")
    (tmp_path / "g30" / "reports" / "README.md").write_bytes(b"\x00binary")
    serial = run(tmp_path, "--format", "csv", "--jobs", "1")
    parallel = run(tmp_path, "--format", "csv", "--jobs", "2")
    assert serial.returncode == parallel.returncode == 0, parallel.stderr
    assert parallel.stdout == serial.stdout
    table = rows(parallel.stdout)
    assert [row["group"] for row in table] == [str(i) if i != 30 else "" for i in range(60)]
    assert table[30]["reason"].startswith("binary file")
    assert sum(row["q4"] == "under" for row in table) == 9


def _git(cwd: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="builds its repository with git")
def test_last_commit_of_the_report_against_the_deadline(tmp_path):
    repo = tmp_path / "groups" / "a"
    ReportBuilder("2026").fill_all().write(repo)
    _git(repo, "init", "-q", "-b", "main", when="2026-01-10T10:00:00+00:00")
    _git(repo, "add", "-A", when="2026-01-10T10:00:00+00:00")
    _git(repo, "commit", "-qm", "first", when="2026-01-10T10:00:00+00:00")
    ReportBuilder("2026").fill_all().answer(4, words(20)).write(repo)
    _git(repo, "commit", "-qam", "report", when="2026-01-19T23:30:00+01:00")
    (repo / "notes.txt").write_text("later\n")
    _git(repo, "add", "notes.txt", when="2026-01-21T08:00:00+00:00")
    _git(repo, "commit", "-qm", "not the report", when="2026-01-21T08:00:00+00:00")
    ReportBuilder("2026").fill_all().write(tmp_path / "groups" / "b")
    # b is committed only to a repository holding every group: not a group's own, not read
    _git(tmp_path, "init", "-q", when="2026-01-10T10:00:00+00:00")
    _git(tmp_path, "add", "groups/b", when="2026-01-10T10:00:00+00:00")
    _git(tmp_path, "commit", "-qm", "every group", when="2026-01-19T12:00:00+00:00")
    on_time = rows(run(tmp_path / "groups", "--format", "csv", "--deadline", "2026-01-20T00:00:00+01:00").stdout)
    assert [(r["committed"], r["late"]) for r in on_time] == [("2026-01-19T22:30:00Z", "false"), ("", "")]
    early = rows(run(tmp_path / "groups", "--format", "csv", "--deadline", "2026-01-19T12:00:00Z").stdout)
    assert early[0]["late"] == "true"
    bad = run(tmp_path / "groups", "--format", "csv", "--deadline", "tomorrow")
    assert bad.returncode == 2 and b"is not an ISO date-time" in bad.stderr


def test_html_page_rows_escaping_and_policy(folder, tmp_path):
    odd = tmp_path / "groups" / '<img src=x onerror="alert(1)">'
    ReportBuilder("2026").fill_all().answer(1, "<script>alert('hi')</script>").write(odd)
    mixed().write(tmp_path / "groups" / "mixed")
    out = tmp_path / "dash.html"
    r = run(tmp_path / "groups", "--format", "html", "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"" and b"dash.html: 2 rows, 2 reports analysed" in r.stderr
    page = out.read_text(encoding="utf-8")
    assert len(re.findall(r"<tr [^>]*data-report=", page)) == 2
    assert "<script>alert" not in page and 'onerror="alert' not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in page  # the group-number finding quotes it
    assert (
        'data-report="'
        + str(odd).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        + '/reports/README.md"'
        in page
    )
    # only the page's own style and script, by hash; nothing from the network
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in policy and "unsafe" not in policy
    for tag in ("script", "style"):
        body = re.search(f"<{tag}>(.*?)</{tag}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        assert f"{tag}-src 'sha256-{digest}'" in policy
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)


def test_progress_bar_only_on_a_terminal(tmp_path):
    for i in range(25):
        ReportBuilder("2026").fill_all().write(tmp_path / f"g{i:02}")
    piped = run(tmp_path, "--format", "csv", "-o", tmp_path / "out.csv", "--jobs", "1")
    assert piped.stderr.decode().strip() == f"{tmp_path / 'out.csv'}: 25 rows, 25 reports analysed"
    leader, follower = pty.openpty()
    try:
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "mlops_report",
                "check",
                str(tmp_path),
                "--format",
                "csv",
                "-o",
                str(tmp_path / "out.csv"),
                "--jobs",
                "1",
            ],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=300,
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert p.returncode == 0
    assert b"25/25 reports" in seen and b"[######" in seen


def test_a_worker_killed_midway_loses_no_report(tmp_path):
    """In process: a worker of the pool killed while the batch runs (as the system's
    out-of-memory killer would): its reports are analysed again, every row comes back, in order."""
    import multiprocessing
    import signal

    from mlops_report.dashboard import batch
    from mlops_report.settings import Settings

    for i in range(120):
        ReportBuilder("2026").fill_all().answer(1, str(i)).write(tmp_path / f"g{i:03}")
    found = batch.targets([str(tmp_path)])
    got = []
    for r in batch.run(found, Settings(), jobs=2):
        got.append(r)
        if len(got) == 10:
            workers = multiprocessing.active_children()
            assert workers
            os.kill(workers[0].pid, signal.SIGKILL)
    assert [r.path for r in got] == [t.shown for t in found]
    assert [r.reason for r in got] == [""] * 120
    assert [r.group for r in got] == [str(i) for i in range(120)]
