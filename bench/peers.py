"""(k), (l), (m): mlops-report side by side with what a user would run instead, in the same run.

Language servers (k, m), each over stdio with the same client (``lsp.Client``):

- *mlops-report*: ``python -m mlops_report serve``;
- *floor*: ``bench/floor_server.py``, an empty pygls 2 server (the protocol floor: what any
  pygls server pays for a keystroke before it analyses anything);
- *rumdl*: ``rumdl server`` (a markdown linter written in Rust);
- *VS Code markdown*: VS Code's own markdown language server (``vscode-markdown-languageserver``,
  link checks on), which asks its client to parse (``markdown/parse``): the client answers with
  markdown-it-py's tokens, as VS Code answers with markdown-it's, so that parse counts in its
  latency but not in its server's CPU.

Every server gets the same keystrokes, in turn (A B C D, A B C D, …, the order rotated every
round), each followed by a pull of its diagnostics: the latency is the client's wall time from
the ``didChange`` to the pulled report, the CPU is the server process's own (all threads, in
nanoseconds: ``/proc/PID/task/*/schedstat``) over the whole typing, divided by the keystrokes. Rounds are paced
(``PACE``) so that what a server does after answering (our code-lens refresh, the lenses asked
again, the status) happens between keystrokes, as it does for a person typing, and is counted.

Command lines (l): ``mlops-report check`` next to ``markdownlint-cli2``, ``pymarkdown scan``,
``rumdl check``, the course's ``report.py check`` when ``MLOPS_REPORT_COURSE_CHECKER`` names it,
and the process that imports markdown-it-py and parses (``processes.BASELINE``).

The peers live in ``bench/.peers/`` (``bench/setup-peers.sh``); a peer that is not installed is
reported as such and left out.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import TYPED, Doc
from lsp import Client, _env
from markdown_it import MarkdownIt
from processes import BASELINE, cli, environment, interleaved
from stats import Sample

from mlops_report.text import LineIndex

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
COURSE_CHECKER = "MLOPS_REPORT_COURSE_CHECKER"
PACE = 0.06  # seconds from the start of one round of keystrokes to the next
# seconds after the last keystroke that still count: mlops-report asks for the lenses again a
# pause after the last change of a count (``lsp.lens.LENS_REFRESH``, a quarter of a second)
SETTLE = 0.6
OURS, FLOOR, RUMDL, VSCODE = "mlops-report", "floor (empty pygls)", "rumdl server", "VS Code markdown"

# VS Code's markdown settings with every check of the language server on
VSCODE_SETTINGS = {
    "markdown": {
        "validate": {
            "enabled": True,
            "referenceLinks": {"enabled": "warning"},
            "fragmentLinks": {"enabled": "warning"},
            "fileLinks": {"enabled": "warning", "markdownFragmentLinks": "inherit"},
            "ignoredLinks": [],
            "unusedLinkDefinitions": {"enabled": "hint"},
            "duplicateLinkDefinitions": {"enabled": "warning"},
        },
        "preferredMdPathExtensionStyle": "auto",
        "server": {"log": "off"},
    }
}


def servers() -> dict[str, list[str] | str]:
    """Each server's command line, or why it is missing."""
    node = shutil.which("node")
    vscode = PEERS / "node" / "node_modules" / "vscode-markdown-languageserver" / "out" / "node" / "main.js"
    rumdl = PEERS / "venv" / "bin" / "rumdl"
    return {
        OURS: [sys.executable, "-m", "mlops_report", "serve"],
        FLOOR: [sys.executable, str(HERE / "floor_server.py")],
        RUMDL: [str(rumdl), "server"] if rumdl.exists() else "not installed (bench/setup-peers.sh)",
        VSCODE: [node, str(vscode), "--stdio"]
        if node and vscode.exists()
        else "not installed (bench/setup-peers.sh; needs node)",
    }


def commands(report: Path) -> dict[str, list[str] | str]:
    """Each command line checking ``report``, or why it is missing."""
    cli2 = PEERS / "node" / "node_modules" / ".bin" / "markdownlint-cli2"
    pymd = PEERS / "venv" / "bin" / "pymarkdown"
    rumdl = PEERS / "venv" / "bin" / "rumdl"
    course = os.environ.get(COURSE_CHECKER, "")
    return {
        "mlops-report check": [*cli(), "check", "--fail-on", "never", str(report)],
        "import + parse": [sys.executable, "-c", BASELINE, str(report)],
        "markdownlint-cli2": [str(cli2), str(report)] if cli2.exists() else "not installed",
        "pymarkdown scan": [str(pymd), "scan", str(report)] if pymd.exists() else "not installed",
        "rumdl check": [str(rumdl), "check", "--no-cache", str(report)] if rumdl.exists() else "not installed",
        "course report.py check": [sys.executable, course, "check"]
        if course and Path(course).is_file()
        else f"not on this machine (set {COURSE_CHECKER}=/path/report.py)",
    }


# -- one server, one document ---------------------------------------------------------------------


@dataclass
class Session:
    name: str
    client: Client
    full_sync: bool = False
    lenses: bool = False
    uri: str = ""
    text: str = ""
    version: int = 0
    lens_requests: int = 0
    _lens_tasks: list = field(default_factory=list)
    _tokens: tuple = (None, [])  # (uri, version) and its markdown/parse answer

    @classmethod
    async def start(cls, name: str, argv: list[str], root: Path) -> Session:
        client = await Client.start(_env(), argv)
        s = cls(name, client)
        client.handlers["markdown/parse"] = s._parse
        client.handlers["workspace/codeLens/refresh"] = s._lens_refresh
        caps = {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True},
                "diagnostic": {"dynamicRegistration": False},
                "codeLens": {},
            },
            "workspace": {"configuration": True, "codeLens": {"refreshSupport": True}},
        }
        _, result = await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": caps,
                "clientInfo": {"name": "mlops-report-bench"},
            },
        )
        server_caps = result.get("capabilities", {})  # type: ignore[union-attr]
        sync = server_caps.get("textDocumentSync")
        s.full_sync = (sync.get("change") if isinstance(sync, dict) else sync) == 1
        s.lenses = "codeLensProvider" in server_caps
        client.notify("initialized", {})
        if name == VSCODE:
            client.notify("workspace/didChangeConfiguration", {"settings": VSCODE_SETTINGS})
        return s

    def _parse(self, params: dict) -> list[dict]:
        """Tokens of the current text, parsed once per version (VS Code's client caches them so)."""
        if self._tokens[0] != (self.uri, self.version):
            self._tokens = ((self.uri, self.version), [t.as_dict() for t in _MD.parse(self.text)])
        return self._tokens[1]

    def _lens_refresh(self, params: object) -> None:
        """As VS Code does: ask again for the lenses of the open document."""
        self._lens_tasks = [t for t in self._lens_tasks if not t.done()]
        self._lens_tasks.append(asyncio.ensure_future(self._ask_lenses()))

    async def _ask_lenses(self) -> None:
        if self.uri and self.lenses:
            self.lens_requests += 1
            await self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})

    async def open(self, uri: str, text: str) -> float:
        """Open a document; seconds to its first diagnostics."""
        if self.uri:
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})
        self.uri, self.text, self.version = uri, text, 1
        t = time.perf_counter()
        self.client.open(uri, text)
        at = await self.client.pull(uri)
        if self.lenses:
            await self._ask_lenses()  # the editor shows the lenses once; refreshes ask again
        return at - t

    async def type(self, offset: int, line: int, col16: int, ch: str) -> float:
        """One keystroke at ``(line, col16)`` (``offset`` in the text), then a pull: seconds."""
        self.version += 1
        self.text = self.text[:offset] + ch + self.text[offset:]
        if self.full_sync:
            change: dict = {"text": self.text}
        else:
            pos = {"line": line, "character": col16}
            change = {"range": {"start": pos, "end": pos}, "text": ch}
        t = time.perf_counter()
        self.client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]},
        )
        at = await self.client.pull(self.uri)
        return at - t

    async def settle(self) -> None:
        if self._lens_tasks:
            await asyncio.gather(*self._lens_tasks, return_exceptions=True)
            self._lens_tasks.clear()


_MD = MarkdownIt("commonmark").enable("table")


# -- (k) keystrokes side by side ------------------------------------------------------------------


@dataclass
class Typing:
    server: str
    doc: str
    place: str
    latency: Sample
    cpu: float  # server CPU seconds per keystroke
    lens_refreshes: int  # workspace/codeLens/refresh requests the server sent while typing
    loads: tuple[float, float]  # load average (1 min) before and after


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


async def _keystrokes(docs: list[tuple[Doc, dict[str, int], int]], root: Path, say) -> tuple[list[Typing], dict]:
    found = servers()
    argvs = {name: v for name, v in found.items() if isinstance(v, list)}
    missing = {name: v for name, v in found.items() if isinstance(v, str)}
    sessions = [await Session.start(name, argv, root) for name, argv in argvs.items()]
    out: list[Typing] = []
    try:
        for k, (d, places, edits) in enumerate(docs):
            for place, offset in places.items():
                lines = LineIndex(d.text)
                line, _ = lines.position(offset)
                col16 = len(d.text[lines.starts[line] : offset].encode("utf-16-le")) // 2
                name = f"k{k}-{place}"
                path = root / name / "reports" / "README.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(d.text, encoding="utf-8")
                for s in sessions:
                    await s.open(path.as_uri(), d.text)
                    await s.settle()
                await asyncio.sleep(0.2)  # whatever opening started is over
                before_load = _load()
                cpu0 = {s.name: s.client.cpu_seconds() for s in sessions}
                refresh0 = {
                    s.name: s.client.requests_from_server.get("workspace/codeLens/refresh", 0) for s in sessions
                }
                times: dict[str, list[float]] = {s.name: [] for s in sessions}
                for i in range(edits):
                    started = time.perf_counter()
                    order = sessions[i % len(sessions) :] + sessions[: i % len(sessions)]
                    for s in order:
                        times[s.name].append(await s.type(offset + i, line, col16 + i, TYPED[i % len(TYPED)]))
                    rest = PACE - (time.perf_counter() - started)
                    if rest > 0:
                        await asyncio.sleep(rest)
                for s in sessions:
                    await s.settle()
                await asyncio.sleep(SETTLE)  # the last refresh and its lenses
                for s in sessions:
                    await s.settle()
                after_load = _load()
                for s in sessions:
                    refreshes = s.client.requests_from_server.get("workspace/codeLens/refresh", 0) - refresh0[s.name]
                    cpu = (s.client.cpu_seconds() - cpu0[s.name]) / edits
                    out.append(
                        Typing(s.name, d.name, place, Sample(times[s.name]), cpu, refreshes, (before_load, after_load))
                    )
                say(f"  (k) {d.name}, {place}: {edits} keystrokes x {len(sessions)} servers")
    finally:
        for s in sessions:
            await s.client.stop()
    return out, missing


def keystrokes(docs: list[tuple[Doc, dict[str, int], int]], root: Path, say) -> tuple[list[Typing], dict]:
    return asyncio.run(_keystrokes(docs, root, say))


# -- (m) ten reports opened at once ---------------------------------------------------------------


async def _ten_at_once(name: str, argv: list[str], texts: list[str], root: Path) -> tuple[float, float, float]:
    """From spawning the server to the first diagnostics of the first and of the last of the
    reports, all opened right after initialize and pulled together; and the process start to
    initialize answered."""
    started = time.perf_counter()
    s = await Session.start(name, argv, root)
    ready = time.perf_counter() - started
    uris = []
    for k, text in enumerate(texts):
        path = root / f"ten{k}" / "reports" / "README.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        uris.append(path.as_uri())
    s.text = texts[0]
    try:
        for uri, text in zip(uris, texts, strict=True):
            s.client.open(uri, text)
        pulls = [s.client.request("textDocument/diagnostic", {"textDocument": {"uri": u}}) for u in uris]
        ats = [at for at, _ in await asyncio.gather(*pulls)]
        return ready, min(ats) - started, max(ats) - started
    finally:
        await s.client.stop()


def ten_at_once(texts: list[str], repeats: int, root: Path) -> dict[str, list[tuple[float, float, float]] | str]:
    out: dict[str, list[tuple[float, float, float]] | str] = {}
    found = servers()
    for name, argv in found.items():
        out[name] = argv if isinstance(argv, str) else []
    for _ in range(repeats):  # interleaved: every server once per round
        for name, argv in found.items():
            if isinstance(argv, list):
                out[name].append(asyncio.run(_ten_at_once(name, argv, texts, root)))  # type: ignore[union-attr]
    return out


# -- (l) command lines side by side ---------------------------------------------------------------


def command_lines(text: str, repeats: int) -> tuple[dict[str, Sample], dict[str, str]]:
    """Wall time of each command on one report (a copy in a folder of its own, outside any
    repository, where the course's checker is run with the report as ``README.md`` beside it)."""
    with tempfile.TemporaryDirectory(prefix="mlops-report-peers-") as tmp:
        report = Path(tmp) / "reports" / "README.md"
        report.parent.mkdir()
        report.write_text(text, encoding="utf-8")
        found = commands(report)
        argvs = {name: v for name, v in found.items() if isinstance(v, list)}
        missing = {name: v for name, v in found.items() if isinstance(v, str)}
        cwd = os.getcwd()
        os.chdir(report.parent)  # report.py check reads README.md where it runs
        try:
            times = interleaved(argvs, repeats, environment())
        finally:
            os.chdir(cwd)
    return times, missing


# -- the tables -----------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def _engine_edit(d: Doc, offset: int, edits: int) -> float:
    """In process: the median ``Analyzer.analyse`` after a keystroke typed at ``offset``."""
    from dataclasses import replace

    import engine

    from mlops_report.analysis import Analyzer

    analyzer = Analyzer()
    analyzer.analyse(d.text)
    xs = []
    for text in engine.typed_texts(replace(d, edit_at=offset), edits):
        t = time.perf_counter()
        analyzer.analyse(text)
        xs.append(time.perf_counter() - t)
    return Sample(xs).median


def _parse_median(text: str, repeats: int) -> float:
    _MD.parse(text)
    xs = []
    for _ in range(repeats):
        t = time.perf_counter()
        _MD.parse(text)
        xs.append(time.perf_counter() - t)
    return Sample(xs).median


def keystrokes_part(docs: list[tuple[Doc, int]], root: Path, say, engine_edits: int) -> list[tuple[str, str, str]]:
    """(k): ``docs`` are (document, keystrokes per place); the first ones of 31-question size."""
    from corpus import edit_points
    from run import yes  # type: ignore[import-not-found]
    from stats import ms

    load0 = _load()
    plan = [(d, edit_points(d.text), n) for d, n in docs]
    results, missing = keystrokes(plan, root, say=lambda *_: None)
    load1 = _load()
    by = {(r.doc, r.place, r.server): r for r in results}
    say(
        "## (k) a keystroke side by side: the protocol floor and the peers",
        "",
        "Every server over stdio with the same client, the same document and the same keystrokes "
        "(typed in turn, A B C D, the order rotated every round, one round every "
        f"{PACE * 1000:.0f} ms), each followed by a pull carrying the last resultId (VS Code's way). "
        "*latency*: client wall time from the `didChange` to the pulled report; *CPU*: the server "
        "process's CPU time over the typing (all its threads, counted in nanoseconds by the "
        "scheduler: `/proc/PID/task/*/schedstat`), per keystroke; *lens "
        "refreshes*: `workspace/codeLens/refresh` requests the server sent while typing (the client "
        "asks for the lenses again after each, as VS Code does). Places: between two words of an "
        "answer and of an instruction block, at the end of a question's heading line and of a "
        f"checklist item. Load average (1 min) {load0:.1f} before, {load1:.1f} after.",
        "",
        *(f"- {name}: {why}" for name, why in missing.items()),
        "",
        "| document | place | server | keystrokes | p50 | p95 | p99 | max | CPU per keystroke | lens refreshes |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    )
    for r in results:
        lat = r.latency
        say(
            f"| {r.doc} | {r.place} | {r.server} | {len(lat)} | {ms(lat.median)} | {ms(lat.p95)} | "
            f"{ms(lat.p99)} | {ms(lat.max)} | {ms(r.cpu)} | {r.lens_refreshes} |"
        )
    say(
        "",
        "Every figure of mlops-report as a ratio: the in-process analysis after the keystroke "
        "(`Analyzer.analyse`, median) to one markdown-it-py parse of the document (*edit / parse*); "
        "the median latency to that parse (*p50 / parse*), to the floor's, to rumdl's and to VS "
        "Code's markdown server's; the CPU per keystroke to the floor's (*CPU / floor*).",
        "",
        "| document | place | edit / parse | p50 / parse | p50 / floor | CPU / floor | p50 / rumdl "
        "| p50 / VS Code markdown |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    )
    targets = []
    for d, places, _n in plan:
        parse = _parse_median(d.text, 5 if len(d.text) > 1_000_000 else 20)
        small = d.questions < 100
        for place, offset in places.items():
            ours = by.get((d.name, place, OURS))
            if ours is None:
                continue
            floor, rumdl, vscode = (by.get((d.name, place, s)) for s in (FLOOR, RUMDL, VSCODE))
            edit = _engine_edit(d, offset, engine_edits if small else max(5, engine_edits // 10))
            p50 = ours.latency.median
            say(
                f"| {d.name} | {place} | {edit / parse:.2f} | {p50 / parse:.2f} | "
                f"{_ratio(p50, floor and floor.latency.median)} | {_ratio(ours.cpu, floor and floor.cpu)} | "
                f"{_ratio(p50, rumdl and rumdl.latency.median)} | {_ratio(p50, vscode and vscode.latency.median)} |"
            )
            where = f"{d.name}, {place}"
            targets.append((f"(k) edit ≤ 0.1 × parse, {where}", f"{edit / parse:.2f}", yes(edit / parse <= 0.1)))
            if small and floor is not None and floor.cpu:
                targets.append(
                    (f"(k) CPU ≤ 1.5 × floor, {where}", f"{ours.cpu / floor.cpu:.2f}", yes(ours.cpu <= 1.5 * floor.cpu))
                )
            if rumdl is not None:
                ratio = p50 / rumdl.latency.median
                targets.append((f"(k) latency ≤ rumdl, {where}", f"{ratio:.2f}", yes(ratio <= 1.0)))
    say("")
    return targets


def cold_part(texts: list[str], repeats: int, root: Path, say) -> list[tuple[str, str, str]]:
    """(m): ten reports opened at once."""
    from run import yes  # type: ignore[import-not-found]
    from stats import ms

    load0 = _load()
    found = ten_at_once(texts, repeats, root)
    say(
        "## (m) cold start, ten reports opened at once",
        "",
        f"From spawning the server to its answer to `initialize`, and to the pulled diagnostics of the "
        f"first and of the last of {len(texts)} reports opened right after `initialized` and pulled "
        f"together (medians of {repeats} runs, the servers taking turns; load average {load0:.1f} "
        f"before, {_load():.1f} after).",
        "",
        "| server | initialize | first report | last report | last / floor's last |",
        "|---|---:|---:|---:|---:|",
    )
    med = {
        name: tuple(Sample([run[i] for run in runs]).median for i in range(3))
        for name, runs in found.items()
        if isinstance(runs, list) and runs
    }
    floor_last = med.get(FLOOR, (0, 0, 0))[2]
    for name, runs in found.items():
        if isinstance(runs, str):
            say(f"| {name} | {runs} | | | |")
            continue
        ready, first, last = med[name]
        say(f"| {name} | {ms(ready)} | {ms(first)} | {ms(last)} | {_ratio(last, floor_last)} |")
    say("")
    if OURS not in med:
        return []
    return [
        (f"(m) first diagnostics of {len(texts)} reports at once < 1.5 s", ms(med[OURS][2]), yes(med[OURS][2] < 1.5))
    ]


def command_part(text: str, repeats: int, say) -> list[tuple[str, str, str]]:
    """(l): the command lines on one report."""
    from run import yes  # type: ignore[import-not-found]
    from stats import ms

    load0 = _load()
    times, missing = command_lines(text, repeats)
    base = times.get("import + parse")
    ours = times.get("mlops-report check")
    say(
        "## (l) the command line side by side",
        "",
        f"Each command on the same report (a copy outside any repository), {repeats} runs each, the "
        f"commands taking turns after one warm-up run each (load average {load0:.1f} before, "
        f"{_load():.1f} after). *import + parse* is a Python that imports markdown-it-py and parses "
        "the file (part d's baseline).",
        "",
        *(f"- {name}: {why}" for name, why in missing.items()),
        "",
        "| command | median | p95 | max | / import + parse | mlops-report check / it |",
        "|---|---:|---:|---:|---:|---:|",
    )
    for name, s in times.items():
        say(
            f"| {name} | {ms(s.median)} | {ms(s.p95)} | {ms(s.max)} | {_ratio(s.median, base and base.median)} | "
            f"{_ratio(ours and ours.median, s.median)} |"
        )
    say("")
    return (
        []
        if not (ours and base)
        else [
            (
                "(l) check ≤ 1.3 × import-and-parse (outside a repository)",
                f"{ours.median / base.median:.2f}",
                yes(ours.median <= 1.3 * base.median),
            )
        ]
    )
