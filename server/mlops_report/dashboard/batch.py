"""Many reports, one row each: found in folders, analysed in order, on every core when the batch
is large.

Workers send back rows (``row.Row``), never analyses, a few at a time; at most two batches per
worker are in flight, so memory stays bounded however many reports there are. Rows come out in
the order the reports were found. A report that cannot be read, or whose analysis fails, is a row
with its reason; a worker that dies takes down only the reports it held, which are tried again
one by one.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

from ..settings import Settings
from . import row as rows

PARALLEL_FROM = 48  # reports: below this, starting worker processes costs more than it saves
BATCH = 8  # reports sent to a worker at a time


class Target(NamedTuple):
    shown: str  # the path as the user will see it
    path: Path | None
    reason: str = ""  # when there is nothing to analyse: why


def targets(raws: list[str]) -> list[Target]:
    """The reports under each path given: a report file as is; a folder holding
    ``reports/README.md`` searched whole (one repository); any other folder, each of its
    subfolders searched (a folder of repositories), and a subfolder without a report is a row
    that says so."""
    from ..cli import Unreadable, find_reports

    out: list[Target] = []

    def add(folder: Path) -> None:
        try:
            out.extend(Target(str(p), p) for p in find_reports(folder))
        except Unreadable as exc:
            out.append(Target(str(folder), None, str(exc).removeprefix(f"{folder}: ")))

    for raw in raws:
        target = Path(raw)
        try:
            is_dir = target.is_dir()
            holds_report = is_dir and (target / "reports" / "README.md").is_file()
        except OSError as exc:
            out.append(Target(raw, None, f"cannot be read ({exc.strerror or exc})"))
            continue
        if not is_dir or holds_report:
            add(target)
            continue
        try:
            children = sorted(
                e.name for e in os.scandir(target) if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            )
        except OSError as exc:
            out.append(Target(raw, None, f"cannot be read ({exc.strerror or exc})"))
            continue
        if not children:
            add(target)
        for name in children:
            add(target / name)
    return out


def analyse(t: Target, analyzer, settings: Settings, ref: str | None) -> rows.Row:
    """The row of one target; whatever goes wrong is the row's reason."""
    from ..cli import Unreadable, read_report
    from ..disk import Disk
    from .commits import last_change

    if t.path is None:
        return rows.unreadable(t.shown, t.reason)
    try:
        text = read_report(t.path)
    except Unreadable as exc:
        return rows.unreadable(t.shown, str(exc).removeprefix(f"{t.path}: "))
    try:
        path = t.path.resolve()
        disk = Disk.scan(path)  # the row tells which figures a walk cut short could not look for
        analysis = analyzer.analyse(text, path, settings, disk)
        if not analysis.is_report:
            return rows.not_a_report(t.shown)
        return rows.from_analysis(t.shown, analysis, last_change(t.path, ref), disk)
    except Exception as exc:
        return rows.unreadable(t.shown, f"the analysis failed ({type(exc).__name__}: {exc})")


_ANALYZER = None


def _work(batch: list[Target], settings: Settings, ref: str | None) -> list[rows.Row]:
    """In a worker process: one analyzer for its life, keeping no document after its row."""
    global _ANALYZER
    if _ANALYZER is None:
        from ..analysis import Analyzer

        _ANALYZER = Analyzer(documents=0)
    return [analyse(t, _ANALYZER, settings, ref) for t in batch]


def run(
    found: list[Target],
    settings: Settings,
    *,
    jobs: int = 0,
    ref: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[rows.Row]:
    """The rows of ``found``, in order. ``jobs``: worker processes (0: every core when the batch
    is large, 1: in this process)."""
    jobs = jobs or ((os.cpu_count() or 1) if len(found) >= PARALLEL_FROM else 1)
    step = progress or (lambda n: None)
    if jobs <= 1:
        from ..analysis import Analyzer

        analyzer = Analyzer(documents=0)
        for t in found:
            yield analyse(t, analyzer, settings, ref)
            step(1)
        return
    batches = [found[i : i + BATCH] for i in range(0, len(found), BATCH)]
    yield from _parallel(batches, settings, ref, jobs, step)


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked from this process where the system allows it (Linux): they start with the
    modules already imported, and no program is executed, not even Python again."""
    import multiprocessing

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(jobs, mp_context=context)


def _parallel(
    batches: list[list[Target]], settings: Settings, ref: str | None, jobs: int, step: Callable[[int], None]
) -> Iterator[rows.Row]:
    todo = deque(batches)
    pending: deque[tuple[list[Target], Future, bool]] = deque()  # (batch, its future, a retry)
    pool = _pool(jobs)
    try:
        while todo or pending:
            while todo and len(pending) < 2 * jobs:
                batch = todo.popleft()
                pending.append((batch, pool.submit(_work, batch, settings, ref), False))
            batch, future, retry = pending.popleft()
            try:
                done = future.result()
            except BrokenProcessPool:
                # a worker died (out of memory, killed): the batches in flight that had not come
                # back are lost with it; a fresh pool tries them again, the one that failed
                # report by report
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(jobs)
                again = [(b, f if _came_back(f) else pool.submit(_work, b, settings, ref), r) for b, f, r in pending]
                pending.clear()
                if retry:
                    done = [rows.unreadable(batch[0].shown, "the analysis stopped its worker process")]
                else:
                    singles = [([t], pool.submit(_work, [t], settings, ref), True) for t in batch]
                    pending.extend(singles[1:])
                    pending.extend(again)
                    pending.appendleft(singles[0])
                    continue
                pending.extend(again)
            except Exception as exc:
                done = [rows.unreadable(t.shown, f"the analysis failed ({type(exc).__name__})") for t in batch]
            yield from done
            step(len(done))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _came_back(f: Future) -> bool:
    return f.done() and not f.cancelled() and f.exception() is None


class Progress:
    """A bar on stderr for a long batch, only when stderr is a terminal; cleared when done."""

    def __init__(self, total: int, stream=None, minimum: int = 20) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.done, self.shown = total, 0, 0.0
        try:
            self.on = total >= minimum and self.stream.isatty()
        except (AttributeError, ValueError):
            self.on = False

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.on and (now - self.shown > 0.1 or self.done == self.total):
            self.shown = now
            filled = 30 * self.done // max(1, self.total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} reports")
            self.stream.flush()

    def close(self) -> None:
        if self.on:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
