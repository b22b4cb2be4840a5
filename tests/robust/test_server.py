"""Issue #6, server half: random sessions over stdio (open, change, save, close, hover, code
action, completion, diagnostics; odd positions, stale versions, malformed messages)."""

from __future__ import annotations

import os

import pytest

from .conftest import CASES
from .jsonrpc import Server
from .protocol import prepare_workspace, run_session

SEED = int(os.environ.get("ROBUST_SEED", "6"))
STEPS = int(os.environ.get("ROBUST_STEPS", "120"))
SESSIONS = int(os.environ.get("ROBUST_SESSIONS", "2"))


@pytest.mark.parametrize("k", range(SESSIONS))
def test_random_session(tmp_path, k):
    stats = run_session(tmp_path, SEED * 1000 + k, STEPS, tmp_path / "server.log")
    CASES["server.steps"] += STEPS
    CASES["server.sessions"] += 1
    assert stats["exit 0"] == 1, stats


def test_exits_when_stdin_closes_without_initialize(tmp_path):
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        server.proc.stdin.close()
        assert server.proc.wait(timeout=10) is not None
    finally:
        server.close()


def test_survives_a_broken_frame_then_answers(tmp_path):
    """Malformed frames get the replies JSON-RPC prescribes, then the server works as before."""
    prepare_workspace(tmp_path)
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        server.send_raw(b"X-Nonsense: 1\r\n\r\n")  # a header block without Content-Length
        server.send_raw(b'Content-Length: 9\r\n\r\n{"a": [1,')
        # JSON-RPC 2.0: a body that is not JSON gets Parse error, with a null id
        r = server.wait_for(lambda m: "error" in m, 10)
        assert r == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse Error"}}
        server.send_raw(b"Content-Length: 6\r\n\r\n\xff\xfe{}{}")  # not UTF-8
        assert server.wait_for(lambda m: "error" in m, 10)["error"]["code"] == -32700
        # JSON that is not a JSON-RPC message: Invalid Request, with its id when it has one
        server.send({"id": 7, "method": "initialize"})
        r = server.wait_for(lambda m: "error" in m, 10)
        assert (r["id"], r["error"]["code"]) == (7, -32600)
        server.send([1, 2])
        r = server.wait_for(lambda m: "error" in m, 10)
        assert (r["id"], r["error"]["code"]) == (None, -32600)
        r = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert "result" in r, r
        r = server.request("shutdown", None)
        assert "result" in r
        server.notify("exit", None)
        assert server.proc.wait(timeout=10) == 0
    finally:
        server.close()


def test_pulled_diagnostics_follow_a_change_that_reuses_a_version(tmp_path):
    """A client that resends a version (or goes back) with a same-length edit still gets the
    new diagnostics, not 'unchanged'."""
    import random

    from tests.builder import ReportBuilder

    from .protocol import Doc, Session

    prepare_workspace(tmp_path)
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        s = Session(tmp_path, random.Random(1), "utf-16", True, server)
        s.initialize()
        text = ReportBuilder("2026").fill_all().build()
        uri = "untitled:Untitled-1"
        doc = s.docs[uri] = Doc(uri, None, text, 1)
        server.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}
        )
        first = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]
        at = text.index("42")
        start = {"line": text.count("\n", 0, at), "character": at - text.rfind("\n", 0, at) - 1}
        end = dict(start, character=start["character"] + 2)
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 1},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": "ab"}],
            },
        )
        doc.text = text[:at] + "ab" + text[at + 2 :]
        second = server.request(
            "textDocument/diagnostic", {"textDocument": {"uri": uri}, "previousResultId": first.get("resultId")}
        )["result"]
        assert second["kind"] == "full", second
        assert s.got(second["items"]) == s.expected(doc)
        assert any(d.get("code") == "group-number" for d in second["items"])
    finally:
        server.close()
