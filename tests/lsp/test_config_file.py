"""The project file in the server: the report's ``[tool.mlops-report]`` (or ``.mlops-report.toml``)
applies, a change of it is applied at once, the editor's settings override it (those it sets
to other than the default), each workspace folder gets its own editor settings (asked with
``scopeUri``), and a problem in the file is shown naming the file and the key."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session, until

SEVERITY = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "information",
    types.DiagnosticSeverity.Hint: "hint",
}


def repository(folder: Path) -> Path:
    """A repository whose report's question 7 is too short (a word-count warning)."""
    path = ReportBuilder("2026").fill_all().answer(7, words(30)).write(folder)
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)
    return path


async def levels(session: Session, uri: str, expect: dict[str, str | None], timeout: float = 10) -> dict:
    """The level of each code in ``expect`` (None: not reported) once they are as expected, or
    as they are when ``timeout`` runs out."""
    found: dict = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        diagnostics = await session.diagnostics(uri)
        found = {code: next((SEVERITY[d.severity] for d in diagnostics if d.code == code), None) for code in expect}
        if found == expect or loop.time() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_the_project_file_sets_the_levels(client, session: Session, tmp_path):
    path = repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "g"\n\n[tool.mlops-report]\nseverity = { word-count = "error" }\n'
    )
    uri = session.open_file(path)
    assert await levels(session, uri, {"word-count": "error"}) == {"word-count": "error"}


async def test_a_changed_file_is_applied(client, session: Session, tmp_path):
    path = repository(tmp_path)
    config = path.parent / ".mlops-report.toml"
    config.write_text('severity = { word-count = "hint" }\n')
    uri = session.open_file(path)
    assert await levels(session, uri, {"word-count": "hint"}) == {"word-count": "hint"}
    config.write_text('disable = ["word-count"]\n')
    if session.name in ("vscode", "emacs"):  # both watch files for the server: it asked for these
        await until(lambda: any(r.id == "mlops-report-config" for r in client.registrations), 5, "a registration")
        (watch,) = [r for r in client.registrations if r.id == "mlops-report-config"]
        assert watch.register_options["watchers"][0]["globPattern"] == "**/{pyproject.toml,.mlops-report.toml}"
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
            )
        )
    else:  # Neovim watches nothing for the server: the file saved in the editor
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config.as_uri()))
        )
    assert await levels(session, uri, {"word-count": None}) == {"word-count": None}


@pytest.mark.own_server
async def test_the_editor_overrides_the_file_where_it_sets_something(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(7, words(30))
    path = b.write(tmp_path, figures=[f.replace("figures/", "pics/") for f in b.needed_figures()])
    path.write_text(path.read_text().replace("](figures/", "](pics/"))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    (tmp_path / ".mlops-report.toml").write_text(
        'figures-dir = "pics"\nseverity = { word-count = "error", checkbox-mark = "hint" }\n'
    )
    uri = session.open_file(path)
    expect = {"word-count": "error", "image-outside-figures": None}
    assert await levels(session, uri, expect) == expect
    # what VS Code sends: every setting, the defaults included; only word-count differs from them
    client.set_configuration(
        {
            "edition": "auto",
            "checker": "course",
            "templatePath": "",
            "figuresDir": "figures",
            "severity": {"word-count": "information"},
            "disable": [],
        },
        section="mlopsReport",
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    expect = {"word-count": "information", "image-outside-figures": None}
    assert await levels(session, uri, expect) == expect


@pytest.mark.folders("a", "b")
async def test_each_workspace_folder_has_its_own_settings(client, session: Session, tmp_path):
    a, b = repository(tmp_path / "a"), repository(tmp_path / "b")
    client.set_configuration({"disable": ["word-count"]}, section="mlopsReport", scope_uri=(tmp_path / "a").as_uri())
    client.set_configuration(
        {"severity": {"word-count": "error"}}, section="mlopsReport", scope_uri=(tmp_path / "b").as_uri()
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    uri_a, uri_b = session.open_file(a), session.open_file(b)
    assert await levels(session, uri_a, {"word-count": None}) == {"word-count": None}
    assert await levels(session, uri_b, {"word-count": "error"}) == {"word-count": "error"}


async def test_a_problem_in_the_file_is_shown_with_the_file_and_the_key(client, session: Session, tmp_path):
    path = repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-report]\nseverity = { word-count = "loud" }\n')
    uri = session.open_file(path)
    await session.diagnostics(uri)
    await until(lambda: any("loud" in m.message for m in client.messages), 5, "a warning about the file")
    (shown,) = [m for m in client.messages if "loud" in m.message]
    assert shown.type == types.MessageType.Warning
    # named relative to the workspace folder
    assert (
        f"{tmp_path.name}/pyproject.toml [tool.mlops-report]: severity: word-count: 'loud' is not one of "
        "error, warning, information, hint, off" in shown.message
    )
    assert await levels(session, uri, {"word-count": "warning"}) == {"word-count": "warning"}
