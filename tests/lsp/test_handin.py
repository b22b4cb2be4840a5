"""The hand-in page over the protocol: ``mlopsReport/handinPage`` and the command
``mlopsReport.handinPage``, as VS Code, Neovim and Emacs would ask for it."""

from __future__ import annotations

import asyncio

import markdown
from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session

METHOD, COMMAND = "mlopsReport/handinPage", "mlopsReport.handinPage"


def expected(text: str) -> str:
    return markdown.markdown(text.replace("\r\n", "\n")[43:])


def report(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(4, words(60) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + words(60))
    return b.write(tmp_path)


def plain(obj):
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "_asdict"):
        return {k: plain(v) if hasattr(v, "_asdict") else v for k, v in obj._asdict().items()}
    return obj


async def test_page_request_follows_the_text(client, session: Session, tmp_path):
    uri = session.open_file(report(tmp_path))
    await session.diagnostics(uri)
    got = plain(await client.protocol.send_request_async(METHOD, {"textDocument": {"uri": uri}, "line": 30}))
    assert got["error"] is None and got["renderer"].startswith("3.")
    assert expected(session.texts[uri]) in got["html"]
    kinds = [plain(d)["kind"] for d in got["differences"]]
    assert "table" in kinds and "cut" in kinds
    assert f'<base href="{tmp_path.joinpath("reports").as_uri()}/">' in got["html"]
    # the group types a fenced block: the next page has it, and a marker for it
    text = session.texts[uri]
    at = text.index("| a | b |")
    pos = session.position(text, at)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), "```py\nzebra = 1\n```\n\n")])
    await session.diagnostics(uri)
    got = plain(
        await client.protocol.send_request_async(
            METHOD, {"textDocument": {"uri": uri}, "cspSource": "vscode-resource:", "base": "vscode-resource:/r/"}
        )
    )
    assert expected(session.texts[uri]) in got["html"] and "zebra = 1" in got["html"]
    assert "fence" in [plain(d)["kind"] for d in got["differences"]]
    assert "img-src vscode-resource: https: data:" in got["html"]


async def test_command_returns_the_page(client, session: Session, tmp_path):
    uri = session.open_file(report(tmp_path))
    await session.diagnostics(uri)
    assert COMMAND in client.init_result.capabilities.execute_command_provider.commands
    page = await client.workspace_execute_command_async(types.ExecuteCommandParams(COMMAND, [uri]))
    assert page.startswith("<!DOCTYPE html>") and expected(session.texts[uri]) in page


async def test_a_document_python_markdown_chokes_on_gets_a_message_and_the_server_answers(
    client, session: Session, tmp_path
):
    # 12 000 [ in one paragraph: about 25 s of Python-Markdown; the server gives it 3
    uri = session.open(tmp_path.joinpath("notes.md").as_uri(), "# notes\n\n" + "[" * 12000)
    page = asyncio.ensure_future(client.protocol.send_request_async(METHOD, {"textDocument": {"uri": uri}}))
    await asyncio.sleep(0.5)
    # meanwhile the server answers other requests: the page is made in a worker thread
    await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(0, 0))
        ),
        2,
    )
    assert not page.done()
    got = plain(await asyncio.wait_for(page, 60))
    assert "more than 3 s" in got["error"] and "more than 3 s" in got["html"]


async def test_not_a_report_and_not_open(client, session: Session, tmp_path):
    got = plain(await client.protocol.send_request_async(METHOD, {"textDocument": {"uri": "file:///nowhere.md"}}))
    assert got["error"] == "not an open markdown document" and got["html"].startswith("<!DOCTYPE html>")
