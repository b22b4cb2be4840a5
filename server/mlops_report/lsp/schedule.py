"""When each open document is analysed: one analysis at a time, in a thread of its own, so the
event loop keeps answering (hover, completion, shutdown) whatever an analysis costs.

- A change asks for an analysis of the document; the analysis reads the newest text when it
  starts, so queued requests for older versions simply merge. A result that is stale when it
  arrives (the text, the settings or the files changed meanwhile) is kept for hovers but never
  published; the newer analysis follows.
- A keystroke (an edit of at most ``SMALL_EDIT`` characters, the only one since the last
  analysis) in a document whose last analysis was cheap (``INLINE_SECONDS``) is analysed on the
  event loop, right in its didChange: the incremental path costs a fraction of a millisecond,
  less than handing it to the thread and back. Any other analysis runs in the thread.
- Documents larger than ``AT_ONCE_CHARS`` wait for a pause in typing (``DEBOUNCE``), unless the
  edit is a keystroke and their last analysis took less than ``UNPAUSED_SECONDS``: a whole
  re-analysis of a huge document is what the pause protects the typing from.
- Saves, watched-file events, settings and found originals arrive in bursts: they are gathered
  for ``QUIET`` seconds (at most ``BURST`` after the first), then the reports they can affect are
  analysed in one pass and listeners hear "refreshed" once.
- ``current`` lets a request wait for the analysis of the current text, for at most a given
  time, after which it gets the last finished one (or None).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import cast

from .reports import Analysed

log = logging.getLogger(__name__)

DEBOUNCE = 0.075  # seconds between the last keystroke and an analysis of a large document
# A keystroke inside an answer costs about 2 ms from change to diagnostics on a 27 KB report and
# 7 ms at 264 KB, but an edit that changes structure re-analyses the whole text, about 1 ms per
# 10 KB (bench/RESULTS.md): documents up to this size are analysed at once after each keystroke,
# larger ones after a pause in typing.
AT_ONCE_CHARS = 250_000
SMALL_EDIT = 64  # characters inserted or removed by one edit: a keystroke, a short word
# the last analysis of the document took less than this: a keystroke runs on the event loop,
# which it then holds at most about as long as a whole analysis of a report (a few ms)
INLINE_SECONDS = 0.004
# ... less than this: a large document is analysed without the pause (a keystroke in a report
# 100 times the template's size costs about 30 ms; its whole analysis about a second)
UNPAUSED_SECONDS = 0.05
QUIET = 0.1  # seconds without a new file event before a burst is analysed
BURST = 1.0  # ... but no later than this after its first event


class _Thread:
    """One daemon thread running jobs in order; results come back on the event loop. A daemon:
    an analysis that runs for long never holds up the process's exit."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(
        self,
        loop: asyncio.AbstractEventLoop,
        job: Callable[[], object],
        done: Callable[[object, BaseException | None], None],
    ) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mlops-report-analysis", daemon=True)
            self._thread.start()
        self._jobs.put((loop, job, done))

    def _run(self) -> None:
        while True:
            loop, job, done = self._jobs.get()
            try:
                result, error = job(), None
            except BaseException as exc:  # reported on the loop; the thread goes on
                result, error = None, exc
            try:
                loop.call_soon_threadsafe(done, result, error)
            except RuntimeError:  # the loop is closed: the server is exiting
                return


class Scheduler:
    def __init__(self, server) -> None:
        self.server = server
        self._thread = _Thread()
        self._ready: dict[str, None] = {}  # documents to analyse as soon as the thread is free, in order
        self._timers: dict[str, asyncio.TimerHandle] = {}  # large documents waiting for a pause
        self._running: str | None = None
        self._cost: dict[str, float] = {}  # seconds the last analysis of each document took
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self._burst: set[str] = set()
        self._burst_all = False
        self._burst_timer: asyncio.TimerHandle | None = None
        self._burst_started = 0.0
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- asking for analyses --------------------------------------------------------------------

    def want(self, uri: str, delay: float | None = None) -> None:
        """Analyse ``uri`` soon: now for a report-sized document, after a pause for a larger one."""
        doc = self.server.documents.get(uri)
        if doc is None:
            return
        loop = self._loop()
        if delay is None:
            quick = len(doc.text) <= AT_ONCE_CHARS or (
                _small(doc) and uri not in self._timers and self._cost.get(uri, DEBOUNCE) < UNPAUSED_SECONDS
            )
            delay = 0.0 if quick else DEBOUNCE
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay > 0:
            self._timers[uri] = loop.call_later(delay, self._due, uri)
        else:
            self._ready[uri] = None
            self._pump()

    def refresh(self, uris: Iterable[str] | None = None) -> None:
        """Files or settings changed for ``uris`` (every open document when None): gather the
        burst, then analyse them once and tell the listeners once."""
        loop = self._loop()
        if uris is None:
            self._burst_all = True
        else:
            self._burst.update(uris)
        now = loop.time()
        if self._burst_timer is None:
            self._burst_started = now
        else:
            self._burst_timer.cancel()
        self._burst_timer = loop.call_at(min(now + QUIET, self._burst_started + BURST), self._flush)

    def forget(self, uri: str) -> None:
        self._cost.pop(uri, None)
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._ready.pop(uri, None)
        self._burst.discard(uri)
        self._resolve(uri, None)

    # -- waiting for one ------------------------------------------------------------------------

    async def current(self, uri: str, wait: float | None = None) -> Analysed | None:
        """The analysis of the document's current text, waited for; after ``wait`` seconds the
        last finished one instead, or, when none has finished yet (a report just opened in a
        server just started), still the current one: an empty outline or hover would stay
        empty until the next change."""
        server = self.server
        found = server.ready(uri)
        if found is not None:
            return found
        doc = server.documents.get(uri)
        if doc is None or not server.is_markdown(doc):
            return None
        fut = self._loop().create_future()
        self._waiters.setdefault(uri, []).append(fut)
        if uri not in self._ready and uri not in self._timers and self._running != uri:
            self.want(uri, 0.0)  # asked before anything scheduled it (a burst still gathering)
        try:
            if wait is None:
                return await fut
            return await asyncio.wait_for(asyncio.shield(fut), wait)
        except asyncio.TimeoutError:
            latest = server.reports.latest(uri)
            return latest if latest is not None else await fut
        finally:
            waiting = self._waiters.get(uri)
            if waiting and fut in waiting:
                waiting.remove(fut)

    # -- inside ---------------------------------------------------------------------------------

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self.loop is None:
            self.loop = self.server.reports.loop = asyncio.get_running_loop()
        return self.loop

    def _due(self, uri: str) -> None:
        self._timers.pop(uri, None)
        self._ready[uri] = None
        self._pump()

    def _flush(self) -> None:
        self._burst_timer = None
        uris = [d.uri for d in self.server.documents] if self._burst_all else list(self._burst)
        self._burst.clear()
        self._burst_all = False
        for uri in uris:
            self.want(uri)
        self.server.emit("refreshed")

    def _pump(self) -> None:
        """Start the next analysis if the thread is free."""
        server = self.server
        while self._running is None and self._ready:
            uri = next(iter(self._ready))
            del self._ready[uri]
            doc = server.documents.get(uri)
            if doc is None or not server.is_markdown(doc):
                self._resolve(uri, None)
                continue
            previous = server.reports.latest(uri)
            stamp = server.reports.stamp(doc)
            if previous is not None and previous.stamp == stamp:
                self._resolve(uri, previous)  # nothing changed since
                continue
            self._running = uri
            if self._inline(doc, previous, stamp):
                try:
                    result, error = self._work(doc, previous), None
                except Exception as exc:  # as the thread would report it
                    result, error = None, exc
                self._done(uri, result, error, pump=False)
                continue
            self._thread.submit(
                self._loop(),
                functools.partial(self._work, doc, previous),
                functools.partial(self._finished, uri),
            )

    def _inline(self, doc, previous: Analysed | None, stamp: tuple) -> bool:
        """Whether to analyse ``doc`` on the event loop: a keystroke since ``previous`` (with
        the same settings and files), in a report-sized document whose last analysis was cheap."""
        return (
            previous is not None
            and previous.stamp[1:] == stamp[1:]
            and len(doc.text) <= AT_ONCE_CHARS
            and self._cost.get(doc.uri, INLINE_SECONDS) < INLINE_SECONDS
            and _small(doc)
            and doc.edit[0] == previous.doc.revision
        )

    def _finished(self, uri: str, result: object, error: BaseException | None) -> None:
        self._done(uri, cast("Analysed | None", result), error)

    def _work(self, doc, previous: Analysed | None) -> Analysed:
        """In the analysis thread (or inline): the analysis, and what the listeners will send
        of it; how long it took is kept for the next decision."""
        started = time.perf_counter()
        self._cost[doc.uri] = DEBOUNCE  # should it raise: never inline after that
        analysed = self.server.reports.analyse(doc, previous)
        for prepare in self.server.preparers:
            try:
                prepare(analysed)
            except Exception:
                log.exception("preparing what to send of %s failed", doc.uri)
        self._cost[doc.uri] = time.perf_counter() - started
        return analysed

    def _done(self, uri: str, analysed: Analysed | None, error: BaseException | None, pump: bool = True) -> None:
        self._running = None
        server = self.server
        doc = server.documents.get(uri)
        if error is not None:
            log.error("analysing %s failed", uri, exc_info=error)
            self._resolve(uri, None)
        if doc is None:
            self._cost.pop(uri, None)  # closed meanwhile
        elif analysed is not None:
            server.reports.keep(uri, analysed)
            if analysed.stamp == server.reports.stamp(doc):
                self._resolve(uri, analysed)
                server.emit("analysed", analysed)
            elif uri not in self._ready and uri not in self._timers:
                self.want(uri)  # stale: whatever changed it asked already, but never leave it so
        if pump:
            self._pump()

    def _resolve(self, uri: str, analysed: Analysed | None) -> None:
        for fut in self._waiters.pop(uri, ()):
            if not fut.done():
                fut.set_result(analysed)


def _small(doc) -> bool:
    """Whether ``doc`` is known to be the text before it after one small edit (a keystroke, a
    short paste or deletion)."""
    if doc.edit is None:
        return False
    start, old_end, new_end = doc.edit[1]
    return old_end - start <= SMALL_EDIT and new_end - start <= SMALL_EDIT
