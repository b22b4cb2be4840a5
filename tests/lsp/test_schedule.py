"""When the server analyses: a keystroke into a document over 250 000 characters, whose last
analysis was cheap, is analysed at once; the pause in typing is kept for whole re-analyses."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.builder import ReportBuilder, words

from .conftest import Session

GAP = 0.06  # seconds between keystrokes: shorter than the pause a large document used to wait for


def large_report(tmp_path):
    filler = " ".join(f"alpha {words(10, k)}" for k in range(5_000))
    b = ReportBuilder("2026").fill_all().answer(7, filler).answer(3, "Zebra " + words(30, 2) + " ends.")
    path = b.write(tmp_path)
    assert 250_000 < len(path.read_text(encoding="utf-8")) < 350_000
    return path


def keystroke(session: Session, uri: str, at: str, ch: str) -> None:
    text = session.texts[uri]
    pos = session.position(text, text.index(at))
    session.change(uri, [types.TextEdit(types.Range(pos, pos), ch)])


async def test_typing_in_a_large_report_is_analysed_between_keystrokes(client, session: Session, tmp_path):
    """Keystrokes 60 ms apart: with a pause of 75 ms before each analysis none but the last
    would be analysed; now versions in between are published too."""
    if session.pull:
        return  # a pull waits for the current text whatever the schedule; the pushes show it
    uri = session.open_file(large_report(tmp_path))
    await session.diagnostics(uri, timeout=60)
    keystroke(session, uri, " ends.", "s")  # the first keystroke after the whole analysis of the opening
    await session.diagnostics(uri, timeout=60)
    seen = set()
    for ch in "quick":
        keystroke(session, uri, " ends.", ch)
        await asyncio.sleep(GAP)
        seen.add(client.published[uri].version)
    last = session.versions[uri]
    await session.diagnostics(uri, timeout=60)
    assert seen - {last} - {last - 5}, (seen, last)  # some keystroke before the last was analysed
