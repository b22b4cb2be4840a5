"""``mlops-report migrate`` as a real process: where it writes, what it never overwrites, what it
prints, and a template fetched from a URL."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.builder import ReportBuilder, words
from tests.conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "PYTHONIOENCODING": "utf-8"}


def run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "migrate", *map(str, args)],
        cwd=cwd or ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.fixture
def old(tmp_path) -> Path:
    """A report of January 2026 on the 2026-01-04 template (question 3 stated 100-200 words)."""
    builder = ReportBuilder("2026-01-04_1fa25710").fill_all().answer(3, words(120)).mark(0, "x")
    return builder.write(tmp_path / "group")


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "template" / "README.md"
    path.parent.mkdir()
    path.write_text(ReportBuilder("2026").build(), encoding="utf-8")
    return path


def test_writes_the_migrated_report_and_prints_what_changed(old, template, tmp_path):
    out = tmp_path / "new.md"
    r = run(old, "--to", template, "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{old}: onto {template}",
        "  Question 3: 100-200 words -> 0-200 words",
        "  1 of the report's 1 ticks are kept on the same items",
        f"wrote {out}",
    ]
    text = out.read_text(encoding="utf-8")
    assert "Recommended answer length: 0-200 words" in text
    assert words(120) in text
    assert (
        old.read_text(encoding="utf-8")
        == ReportBuilder("2026-01-04_1fa25710").fill_all().answer(3, words(120)).mark(0, "x").build()
    )  # the report itself is untouched


def test_never_replaces_a_file_without_force(old, template, tmp_path):
    out = tmp_path / "new.md"
    out.write_text("a file of our own", encoding="utf-8")
    r = run(old, "--to", template, "-o", out)
    assert r.returncode == 2
    assert one_line(r.stderr) == f"mlops-report: {out} exists; choose another file, or add --force to replace it"
    assert out.read_text(encoding="utf-8") == "a file of our own"
    assert run(old, "--to", template, "-o", out, "--force").returncode == 0
    assert "Recommended answer length: 0-200 words" in out.read_text(encoding="utf-8")


def test_standard_output_carries_the_report_and_standard_error_the_summary(old, template):
    r = run(old, "--to", template, "-o", "-")
    assert r.returncode == 0
    assert r.stdout.startswith("# Synthetic exam report\n") and "0-200 words" in r.stdout
    assert "Question 3: 100-200 words -> 0-200 words" in r.stderr


def test_in_place_keeps_a_copy_of_a_report_git_does_not_hold(old, template):
    before = old.read_bytes()
    r = run(old, "--in-place", "--to", template)
    assert r.returncode == 0, r.stderr
    backup = old.with_name("README.md.orig")
    assert r.stdout.splitlines()[-1] == f"wrote {old}; the old one is kept as {backup}"
    assert backup.read_bytes() == before
    assert "0-200 words" in old.read_text(encoding="utf-8")
    # a second run would replace that copy: refused
    backup.write_bytes(before)
    old.write_bytes(before)
    r = run(old, "--in-place", "--to", template)
    assert r.returncode == 2
    assert "README.md.orig exists" in one_line(r.stderr)
    assert old.read_bytes() == before


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("edited", [False, True])
def test_in_place_relies_on_git_when_it_holds_the_report(edited, old, template):
    project = old.parent.parent
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "-qm", "report", cwd=project)
    if edited:  # changes git does not have
        old.write_text(old.read_text(encoding="utf-8").replace("# Synthetic exam", "# Our exam"), encoding="utf-8")
    r = run(old, "--in-place", "--to", template)
    assert r.returncode == 0, r.stderr
    backup = old.with_name("README.md.orig")
    if edited:
        assert r.stdout.splitlines()[-1] == f"wrote {old}; the old one is kept as {backup}"
    else:
        assert r.stdout.splitlines()[-1] == f"wrote {old}; git holds the old one (git diff shows the changes)"
        assert not backup.exists()


def test_a_windows_report_with_a_bom_stays_so(tmp_path, template):
    path = ReportBuilder("2026-01-04_1fa25710", newline="\r\n").fill_all().write(tmp_path / "g")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(path, "--in-place", "--to", template).returncode == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Synthetic") and b"0-200 words" in data
    assert data.count(b"\n") == data.count(b"\r\n")


@pytest.mark.parametrize(
    "what, expect",
    [
        ("report", "mlops-report: {report}: the report has no '### Question N' headings with 'Answer:' labels"),
        ("template", "mlops-report: {report}: the template has no '### Question N' headings with 'Answer:' labels"),
        ("missing", "mlops-report: {missing}: no such file or directory"),
    ],
)
def test_refusals_are_one_line(what, expect, old, template, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n\nnothing to see\n", encoding="utf-8")
    missing = tmp_path / "absent.md"
    report, to = {"report": (notes, template), "template": (old, notes), "missing": (old, missing)}[what]
    r = run(report, "--to", to, "-o", tmp_path / "out.md")
    assert r.returncode == 2
    assert one_line(r.stderr) == expect.format(report=report, missing=missing)
    assert not (tmp_path / "out.md").exists()


def test_where_to_write_must_be_said(old, template):
    r = run(old, "--to", template)
    assert r.returncode == 2 and "one of the arguments -o/--output --in-place is required" in r.stderr


@pytest.fixture
def served(template):
    """The template on a local web server (the test never leaves the machine)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(template.parent))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_template_from_a_url(old, served, tmp_path):
    out = tmp_path / "new.md"
    r = run(old, "--to", f"{served}/README.md", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "0-200 words" in out.read_text(encoding="utf-8")
    r = run(old, "--to", f"{served}/absent.md", "-o", tmp_path / "other.md")
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(f"mlops-report: {old}: {served}/absent.md: cannot be fetched")
