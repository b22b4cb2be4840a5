"""A keystroke that changes nothing the client shows costs the client nothing: a pull is
answered ``unchanged`` and no new status is sent."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session


def report(tmp_path):
    b = ReportBuilder("2026").fill_all().answer(5, "Zebra " + words(19) + " ends.")
    return b.write(tmp_path)


def type_inside_zebra(session: Session, uri: str) -> None:
    """One letter inside a word of question 5's answer: no count, finding or range moves."""
    text = session.texts[uri]
    pos = session.position(text, text.index("Zebra") + 2)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), "b")])


async def test_pull_after_a_keystroke_that_moves_nothing_is_unchanged(client, session: Session, tmp_path):
    if not session.pull:
        return  # pushed clients are covered by the next test's status, and by test_diagnostics
    uri = session.open_file(report(tmp_path))
    ident = types.TextDocumentIdentifier(uri=uri)
    first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
    assert any(d.code == "word-count" for d in first.items)
    type_inside_zebra(session, uri)
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport), again
    assert again.result_id == first.result_id
    # a keystroke that changes a finding gets the whole new set, under a new id
    text = session.texts[uri]
    pos = session.position(text, text.index(" ends."))
    session.change(uri, [types.TextEdit(types.Range(pos, pos), " " + words(90, 3).replace("\n", " "))])
    changed = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert changed.result_id != first.result_id
    assert not any(d.code == "word-count" and "Question 5" in d.message for d in changed.items)


async def test_status_is_sent_again_only_when_it_changes(client, session: Session, tmp_path):
    uri = session.open_file(report(tmp_path))
    before = await session.status(uri)
    assert before["failing"] == 1  # question 5, 21 words
    type_inside_zebra(session, uri)
    await session.diagnostics(uri)
    await asyncio.sleep(0.3)
    assert [s for s in client.statuses if s["uri"] == uri] == [before]
    # ninety more words make question 5 pass: that status is sent
    text = session.texts[uri]
    pos = session.position(text, text.index(" ends."))
    session.change(uri, [types.TextEdit(types.Range(pos, pos), " " + words(90, 3).replace("\n", " "))])
    after = await session.status(uri, failing=0)
    assert after["passing"] == before["passing"] + 1
