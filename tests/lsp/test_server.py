"""The server's parts in process: guarded handlers, our document store against pygls', and
an edit re-analysing one question only."""

from __future__ import annotations

import logging

from lsprotocol import types

from mlops_report.lsp.documents import Document
from mlops_report.lsp.reports import Reports
from mlops_report.lsp.server import ReportServer, create_server
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
    for method in (types.TEXT_DOCUMENT_HOVER, types.TEXT_DOCUMENT_CODE_ACTION, types.TEXT_DOCUMENT_CODE_LENS,
                   types.TEXT_DOCUMENT_COMPLETION, types.TEXT_DOCUMENT_DIAGNOSTIC, types.TEXT_DOCUMENT_DID_CHANGE,
                   types.WORKSPACE_DID_CHANGE_WATCHED_FILES, types.WORKSPACE_DID_CHANGE_CONFIGURATION):
        assert method in features


def test_line_separator_is_not_a_line_break():
    doc = Document("untitled:x", 1, "a\u2028b\x0cc\nd😀e\r\nf", encoding="utf-16")
    assert doc.lines.line_count == 3
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(1, 3), types.Position(1, 3)), text="X")  # after the emoji (2 units)
    doc.apply(change)
    assert doc.text == "a\u2028b\x0cc\nd😀Xe\r\nf"
    doc.encoding = "utf-8"
    assert doc.offset(types.Position(1, 5)) == doc.text.index("X")


def test_an_edit_reanalyses_one_question(tmp_path, monkeypatch):
    import mlops_report.analysis as analysis

    seen: list[int] = []

    def counting(check):
        def run(qc):
            seen.append(qc.question.number)
            return check(qc)
        return run

    monkeypatch.setattr(analysis, "CHECKS", tuple(counting(c) for c in analysis.CHECKS))
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
