"""Random sessions against the language server over stdio: a model of what the client sent,
and checks that every answer is a result or a proper LSP error and that diagnostics always
describe the latest text."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mlops_report.analysis import Analyzer
from mlops_report.ignored import ignored
from tests.builder import ReportBuilder, words

from .jsonrpc import Server
from .strategies import SNIPPETS

ALLOWED_ERRORS = {-32700, -32600, -32601, -32602, -32800, -32801}
INVALID_PARAMS = -32602
_BREAK = re.compile(r"\r\n|\r|\n")


# -- positions, computed here independently of the server ----------------------------------------


def _width(s: str, enc: str) -> int:
    if enc == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    if enc == "utf-16":
        return sum(2 if ord(c) > 0xFFFF else 1 for c in s)
    return len(s)


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def position(text: str, offset: int, enc: str, starts: list[int] | None = None) -> dict:
    starts = starts or line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset) if len(starts) < 64 else _bisect(starts, offset)
    return {"line": line, "character": _width(text[starts[line] : offset], enc)}


def _bisect(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset) - 1


def valid_offset(text: str, rnd: random.Random) -> int:
    """An offset that is a position in LSP terms (never between \\r and \\n)."""
    k = rnd.randint(0, len(text))
    if 0 < k < len(text) and text[k - 1] == "\r" and text[k] == "\n":
        k -= 1
    return k


# -- the session -----------------------------------------------------------------------------------


@dataclass
class Doc:
    uri: str
    path: Path | None
    text: str
    version: int
    language: str = "markdown"
    result_id: str | None = None
    result_text: str | None = None  # the text the result_id was given for


@dataclass
class Session:
    workspace: Path
    rnd: random.Random
    encoding: str
    pull: bool
    server: Server
    docs: dict[str, Doc] = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)

    # -- start ------------------------------------------------------------------------------------

    def initialize(self) -> None:
        caps = {
            "general": {"positionEncodings": [self.encoding]},
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True, "codeDescriptionSupport": True},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {
                    "completionItem": {"snippetSupport": self.rnd.random() < 0.5, "documentationFormat": ["markdown"]}
                },
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}},
            },
            "workspace": {
                "configuration": True,
                "workspaceEdit": {"documentChanges": True, "resourceOperations": ["rename"]},
                "didChangeWatchedFiles": {"dynamicRegistration": True},
            },
        }
        if self.pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        r = self.server.request(
            "initialize",
            {
                "processId": None,
                "rootUri": self.workspace.as_uri(),
                "capabilities": caps,
                "clientInfo": {"name": "robust-fuzz"},
                "workspaceFolders": [{"uri": self.workspace.as_uri(), "name": "ws"}],
            },
        )
        assert "result" in r, r
        negotiated = r["result"]["capabilities"].get("positionEncoding", "utf-16")
        assert negotiated == self.encoding, (negotiated, self.encoding)
        self.server.notify("initialized", {})

    # -- the client's documents -------------------------------------------------------------------

    def candidates(self) -> list[tuple[str, Path | None, str]]:
        reports = self.workspace / "reports"
        return [
            ((reports / "README.md").as_uri(), reports / "README.md", "markdown"),
            ((reports / "notes.md").as_uri(), reports / "notes.md", "markdown"),
            ("untitled:Untitled-1", None, "markdown"),
            ((reports / "data.txt").as_uri(), reports / "data.txt", "plaintext"),
        ]

    def initial_text(self) -> str:
        r = self.rnd.random()
        if r < 0.6:
            b = ReportBuilder(
                self.rnd.choice(["2023", "2024", "2026"]), newline=self.rnd.choice(["\n", "\r\n", "\n", "\r"])
            )
            if self.rnd.random() < 0.5:
                b.fill_all()
            return b.build()
        if r < 0.8:
            return words(self.rnd.randint(0, 50))
        return "".join(self.rnd.choice(SNIPPETS) for _ in range(self.rnd.randint(0, 30)))

    def random_text(self) -> str:
        r = self.rnd.random()
        if r < 0.5:
            return "".join(self.rnd.choice(SNIPPETS) for _ in range(self.rnd.randint(1, 3)))
        if r < 0.9:
            return words(self.rnd.randint(1, 40), self.rnd.randint(0, 30))
        return ""

    # -- operations -------------------------------------------------------------------------------

    def step(self) -> None:
        ops = [
            "open",
            "change",
            "change",
            "change",
            "change",
            "save",
            "close",
            "hover",
            "completion",
            "action",
            "diagnostic",
            "bad-position",
            "unknown",
            "malformed",
            "check",
            "paste-hostile",
        ]
        op = self.rnd.choice(ops)
        self.stats[op] += 1
        getattr(self, "op_" + op.replace("-", "_"))()

    def op_open(self) -> None:
        uri, path, lang = self.rnd.choice(self.candidates())
        if uri in self.docs:  # a second didOpen replaces the text, as some clients do
            self.stats["reopen"] += 1
        doc = Doc(uri, path, self.initial_text(), self.rnd.randint(0, 5), lang)
        self.docs[uri] = doc
        self.server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": lang, "version": doc.version, "text": doc.text}},
        )

    def _some_doc(self) -> Doc | None:
        return self.rnd.choice(list(self.docs.values())) if self.docs else None

    def op_change(self) -> None:
        doc = self._some_doc()
        if doc is None:
            return self.op_open()
        stale = self.rnd.random() < 0.1
        doc.version = doc.version - self.rnd.randint(0, 3) if stale else doc.version + self.rnd.randint(1, 3)
        changes = []
        for _ in range(self.rnd.randint(1, 3)):
            if self.rnd.random() < 0.05:
                doc.text = self.initial_text()
                changes.append({"text": doc.text})
                continue
            a, b = valid_offset(doc.text, self.rnd), valid_offset(doc.text, self.rnd)
            a, b = min(a, b), max(a, b)
            if b - a > 3000:
                b = a
            starts = line_starts(doc.text)
            new = self.random_text()
            changes.append(
                {
                    "range": {
                        "start": position(doc.text, a, self.encoding, starts),
                        "end": position(doc.text, b, self.encoding, starts),
                    },
                    "text": new,
                }
            )
            doc.text = doc.text[:a] + new + doc.text[b:]
        self.server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": changes},
        )

    def op_paste_hostile(self) -> None:
        """A paste that costs a markdown tool more than its length, a few keystrokes into it, a
        hover, the diagnostics checked, then undone (so that sessions stay small)."""
        doc = self._some_doc()
        if doc is None:
            return self.op_open()
        before = doc.text
        a = valid_offset(before, self.rnd)
        payload = hostile_payload(self.rnd)
        if self.rnd.random() < 0.5:
            payload = "\n\n" + payload + "\n\n"
        at = position(before, a, self.encoding)
        doc.version += 1
        doc.text = before[:a] + payload + before[a:]
        self.server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": doc.uri, "version": doc.version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": payload}],
            },
        )
        for _ in range(self.rnd.randint(0, 3)):  # typing inside the pasted text
            k = a + self.rnd.randint(0, len(payload))
            if 0 < k < len(doc.text) and doc.text[k - 1] == "\r" and doc.text[k] == "\n":
                k -= 1
            new = self.rnd.choice(["x", " ", "\n", "]", "(", "`", "#"])
            pos = position(doc.text, k, self.encoding)
            doc.version += 1
            doc.text = doc.text[:k] + new + doc.text[k:]
            self.server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": doc.uri, "version": doc.version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": new}],
                },
            )
        self._ask(
            "textDocument/hover", {"textDocument": {"uri": doc.uri}, "position": position(doc.text, a, self.encoding)}
        )
        self.op_check()
        doc.version += 1
        doc.text = before
        self.server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": [{"text": before}]},
        )

    def op_save(self) -> None:
        doc = self._some_doc()
        if doc is None:
            return
        if doc.path is not None and self.rnd.random() < 0.7:
            doc.path.write_bytes(doc.text.encode("utf-8", "surrogatepass"))
        self.server.notify("textDocument/didSave", {"textDocument": {"uri": doc.uri}})

    def op_close(self) -> None:
        doc = self._some_doc()
        if doc is None:
            return
        del self.docs[doc.uri]
        self.server.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})

    def _position(self, doc: Doc | None) -> dict:
        if doc is None or self.rnd.random() < 0.2:
            return {
                "line": self.rnd.choice([0, 5, 10**6, 2**31 - 1]),
                "character": self.rnd.choice([0, 3, 10**6, 2**31 - 1]),
            }
        return position(doc.text, valid_offset(doc.text, self.rnd), self.encoding)

    def _uri(self) -> str:
        doc = self._some_doc()
        if doc is None or self.rnd.random() < 0.1:
            return self.rnd.choice([c[0] for c in self.candidates()] + ["file:///nonexistent/x.md", "bogus"])
        return doc.uri

    def _ask(self, method: str, params: dict) -> dict:
        r = self.server.request(method, params)
        if "error" in r:
            assert r["error"]["code"] in ALLOWED_ERRORS, (method, params, r)
            self.stats["error " + str(r["error"]["code"])] += 1
        else:
            assert "result" in r, r
        return r

    def op_hover(self) -> None:
        uri = self._uri()
        self._ask("textDocument/hover", {"textDocument": {"uri": uri}, "position": self._position(self.docs.get(uri))})

    def op_completion(self) -> None:
        uri = self._uri()
        self._ask(
            "textDocument/completion", {"textDocument": {"uri": uri}, "position": self._position(self.docs.get(uri))}
        )

    def op_action(self) -> None:
        uri = self._uri()
        doc = self.docs.get(uri)
        a, b = self._position(doc), self._position(doc)
        if self.rnd.random() < 0.8:
            a, b = sorted((a, b), key=lambda p: (p["line"], p["character"]))
        only = self.rnd.choice([None, ["quickfix"], ["source.fixAll"], ["source.fixAll.mlopsReport"], ["refactor"]])
        ctx: dict = {"diagnostics": []}
        if only:
            ctx["only"] = only
        r = self._ask(
            "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": a, "end": b}, "context": ctx}
        )
        for action in r.get("result") or []:
            for change in (action.get("edit") or {}).get("documentChanges") or []:
                if change.get("kind") == "rename":
                    assert change["options"]["overwrite"] is False, change

    def op_diagnostic(self) -> None:
        if not self.pull:
            return
        uri = self._uri()
        doc = self.docs.get(uri)
        params: dict = {"textDocument": {"uri": uri}}
        if doc is not None and doc.result_id and self.rnd.random() < 0.5:
            params["previousResultId"] = doc.result_id
        r = self._ask("textDocument/diagnostic", params)
        result = r.get("result") or {}
        if doc is None or doc.language != "markdown":
            return
        if result.get("kind") == "unchanged":
            self.stats["unchanged"] += 1
            assert doc.text == doc.result_text, (doc.uri, "'unchanged' for a changed text")
        elif result.get("kind") == "full":
            doc.result_id, doc.result_text = result.get("resultId"), doc.text
            _same(self.got(result["items"]), self.expected(doc), doc)

    def op_bad_position(self) -> None:
        """Positions no client may send: negative, not numbers, missing."""
        doc = self._some_doc()
        uri = doc.uri if doc else "untitled:Untitled-1"
        bad = self.rnd.choice(
            [
                {"line": -1, "character": 0},
                {"line": 0, "character": -5},
                {"line": "x", "character": 0},
                {"line": 0},
                None,
                [1, 2],
                2**40,
            ]
        )
        method = self.rnd.choice(["textDocument/hover", "textDocument/completion"])
        r = self._ask(method, {"textDocument": {"uri": uri}, "position": bad})
        assert "error" in r and r["error"]["code"] == INVALID_PARAMS, (method, bad, r)

    def op_unknown(self) -> None:
        if self.rnd.random() < 0.5:
            r = self.server.request("mlops/noSuchMethod", {"x": 1})
            assert r.get("error", {}).get("code") == -32601, r
        else:
            self.server.notify("mlops/noSuchNotification", {"x": 1})
            self.server.notify("$/cancelRequest", {"id": self.rnd.randint(-5, 500)})

    def op_malformed(self) -> None:
        bodies = [
            b"{not json",
            b"[1, 2, 3]",
            b'"a string"',
            b"{}",
            b'{"jsonrpc": "2.0"}',
            b'{"jsonrpc": "2.0", "id": 99999, "result": 1}',
            b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"bad": true}}',
            b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": null}',
            b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": 5}}}',
            '{"jsonrpc": "2.0", "method": "x", "params": "\udcff"}'.encode("utf-8", "surrogateescape"),
            b"\xff\xfe\x00garbage",
        ]
        body = self.rnd.choice(bodies)
        self.server.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    # -- the invariant ------------------------------------------------------------------------------

    def expected(self, doc: Doc) -> list[tuple]:
        a = Analyzer().analyse(doc.text, doc.path.resolve() if doc.path else None)
        if not a.is_report or (doc.language != "markdown" and not doc.uri.endswith(".md")):
            return []
        starts = line_starts(doc.text)
        out = []
        # the findings, and the faded hints over the answer text the checker does not read
        shown = [(f.code, f.message, f.span) for f in a.findings] + [
            ("checker-ignores", x.why, x.span) for x in ignored(a)
        ]
        for code, message, span in shown:
            rng = {
                "start": position(doc.text, span.start, self.encoding, starts),
                "end": position(doc.text, span.end, self.encoding, starts),
            }
            out.append(
                (
                    code,
                    message,
                    rng["start"]["line"],
                    rng["start"]["character"],
                    rng["end"]["line"],
                    rng["end"]["character"],
                )
            )
        return sorted(out)

    @staticmethod
    def got(items: list[dict]) -> list[tuple]:
        return sorted(
            (
                d.get("code"),
                d["message"],
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["range"]["end"]["line"],
                d["range"]["end"]["character"],
            )
            for d in items
            if d.get("code") != "figures-unsaved"
        )

    def op_check(self) -> None:
        """Every open document's diagnostics describe its latest text."""
        self.stats["checks"] += 1
        if self.pull:
            for doc in list(self.docs.values()):
                r = self._ask("textDocument/diagnostic", {"textDocument": {"uri": doc.uri}})
                result = r["result"]
                assert result["kind"] == "full", result
                doc.result_id, doc.result_text = result.get("resultId"), doc.text
                _same(self.got(result["items"]), self.expected(doc), doc)
            return
        # push: after the debounce, the last set published for a document is for its version
        self.server.drain(0.4)
        for doc in self.docs.values():
            if doc.language != "markdown":
                continue
            sent = [
                n["params"]
                for n in self.server.notifications
                if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == doc.uri
            ]
            want = self.expected(doc)
            last = sent[-1] if sent else None
            if last is None or (last.get("version") is None and not last["diagnostics"]):
                # nothing since the document was opened (a close clears without a version)
                assert not want, (doc.uri, "no diagnostics published for a report")
                continue
            assert last.get("version") == doc.version, (doc.uri, last.get("version"), doc.version)
            _same(self.got(last["diagnostics"]), want, doc)

    def alive(self) -> None:
        r = self.server.request(
            "textDocument/hover",
            {"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}},
        )
        assert "result" in r or r.get("error", {}).get("code") in ALLOWED_ERRORS, r


def _same(got: list[tuple], want: list[tuple], doc: Doc) -> None:
    if got != want:
        only_got = sorted(set(got) - set(want))[:5]
        only_want = sorted(set(want) - set(got))[:5]
        raise AssertionError(
            f"{doc.uri} v{doc.version}: the server says {only_got}, a fresh analysis "
            f"{only_want}; text {doc.text[:300]!r}"
        )


def hostile_payload(rnd: random.Random) -> str:
    """Text whose markdown costs more than its length in a naive parser: brackets after a
    reference definition, ``![`` runs, a question heading padded with spaces, unclosed backtick
    runs, figure links on one line, a base64 image pasted as text. 200 to 4 000 characters."""
    n = rnd.randint(200, 4000)
    kind = rnd.randrange(6)
    if kind == 0:
        return "[r]: figures/q14_0.png\n\n" + "[" * n
    if kind == 1:
        return "![" * (n // 2)
    if kind == 2:
        return "### Question" + " " * n + rnd.choice(["x", "7", ""])
    if kind == 3:
        return "".join("`" * k + "x " for k in range(1, int((2 * n) ** 0.5)))
    if kind == 4:
        return "![a](figures/q14_0.png)" * (n // 23)
    import base64

    return "![p](data:image/png;base64," + base64.b64encode(rnd.randbytes(n * 3 // 4)).decode() + ")"


def prepare_workspace(folder: Path) -> None:
    ReportBuilder("2026").fill_all().write(folder)
    (folder / "reports/figures/loss.png").write_bytes(b"\x89PNG not really")
    (folder / "reports/figures/loop").symlink_to(folder / "reports/figures", target_is_directory=True)


def run_session(folder: Path, seed: int, steps: int, log: Path) -> Counter:
    """One random session; raises AssertionError with the seed in the message on a failure."""
    rnd = random.Random(seed)
    prepare_workspace(folder)
    server = Server(folder, log)
    session = Session(folder, rnd, rnd.choice(["utf-16", "utf-8", "utf-32"]), rnd.random() < 0.5, server)
    try:
        session.initialize()
        for i in range(steps):
            try:
                session.step()
            except (AssertionError, TimeoutError, ConnectionError) as exc:
                raise AssertionError(
                    f"seed {seed}, step {i} ({session.encoding}, {'pull' if session.pull else 'push'}): {exc!r}"
                ) from exc
        session.op_check()
        session.alive()
        # the client goes away: the server must exit and leave nothing running
        kids = server.children()
        server.proc.stdin.close()
        code = server.proc.wait(timeout=10)
        session.stats["exit " + str(code)] += 1
        import os

        for pid in kids:
            assert not os.path.exists(f"/proc/{pid}") or "zombie" in _state(pid), f"child {pid} left behind"
        return session.stats
    finally:
        server.close()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"
