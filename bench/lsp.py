"""(b), (c), (e) against the real server over stdio: ``python -m mlops_report serve``.

A small JSON-RPC client of our own (no pygls on this side), so what is measured is the server
and the pipe: the edit is sent as an incremental ``didChange`` and the clock stops when the
diagnostics for that version arrive, pulled (``textDocument/diagnostic``, as VS Code does) or
pushed (``publishDiagnostics`` with the version, as a client without pull support gets them;
a document that analyses slowly is pushed after a pause in typing).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import TYPED, Doc
from stats import Sample

from mlops_report.text import LineIndex

_TICKS = os.sysconf("SC_CLK_TCK")
_SCHEDSTAT = Path("/proc/self/schedstat").exists()  # the kernel counts each thread's CPU in nanoseconds


class Client:
    def __init__(self, proc: asyncio.subprocess.Process, started: float) -> None:
        self.proc = proc
        self.started = started
        self._next = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._published: dict[str, list[tuple[float, dict]]] = {}
        self._waiters: list[tuple[str, int | None, asyncio.Future]] = []
        # requests from the server answered by the caller's functions (method -> params -> result)
        self.handlers: dict[str, Callable[[dict], object]] = {}
        self.requests_from_server: dict[str, int] = {}  # method -> how many the server sent
        self.result_ids: dict[str, str] = {}  # the last pulled resultId of each document
        self.unchanged = 0  # pulls answered "unchanged"
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], argv: list[str] | None = None) -> Client:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *(argv or [sys.executable, "-m", "mlops_report", "serve"]),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            limit=2**26,
        )
        return cls(proc, started)

    # -- the wire -----------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(await out.readexactly(length))
            self._dispatch(message, time.perf_counter())

    def _dispatch(self, m: dict, at: float) -> None:
        if "id" in m and "method" not in m:
            fut = self._pending.pop(m["id"], None)
            if fut is not None and not fut.done():
                fut.set_result((at, m.get("result"), m.get("error")))
        elif "id" in m:  # a request from the server: configuration, registrations, progress, ...
            method = m["method"]
            self.requests_from_server[method] = self.requests_from_server.get(method, 0) + 1
            handler = self.handlers.get(method)
            if handler is not None:
                result = handler(m.get("params"))
            elif method == "workspace/configuration":
                result = [None] * len(m["params"]["items"])
            else:
                result = None
            self._send({"id": m["id"], "result": result})
        elif m.get("method") == "textDocument/publishDiagnostics":
            p = m["params"]
            self._published.setdefault(p["uri"], []).append((at, p))
            for w in list(self._waiters):
                uri, version, fut = w
                if uri == p["uri"] and (version is None or p.get("version") == version) and not fut.done():
                    fut.set_result(at)
                    self._waiters.remove(w)

    async def request(self, method: str, params: dict, timeout: float = 120) -> tuple[float, object]:
        self._next += 1
        fut = asyncio.get_running_loop().create_future()
        self._pending[self._next] = fut
        self._send({"id": self._next, "method": method, "params": params})
        at, result, error = await asyncio.wait_for(fut, timeout)
        if error:
            raise RuntimeError(f"{method}: {error}")
        return at, result

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def published(self, uri: str, version: int | None = None) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((uri, version, fut))
        return fut

    # -- the session ----------------------------------------------------------------------------

    async def initialize(self, root: Path, pull: bool) -> dict:
        caps: dict = {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True},
            },
            "workspace": {"configuration": True},
        }
        if pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        _, result = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": caps,
                "clientInfo": {"name": "mlops-report-bench"},
            },
        )
        self.notify("initialized", {})
        return result  # type: ignore[return-value]

    def open(self, uri: str, text: str) -> None:
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}
        )

    async def diagnostics(self, uri: str, pull: bool, version: int) -> float:
        """Seconds until the diagnostics of ``version`` are in (a pull, or a push awaited)."""
        if pull:
            return await self.pull(uri)
        return await asyncio.wait_for(self.published(uri, version), 120)

    async def pull(self, uri: str) -> float:
        """Pull the diagnostics of ``uri`` with the resultId of the last pull, as VS Code does
        (an unchanged report is answered as such); when they arrived."""
        params: dict = {"textDocument": {"uri": uri}}
        if uri in self.result_ids:
            params["previousResultId"] = self.result_ids[uri]
        at, result = await self.request("textDocument/diagnostic", params)
        if isinstance(result, dict):
            self.unchanged += result.get("kind") == "unchanged"
            if result.get("resultId"):
                self.result_ids[uri] = result["resultId"]
        return at

    async def stop(self) -> None:
        try:
            await self.request("shutdown", None)  # type: ignore[arg-type]
            self.notify("exit", None)  # type: ignore[arg-type]
            await asyncio.wait_for(self.proc.wait(), 10)
        except (asyncio.TimeoutError, RuntimeError, ConnectionError):
            self.proc.kill()
            await self.proc.wait()
        self._reader.cancel()

    async def kill(self) -> None:
        """End a server that may be busy for minutes (a hostile payload): no shutdown handshake."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
        self._reader.cancel()

    def rss_mib(self, field: str = "VmRSS") -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def peak_mib(self) -> float:
        return self.rss_mib("VmHWM")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far: the scheduler's own count of each live
        thread, in nanoseconds (``/proc/PID/task/*/schedstat``; a thread that ended takes its
        time with it, and the servers here keep their threads), else user + system time in clock
        ticks (``/proc/PID/stat``: 10 ms each, so a figure of 60 keystrokes of 2 ms would move by
        a tenth with one tick more or less)."""
        if _SCHEDSTAT:
            total = 0
            for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
                try:
                    total += int((task / "schedstat").read_text().split()[0])
                except OSError:
                    continue  # a thread that ended meanwhile
            return total / 1e9
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _uri(root: Path, name: str, text: str | None = None) -> str:
    """The URI of a report in the workspace, written to disk first when ``text`` is given."""
    path = root / name / "reports" / "README.md"
    if text is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.as_uri()


@dataclass
class TypingResult:
    doc: Doc
    mode: str  # "pull" or "push"
    latency: Sample


async def _typing(d: Doc, edits: int, pull: bool, root: Path) -> TypingResult:
    client = await Client.start(_env())
    try:
        await client.initialize(root, pull)
        uri = _uri(root, "typing", d.text)
        opened = None if pull else client.published(uri, 1)
        client.open(uri, d.text)
        if pull:
            await client.diagnostics(uri, True, 1)
        else:
            await asyncio.wait_for(opened, 120)
        lines = LineIndex(d.text)
        line, _col = lines.position(d.edit_at)
        col16 = len(d.text[lines.starts[line] : d.edit_at].encode("utf-16-le")) // 2
        xs = []
        for i in range(edits):
            version = i + 2
            ch = TYPED[i % len(TYPED)]
            pos = {"line": line, "character": col16 + i}
            waiter = None if pull else client.published(uri, version)
            t = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": ch}],
                },
            )
            if pull:
                at = await client.diagnostics(uri, True, version)
            else:
                at = await asyncio.wait_for(waiter, 120)
            xs.append(at - t)
        return TypingResult(d, "pull" if pull else "push", Sample(xs))
    finally:
        await client.stop()


async def _cold_start(d: Doc, pull: bool, root: Path) -> float:
    """Process start to the first diagnostics of an opened report."""
    client = await Client.start(_env())
    try:
        await client.initialize(root, pull)
        uri = _uri(root, "cold", d.text)
        waiter = None if pull else client.published(uri, 1)
        client.open(uri, d.text)
        at = await client.diagnostics(uri, True, 1) if pull else await asyncio.wait_for(waiter, 120)
        return at - client.started
    finally:
        await client.stop()


async def _memory(texts: list[str], root: Path) -> tuple[float, float]:
    """RSS after initialize, and after opening every text (each analysed)."""
    client = await Client.start(_env())
    try:
        await client.initialize(root, True)
        before = client.rss_mib()
        for k, text in enumerate(texts):
            uri = _uri(root, f"group{k:03d}", text)
            client.open(uri, text)
            await client.diagnostics(uri, True, 1)
        return before, client.rss_mib()
    finally:
        await client.stop()


def server_available() -> str | None:
    """None when ``python -m mlops_report serve`` exists, else why not."""
    try:
        import mlops_report.lsp.server  # noqa: F401
    except Exception as exc:
        return f"the server does not import: {exc}"
    return None


def typing(d: Doc, edits: int, pull: bool, root: Path) -> TypingResult:
    return asyncio.run(_typing(d, edits, pull, root))


def cold_start(d: Doc, repeats: int, root: Path) -> dict[str, Sample]:
    return {
        mode: Sample([asyncio.run(_cold_start(d, mode == "pull", root)) for _ in range(repeats)])
        for mode in ("pull", "push")
    }


def memory(texts: list[str], root: Path) -> tuple[float, float]:
    return asyncio.run(_memory(texts, root))
