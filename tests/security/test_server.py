"""The language server on hostile text and folders: it keeps answering while an analysis runs,
large edits and bursts of file events cost what they change, folders are walked only for
reports and within bounds, report text cannot shape the markdown it sends, and the LSP
lifecycle is the specification's.

Every test drives ``python -m mlops_report serve`` over stdio with the raw client of
tests/robust. Time bounds are generous (seconds where the work takes milliseconds): they catch
a server that blocks, not a slow machine.
"""

from __future__ import annotations

import bisect
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from tests.builder import ReportBuilder, words
from tests.robust.jsonrpc import ROOT, Server

BOUND = 5.0  # seconds for what takes milliseconds


class Client(Server):
    """The raw client, recording the requests the server sends; ``verbose`` logs at debug."""

    def __init__(self, cwd: Path, log: Path, verbose: bool = False) -> None:
        # like Server.__init__, with the server's options and PYTHONPATH kept when given
        env = dict(os.environ)
        env.setdefault("PYTHONPATH", str(ROOT / "server"))
        self.log = open(log, "wb")  # noqa: SIM115 - the server writes to it until close() closes it
        self.log_path = log
        args = [sys.executable, "-m", "mlops_report", "serve"] + (["--verbose"] if verbose else [])
        self.proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log
        )
        self.inbox: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        self.config = {}
        self.asked: list[str] = []  # methods of the server's requests, in order
        threading.Thread(target=self._read, daemon=True).start()

    def _answer(self, msg: dict) -> None:
        self.asked.append(msg["method"])
        super()._answer(msg)

    def initialize(self, root: Path, pull: bool = False, options: dict | None = None) -> dict:
        caps = {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "hover": {"contentFormat": ["markdown"]},
                "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
                "publishDiagnostics": {"versionSupport": True},
            },
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": False}},
        }
        if pull:
            caps["textDocument"]["diagnostic"] = {}
            caps["workspace"]["diagnostics"] = {"refreshSupport": True}
        r = self.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": caps, "initializationOptions": options},
            timeout=30,
        )
        assert "result" in r, r
        self.notify("initialized", {})
        return r["result"]

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}},
        )

    def published(self, uri: str, version: int, timeout: float) -> dict:
        """The pushed diagnostics of ``version`` (waiting for them)."""
        return self.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            ),
            timeout,
        )["params"]

    def pull(self, uri: str, previous: str | None = None, timeout: float = 60) -> dict:
        r = self.request(
            "textDocument/diagnostic", {"textDocument": {"uri": uri}, "previousResultId": previous}, timeout=timeout
        )
        assert "result" in r, r
        return r["result"]

    def hover(self, uri: str, position: dict, timeout: float = 60) -> dict:
        return self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position}, timeout=timeout)

    def stop(self) -> int:
        self.request("shutdown", None, timeout=BOUND)
        self.notify("exit", None)
        self.proc.stdin.close()
        return self.proc.wait(timeout=BOUND)


@pytest.fixture
def start(tmp_path):
    clients: list[Client] = []

    def make(verbose: bool = False) -> Client:
        c = Client(tmp_path, tmp_path / f"server{len(clients)}.log", verbose)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def position(text: str, offset: int) -> dict:
    """utf-16 position of ``offset``, counted here independently of the server."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def timed(fn, *args, **kw):
    t0 = time.monotonic()
    out = fn(*args, **kw)
    return out, time.monotonic() - t0


# -- the loop stays free ------------------------------------------------------------------------


def test_hover_completion_and_shutdown_answered_while_a_slow_analysis_runs(start, tmp_path):
    """Pasting 16 000 figure links into an answer makes an analysis that takes seconds (before
    the core made it linear: ~15 s). Meanwhile a hover below the paste is answered from the
    last analysis, placed in the new text; completion and shutdown are answered; exit ends the
    process at once."""
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    text = path.read_text()
    uri = path.as_uri()
    server = start()
    server.initialize(tmp_path)
    server.open(uri, text)
    server.published(uri, 1, 60)
    at = text.index("### Question 6")  # the end of question 5's answer
    paste = "\n\n" + "![a](figures/x.png)" * 16_000 + "\n\n"
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": position(text, at), "end": position(text, at)}, "text": paste}],
        },
    )
    text = text[:at] + paste + text[at:]
    heading = text.index("### Question 9")
    r, took = timed(server.hover, uri, position(text, heading + 4))
    assert took < BOUND, took
    assert "**Question 9**" in r["result"]["contents"]["value"], r
    assert r["result"]["range"]["start"] == position(text, heading), r  # where the heading is now
    r, took = timed(
        server.request,
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": position(text, heading)},
        timeout=60,
    )
    assert "result" in r and took < BOUND, (r, took)
    r, took = timed(server.request, "shutdown", None, timeout=60)
    assert r.get("result", "missing") is None and took < BOUND, (r, took)
    server.notify("exit", None)
    server.proc.stdin.close()
    assert server.proc.wait(timeout=BOUND) == 0


def test_five_thousand_changes_in_one_did_change(start, tmp_path):
    """A replace-all of 5 000 words in a 300 KB report, sent as VS Code sends it (last match
    first): applied in one pass, and the text is exactly what applying them one by one gives."""
    filler = " ".join(f"alpha {words(10, k)}" for k in range(5_000))
    text = ReportBuilder("2026").fill_all().answer(7, filler).build()
    assert 250_000 < len(text) < 350_000
    offsets = [m.start() for m in re.finditer(r"\balpha\b", text)]
    assert len(offsets) == 5_000
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(o: int) -> dict:
        line = bisect.bisect_right(starts, o) - 1
        return {"line": line, "character": o - starts[line]}

    changes = [{"range": {"start": pos(o), "end": pos(o + 5)}, "text": "beta gamma"} for o in reversed(offsets)]
    expected = re.sub(r"\balpha\b", "beta gamma", text)
    uri = "untitled:replace-all"
    server = start()
    server.initialize(tmp_path)
    server.open(uri, text)
    server.published(uri, 1, 60)
    t0 = time.monotonic()
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes})
    got = server.published(uri, 2, 60)
    took = time.monotonic() - t0
    assert took < BOUND, took
    want = Analyzer().analyse(expected).findings
    assert sorted(
        (d["code"], d["message"], d["range"]["start"]["line"])
        for d in got["diagnostics"]
        if d["code"] != "figures-unsaved"
    ) == sorted((f.code, f.message, expected.count("\n", 0, f.span.start)) for f in want)
    assert any("Question 7" in d["message"] for d in got["diagnostics"])  # the answer is now too long


def test_a_long_line_costs_one_scan_not_one_per_hover(start, tmp_path):
    """A 5 MB line (with an emoji, so utf-16 columns differ from code points): twenty hovers
    at its end (on a figure link: prose gets no hover) take as long as a few on a normal line."""
    line = "😀 " + "lorem ipsum " * 400_000 + "![end](figures/end.png)"
    text = ReportBuilder("2026").fill_all().answer(7, line).build()
    uri = "untitled:long-line"
    server = start()
    server.initialize(tmp_path)
    server.open(uri, text)
    server.published(uri, 1, 120)
    end = position(text, text.index(line) + len(line))
    t0 = time.monotonic()
    for _ in range(20):
        r = server.hover(uri, end)
        assert "figures/end.png" in r["result"]["contents"]["value"]
    assert time.monotonic() - t0 < BOUND


# -- bursts of file events ----------------------------------------------------------------------


def test_a_thousand_file_events_make_one_pass_and_touch_only_their_report(start, tmp_path):
    a = ReportBuilder("2026").fill_all().write(tmp_path / "a")
    b = ReportBuilder("2026").fill_all().write(tmp_path / "b")
    server = start()
    server.initialize(tmp_path, pull=True)
    server.open(a.as_uri(), a.read_text())
    server.open(b.as_uri(), b.read_text())
    first_a, first_b = server.pull(a.as_uri()), server.pull(b.as_uri())
    for i in range(1_000):
        server.notify(
            "workspace/didChangeWatchedFiles",
            {"changes": [{"uri": (a.parent / "figures" / f"new{i}.png").as_uri(), "type": 1}]},
        )
    server.drain(2.5)  # the burst is gathered, then analysed once
    assert 1 <= server.asked.count("workspace/diagnostic/refresh") <= 2, server.asked.count(
        "workspace/diagnostic/refresh"
    )
    assert server.pull(a.as_uri(), first_a["resultId"])["kind"] == "full"  # walked again
    assert server.pull(b.as_uri(), first_b["resultId"])["kind"] == "unchanged"  # untouched


def test_three_hundred_open_reports_and_twenty_events(start, tmp_path):
    """Each event concerns one report's folder: only that report is analysed again."""
    text = ReportBuilder("2026").fill_all().build()
    paths = []
    for i in range(300):
        p = tmp_path / f"group{i}" / "reports" / "README.md"
        (p.parent / "figures").mkdir(parents=True)
        p.write_text(text)
        paths.append(p)
    server = start()
    server.initialize(tmp_path, pull=True)
    for p in paths:
        server.open(p.as_uri(), text)
    first = {p: server.pull(p.as_uri(), timeout=120)["resultId"] for p in paths}
    t0 = time.monotonic()
    for p in paths[:20]:
        server.notify(
            "workspace/didChangeWatchedFiles",
            {"changes": [{"uri": (p.parent / "figures" / "new.png").as_uri(), "type": 1}]},
        )
    assert all(server.pull(p.as_uri(), first[p])["kind"] == "full" for p in paths[:20])
    assert all(server.pull(p.as_uri(), first[p])["kind"] == "unchanged" for p in paths[20:])
    assert time.monotonic() - t0 < 4 * BOUND


# -- folder walks -------------------------------------------------------------------------------


def test_a_markdown_file_that_is_not_a_report_walks_nothing(start, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(2_000):
        (notes / f"f{i}.txt").touch()
    (notes / "README.md").write_text("# Notes\n\nSome text, and ![a](figures/a.png).\n")
    report = ReportBuilder("2026").fill_all().write(tmp_path / "project")
    server = start(verbose=True)
    server.initialize(tmp_path, pull=True)
    server.open((notes / "README.md").as_uri(), (notes / "README.md").read_text())
    server.open(report.as_uri(), report.read_text())
    assert server.pull((notes / "README.md").as_uri())["items"] == []
    server.pull(report.as_uri())
    assert server.stop() == 0
    walks = [line for line in server.log_path.read_text().splitlines() if " walked " in line]
    assert any(f"walked {report.parent}:" in line for line in walks), walks  # the report's folder
    assert not any(str(notes) in line for line in walks), walks


def test_a_walk_cut_short_says_not_checked_instead_of_missing(start, tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    for i in range(20_100):  # more entries than a walk looks at, beside figures/
        (path.parent / f"data{i:05}.csv").touch()
    text = path.read_text()
    server = start()
    server.initialize(tmp_path, pull=True)
    server.open(path.as_uri(), text)
    items = server.pull(path.as_uri())["items"]
    codes = [d["code"] for d in items]
    assert "image-missing-file" not in codes, [d["message"] for d in items if d["code"] == "image-missing-file"]
    (note,) = [d for d in items if d["code"] == "figures-unchecked"]
    assert "not checked" in note["message"]
    target = b.needed_figures()[0]
    hover = server.hover(path.as_uri(), position(text, text.index(target)))["result"]["contents"]["value"]
    assert "not checked" in hover and "no such file" not in hover


# -- what report text can do to the messages ----------------------------------------------------


def test_report_text_is_escaped_in_hover_markdown(start, tmp_path):
    """A heading, a figure's path and a message quoting it reach the hover as text: no HTML,
    link or image of the report's making, and code spans its backticks cannot close."""
    b = ReportBuilder("2026").fill_all()
    b.answer(5, words(120) + "\n\n![x](figures/a`b.png) ![y](figures/c<b>d.png)")
    text = b.build().replace("## Local setup", "## Setup <b>bold</b> [link](http://evil.example) ![i](http://e/i.png)")
    path = tmp_path / "reports" / "README.md"
    (path.parent / "figures").mkdir(parents=True)
    path.write_text(text)
    server = start()
    server.initialize(tmp_path)
    server.open(path.as_uri(), text)
    server.published(path.as_uri(), 1, 60)
    unescaped = re.compile(r"(?<!\\)(<b>|\[link\]|!\[i\]|`b\.png)")
    question = server.hover(path.as_uri(), position(text, text.index("### Question 5") + 4))
    value = question["result"]["contents"]["value"]
    assert "Setup" in value and "figures/c" in value and "figures/a" in value, value
    assert not unescaped.search(value), value
    for target, span in (("figures/a`b.png", "``figures/a`b.png``"), ("figures/c<b>d.png", "`figures/c<b>d.png`")):
        figure = server.hover(path.as_uri(), position(text, text.index(target) + 2))
        value = figure["result"]["contents"]["value"]
        assert span in value, value  # a code span the path's own backticks cannot close
        assert not unescaped.search(re.sub(r"``.*?``|`[^`]*`", "", value)), value  # outside code spans


def test_completion_offers_no_link_leading_out_of_the_project(start, tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(5, words(120) + "\n\n![x](figures/")
    path = b.write(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG")
    (path.parent / "figures" / "leak.png").symlink_to(outside / "secret.png")
    (path.parent / "figures" / "ok.png").write_bytes(b"\x89PNG")
    text = path.read_text()
    server = start()
    server.initialize(tmp_path)
    server.open(path.as_uri(), text)
    server.published(path.as_uri(), 1, 60)
    at = position(text, text.index("![x](figures/") + len("![x](figures/"))
    r = server.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()}, "position": at})
    labels = [i["label"] for i in r["result"]["items"]]
    assert "figures/ok.png" in labels and "figures/leak.png" not in labels, labels
    assert not any("secret" in str(i.get("documentation")) for i in r["result"]["items"])


def test_a_settings_warning_quotes_a_short_prefix(start, tmp_path):
    server = start()
    server.initialize(
        tmp_path,
        options={
            "mlopsReport": {
                "edition": "x" * 1_000_000,
                "severity": {f"no-such-code-{i}": "error" for i in range(2_000)},
            }
        },
    )
    server.drain(1)
    (shown,) = [m["params"]["message"] for m in server.notifications if m["method"] == "window/showMessage"]
    assert "xxxx" in shown and len(shown) < 1_000, len(shown)


# -- the lifecycle ------------------------------------------------------------------------------


def test_requests_before_initialize_are_refused_and_notifications_dropped(start, tmp_path):
    server = start()
    r = server.request(
        "textDocument/hover",
        {"textDocument": {"uri": "untitled:x"}, "position": {"line": 0, "character": 0}},
        timeout=BOUND,
    )
    assert r["error"]["code"] == -32002, r
    text = ReportBuilder("2026").fill_all().build()
    server.open("untitled:early", text)  # dropped: the server is not initialized
    server.initialize(tmp_path, pull=True)
    assert server.pull("untitled:early")["items"] == []  # never opened
    server.open("untitled:late", text)
    assert server.pull("untitled:late")["items"]


def test_after_shutdown_every_request_is_invalid(start, tmp_path):
    server = start()
    server.initialize(tmp_path)
    assert server.request("shutdown", None, timeout=BOUND).get("result", "missing") is None
    r = server.request(
        "textDocument/hover",
        {"textDocument": {"uri": "untitled:x"}, "position": {"line": 0, "character": 0}},
        timeout=BOUND,
    )
    assert r["error"]["code"] == -32600, r
    assert server.request("shutdown", None, timeout=BOUND)["error"]["code"] == -32600
    server.notify("exit", None)
    server.proc.stdin.close()
    assert server.proc.wait(timeout=BOUND) == 0


def test_exit_without_shutdown_exits_with_one(start, tmp_path):
    server = start()
    server.initialize(tmp_path)
    server.notify("exit", None)
    server.proc.stdin.close()
    assert server.proc.wait(timeout=BOUND) == 1
