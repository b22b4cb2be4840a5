"""Diagnostics: codes, severities, exact ranges in every encoding, push and pull."""

from __future__ import annotations

from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session


def short_report(tmp_path, prefix: str = ""):
    b = ReportBuilder("2026").fill_all().answer(5, prefix + "Zebra " + words(19) + " ends.")
    return b.write(tmp_path)


async def test_word_count_with_exact_range_and_link(client, session: Session, tmp_path):
    path = short_report(tmp_path)
    uri = session.open_file(path)
    found = await session.diagnostics(uri)
    wc = [d for d in found if d.code == "word-count"]
    assert len(wc) == 1
    d = wc[0]
    assert d.source == "mlops-report"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.range == session.range_of(uri, "### Question 5")
    assert "Question 5: 21 words" in d.message
    if session.name == "emacs":  # eglot declares no codeDescription support
        assert d.code_description is None
    else:
        assert d.code_description.href.endswith("docs/rules.md#word-count")


async def test_ranges_after_emoji_and_cjk(client, session: Session, tmp_path):
    # a figure path that does not exist, after an emoji, a check mark and CJK text on its line
    b = ReportBuilder("2026").fill_all()
    line = "🚀 ✅ 数据 results ![plot](figures/nope.png) 😀 end"
    b.answer(14, b.passing_text(14, with_figures=True) + "\n\n" + line)
    uri = session.open_file(b.write(tmp_path))
    found = await session.diagnostics(uri)
    missing = [d for d in found if d.code == "image-missing-file"]
    assert len(missing) == 1
    assert missing[0].range == session.range_of(uri, "figures/nope.png")
    # the range really lands on the path in this client's encoding
    text = session.texts[uri]
    from .conftest import offset_of

    s = offset_of(text, missing[0].range.start, session.encoding)
    e = offset_of(text, missing[0].range.end, session.encoding)
    assert text[s:e] == "figures/nope.png"


async def test_push_or_pull_never_both(client, session: Session, tmp_path):
    uri = session.open_file(short_report(tmp_path))
    caps = client.init_result.capabilities
    assert caps.diagnostic_provider is not None  # offered; only pull clients use it
    found = await session.diagnostics(uri)
    assert found
    if session.pull:
        await __import__("asyncio").sleep(0.3)
        assert uri not in client.published, "a pull client got pushed diagnostics too"


async def test_pull_result_id_unchanged(client, session: Session, tmp_path):
    if not session.pull:
        return
    uri = session.open_file(short_report(tmp_path))
    ident = types.TextDocumentIdentifier(uri=uri)
    first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == first.result_id


async def test_edit_refreshes_with_version(client, session: Session, tmp_path):
    uri = session.open_file(short_report(tmp_path))
    found = await session.diagnostics(uri)
    assert any(d.code == "word-count" and "Question 5" in d.message for d in found)
    # type the missing words at the end of the answer's last line, in two quick edits
    text = session.texts[uri]
    anchor = text.index(" ends.")
    pos = session.position(text, anchor)
    more = " " + words(60, 3).replace("\n", " ")
    session.change(uri, [types.TextEdit(types.Range(pos, pos), more[:100])])
    text = session.texts[uri]
    pos2 = session.position(text, anchor + 100)
    session.change(uri, [types.TextEdit(types.Range(pos2, pos2), more[100:] + " " + words(40, 7).replace("\n", " "))])
    found = await session.diagnostics(uri)
    assert not any(d.code == "word-count" and "Question 5" in d.message for d in found), [d.message for d in found]
    if not session.pull:
        assert client.published[uri].version == session.versions[uri]


async def test_close_clears(client, session: Session, tmp_path):
    uri = session.open_file(short_report(tmp_path))
    assert await session.diagnostics(uri)
    session.close(uri)
    if session.pull:
        return  # the client drops pulled diagnostics itself
    from .conftest import until

    await until(lambda: len(client.diagnostics[uri]) == 0, 5, "cleared diagnostics")


async def test_not_a_report_is_silent(client, session: Session, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nSome words about nothing.\n\n### Question 1\n\nNo label here.\n")
    uri = session.open_file(notes)
    if session.pull:
        assert await session.diagnostics(uri) == []
    await __import__("asyncio").sleep(0.3)
    assert uri not in client.published
    assert not [s for s in client.statuses if s["uri"] == uri]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(4, 5))
    )
    assert hover is None
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri=uri)))
    assert not lenses
