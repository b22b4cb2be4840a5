"""Code actions: every fix the engine offers, applied to the text, removes its finding."""

from __future__ import annotations

import asyncio
import subprocess

import pytest
from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session, apply_edits, text_edits


async def actions_for(client, session: Session, uri: str, d: types.Diagnostic, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d], only=only),
        )
    )


async def fix(client, session: Session, uri: str, code: str, title: str, question: int | None = None):
    """Apply the action titled ``title`` (a prefix) for the first ``code`` finding; returns the
    action, the text before and the text after (also sent to the server)."""
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == code and (question is None or f"Question {question}" in d.message))
    actions = await actions_for(client, session, uri, d)
    action = next((a for a in actions if a.title.startswith(title)), None)
    assert action is not None, [a.title for a in actions]
    assert action.kind.startswith("quickfix.mlopsReport.")
    assert action.diagnostics and action.diagnostics[0].code == code
    before = session.texts[uri]
    after = apply_edits(before, text_edits(action.edit, uri), session.encoding)
    if action.edit.document_changes:
        edit = action.edit.document_changes[0]
        assert edit.text_document.version == session.versions[uri]
    session.change(uri, text=after)
    return action, before, after


async def codes(session: Session, uri: str, question: int | None = None) -> list[str]:
    return [d.code for d in await session.diagnostics(uri) if question is None or f"Question {question}" in d.message]


async def test_insert_figure_per_unlinked_image(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(19, words(30))
    figures = [f for f in b.needed_figures() if not f.startswith("figures/q19_")] + ["figures/loss.png"]
    uri = session.open_file(b.write(tmp_path, figures=figures))
    action, before, after = await fix(client, session, uri, "image-count", "Insert figure figures/loss.png", 19)
    assert action.is_preferred
    assert after.replace("\n\n![loss](figures/loss.png)", "", 1) == before
    assert "image-count" not in await codes(session, uri, 19)


async def test_insert_figure_snippet_when_no_image_is_free(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(19, words(30))
    figures = [f for f in b.needed_figures() if not f.startswith("figures/q19_")]
    uri = session.open_file(b.write(tmp_path, figures=figures))
    _, _before, after = await fix(client, session, uri, "image-count", "Insert figure snippet", 19)
    assert "![describe the figure](figures/FILE.png)" in after


async def test_image_not_counted_rewritten(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14, with_figures=False) + '\n\n<img src="figures/q14_0.png" width="300">')
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "image-not-counted", "Rewrite as")
    assert after == before.replace('<img src="figures/q14_0.png" width="300">', "![q14_0](figures/q14_0.png)")
    assert not {"image-not-counted", "image-count"} & set(await codes(session, uri, 14))


async def test_image_path_case(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14, with_figures=False) + "\n\n![loss](figures/Q14_0.PNG)")
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "image-path-case", "Use the file's real name")
    assert after == before.replace("figures/Q14_0.PNG", "figures/q14_0.png")
    assert "image-path-case" not in await codes(session, uri)


async def test_move_into_figures_never_overwrites(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14, with_figures=False) + "\n\n![arch](img/arch.png)")
    path = b.write(tmp_path, figures=[*b.needed_figures(), "img/arch.png"])
    uri = session.open_file(path)
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == "image-outside-figures")
    actions = await actions_for(client, session, uri, d)
    move = [a for a in actions if a.title.startswith("Move img/arch.png")]
    if session.name == "emacs":  # eglot announces no rename support: no move offered
        assert move == []
        return
    (action,) = move
    renames = [c for c in action.edit.document_changes if isinstance(c, types.RenameFile)]
    assert len(renames) == 1
    r = renames[0]
    assert r.old_uri == (path.parent / "img/arch.png").as_uri()
    assert r.new_uri == (path.parent / "figures/arch.png").as_uri()
    assert r.options.overwrite is False and r.options.ignore_if_exists is False
    after = apply_edits(session.texts[uri], text_edits(action.edit, uri), session.encoding)
    assert "![arch](figures/arch.png)" in after


async def test_link_only_when_figures_holds_the_name(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14, with_figures=False) + "\n\n![arch](img/arch.png)")
    uri = session.open_file(b.write(tmp_path, figures=[*b.needed_figures(), "img/arch.png", "figures/arch.png"]))
    action, before, after = await fix(client, session, uri, "image-outside-figures", "Link figures/arch.png")
    assert not any(isinstance(c, types.RenameFile) for c in action.edit.document_changes or [])
    assert after == before.replace("(img/arch.png)", "(figures/arch.png)")
    assert "image-outside-figures" not in await codes(session, uri)


async def test_placeholder_removed(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(6, b.passing_text(6) + "\n\n--- question 6 fill here ---")
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "placeholder-left", "Remove the placeholder")
    assert after == before.replace("--- question 6 fill here ---\n", "", 1)
    assert "placeholder-left" not in await codes(session, uri)


async def test_wrapped_answer_unwrapped(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    body = b.passing_text(7)
    b.answer(7, "--- " + body + " ---")
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "answer-wrapped", "Remove the --- dashes")
    assert after == before.replace("--- " + body + " ---", body)
    assert "answer-wrapped" not in await codes(session, uri)


async def test_truncating_heading_to_bold(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(8, words(30) + "\n\n#### Results\n\n" + words(80))
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "answer-truncated", "Turn the heading into bold text")
    assert after == before.replace("#### Results", "**Results**")
    assert not {"answer-truncated", "word-count"} & set(await codes(session, uri, 8))


async def test_checkbox_mark_after_emoji(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().mark(0, "✅").mark(1, "🚀")
    uri = session.open_file(b.write(tmp_path))
    found = await session.diagnostics(uri)
    marks = [d for d in found if d.code == "checkbox-mark"]
    assert [d.range for d in marks] == [session.range_of(uri, "[✅]"), session.range_of(uri, "[🚀]")]
    _, before, after = await fix(client, session, uri, "checkbox-mark", "Use [x]")
    assert after == before.replace("[✅]", "[x]")


def _git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


async def test_restore_instructions_from_git(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "reports/README.md")
    _git(tmp_path, "commit", "-q", "-m", "template")
    original = path.read_text()
    edited = original.replace(
        "Recommended answer length: 100-200 words.", "Recommended answer length: 50-200 words.", 1
    )
    assert edited != original
    path.write_text(edited)
    uri = session.open_file(path)
    # git runs in a worker thread: the fix appears once the first commit has been read
    assert "Restore the original instructions" in await restore_titles(client, session, uri)
    _, _before, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original


async def restore_titles(client, session: Session, uri: str, seconds: float = 5) -> list[str]:
    """The titles of the actions offered for the instructions-edited finding, once the restore
    is among them (or after ``seconds``)."""
    titles: list[str] = []
    for _ in range(int(seconds * 10)):
        found = await session.diagnostics(uri)
        d = next(d for d in found if d.code == "instructions-edited")
        titles = [a.title for a in await actions_for(client, session, uri, d)]
        if "Restore the original instructions" in titles:
            break
        await asyncio.sleep(0.1)
    return titles


@pytest.mark.own_server
async def test_restore_instructions_from_template_setting(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    template = tmp_path / "template.md"
    template.write_text(ReportBuilder("2026").build())
    client.set_configuration({"templatePath": str(template)}, section="mlopsReport")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    original = path.read_text()
    edited = original.replace(
        "Recommended answer length: 100-200 words.", "Recommended answer length: 50-200 words.", 1
    )
    path.write_text(edited)
    uri = session.open_file(path)
    assert "Restore the original instructions" in await restore_titles(client, session, uri)
    _, _before, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original


async def test_no_original_hover_explains(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    path.write_text(path.read_text().replace("100-200 words.", "50-200 words.", 1))
    uri = session.open_file(path)
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == "instructions-edited")
    assert not [a for a in await actions_for(client, session, uri, d) if a.kind.startswith("quickfix")]
    for _ in range(50):  # while git runs in the background the hover says it is looking
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), d.range.start)
        )
        if "being looked up" not in hover.contents.value:
            break
        await asyncio.sleep(0.1)
    assert "50-200 words where the template says 100-200" in hover.contents.value
    assert "cannot be restored automatically" in hover.contents.value


async def test_fix_all_applies_every_safe_fix(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().mark(0, "✅")
    b.answer(6, b.passing_text(6) + "\n\n--- question 6 fill here ---")
    body = b.passing_text(7)
    b.answer(7, "--- " + body + " ---")
    b.answer(8, words(30) + "\n\n#### Results\n\n" + words(80))
    uri = session.open_file(b.write(tmp_path))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    (action,) = actions
    assert action.kind == "source.fixAll.mlopsReport"
    after = apply_edits(session.texts[uri], text_edits(action.edit, uri), session.encoding)
    session.change(uri, text=after)
    left = set(await codes(session, uri))
    assert not {"checkbox-mark", "placeholder-left", "answer-wrapped", "answer-truncated"} & left


async def test_only_filters_kinds(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().mark(0, "✅")
    uri = session.open_file(b.write(tmp_path))
    d = next(d for d in await session.diagnostics(uri) if d.code == "checkbox-mark")
    assert not await actions_for(client, session, uri, d, only=["refactor"])
    quick = await actions_for(client, session, uri, d, only=["quickfix"])
    assert [a.kind for a in quick] == ["quickfix.mlopsReport.checkboxMark"]


# -- figure links: one writer for every producer ---------------------------------------------------


async def test_figure_link_command_writes_what_the_checker_and_commonmark_read(client, session: Session):
    assert "mlopsReport.figureLink" in client.init_result.capabilities.execute_command_provider.commands
    link = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("mlopsReport.figureLink", [{"path": "figures/Screenshot 2026-01-10 at 12.00.png"}])
    )
    assert link == "![Screenshot 2026-01-10 at 12.00](figures/Screenshot%202026-01-10%20at%2012.00.png)"
    link = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("mlopsReport.figureLink", ["./figures/", "runs\\loss curve.png"])
    )
    assert link == "![loss curve](figures/runs/loss%20curve.png)"
    assert (
        await client.workspace_execute_command_async(types.ExecuteCommandParams("mlopsReport.figureLink", [42])) is None
    )


async def test_completion_and_insert_figure_write_the_path_encoded(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(19, "Zebra " + words(30))
    figures = [f for f in b.needed_figures() if not f.startswith("figures/q19_")] + ["figures/my bucket.png"]
    uri = session.open_file(b.write(tmp_path, figures=figures))
    _, _before, after = await fix(client, session, uri, "image-count", "Insert figure figures/my bucket.png", 19)
    assert "\n\n![my bucket](figures/my%20bucket.png)" in after
    text = session.texts[uri]
    anchor = text.index("Zebra")
    typed = "![x](figures/my"
    pos = session.position(text, anchor)
    session.change(uri, [types.TextEdit(types.Range(pos, pos), typed)])
    cursor = session.position(session.texts[uri], anchor + len(typed))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri=uri), cursor)
    )
    item = next(i for i in result.items if i.label == "figures/my bucket.png")
    assert item.text_edit.new_text == "figures/my%20bucket.png"


async def test_unrendered_figure_rewritten(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(19, "The bucket.\n\n![bucket](figures\\q19_0.png)")
    uri = session.open_file(b.write(tmp_path))
    _, before, after = await fix(client, session, uri, "image-link-unrendered", "Write the path as figures/q19_0.png")
    assert after == before.replace("figures\\q19_0.png", "figures/q19_0.png")
    assert "image-link-unrendered" not in await codes(session, uri)


# -- fixes that never cost a verdict --------------------------------------------------------------


async def fix_all_action(client, session: Session, uri: str):
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    return actions[0] if actions else None


async def test_a_fix_that_costs_a_verdict_says_so_and_fix_all_leaves_it(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().mark(0, "✅")
    b.answer(22, words(97) + "\n\n--- question 22 fill here ---")  # 103 with the placeholder: passes
    b.answer(6, b.passing_text(6) + "\n\n--- question 6 fill here ---")
    uri = session.open_file(b.write(tmp_path))
    found = await session.diagnostics(uri)
    d = next(d for d in found if d.code == "placeholder-left" and "Question 22" in d.message)
    (action,) = await actions_for(client, session, uri, d, only=["quickfix"])
    assert action.title == "Remove the placeholder: Q22 drops to 97 words, 3 under 100"
    assert not action.is_preferred
    d = next(d for d in found if d.code == "placeholder-left" and "Question 6" in d.message)
    (action,) = await actions_for(client, session, uri, d, only=["quickfix"])
    assert action.title == "Remove the placeholder" and action.is_preferred
    action = await fix_all_action(client, session, uri)
    assert action.title == "Fix all safe MLOps report problems (2)"
    after = apply_edits(session.texts[uri], text_edits(action.edit, uri), session.encoding)
    assert "--- question 22 fill here ---" in after and "--- question 6 fill here ---" not in after
    session.change(uri, text=after)
    assert not {"word-count", "unanswered"} & set(await codes(session, uri))


async def test_the_deleted_heading_comes_back_first(client, session: Session, tmp_path):
    uri = session.open_file(ReportBuilder("2026").fill_all().heading(5, None).write(tmp_path))
    found = await session.diagnostics(uri)
    assert [d.code for d in found][:1] == ["question-missing"]
    assert "checker-crash" not in [d.code for d in found] and "answer-label-extra" not in [d.code for d in found]
    action, _before, after = await fix(client, session, uri, "question-missing", "Insert `### Question 5`")
    assert action.is_preferred
    assert after == ReportBuilder("2026").fill_all().build()
    assert await session.diagnostics(uri) == []
