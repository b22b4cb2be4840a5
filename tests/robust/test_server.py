"""Issue #6, server half: random sessions over stdio (open, change, save, close, hover, code
action, completion, diagnostics; odd positions, stale versions, malformed messages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import CASES
from .jsonrpc import ROOT, Server
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


def _initialize_answered(server: Server) -> None:
    r = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert "capabilities" in r.get("result", {}), r


def test_a_header_line_longer_than_the_buffer_is_dropped(tmp_path):
    """Stdin is read on the event loop with a bounded buffer: a header line of three times its
    limit, without a line break, is dropped (asyncio would otherwise end the read loop with an
    error) and the next message is answered."""
    from mlops_report.lsp.stdio import LIMIT

    server = Server(tmp_path, tmp_path / "server.log")
    try:
        server.send_raw(b"X" * (3 * LIMIT) + b"\r\n\r\n")
        _initialize_answered(server)
    finally:
        server.close()


def test_messages_in_pieces_and_a_body_larger_than_the_buffer(tmp_path):
    """A client may write a message a few bytes at a time, or one body of several MiB (a long
    report opened): both are read whole."""
    from mlops_report.lsp.stdio import LIMIT

    prepare_workspace(tmp_path)
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        message = {"jsonrpc": "2.0", "id": 900, "method": "initialize", "params": {"capabilities": {}}}
        body = json.dumps(message).encode()
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        for i in range(0, len(frame), 7):
            server.send_raw(frame[i : i + 7])
        assert "capabilities" in server.wait_for(lambda m: m.get("id") == 900)["result"]
        server.notify("initialized", {})
        from tests.builder import ReportBuilder

        text = ReportBuilder("2026").fill_all().build() + "\nA line of plain words here.\n" * (3 * LIMIT // 28)
        assert len(text) > 2 * LIMIT
        uri = "untitled:Untitled-1"
        server.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}
        )
        r = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=60)
        assert r.get("result"), r
        assert sum("Question" in symbol["name"] for symbol in r["result"]) == 31, r["result"][:3]
    finally:
        server.close()


def test_a_client_that_closes_stdin_mid_message_ends_the_server(tmp_path):
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        _initialize_answered(server)
        server.send_raw(b'Content-Length: 500\r\n\r\n{"jsonrpc": "2.0", ')
        server.proc.stdin.close()
        assert server.proc.wait(timeout=10) is not None
    finally:
        server.close()


def test_stdin_from_a_file_is_served_too(tmp_path):
    """Not a pipe (a file redirected to stdin): the server reads it with pygls' own reader and
    answers every message in it."""
    frames = b""
    for n, (method, params) in enumerate(
        [("initialize", {"processId": None, "capabilities": {}}), ("shutdown", None)], start=1
    ):
        body = json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}).encode()
        frames += b"Content-Length: %d\r\n\r\n" % len(body) + body
    body = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    frames += b"Content-Length: %d\r\n\r\n" % len(body) + body
    (tmp_path / "in").write_bytes(frames)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    with open(tmp_path / "in", "rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "mlops_report", "serve"],
            stdin=stdin,
            capture_output=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count(b"Content-Length:") == 2
    assert b'"capabilities"' in done.stdout


def test_the_first_outline_waits_for_the_first_analysis(tmp_path):
    """A report opened in a server just started, whose first analysis takes longer than the
    0.3 s a symbol request waits (the questions of a filled report 100 times over, 3100 in
    all): the outline is that analysis's, not empty until the next change."""
    import re

    from tests.builder import ReportBuilder

    prepare_workspace(tmp_path)
    text = ReportBuilder("2026").fill_all().build()
    first = text.index("### Question 1\n")
    questions = text[first:]
    numbered = iter(range(1, 3101))
    text = text[:first] + re.sub(r"(?m)^### Question \d+$", lambda m: f"### Question {next(numbered)}", questions * 100)
    server = Server(tmp_path, tmp_path / "server.log")
    try:
        _initialize_answered(server)
        server.notify("initialized", {})
        uri = "untitled:Untitled-1"
        server.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}
        )
        r = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=120)
        assert r.get("result"), r
        assert sum(symbol["name"].startswith("Question") for symbol in r["result"]) == 3100, r["result"][:3]
    finally:
        server.close()
