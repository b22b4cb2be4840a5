"""The server's parts in process: guarded handlers, our document store against pygls', and
an edit re-analysing one question only."""

from __future__ import annotations

import logging

from lsprotocol import types

from mlops_report.lsp.documents import Document
from mlops_report.lsp.main import create_server
from mlops_report.lsp.reports import Reports
from mlops_report.lsp.server import ReportServer
from tests.builder import ReportBuilder, words


def test_a_failing_handler_answers_empty(caplog):
    server = ReportServer()

    @server.handler("textDocument/hover")
    def broken(params):
        raise RuntimeError("boom")

    wrapped = server.protocol.fm.features["textDocument/hover"]
    with caplog.at_level(logging.ERROR):
        assert wrapped(None) is None
    assert "textDocument/hover failed" in caplog.text


def test_a_failing_listener_does_not_stop_the_others():
    server = ReportServer()
    seen = []
    server.on("refreshed", lambda: 1 / 0)
    server.on("refreshed", lambda: seen.append(True))
    server.emit("refreshed")
    assert seen == [True]


def test_every_feature_registers():
    server = create_server()
    features = set(server.protocol.fm.features)
    for method in (
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.TEXT_DOCUMENT_CODE_LENS,
        types.TEXT_DOCUMENT_COMPLETION,
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.TEXT_DOCUMENT_DID_CHANGE,
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        types.WORKSPACE_DID_CHANGE_CONFIGURATION,
    ):
        assert method in features


def test_line_separator_is_not_a_line_break():
    doc = Document("untitled:x", 1, "a\u2028b\x0cc\nd😀e\r\nf", encoding="utf-16")
    assert doc.lines.line_count == 3
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(1, 3), types.Position(1, 3)), text="X"
    )  # after the emoji (2 units)
    doc.apply(change)
    assert doc.text == "a\u2028b\x0cc\nd😀Xe\r\nf"
    doc.encoding = "utf-8"
    assert doc.offset(types.Position(1, 5)) == doc.text.index("X")


def test_an_edit_reanalyses_one_question(tmp_path):
    from mlops_report.rules.registry import registered
    from mlops_report.rules.rule import Rule

    seen: list[int] = []

    def counting(qc):
        seen.append(qc.question.number)
        return ()

    rule = Rule("counting", "hint", "question", check=counting, summary="-", why="-", example="-", fix="-")
    with registered(rule):
        path = ReportBuilder("2026").fill_all().write(tmp_path)
        reports = Reports()
        doc = Document(path.as_uri(), 1, path.read_text())
        reports.analysis(doc)
        assert len(set(seen)) == 31
        seen.clear()
        at = doc.text.index("### Question 9")
        doc = Document(doc.uri, 2, doc.text[:at] + words(3) + " " + doc.text[at:])  # inside question 8's answer
        reports.analysis(doc)
        assert set(seen) == {8}


def _sequential(text: str, changes: list[types.TextDocumentContentChangePartial], encoding: str) -> str:
    """The changes applied one at a time, with the test's own position arithmetic."""
    from tests.lsp.conftest import apply_edits

    for c in changes:
        text = apply_edits(text, [types.TextEdit(range=c.range, new_text=c.text)], encoding)
    return text


def _whole_break(text: str, o: int) -> int:
    """``o``, moved off the middle of a carriage return and line feed (not a position)."""
    return o - 1 if 0 < o < len(text) and text[o - 1] == "\r" and text[o] == "\n" else o


def _positions(text: str, rnd, k: int) -> list[int]:
    """``k`` sorted offsets of ``text``, none between a carriage return and its line feed."""
    return sorted(_whole_break(text, rnd.randint(0, len(text))) for _ in range(k))


def test_ordered_changes_in_one_did_change_equal_applying_them_one_by_one():
    """Multi-cursor edits as VS Code sends them (last first), the reverse order, and mixed
    orders, on text with emoji, accents and all three line breaks, in every encoding."""
    import random

    from tests.lsp.conftest import position

    rnd = random.Random(2476)
    pieces = ["a", "b ", "\n", "é", "😀", "\r\n", "xyz", " "]
    inserts = ["", "Q", "\n", "😀", "ab\ncd", "é", "\r\n"]
    for case in range(600):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 50)))
        if case % 2:
            text = text.replace("\r", "")
        encoding = ("utf-8", "utf-16", "utf-32")[case % 3]
        k = rnd.randint(1, 7)
        cuts = _positions(text, rnd, 2 * k)
        spans = [(cuts[2 * i], cuts[2 * i + 1], rnd.choice(inserts)) for i in range(k)]
        order = ("down", "up", "mixed")[case % 3 if case % 7 else 2]
        if order == "down":
            edits = spans[::-1]  # each range reads the same in the text before any of them
        elif order == "up":
            edits, shift = [], 0  # each range reads in the text the previous ones made
            for s, e, new in spans:
                edits.append((s + shift, e + shift, new))
                shift += len(new) - (e - s)
        else:
            edits = rnd.sample(spans, len(spans))
        changes, now = [], text
        for s, e, new in edits:
            s, e = (_whole_break(now, min(o, len(now))) for o in (s, e))
            r = types.Range(position(now, s, encoding), position(now, e, encoding))
            changes.append(types.TextDocumentContentChangePartial(range=r, text=new))
            now = _sequential(now, changes[-1:], encoding)
        doc = Document("untitled:x", 1, text, encoding=encoding)
        got = doc.changed(changes, 2)
        assert got.text == _sequential(text, changes, encoding), (text, changes)
        assert got.lines.starts == Document("untitled:y", 2, got.text).lines.starts


def test_a_change_that_joins_a_carriage_return_moves_the_next_line():
    """After a line feed is inserted right after a lone carriage return, the two are one line
    break: the next change's line 1 starts one character later."""
    at = types.Position(1, 0)
    changes = [types.TextDocumentContentChangePartial(range=types.Range(at, at), text=t) for t in ("\n", "Z")]
    doc = Document("untitled:x", 1, "a\rb").changed(changes, 2)
    assert doc.text == _sequential("a\rb", changes, "utf-16") == "a\r\nZb"


def test_positions_on_a_long_line_match_the_encodings():
    from tests.lsp.conftest import offset_of, position

    line = ("ab😀é\u2028" * 300) + "end"
    text = "first\n" + line + "\r\nlast"
    for encoding in ("utf-8", "utf-16", "utf-32"):
        doc = Document("untitled:x", 1, text, encoding=encoding)
        for offset in range(0, len(text), 7):
            if text[offset - 1 : offset + 1] == "\r\n":
                continue
            p = doc.position(offset)
            assert p == position(text, offset, encoding)
            assert doc.offset(p) == offset_of(text, p, encoding)
