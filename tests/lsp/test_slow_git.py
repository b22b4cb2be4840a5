"""The original instructions come from the report's git history, read in-process: a ``git`` put
first on PATH (one that writes a marker, then sleeps) is never started, by the server or by the
CLI, and the restore fix from history still appears at once."""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.builder import ReportBuilder

from .conftest import PROFILES, Session, make_client
from .test_actions import fix, restore_titles

_REAL_GIT = shutil.which("git") or "/usr/bin/git"
_SHIM = Path(tempfile.mkdtemp(prefix="mlops-report-git-shim-"))
atexit.register(shutil.rmtree, _SHIM, True)
MARKER = _SHIM / "git-was-started"
(_SHIM / "git").write_text(f'#!/bin/sh\necho "$@" >> "{MARKER}"\nsleep 2\nexec "{_REAL_GIT}" "$@"\n')
(_SHIM / "git").chmod((_SHIM / "git").stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
SHIM_ENV = {**os.environ, "PATH": f"{_SHIM}{os.pathsep}{os.environ.get('PATH', '')}"}

SHIMMED = ClientServerConfig(
    server_command=[sys.executable, "-m", "mlops_report", "serve"], client_factory=make_client, server_env=SHIM_ENV
)


@pytest_lsp.fixture(config=SHIMMED, params=["vscode", "neovim"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    params = types.InitializeParams(
        capabilities=client_capabilities(PROFILES[request.param]),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
    )
    lsp_client.session = Session(lsp_client, request.param, tmp_path)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        [_REAL_GIT, "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def _edited_report(folder: Path) -> tuple[Path, str]:
    """A committed report whose instructions were edited since; (path, the committed text)."""
    path = ReportBuilder("2026").fill_all().write(folder)
    _git(folder, "init", "-q")
    _git(folder, "add", "reports/README.md")
    _git(folder, "commit", "-q", "-m", "template")
    original = path.read_text()
    path.write_text(
        original.replace("Recommended answer length: 100-200 words.", "Recommended answer length: 50-200 words.", 1)
    )
    return path, original


async def test_the_server_never_starts_git_and_restores_from_history(client, tmp_path):
    MARKER.unlink(missing_ok=True)
    session: Session = client.session
    path, original = _edited_report(tmp_path)
    uri = session.open_file(path)
    # a git program would take 2 s a call here; the history is read without one
    assert "Restore the original instructions" in await restore_titles(client, session, uri, 1.5)
    _, _, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original
    assert not MARKER.exists(), MARKER.read_text()


def test_the_cli_never_starts_git(tmp_path):
    MARKER.unlink(missing_ok=True)
    path, _ = _edited_report(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", "--format", "json", str(path)],
        env=SHIM_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "instructions-edited" in done.stdout
    assert not MARKER.exists(), MARKER.read_text()
