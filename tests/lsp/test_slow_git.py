"""The original instructions come from the report's git history in the background: with a git
that takes seconds to answer, the diagnostics still arrive at once, the hover says the lookup
is running, and the restore fix appears when git is done."""

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
from .test_actions import actions_for, fix, restore_titles

GIT_SECONDS = 1.5  # each call; the server gives git 3 s a call
_REAL_GIT = shutil.which("git") or "/usr/bin/git"
_SLOW = Path(tempfile.mkdtemp(prefix="mlops-report-slow-git-"))
atexit.register(shutil.rmtree, _SLOW, True)
(_SLOW / "git").write_text(f'#!/bin/sh\nsleep {GIT_SECONDS}\nexec "{_REAL_GIT}" "$@"\n')
(_SLOW / "git").chmod((_SLOW / "git").stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

SLOW_GIT = ClientServerConfig(
    server_command=[sys.executable, "-m", "mlops_report", "serve"], client_factory=make_client,
    server_env={**os.environ, "PATH": f"{_SLOW}{os.pathsep}{os.environ.get('PATH', '')}"})


@pytest_lsp.fixture(config=SLOW_GIT, params=["vscode", "neovim"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    params = types.InitializeParams(capabilities=client_capabilities(PROFILES[request.param]),
                                    root_uri=tmp_path.as_uri(),
                                    workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")])
    lsp_client.session = Session(lsp_client, request.param, tmp_path)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _git(folder: Path, *args: str) -> None:
    subprocess.run([_REAL_GIT, "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=folder, check=True, capture_output=True)


async def test_a_slow_git_does_not_hold_up_the_diagnostics(client, tmp_path):
    session: Session = client.session
    path = ReportBuilder("2026").fill_all().write(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "reports/README.md")
    _git(tmp_path, "commit", "-q", "-m", "template")
    original = path.read_text()
    path.write_text(original.replace("Recommended answer length: 100-200 words.",
                                     "Recommended answer length: 50-200 words.", 1))
    uri = session.open_file(path)

    # git is still asleep: the finding is there, without the fix, and the hover says why
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == "instructions-edited")
    assert "Restore the original instructions" not in [a.title for a in await actions_for(client, session, uri, d)]
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri=uri), d.range.start))
    assert "being looked up in the report's git history" in hover.contents.value

    # once git answers, the report is analysed again and the fix restores the committed text
    assert "Restore the original instructions" in await restore_titles(client, session, uri, GIT_SECONDS * 4)
    _, _, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original
