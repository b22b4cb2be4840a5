"""Hover: the question's counts and verdict, a figure's file and preview, a checklist's ticks;
where something is asked about (a heading, instructions, a finding, a figure, a checklist),
never on an answer's own prose."""

from __future__ import annotations

from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session


async def hover_at(client, session: Session, uri: str, needle: str, shift: int = 0, nth: int = 0) -> str | None:
    text = session.texts[uri]
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    h = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, start + shift))
    )
    return None if h is None else h.contents.value


async def test_heading_shows_limits_counts_and_what_to_add(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(5, "Zebra " + words(89) + "\n\n--- question 5 fill here ---")
    uri = session.open_file(b.write(tmp_path))
    await session.diagnostics(uri)
    value = await hover_at(client, session, uri, "### Question 5", 4)
    assert "**Question 5**" in value
    assert "100–200 words" in value
    assert "the checker counts **96**" in value  # 90 words + the 6 of the placeholder
    assert "the answer itself has 90 (the placeholder counts 6)" in value
    assert "✗ **fails** report.py check: add 4 words" in value
    # the same hover in the instructions and on a finding's range (the placeholder left in)
    assert await hover_at(client, session, uri, "Tell us about part 5", 3) == value
    assert await hover_at(client, session, uri, "--- question 5 fill here", 8) == value
    # the answer's own prose is left to be read
    assert await hover_at(client, session, uri, "Zebra", 2) is None
    assert await hover_at(client, session, uri, "Zebra", 40) is None


async def test_hover_ranges_say_where_it_applies(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(5, "Zebra " + words(89) + "\n\n--- question 5 fill here ---")
    uri = session.open_file(b.write(tmp_path))
    await session.diagnostics(uri)
    text = session.texts[uri]

    async def hover_range(needle: str, shift: int) -> types.Range:
        h = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, text.index(needle) + shift))
        )
        return h.range

    assert await hover_range("### Question 5", 4) == session.range_of(uri, "### Question 5")
    assert await hover_range("--- question 5 fill here ---", 8) == session.range_of(uri, "--- question 5 fill here ---")
    block = text.index("> **Tell us about part 5")
    label = text.index("> Answer:", block) + len("> Answer:")
    instructions = await hover_range("Tell us about part 5", 3)
    assert instructions.end == session.position(text, label)
    # the first character of the next heading belongs to that heading, not to the answer above
    h = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, text.index("### Question 6")))
    )
    assert "**Question 6**" in h.contents.value


async def test_truncation_and_stray_label_explained(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().answer(8, words(30) + "\n\n#### Results\n\n" + words(80))
    b.answer(9, "Zebra " + words(120) + " Answer: " + words(20))
    uri = session.open_file(b.write(tmp_path))
    value = await hover_at(client, session, uri, "### Question 8", 4)
    assert "the checker stops at a ##" in value
    value = await hover_at(client, session, uri, "### Question 9", 4)
    assert "the checker drops the text before a second 'Answer:'" in value
    # the prose before the stray label is not read by the checker: faded, and its hover says why
    assert "holds no '###', so it is dropped" in await hover_at(client, session, uri, "Zebra", 1)


async def test_passing_question(client, session: Session, tmp_path):
    uri = session.open_file(ReportBuilder("2026").fill_all().write(tmp_path))
    value = await hover_at(client, session, uri, "### Question 14", 4)
    assert "✓ **passes** report.py check" in value
    assert "Figures: the checker counts **1**" in value


async def test_figure_hover_with_preview(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n🚀 ![gone](figures/gone.png)")
    path = b.write(tmp_path)
    uri = session.open_file(path)
    value = await hover_at(client, session, uri, "![figure 0](figures/q14_0.png)", 3)
    file = path.parent / "figures/q14_0.png"
    assert f"`{file}`: the file exists" in value
    assert f"![figure 0]({file.as_uri()})" in value
    value = await hover_at(client, session, uri, "![gone]", 2)
    assert "**no such file**" in value and "file://" not in value


async def test_no_preview_outside_the_report_folder(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(14, b.passing_text(14) + "\n\n![up](../outside.png)")
    path = b.write(tmp_path)
    (tmp_path / "outside.png").write_bytes(b"png")
    uri = session.open_file(path)
    value = await hover_at(client, session, uri, "![up]", 2)
    assert "outside the report's folder" in value and "file://" not in value


async def test_checklist_ticks(client, session: Session, tmp_path):
    b = ReportBuilder("2026").fill_all().mark(0, "x").mark(2, "X").mark(4, "x")
    uri = session.open_file(b.write(tmp_path))
    assert "2 of 3 items ticked" in await hover_at(client, session, uri, "### Week 1", 5)
    assert "3 of 12 items ticked" in await hover_at(client, session, uri, "## Project checklist", 5)
    assert await hover_at(client, session, uri, "A report written by", 2) is None
    value = await hover_at(client, session, uri, "Task 3 of week 1", 2)
    assert "This item is ticked." in value
    assert "**Week 1**: 2 of 3 items ticked" in value and "The whole checklist: 3 of 12 items ticked" in value
    assert "This item is not ticked." in await hover_at(client, session, uri, "] Task 1 of week 2", 4)


async def test_checklist_item_with_an_odd_mark_shows_its_finding(client, session: Session, tmp_path):
    uri = session.open_file(ReportBuilder("2026").fill_all().mark(1, "✅").write(tmp_path))
    await session.diagnostics(uri)
    value = await hover_at(client, session, uri, "[✅]", 1)
    assert "This item is ticked." in value and "**Week 1**: 1 of 3 items ticked" in value
    assert "`checkbox-mark`" in value and "does not render as a check box" in value


async def test_a_crash_is_told_with_its_cause(client, session: Session, tmp_path):
    uri = session.open_file(ReportBuilder("2026").fill_all().heading(5, "## Question 5").write(tmp_path))
    await session.diagnostics(uri)
    value = await hover_at(client, session, uri, "### Question 7", 4)
    assert "report.py check will crash: ValueError" in value
    assert "(question 5's heading does not start with '\\#\\#\\#', so the checker drops question 4's answer" in value
