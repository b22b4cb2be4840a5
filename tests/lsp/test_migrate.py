"""``mlopsReport.migrate``: the open report written on a newer template, as a workspace edit the
editor applies; a template the editor fetched is passed as text, the server never goes online."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter

from tests.builder import ReportBuilder, words

from .conftest import Session, _plain, apply_edits, text_edits

COMMAND = "mlopsReport.migrate"


def old_report() -> str:
    """On the 2026-01-04 template (question 3 states 100-200 words), with characters that take
    two UTF-16 units and four UTF-8 bytes above the edited lines."""
    return ReportBuilder("2026-01-04_1fa25710").fill_all().answer(2, "s123456 😀 café").answer(3, words(120)).build()


def new_template(tmp_path) -> str:
    path = tmp_path / "template" / "README.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ReportBuilder("2026").build(), encoding="utf-8")
    return str(path)


async def run(client, *arguments):
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=COMMAND, arguments=list(arguments))
    )
    result = _plain(result)
    return default_converter().structure(result["edit"], types.WorkspaceEdit), result["changes"]


async def test_the_server_offers_the_command(client):
    assert COMMAND in client.init_result.capabilities.execute_command_provider.commands


async def test_migrate_returns_an_edit_that_puts_the_answers_on_the_template(client, session: Session, tmp_path):
    uri = session.open((tmp_path / "reports" / "README.md").as_uri(), old_report())
    edit, changes = await run(client, uri, new_template(tmp_path))
    assert "Question 3: 100-200 words -> 0-200 words" in changes
    if edit.document_changes:
        assert edit.document_changes[0].text_document.version == session.versions[uri]
    after = apply_edits(session.texts[uri], text_edits(edit, uri), session.encoding)
    assert "Recommended answer length: 0-200 words" in after
    assert "s123456 😀 café" in after and words(120) in after
    assert after.count("### Question") == 31
    session.change(uri, text=after)
    # the migrated text is what the editor now has: migrating again changes nothing
    edit, changes = await run(client, uri, new_template(tmp_path))
    assert text_edits(edit, uri) == [] and changes == ["the report is already written on this template"]


@pytest.mark.own_server  # a path relative to the workspace: this test's folder is the workspace
async def test_a_relative_path_and_text_the_editor_fetched(client, session: Session, tmp_path):
    uri = session.open((tmp_path / "reports" / "README.md").as_uri(), old_report())
    new_template(tmp_path)
    by_path, _ = await run(client, uri, "template/README.md")  # relative to the workspace
    by_text, changes = await run(
        client, uri, {"text": ReportBuilder("2026").build(), "source": "https://example.org/README.md"}
    )
    assert text_edits(by_path, uri) == text_edits(by_text, uri) != []
    assert "Question 3: 100-200 words -> 0-200 words" in changes


@pytest.mark.parametrize(
    "arguments, reason",
    [
        (("https://github.com/SkafteNicki/dtu_mlops",), "the server does not fetch templates"),
        (("absent/README.md",), "absent/README.md: no such file"),
        (({"text": "# a readme\n"},), "the template has no '### Question N' headings"),
        ((), "takes the report's URI and a template"),
    ],
)
async def test_refusals_say_why(client, session: Session, tmp_path, arguments, reason):
    uri = session.open((tmp_path / "reports" / "README.md").as_uri(), old_report())
    with pytest.raises(JsonRpcException) as caught:
        await run(client, *((uri, *arguments) if arguments else (uri,)))
    assert reason in caught.value.message
    assert caught.value.code == -32803


async def test_a_document_that_is_not_open_is_refused(client, tmp_path):
    with pytest.raises(JsonRpcException) as caught:
        await run(client, (tmp_path / "closed.md").as_uri(), new_template(tmp_path))
    assert "open the report first" in caught.value.message
