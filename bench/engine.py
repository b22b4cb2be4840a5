"""(a) and (f) in process: the engine's analysis after a one-character edit, against one full
markdown-it-py parse of the same document."""

from __future__ import annotations

import time
from dataclasses import dataclass

from corpus import TYPED, Doc
from markdown_it import MarkdownIt
from stats import Sample

from mlops_report import parse as parse_module
from mlops_report.analysis import Analyzer


@dataclass
class EngineResult:
    doc: Doc
    markdown: Sample  # one full markdown-it-py parse
    edit: Sample  # Analyzer.analyse after a one-character edit, warm cache
    cold: Sample  # Analyzer.analyse of the whole document with empty caches

    @property
    def ratio(self) -> float:
        return self.edit.median / self.markdown.median


def typed_texts(d: Doc, edits: int) -> list[str]:
    """The document after each keystroke of typing into one answer."""
    out, text, at = [], d.text, d.edit_at
    for i in range(edits):
        ch = TYPED[i % len(TYPED)]
        text = text[:at] + ch + text[at:]
        at += 1
        out.append(text)
    return out


def timed(fn, repeats: int) -> Sample:
    xs = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t)
    return Sample(xs)


def measure(d: Doc, edits: int, repeats: int) -> EngineResult:
    md = MarkdownIt("commonmark").enable("table")
    md.parse(d.text)
    markdown = timed(lambda: md.parse(d.text), repeats)

    def cold_once() -> None:
        parse_module._parse_segment.cache_clear()
        Analyzer().analyse(d.text)

    cold = timed(cold_once, max(3, repeats // 2))
    analyzer = Analyzer()
    analyzer.analyse(d.text)
    xs = []
    for text in typed_texts(d, edits):
        t = time.perf_counter()
        analyzer.analyse(text)
        xs.append(time.perf_counter() - t)
    return EngineResult(d, markdown, Sample(xs), cold)


def profile(d: Doc, edits: int, top: int = 16) -> list[tuple[str, float, float, float]]:
    """Where an edit's analysis spends its time: (function, calls per edit, own µs per edit,
    total µs per edit) for the engine's functions, by total. Under cProfile, so every figure is
    inflated about twofold; the proportions are what matter."""
    import cProfile
    import pstats

    analyzer = Analyzer()
    analyzer.analyse(d.text)
    texts = typed_texts(d, edits)
    prof = cProfile.Profile()
    prof.enable()
    for text in texts:
        analyzer.analyse(text)
    prof.disable()
    rows = []
    for (file, line, name), (_cc, calls, own, total, _callers) in pstats.Stats(prof).stats.items():  # type: ignore[attr-defined]
        if "mlops_report" not in file:
            continue
        module = file.rsplit("mlops_report", 1)[1].strip("/").removesuffix(".py").replace("/", ".")
        rows.append((f"{module}.{name}:{line}", calls / edits, own / edits * 1e6, total / edits * 1e6))
    rows.sort(key=lambda r: -r[3])
    return rows[:top]
