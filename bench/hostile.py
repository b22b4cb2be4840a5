"""(g) hostile payloads and (h) memory in a huge answer.

(g) Each payload family, at a given size, is pasted on lines of its own into the answer the
other benchmarks type into (`corpus.edit_point` of the bundled example). Two figures:

- the engine: `Analyzer.analyse` of the pasted text by an analyzer that saw the text before the
  paste (the server's situation), with the segment cache emptied; measured in a child process
  so that a payload that takes minutes is stopped at the time limit and reported as such;
- the server: `python -m mlops_report serve` has the report open and analysed; the paste is sent
  as one incremental `didChange`, then a hover on the edited question's heading; the clock runs
  from the change to the hover's answer, then to the pulled diagnostics of that version.

(h) The server's resident set size after keystrokes typed into the middle of a 1 MB answer
(one base64 line, as a pasted image would be), each keystroke followed by a pulled diagnostic
as VS Code does.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # the engine's child process
    sys.path[:0] = [str(HERE), str(HERE.parent / "server")]

from corpus import EXAMPLE, TYPED, read  # noqa: E402

from mlops_report.parse import parse  # noqa: E402
from mlops_report.text import LineIndex  # noqa: E402


def _repeat(unit: str, size: int, sep: str = "") -> str:
    n = max(1, (size + len(sep)) // (len(unit) + len(sep)))
    return sep.join([unit] * n)


def _backticks(size: int) -> str:
    """Unclosed backtick runs of every length, 1, 2, 3, ...: none closes another. A figure link
    comes first, so that the answer's figures are looked for (past the code spans)."""
    out, total, k = ["![a](f.png) "], 12, 1
    while total < size:
        piece = "`" * k + "x "
        out.append(piece)
        total += len(piece)
        k += 1
    return "".join(out)


# name -> (what it is, payload of about ``size`` bytes)
PAYLOADS = {
    "reference definition, then `[` × n": lambda size: "[a]: figures/a.png\n\n" + "[" * (size - 20),
    "`![` × n": lambda size: _repeat("![", size),
    "`### Question`, 20,000 spaces (fewer in a smaller payload), `x`; repeated": lambda size: _repeat(
        "### Question" + " " * min(20_000, size - 13) + "x", size, "\n"
    ),
    "a figure link, then unclosed backtick runs of lengths 1, 2, 3, …": _backticks,
    "figure links on one line (8,000 ≈ 88 KB)": lambda size: _repeat("![a](f.png)", size),
}


def pasted(base: str, at: int, payload: str) -> str:
    return base[:at] + "\n\n" + payload + "\n\n" + base[at:]


def base_doc() -> tuple[str, int]:
    from corpus import edit_point

    base = read(EXAMPLE)
    return base, edit_point(base)


# -- the engine, in a child process -------------------------------------------------------------------


def _engine_child(family: int, size: int) -> None:
    """Run in the child: print the seconds of the analyses of the pasted text (up to 3 runs,
    while they stay short)."""
    from mlops_report import parse as parse_module
    from mlops_report.analysis import Analyzer

    base, at = base_doc()
    text = pasted(base, at, list(PAYLOADS.values())[family](size))
    xs = []
    while len(xs) < 3 and sum(xs) < 1.0:
        analyzer = Analyzer()
        analyzer.analyse(base)
        parse_module._parse_segment.cache_clear()
        t = time.perf_counter()
        analyzer.analyse(text)
        xs.append(time.perf_counter() - t)
    print(json.dumps(xs))


def engine(family: int, size: int, limit: float) -> float | None:
    """Median seconds of the engine's analysis after the paste; None past ``limit`` seconds."""
    try:
        run = subprocess.run(
            [sys.executable, str(Path(__file__)), "engine", str(family), str(size)],
            capture_output=True,
            text=True,
            timeout=limit + 5,
            cwd=HERE,
        )
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        raise RuntimeError(f"the engine child failed: {run.stderr[-2000:]}")
    xs = sorted(json.loads(run.stdout))
    return xs[len(xs) // 2]


# -- the server ---------------------------------------------------------------------------------------


@dataclass
class Paste:
    hover: float | None  # seconds from the didChange to the hover's answer; None: past the limit
    diagnostics: float | None  # ... to the pulled diagnostics of that version


async def _paste(client, root: Path, name: str, payload: str, limit: float) -> Paste:
    from lsp import _uri

    base, at = base_doc()
    uri = _uri(root, name, base)
    client.open(uri, base)
    await client.diagnostics(uri, True, 1)
    report = parse(base)
    q = next(q for q in report.questions if q.span.start <= at < q.span.end)
    lines = LineIndex(base)
    line, _col = lines.position(at)
    col16 = len(base[lines.starts[line] : at].encode("utf-16-le")) // 2
    pos = {"line": line, "character": col16}
    heading = {"line": lines.position(q.heading.span.start)[0], "character": 4}
    t = time.perf_counter()
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "\n\n" + payload + "\n\n"}],
        },
    )
    try:
        hovered, _ = await client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": heading}, timeout=limit
        )
    except asyncio.TimeoutError:
        return Paste(None, None)
    try:
        pulled, _ = await client.request(
            "textDocument/diagnostic",
            {"textDocument": {"uri": uri}},
            timeout=max(0.1, limit - (time.perf_counter() - t)),
        )
    except asyncio.TimeoutError:
        return Paste(hovered - t, None)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return Paste(hovered - t, pulled - t)


async def _pastes(sizes: list[int], root: Path, limit: float) -> dict[tuple[int, int], Paste]:
    """Every family at every size; one server while it keeps up, a new one after a time-out."""
    from lsp import Client, _env

    out: dict[tuple[int, int], Paste] = {}
    client = None
    try:
        for size in sizes:
            for k, make in enumerate(PAYLOADS.values()):
                if client is None:
                    client = await Client.start(_env())
                    await client.initialize(root, True)
                r = await _paste(client, root, f"hostile{k}-{size}", make(size), limit)
                out[(k, size)] = r
                if r.hover is None or r.diagnostics is None:  # still busy: not fit for the next
                    await client.kill()
                    client = None
    finally:
        if client is not None:
            await client.stop()
    return out


def pastes(sizes: list[int], root: Path, limit: float) -> dict[tuple[int, int], Paste]:
    return asyncio.run(_pastes(sizes, root, limit))


# -- (h) memory after typing into a 1 MB answer -----------------------------------------------------------


@dataclass
class Typing:
    size: int  # characters of the answer
    keystrokes: int  # typed (fewer than asked when the time limit came first)
    asked: int
    seconds: float
    rss_before: float  # MiB after opening
    rss_after: float
    peak: float  # VmHWM


def blob_report(size: int) -> tuple[str, int]:
    """The bundled example with one answer replaced by ``size`` characters of base64 on one
    line; the offset of the middle of the blob."""
    base, at = base_doc()
    q = next(q for q in parse(base).questions if q.answer.span.start <= at < q.answer.span.end)
    raw = random.Random(2476).randbytes(size * 3 // 4 + 3)
    blob = base64.b64encode(raw).decode("ascii")[:size]
    a = q.answer.span
    text = base[: a.start] + "\n" + blob + "\n" + base[a.end :]
    return text, a.start + 1 + size // 2


async def _typing(size: int, keystrokes: int, root: Path, limit: float) -> Typing:
    from lsp import Client, _env, _uri

    text, at = blob_report(size)
    client = await Client.start(_env())
    try:
        await client.initialize(root, True)
        uri = _uri(root, "blob", text)
        client.open(uri, text)
        await client.diagnostics(uri, True, 1)
        before = client.rss_mib()
        lines = LineIndex(text)
        line, _col = lines.position(at)
        col16 = len(text[lines.starts[line] : at].encode("utf-16-le")) // 2
        start = time.perf_counter()
        typed = 0
        for i in range(keystrokes):
            if time.perf_counter() - start > limit:
                break
            pos = {"line": line, "character": col16 + i}
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": i + 2},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": TYPED[i % len(TYPED)]}],
                },
            )
            try:
                await client.request(
                    "textDocument/diagnostic",
                    {"textDocument": {"uri": uri}},
                    timeout=max(0.1, limit - (time.perf_counter() - start)),
                )
            except asyncio.TimeoutError:
                break
            typed += 1
        return Typing(size, typed, keystrokes, time.perf_counter() - start, before, client.rss_mib(), client.peak_mib())
    finally:
        await client.kill()


def typing(size: int, keystrokes: int, root: Path, limit: float) -> Typing:
    return asyncio.run(_typing(size, keystrokes, root, limit))


if __name__ == "__main__" and sys.argv[1:2] == ["engine"]:  # hostile.py engine FAMILY SIZE
    _engine_child(int(sys.argv[2]), int(sys.argv[3]))
