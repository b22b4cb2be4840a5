"""The server in Neovim and Emacs, configured as the README says: the report's findings arrive
in the editor's own diagnostics with their codes. Skipped where the editor is not installed
(client-vscode/scripts/ci-deps.sh installs both)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builder import ReportBuilder, words

HERE = Path(__file__).resolve().parent
SHORT, FIGURE = 4, 19  # 2026: Q4 wants 100-200 words, Q19 one or two figures


@pytest.fixture
def report(tmp_path: Path) -> Path:
    builder = ReportBuilder("2026").answer(SHORT, words(90)).figures(FIGURE).fill_all()
    figures = [f for f in builder.needed_figures() if not f.startswith(f"figures/q{FIGURE}_")]
    return builder.write(tmp_path, figures=figures)


def editor_env(tmp_path: Path, config: str) -> dict[str, str]:
    """`mlops-report` on PATH, as after `pip install mlops-report`, and nothing of the user's."""
    scripts = Path(sys.executable).parent
    if not (scripts / "mlops-report").exists():
        pytest.skip(f"no mlops-report console script next to {sys.executable} (run make setup)")
    return {
        "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "MLOPS_REPORT_CONFIG": str(HERE / config),
        "MLOPS_REPORT_OUT": str(tmp_path / "out"),
    }


def lines_of(report: Path, heading: str) -> int:
    return report.read_text(encoding="utf-8").split("\n").index(heading)


def test_neovim_shows_the_findings(report: Path, tmp_path: Path) -> None:
    if shutil.which("nvim") is None:
        pytest.skip("nvim is not installed (client-vscode/scripts/ci-deps.sh installs it)")
    env = editor_env(tmp_path, "mlops_report.lua")
    env["MLOPS_REPORT_HOVER_LINE"] = str(lines_of(report, f"### Question {SHORT}"))
    run = subprocess.run(
        ["nvim", "--headless", "--clean", "-u", str(HERE / "nvim_check.lua"), str(report)],
        env=env,
        cwd=report.parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(Path(env["MLOPS_REPORT_OUT"]).read_text())
    assert run.returncode == 0, (result, run.stderr)
    by_code = {(d["code"], d["lnum"]) for d in result["diagnostics"]}
    assert ("word-count", lines_of(report, f"### Question {SHORT}")) in by_code, result
    assert ("image-count", lines_of(report, f"### Question {FIGURE}")) in by_code, result
    assert all(d["source"] == "mlops-report" for d in result["diagnostics"]), result
    assert "100" in result["hover"] and "200" in result["hover"], result["hover"]


def test_emacs_eglot_shows_the_findings(report: Path, tmp_path: Path) -> None:
    if shutil.which("emacs") is None:
        pytest.skip("emacs is not installed (client-vscode/scripts/ci-deps.sh installs emacs-nox and elpa-eglot)")
    env = editor_env(tmp_path, "mlops-report.el")
    probe = subprocess.run(["emacs", "--batch", "--eval", "(require 'eglot)"], env=env, capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("eglot is not available to emacs (apt install elpa-eglot, or Emacs 29+)")
    run = subprocess.run(
        ["emacs", "--batch", "-l", str(HERE / "eglot_check.el"), str(report)],
        env=env,
        cwd=report.parent.parent,
        capture_output=True,
        text=True,
        timeout=90,
    )
    out = Path(env["MLOPS_REPORT_OUT"]).read_text() if Path(env["MLOPS_REPORT_OUT"]).exists() else ""
    assert run.returncode == 0, (out, run.stderr[-3000:])
    published = [line for line in out.splitlines() if line.startswith("code: ")]
    assert any(
        line.startswith(f"code: word-count line {lines_of(report, f'### Question {SHORT}')}:") for line in published
    ), out
    assert any(
        line.startswith(f"code: image-count line {lines_of(report, f'### Question {FIGURE}')}:") for line in published
    ), out
    shown = [line for line in out.splitlines() if line.startswith("flymake: ")]
    assert len(shown) == len(published), out
    assert any(
        f"line {lines_of(report, f'### Question {SHORT}') + 1}: mlops-report [word-count]" in line for line in shown
    ), out
