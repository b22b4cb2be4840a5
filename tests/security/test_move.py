""" "Move ... to figures/" never puts a file outside the project or the workspace, and never
takes one from there: not through a symbolic ``figures/`` leading out, a ``figuresDir`` of
``../..``, a linked source file, or a link loop. In the engine (the fix is not offered) and in
the server over stdio (no RenameFile is sent, also when a link appears after the analysis)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lsprotocol import types

from mlops_report.analysis import Analyzer
from mlops_report.settings import Settings
from tests.builder import ReportBuilder
from tests.lsp.conftest import Session

LINK = "\n\n![arch](img/arch.png)"


def group(tmp_path: Path, name: str = "group") -> Path:
    """A project whose question 14 links ``img/arch.png``, outside its figures folder; the
    figures folder is left empty (and so can be replaced by a link)."""
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14, with_figures=False) + LINK)
    return b.write(tmp_path / name, figures=["img/arch.png"])


def move_fixes(path: Path, settings: Settings | None = None) -> list:
    analysis = Analyzer().analyse(path.read_text(encoding="utf-8"), path, settings)
    found = [f for f in analysis.findings if f.code == "image-outside-figures" and "img/arch.png" in f.message]
    assert len(found) == 1, [f.message for f in analysis.findings]
    return [fix for fix in found[0].fixes if fix.moves]


def relink(link: Path, to: Path) -> None:
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        link.rmdir()
    link.symlink_to(to, target_is_directory=True)


# -- the engine ---------------------------------------------------------------------------------


def test_a_linked_figures_folder_moves_only_while_it_leads_inside_the_project(tmp_path):
    path = group(tmp_path)
    reports = path.parent
    (reports.parent / "assets").mkdir()
    relink(reports / "figures", reports.parent / "assets")
    (fix,) = move_fixes(path)
    assert fix.moves[0].target == str(reports / "figures" / "arch.png")
    (tmp_path / "elsewhere").mkdir()
    relink(reports / "figures", tmp_path / "elsewhere")
    assert move_fixes(path) == []
    relink(reports / "figures", Path("/tmp"))  # an absolute link
    assert move_fixes(path) == []
    relink(reports / "figures", Path("../.."))  # a relative one climbing out
    assert move_fixes(path) == []


def test_a_figures_dir_outside_the_project(tmp_path):
    path = group(tmp_path)
    assert move_fixes(path, Settings(figures_dir="../..")) == []
    assert move_fixes(path, Settings(figures_dir="../../elsewhere")) == []
    (fix,) = move_fixes(path, Settings(figures_dir="../pictures"))  # inside the project: offered
    assert fix.moves[0].target == str(path.parent / "../pictures/arch.png")


def test_a_linked_source_outside_the_project(tmp_path):
    path = group(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    (path.parent / "img" / "arch.png").unlink()
    (path.parent / "img" / "arch.png").symlink_to(secret)
    assert move_fixes(path) == []
    assert secret.read_bytes() == b"\x89PNG"


def test_a_link_loop_on_the_way(tmp_path):
    path = group(tmp_path)
    relink(path.parent / "figures", Path("figures"))  # figures -> figures
    assert move_fixes(path) == []


# -- the server over stdio ------------------------------------------------------------------------


async def move_actions(client, session: Session, uri: str) -> list[types.CodeAction]:
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == "image-outside-figures" and "img/arch.png" in d.message)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    return [a for a in actions or [] if any(isinstance(c, types.RenameFile) for c in (a.edit.document_changes or []))]


async def test_server_no_move_through_a_figures_link_out_of_the_project(client, session: Session, tmp_path):
    path = group(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    relink(path.parent / "figures", tmp_path / "elsewhere")
    uri = session.open_file(path)
    assert await move_actions(client, session, uri) == []


async def test_server_no_move_when_a_link_appears_after_the_analysis(client, session: Session, tmp_path):
    path = group(tmp_path)
    uri = session.open_file(path)
    offered = await move_actions(client, session, uri)
    if session.name == "emacs":  # eglot announces no rename support: no move is ever offered
        assert offered == []
        return
    assert len(offered) == 1
    (tmp_path / "elsewhere").mkdir()
    relink(path.parent / "figures", tmp_path / "elsewhere")  # nothing tells the server
    assert await move_actions(client, session, uri) == []
    assert os.listdir(tmp_path / "elsewhere") == []


@pytest.mark.init_options({"figuresDir": "../.."})
async def test_server_no_move_with_figures_dir_climbing_out(client, session: Session, tmp_path):
    uri = session.open_file(group(tmp_path))
    assert await move_actions(client, session, uri) == []


@pytest.mark.init_options({"figuresDir": "../pictures"})
async def test_server_no_move_outside_the_workspace_folder(client, session: Session, tmp_path):
    """The workspace is the report's own folder: ``../pictures`` is inside the project (the
    engine offers the move) but outside the folder the editor opened, so the server does not."""
    built = group(tmp_path / "project")
    path = tmp_path / "README.md"  # the workspace root is tmp_path
    built.rename(path)
    (built.parent / "img").rename(tmp_path / "img")
    assert move_fixes(path, Settings(figures_dir="../pictures"))  # the engine's view
    uri = session.open_file(path)
    assert await move_actions(client, session, uri) == []
