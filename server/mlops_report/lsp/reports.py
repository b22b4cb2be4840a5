"""What the server knows of every report: one Analyzer, the files around each report folder,
the original instructions, and the latest analysis of each open document.

``analyse`` runs in the server's analysis thread (one at a time: the Analyzer is not
thread-safe); the event loop only reads what it returns and bumps counters (``stamp``). A
report folder is walked once (``Disk.scan``) and reused until a file under it changes (its
epoch moves on); only documents that are reports get a walk. The original instructions are
looked up once per file, in a worker thread started from the event loop (git may be slow),
after which ``on_originals`` asks for that report to be analysed again.

The history is read in-process (``repo.first_version``): no git program, nothing the
repository's configuration names, is ever started. In a workspace the editor does not trust
(``trusted`` False) no history is read at all, and no git data either: the hand-in findings
get no repository context. That context (``repo.handin.Handin``) is made once per report
folder and kept until a file under the folder, a git file (index, HEAD, refs, an ignore file)
or the settings change (``git_epoch``, ``generation``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..analysis import Analysis, Analyzer
from ..disk import Disk
from ..settings import Settings
from .documents import Document, path_of

__all__ = ["Analysed", "Reports", "path_of"]

log = logging.getLogger(__name__)
DISK_BUDGET = 32 * 2**20  # bytes of file names kept from walks no open document holds any more


class Analysed:
    """One analysis with everything it was computed from: the document as it was (its text
    and positions), the walk of its folder and its stamp (``Reports.stamp`` at the start)."""

    __slots__ = ("analysis", "diagnostics", "disk", "doc", "stamp")

    def __init__(self, doc: Document, analysis: Analysis, disk: Disk | None, stamp: tuple) -> None:
        self.doc = doc
        self.analysis = analysis
        self.disk = disk
        self.stamp = stamp
        self.diagnostics: list | None = None  # converted in the analysis thread for the client


class Reports:
    def __init__(self) -> None:
        self.analyzer = Analyzer()  # one per server: its per-question cache makes edits cheap
        self.settings = Settings()  # the editor's, for what belongs to no report
        # the settings of the report at a path (lsp/config: the editor's over its project file's)
        self.settings_of: Callable[[Path | None], Settings] = lambda path: self.settings
        self.workspace_root: Path | None = None
        self.trusted = True  # the editor trusts the workspace (editors that do not say: yes)
        self.generation = 0  # bumped when the settings change: every analysis is stale
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, where lookups start
        self._epochs: dict[Path, int] = {}  # report folder -> changes seen under it
        self._disks: OrderedDict[Path, tuple[int, Disk]] = OrderedDict()  # the analysis thread's
        self._disk_bytes = 0
        self._originals: dict[tuple, dict[int, str] | None] = {}
        self._looking: set[tuple] = set()  # originals being looked up in a worker thread
        self.on_originals: Callable[[Path], None] | None = None  # called when a lookup found them
        self._latest: dict[str, Analysed] = {}  # open documents only; dropped on close
        self.git_epoch = 0  # git files (index, HEAD, refs, ignore files) changed this many times
        self._contexts: dict[Path, tuple[tuple, Any]] = {}  # report folder -> (its key, Handin or None)
        # asked several times per keystroke: a document's path is one object for as long as it
        # is open, so its folder and settings are looked up once (per generation and trust)
        self._folders: dict[Path, Path] = {}
        self._last_settings: tuple = (None, -1, None, None)  # (path, generation, trusted, settings)

    # -- settings and files ---------------------------------------------------------------------

    def settings_changed(self) -> None:
        """The settings of some report changed (the editor's, a project file): every analysis is stale."""
        self._originals.clear()
        self.generation += 1

    def trust(self, trusted: bool) -> None:
        """The editor trusts the workspace now, or no longer: every lookup is done again."""
        self.trusted = trusted
        self._originals.clear()
        self.generation += 1

    def folder(self, path: Path) -> Path:
        """``path.parent``, one object per path."""
        found = self._folders.get(path)
        if found is None:
            if len(self._folders) > 4096:
                self._folders.clear()
            found = self._folders[path] = path.parent
        return found

    def settings_for(self, path: Path | None) -> Settings:
        """``settings_of(path)``, the last one asked for kept for its path, generation and trust."""
        last = self._last_settings
        if last[0] is path and last[1] == self.generation and last[2] == self.trusted:
            return last[3]
        found = self.settings_of(path)
        self._last_settings = (path, self.generation, self.trusted, found)
        return found

    def stamp(self, doc: Document) -> tuple:
        """Everything an analysis of ``doc`` depends on: equal stamps, equal analyses."""
        path = doc.path
        if path is None:
            return (doc.revision, self.generation)
        return (
            doc.revision,
            self.generation,
            self._epochs.get(self.folder(path), 0),
            self._originals.get(self._originals_key(path)) is not None,
            self.git_epoch,
        )

    def disk(self, report: Path, epoch: int = 0) -> Disk:
        """The walk of the report's folder as of ``epoch`` (walked again when a file under it
        changed since). Walks no open document holds are kept within ``DISK_BUDGET`` bytes."""
        folder = report.parent
        hit = self._disks.get(folder)
        if hit is not None and hit[0] == epoch:
            self._disks.move_to_end(folder)
            return hit[1]
        disk = Disk.scan(report)
        if hit is not None:
            self._disk_bytes -= hit[1].size
        self._disks[folder] = (epoch, disk)
        self._disk_bytes += disk.size
        while self._disk_bytes > DISK_BUDGET and len(self._disks) > 1:
            _, (_, old) = self._disks.popitem(last=False)
            self._disk_bytes -= old.size
        return disk

    def files_changed(self, paths: Iterable[Path], folders: Iterable[Path]) -> set[Path]:
        """The report folders among ``folders`` (and those of cached walks) that hold one of
        ``paths``, at any depth since a walk goes down; their walks are stale from now on."""
        touched: set[str] = set()
        for p in paths:
            s = str(p)
            while s not in touched:
                touched.add(s)
                parent = os.path.dirname(s)
                if parent == s:
                    break
                s = parent
        candidates = set(folders).union(list(self._disks))  # the walks cached for closed reports too
        hit = {f for f in candidates if str(f) in touched}
        for folder in hit:
            self._epochs[folder] = self._epochs.get(folder, 0) + 1
        if any(_is_git_file(p) for p in paths):  # what is committed may have changed for every report
            self.git_epoch += 1
            hit |= set(folders)
        return hit

    def repo_context(self, report: Path, stamp: tuple) -> Any:
        """The hand-in context of ``report`` as of ``stamp`` (None when the workspace is not
        trusted or the report is in no repository); in the analysis thread."""
        if not self.trusted:
            return None
        from ..repo.handin import Handin

        key = (str(report), stamp[1], stamp[2], stamp[4])  # settings, files of the folder, git files
        hit = self._contexts.get(self.folder(report))
        if hit is not None and hit[0] == key:
            return hit[1]
        if hit is not None and hit[1] is not None:
            hit[1].close()
        context = Handin.open(report)
        self._contexts[self.folder(report)] = (key, context)
        return context

    def forget(self, uri: str) -> None:
        self._latest.pop(uri, None)

    # -- analysis -------------------------------------------------------------------------------

    def analyse(self, doc: Document, previous: Analysed | None = None) -> Analysed:
        """Analyse ``doc`` (in the analysis thread). ``previous`` is the document's last
        analysis: its walk is reused while no file under the folder changed."""
        stamp = self.stamp(doc)
        path = doc.path
        disk = None
        if path is not None:
            epoch = stamp[2]
            if (
                previous is not None
                and previous.disk is not None
                and previous.doc.path == path
                and previous.stamp[2:3] == (epoch,)
            ):
                disk = previous.disk
            elif previous.analysis.is_report if previous is not None else _is_report(doc.text):
                disk = self.disk(path, epoch)
            # else: not a report when last seen, so not walked; should it have become one, the
            # analysis walks the folder itself (and the next one uses the cache)
        originals = self._originals.get(self._originals_key(path)) if path is not None else None
        settings = self.settings_for(path)
        repo = self.repo_context(path, stamp) if path is not None and disk is not None else None
        since = None
        if previous is not None and doc.edit is not None and doc.edit[0] == previous.doc.revision:
            since = (previous.doc.text, doc.edit[1], doc.lines)  # the editor's edit since the last analysis
        result = self.analyzer.analyse(doc.text, path, settings, disk, originals, repo, since)
        if path is not None and originals is None and any(s.edited for s in result.questions):
            originals = self.originals(path)
            if originals:
                result = self.analyzer.analyse(doc.text, path, settings, disk, originals, repo)
        return Analysed(doc, result, disk, stamp)

    def analysis(self, doc: Document) -> Analysis:
        """The analysis of ``doc`` now, in the calling thread (tools and tests)."""
        found = self._latest.get(doc.uri)
        if found is None or found.stamp != self.stamp(doc):
            found = self._latest[doc.uri] = self.analyse(doc, found)
        return found.analysis

    def keep(self, uri: str, analysed: Analysed) -> None:
        self._latest[uri] = analysed

    def latest(self, uri: str) -> Analysed | None:
        """The last finished analysis of an open document, current or not."""
        return self._latest.get(uri)

    # -- the original instructions --------------------------------------------------------------

    def _originals_key(self, path: Path | None) -> tuple:
        return (str(path), self.settings_for(path).template_path, self.trusted)

    def originals(self, report: Path) -> dict[int, str] | None:
        """Question number -> instruction text of the original report, looked up once per file:
        the template file in settings, else the first committed version in git. Inside the
        server's event loop the lookup runs in a worker thread and this returns None until it
        is done; ``on_originals`` is called when it found something."""
        key = self._originals_key(report)
        if key in self._originals:
            return self._originals[key]
        loop: asyncio.AbstractEventLoop | None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = self.loop  # called from the analysis thread: start the lookup on the loop
        if loop is None:
            self._originals[key] = self._look_up(report, key[1], self.trusted)
            return self._originals[key]
        if key not in self._looking:
            self._looking.add(key)
            loop.call_soon_threadsafe(self._start_lookup, loop, key, report, key[1], self.trusted)
        return None

    def _start_lookup(
        self, loop: asyncio.AbstractEventLoop, key: tuple, report: Path, template_path: str, trusted: bool
    ) -> None:
        job = loop.run_in_executor(None, self._look_up, report, template_path, trusted)
        job.add_done_callback(lambda done: self._found(key, done))

    def looking_up(self, report: Path) -> bool:
        """Whether the original instructions of ``report`` are being looked up right now."""
        return self._originals_key(report) in self._looking

    def _look_up(self, report: Path, template_path: str, trusted: bool) -> dict[int, str] | None:
        if template_path:
            text = self._template_text(report, template_path, trusted)
        else:
            text = _first_version(report) if trusted else None
        return _instructions_of(text) if text else None

    def _found(self, key: tuple, done: asyncio.Future) -> None:
        self._looking.discard(key)
        try:
            found = done.result()
        except Exception:  # a lookup must never take the server down
            log.exception("looking up the original instructions failed")
            found = None
        if key != self._originals_key(Path(key[0])):
            return  # settings or trust changed during the lookup: the next analysis asks again
        self._originals[key] = found
        if found and self.on_originals is not None:
            self.on_originals(Path(key[0]))  # its stamp changed: that report is analysed again

    def _template_text(self, report: Path, template_path: str, trusted: bool = True) -> str | None:
        raw = Path(template_path).expanduser()
        candidates = (
            [raw]
            if raw.is_absolute()
            else [report.parent / raw] + ([self.workspace_root / raw] if self.workspace_root else [])
        )
        for p in candidates:
            if not trusted and not inside(p, self.workspace_root):
                log.info("templatePath %s: outside the workspace, not read", p)
                continue
            try:
                if not p.is_file():  # a FIFO or device would block the server
                    continue
                return p.read_text(encoding="utf-8-sig")
            except OSError:
                continue
        log.info("templatePath %s: no such file", template_path)
        return None


def inside(path: Path, folder: Path | None) -> bool:
    """Whether ``path`` lies in ``folder`` once both are resolved (symbolic links followed)."""
    if folder is None:
        return False
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except (ValueError, OSError):
        return False


def _is_git_file(path: Path) -> bool:
    return path.name == ".gitignore" or ".git" in path.parts


def _is_report(text: str) -> bool:
    from ..parse import parse

    return parse(text).is_report


def _instructions_of(text: str) -> dict[int, str]:
    from ..parse import parse

    report = parse(text)
    return {q.number: q.instructions.text for q in report.questions if q.instructions.label is not None}


def _first_version(report: Path) -> str | None:
    """The report as first committed in the history of HEAD, read in-process."""
    from ..repo import first_version

    return first_version(report)
