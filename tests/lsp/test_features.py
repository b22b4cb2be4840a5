"""Code lens, status notification, completion, settings, watched files, untitled documents,
incremental sync across U+2028, shutdown and exit."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from lsprotocol import types

from mlops_report.lsp.lens import LENS_MOST, LENS_REFRESH
from tests.builder import ReportBuilder, words

from .conftest import Session, until


def short(tmp_path, **figures):
    b = ReportBuilder("2026").fill_all().answer(5, "Zebra " + words(97))
    b.answer(19, words(30))
    figs = [f for f in b.needed_figures() if not f.startswith("figures/q19_")] + ["figures/loss.png"]
    return b.write(tmp_path, figures=figs)


async def lens_titles(client, uri) -> dict[int, str]:
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri=uri)))
    return {lens.range.start.line: lens.command.title for lens in lenses}


async def test_code_lens_titles(client, session: Session, tmp_path):
    uri = session.open_file(short(tmp_path))
    titles = await lens_titles(client, uri)
    text = session.texts[uri]
    line5 = session.range_of(uri, "### Question 5").start.line
    line19 = session.range_of(uri, "### Question 19").start.line
    line14 = session.range_of(uri, "### Question 14").start.line
    assert titles[line5] == "98 / 100–200 words ✗"
    assert titles[line19] == "30 words ✗ · 0 / 1–2 figures"  # no word limit
    assert titles[line14].endswith("words ✓ · 1 / 1–3 figures")
    assert len(titles) == 31 and text
    # type two words: the lens follows
    end = text.index("Zebra") + len("Zebra")
    pos = session.position(text, end)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), " one two")])
    await session.diagnostics(uri)
    assert (await lens_titles(client, uri))[line5] == "100 / 100–200 words ✓"
    if session.name == "vscode":  # declares refreshSupport
        await until(lambda: client.lens_refreshes > 0, 5, "workspace/codeLens/refresh")


async def test_lens_refresh_waits_for_a_pause_in_typing(client, session: Session, tmp_path):
    """Every word typed changes a lens's count; the client is asked to refresh the lenses after
    the typing pauses (or once a second while it goes on), not after every word."""
    uri = session.open_file(short(tmp_path))
    await lens_titles(client, uri)  # the editor shows the lenses: from now on they may change
    await asyncio.sleep(0.6)
    start = client.lens_refreshes
    at = session.texts[uri].index("Zebra") + len("Zebra")
    began = asyncio.get_running_loop().time()
    for _ in range(12):  # a word every 60 ms, as someone types
        pos = session.position(session.texts[uri], at)
        session.change(uri, [types.TextEdit(types.Range(pos, pos), " w")])
        at += 2
        await session.diagnostics(uri)
        await asyncio.sleep(0.06)
    if session.name != "vscode":  # no refreshSupport declared: never asked
        await asyncio.sleep(0.6)
        assert client.lens_refreshes == start
        return
    typing = asyncio.get_running_loop().time() - began
    # at least one refresh comes once the typing stops, and no more than the pause and the
    # once-a-second bound allow (a refresh after every word would be 12)
    await until(lambda: client.lens_refreshes > start, 5, "a refresh after the typing")
    await asyncio.sleep(0.6)
    most = 2 + int(typing / LENS_MOST)
    assert 1 <= client.lens_refreshes - start <= most, (client.lens_refreshes - start, typing)
    line5 = session.range_of(uri, "### Question 5").start.line
    assert (await lens_titles(client, uri))[line5] == "110 / 100–200 words ✓"


async def test_lens_refresh_waits_for_typing_inside_a_word(client, session: Session, tmp_path):
    """Letters typed inside a word change no count, but they are typing all the same: a refresh
    that one count's change set on its way waits until the letters pause too."""
    if session.name != "vscode":  # no refreshSupport declared: never asked
        return
    uri = session.open_file(short(tmp_path))
    await lens_titles(client, uri)
    await asyncio.sleep(0.6)
    start = client.lens_refreshes
    at = session.texts[uri].index("Zebra") + len("Zebra")
    loop = asyncio.get_running_loop()
    sent = []
    for typed in [" w"] + ["x"] * 8:  # one word more, then letters of that word, 50 ms apart
        pos = session.position(session.texts[uri], at)
        session.change(uri, [types.TextEdit(types.Range(pos, pos), typed)])
        sent.append(loop.time())
        at += len(typed)
        await session.diagnostics(uri)
        await asyncio.sleep(0.05)
    await until(lambda: client.lens_refreshes > start, 5, "a refresh after the typing")
    first = client.lens_refreshed_at[start]
    gaps = [b - a for a, b in itertools.pairwise(sent) if b < first]
    if max(gaps, default=0) < LENS_REFRESH:  # the machine kept the pace: no pause came before it
        assert first > sent[-1], (first - sent[0], [t - sent[0] for t in sent])
    await asyncio.sleep(0.6)
    assert client.lens_refreshes - start == 1


async def test_status_notification(client, session: Session, tmp_path):
    uri = session.open_file(short(tmp_path))
    status = await session.status(uri)
    assert status["total"] == 31 and status["edition"].startswith("2026")
    assert status["editionLabel"] == "January 2026"
    assert status["passing"] == 29 and status["answered"] == 31
    assert status["failing"] == 2
    assert status["errors"] == 0 and status["warnings"] == 2 and status["checkerCrashes"] == 0
    sections = {s["title"]: s for s in status["sections"]}
    assert sections["Local setup"] == {"title": "Local setup", "answered": 3, "passing": 2, "total": 3}
    assert sum(s["total"] for s in status["sections"]) == 31
    # a crash is counted
    session.change(uri, text=session.texts[uri].replace("### Question 30", "## Question 30"))
    crashed = await session.status(uri, checkerCrashes=1)
    assert crashed["passing"] == 0 and crashed["errors"] >= 1
    assert crashed["failing"] == 0  # nothing is judged


async def test_completion_of_figure_paths(client, session: Session, tmp_path):
    path = short(tmp_path)
    uri = session.open_file(path)
    text = session.texts[uri]
    anchor = text.index("Zebra")
    typed = "✅ ![loss](figures/lo"
    pos = session.position(text, anchor)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), typed)])
    text = session.texts[uri]
    cursor = session.position(text, anchor + len(typed))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri=uri), cursor)
    )
    labels = [i.label for i in result.items]
    assert "figures/loss.png" in labels and "figures/q14_0.png" in labels
    item = next(i for i in result.items if i.label == "figures/loss.png")
    start = session.position(text, anchor + len("✅ ![loss]("))
    assert item.text_edit.range == types.Range(start, cursor)
    if session.name != "emacs":
        assert f"![figures/loss.png]({(path.parent / 'figures/loss.png').as_uri()})" in item.documentation.value
    # inside <img src="
    session.change(uri, text=text.replace(typed, '<img src="fig'))
    text = session.texts[uri]
    cursor = session.position(text, anchor + len('<img src="fig'))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri=uri), cursor)
    )
    assert "figures/loss.png" in [i.label for i in result.items]


async def test_figure_snippet(client, session: Session, tmp_path):
    uri = session.open_file(short(tmp_path))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri=uri), types.Position(2, 0))
    )
    (item,) = result.items
    assert item.label == "figure"
    if session.name == "emacs":  # no snippet support
        assert item.insert_text == "![alt](figures/)"
    else:
        assert item.insert_text_format == types.InsertTextFormat.Snippet
        assert item.insert_text.startswith("![${1:alt}](figures/")


@pytest.mark.own_server
async def test_settings_change_and_invalid_settings(client, session: Session, tmp_path):
    uri = session.open_file(short(tmp_path))
    assert "word-count" in [d.code for d in await session.diagnostics(uri)]
    client.published.clear()
    client.set_configuration({"disable": ["word-count"], "severity": {"image-count": "error"}}, section="mlopsReport")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))

    async def settled():
        found = await session.diagnostics(uri)
        return "word-count" not in [d.code for d in found]

    for _ in range(100):
        if await settled():
            break
        await asyncio.sleep(0.05)
    found = await session.diagnostics(uri)
    assert "word-count" not in [d.code for d in found]
    assert next(d for d in found if d.code == "image-count").severity == types.DiagnosticSeverity.Error
    # invalid: a warning, the defaults, and the server keeps serving
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"mlopsReport": {"severity": {"no-such-code": "error"}, "disable": "word-count"}}
        )
    )
    await until(lambda: client.messages, 5, "a showMessage warning")
    assert client.messages[0].type == types.MessageType.Warning
    assert "no-such-code" in client.messages[0].message
    await until(lambda: True, 1, "")
    for _ in range(100):
        if "word-count" in [d.code for d in await session.diagnostics(uri)]:
            break
        await asyncio.sleep(0.05)
    assert "word-count" in [d.code for d in await session.diagnostics(uri)]


async def test_watched_image_refreshes(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n![new](figures/new.png)")
    path = b.write(tmp_path)
    uri = session.open_file(path)
    assert "image-missing-file" in [d.code for d in await session.diagnostics(uri)]
    if session.name in ("vscode", "emacs"):  # both register watchers dynamically
        await until(lambda: client.registrations, 5, "a watcher registration")
        assert client.registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    (path.parent / "figures/new.png").write_bytes(b"png")
    client.published.clear()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(path.parent / "figures/new.png").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    await asyncio.sleep(0.1)
    assert "image-missing-file" not in [d.code for d in await session.diagnostics(uri)]


async def test_untitled_document(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n![new](figures/new.png)")
    b.answer(5, words(20))
    uri = session.open("untitled:Untitled-1", b.build())
    found = await session.diagnostics(uri)
    codes = [d.code for d in found]
    assert "word-count" in codes
    assert codes.count("figures-unsaved") == 1
    assert "image-missing-file" not in codes
    note = next(d for d in found if d.code == "figures-unsaved")
    assert note.severity == types.DiagnosticSeverity.Information
    assert "Save the report to check its figures" in note.message
    h = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), note.range.start)
    )
    assert "Save the report to check its figures" in h.contents.value
    status = await session.status(uri)
    assert status["total"] == 31


async def test_incremental_edits_across_line_separator_and_form_feed(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(5, "Zebra\u2028half\x0cway " + words(20) + " ends.")
    uri = session.open_file(b.write(tmp_path))
    await session.diagnostics(uri)
    # edit on the line after the U+2028 (which is not a line break in LSP)
    for _ in range(3):
        text = session.texts[uri]
        at = text.index(" ends.")
        pos = session.position(text, at)
        session.change(uri, [types.TextEdit(types.Range(pos, pos), " " + words(30).replace("\n", " "))])
    found = await session.diagnostics(uri)
    wc = [d for d in found if d.code == "word-count" and "Question 5" in d.message]
    assert wc == [], [d.message for d in wc]
    # the server's text is ours: a range after the separator is where we think it is
    text = session.texts[uri]
    text2 = text.replace(" ends.", " ends. ![x](figures/none.png)")
    at = text.index(" ends.") + len(" ends.")
    pos = session.position(text, at)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), " ![x](figures/none.png)")])
    assert session.texts[uri] == text2
    found = await session.diagnostics(uri)
    missing = next(d for d in found if d.code == "image-missing-file")
    assert missing.range == session.range_of(uri, "figures/none.png")


@pytest.mark.own_server
async def test_shutdown_and_exit(client, session: Session, tmp_path):
    session.open_file(short(tmp_path))
    await session.status(session.open_file(short(tmp_path)))
    await client.shutdown_session()
    assert client._server.returncode == 0
    client.capabilities = None  # already shut down: the fixture must not do it again


def _refresh_support(profile: str, caps: types.ClientCapabilities) -> None:
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)


@pytest.mark.capabilities.with_args(_refresh_support)
async def test_pull_clients_are_asked_to_refresh(client, session: Session, tmp_path):
    uri = session.open_file(short(tmp_path))
    await session.diagnostics(uri)
    client.set_configuration({"disable": ["word-count"]}, section="mlopsReport")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"mlopsReport": {"disable": ["word-count"]}})
    )
    if session.pull:
        await until(lambda: client.diagnostic_refresh_count > 0, 5, "workspace/diagnostic/refresh")
        assert "word-count" not in [d.code for d in await session.diagnostics(uri)]
        assert uri not in client.published
    else:  # push clients get the new set, and no refresh request
        await until(lambda: "word-count" not in [d.code for d in client.published[uri].diagnostics], 5, "re-publish")
        assert client.diagnostic_refresh_count == 0


@pytest.mark.init_options({"edition": "1999", "figuresDir": "pics"})
async def test_initialization_options(client, session: Session, tmp_path):
    await until(lambda: client.messages, 5, "a warning about the edition")
    assert "unknown edition '1999'" in client.messages[0].message
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path, figures=[f.replace("figures/", "pics/") for f in b.needed_figures()])
    text = path.read_text().replace("](figures/", "](pics/")
    path.write_text(text)
    uri = session.open_file(path)
    assert "image-outside-figures" not in [d.code for d in await session.diagnostics(uri)]


@pytest.mark.init_options({"figuresDir": "./figures/"})
async def test_completion_reads_the_figures_folder_as_written(client, session: Session, tmp_path):
    """``./figures/`` names the folder ``figures`` (links.folder), as the figure link command reads it."""
    uri = session.open_file(short(tmp_path))
    text = session.texts[uri]
    anchor = text.index("Zebra")
    pos = session.position(text, anchor)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), "![loss](")])
    cursor = session.position(session.texts[uri], anchor + len("![loss]("))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri=uri), cursor)
    )
    assert "figures/loss.png" in [i.label for i in result.items]
