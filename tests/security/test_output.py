"""What ``mlops-report check`` prints cannot be turned against its reader: a folder name or a
report's text cannot inject a GitHub workflow command, clear or recolour a terminal, or reorder
a line with bidirectional controls. The CLI runs as a process; the assertions are on its bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builder import ReportBuilder, words
from tests.conftest import ROOT

ENV = {
    **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
    "PYTHONPATH": str(ROOT / "server"),
    "PYTHONIOENCODING": "utf-8",
}

# a folder name that is a workflow command of its own once a line breaks in it
FOLDER = "grp::error::pwned%25,x:y\n::error file=a.py::injected"
ESC_TARGET = "figures/\x1b[2J\x1b]0;title\x07.png"  # clear screen, set the window title, bell
BIDI_TARGET = "figures/\u202egnp\u2066.exe"  # right-to-left override, left-to-right isolate
PERCENT_TARGET = "figures/50%0A,a:b.png"  # a percent escape of its own, commas and colons


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", *args], cwd=ROOT, env=ENV, capture_output=True, timeout=120
    )


def hostile_report(tmp_path: Path, folder: str = FOLDER) -> tuple[Path, str]:
    b = ReportBuilder("2026").fill_all().answer(7, words(30))
    b.answer(
        14,
        b.passing_text(14, with_figures=False)
        + f"\n\n![a](<{ESC_TARGET}>)\n\n![b]({BIDI_TARGET})\n\n![c]({PERCENT_TARGET})",
    )
    path = b.write(tmp_path / folder)
    return path, path.read_text(encoding="utf-8")


def where(text: str, needle: str) -> tuple[int, int, int]:
    """1-based line, column and end column of ``needle`` (on one line) in ``text``."""
    start = text.index(needle)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col, col + len(needle)


def lines_of(out: bytes) -> list[str]:
    text = out.decode("utf-8")
    assert "\r" not in text
    return text.split("\n")


def test_github_annotations_escape_properties_and_messages(tmp_path):
    path, text = hostile_report(tmp_path)
    r = run(str(path), "--format", "github")
    assert r.returncode == 1, r.stderr
    file = (
        str(tmp_path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        + "/grp%3A%3Aerror%3A%3Apwned%2525%2Cx%3Ay%0A%3A%3Aerror file=a.py%3A%3Ainjected/reports/README.md"
    )
    out = lines_of(r.stdout)
    assert out[-1] == ""
    # every line is one of our annotations: nothing in the path or the report began a line
    assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in out[:-1]), out
    assert all(line.startswith(f"::{line[2:].split(' ', 1)[0]} file={file},") for line in out[:-1]), out
    line, col, end = where(text, ESC_TARGET)
    assert (
        f"::error file={file},line={line},col={col},endLine={line},endColumn={end},title=image-missing-file"
        "::Question 14: figures/\\x1b[2J\\x1b]0;title\\x07.png does not exist in the report's folder"
    ) in out
    line, col, end = where(text, BIDI_TARGET)
    assert (
        f"::warning file={file},line={line},col={col},endLine={line},endColumn={end},title=image-bad-extension"
        "::Question 14: figures/\\u202egnp\\u2066.exe is not a .png, .jpg or .jpeg file"
    ) in out
    line, col, end = where(text, PERCENT_TARGET)
    assert (
        f"::error file={file},line={line},col={col},endLine={line},endColumn={end},title=image-missing-file"
        "::Question 14: figures/50%250A,a:b.png does not exist in the report's folder"
    ) in out
    assert out[0].startswith(f"::error file={file},title=mlops-report::report.py check will pass 30/31: Q7 fails; ")


def test_human_output_shows_controls_as_escapes(tmp_path):
    path, text = hostile_report(tmp_path)
    r = run(str(path))
    assert r.returncode == 1, r.stderr
    shown = str(tmp_path) + "/grp::error::pwned%25,x:y\\x0a::error file=a.py::injected/reports/README.md"
    out = lines_of(r.stdout)
    line, col, _ = where(text, ESC_TARGET)
    assert (
        f"{shown}:{line}:{col}: error image-missing-file Question 14: "
        "figures/\\x1b[2J\\x1b]0;title\\x07.png does not exist in the report's folder"
    ) in out
    line, col, _ = where(text, BIDI_TARGET)
    assert (
        f"{shown}:{line}:{col}: warning image-bad-extension Question 14: "
        "figures/\\u202egnp\\u2066.exe is not a .png, .jpg or .jpeg file"
    ) in out
    assert (
        f"{shown}: edition January 2026 (2026-01-09_eb7305c5); "
        "judged by the January 2026 course checker (report.py e3622b47)" in out
    )
    printed = r.stdout.decode("utf-8")
    assert not any(c in printed for c in "\x1b\x07\u202e\u2066"), printed


def test_a_folder_name_that_is_not_utf8(tmp_path):
    """Its bytes are shown as escapes (human, github); JSON, read by programs, carries every
    character exactly with its own escaping. No format crashes."""
    folder = os.fsdecode(b"grp\xff\x1b[2J")
    path, _ = hostile_report(tmp_path, folder)
    human = run(str(path))
    assert human.returncode == 1 and human.stderr == b"", human.stderr
    assert lines_of(human.stdout)[0].startswith(f"{tmp_path}/grp\\xff\\x1b[2J/reports/README.md:")
    github = run(str(path), "--format", "github")
    assert github.returncode == 1 and github.stderr == b"", github.stderr
    assert lines_of(github.stdout)[0].startswith(f"::error file={tmp_path}/grp\\xff\\x1b[2J/reports/README.md,")
    machine = run(str(path), "--format", "json")
    assert machine.returncode == 1 and machine.stderr == b"", machine.stderr
    (entry,) = json.loads(machine.stdout.decode("utf-8"))
    assert os.fsencode(entry["path"]) == os.fsencode(str(path))
    assert f"Question 14: {ESC_TARGET} does not exist in the report's folder" in [
        d["message"] for d in entry["diagnostics"]
    ]
    assert b"\x1b" not in machine.stdout


def test_error_messages_show_controls_as_escapes(tmp_path):
    r = run(str(tmp_path / "x\x1b[2J\u202e" / "README.md"))
    assert r.returncode == 2
    assert (
        r.stderr.decode("utf-8") == f"mlops-report: {tmp_path}/x\\x1b[2J\\u202e/README.md: no such file or directory\n"
    )
