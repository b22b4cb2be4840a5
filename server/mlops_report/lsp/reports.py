"""What the server knows of every report: one Analyzer, the files around each report folder,
the original instructions, and the latest analysis of each open document.

Nothing here waits on the file system more than once per analysis: a report folder is walked
once (``Disk.scan``) and reused until a watched file changes or the report is saved; the
original instructions are looked up once per file, in a worker thread when the server's loop is
running (a long history takes a while to read), after which ``on_originals`` asks for every
report to be analysed again.

The history is read in-process (``repo.first_version``): no git program, nothing the
repository's configuration names, is ever started. In a workspace the editor does not trust
(``trusted`` False) no history is read at all.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from ..analysis import Analysis, Analyzer
from ..disk import Disk
from ..settings import Settings
from .documents import Document

log = logging.getLogger(__name__)


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for ``untitled:`` and other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":  # file:///C:/...
        path = path[1:]
    return Path(path)


class Reports:
    def __init__(self) -> None:
        self.analyzer = Analyzer()  # one per server: its per-question cache makes edits cheap
        self.settings = Settings()
        self.workspace_root: Path | None = None
        self.trusted = True  # the editor trusts the workspace (editors that do not say: yes)
        self.generation = 0  # bumped when settings or files change: every analysis is stale
        self._disks: dict[Path, Disk] = {}
        self._originals: dict[tuple, dict[int, str] | None] = {}
        self._looking: set[tuple] = set()  # originals being looked up in a worker thread
        self.on_originals: Callable[[], None] | None = None  # called when a lookup found them
        self._latest: dict[str, tuple[tuple, Analysis]] = {}

    # -- settings and files ---------------------------------------------------------------------

    def use_settings(self, settings: Settings) -> bool:
        if settings.key == self.settings.key:
            return False
        self.settings = settings
        self._originals.clear()
        self.generation += 1
        return True

    def trust(self, trusted: bool) -> None:
        """The editor trusts the workspace now, or no longer: every lookup is done again."""
        self.trusted = trusted
        self._originals.clear()
        self.generation += 1

    def disk(self, report: Path) -> Disk:
        folder = report.parent
        disk = self._disks.get(folder)
        if disk is None:
            disk = self._disks[folder] = Disk.scan(report)
        return disk

    def files_changed(self, paths: list[Path]) -> None:
        """Forget the walks of every report folder that holds one of ``paths``."""
        for folder in list(self._disks):
            if any(_inside(p, folder) for p in paths):
                del self._disks[folder]
        self.generation += 1

    def forget(self, uri: str) -> None:
        self._latest.pop(uri, None)

    # -- analysis -------------------------------------------------------------------------------

    def analysis(self, doc: Document) -> Analysis:
        key = (doc.version, len(doc.text), self.generation)
        hit = self._latest.get(doc.uri)
        if hit is not None and hit[0] == key and hit[1].report.text == doc.text:
            return hit[1]
        path = path_of(doc.uri)
        disk = self.disk(path) if path is not None else None
        originals = self._originals.get(self._originals_key(path)) if path is not None else None
        result = self.analyzer.analyse(doc.text, path, self.settings, disk, originals)
        if path is not None and originals is None and any(f.code == "instructions-edited" for f in result.findings):
            originals = self.originals(path)
            if originals:
                result = self.analyzer.analyse(doc.text, path, self.settings, disk, originals)
        self._latest[doc.uri] = (key, result)
        return result

    def latest(self, uri: str) -> Analysis | None:
        hit = self._latest.get(uri)
        return hit[1] if hit else None

    # -- the original instructions --------------------------------------------------------------

    def _originals_key(self, path: Path | None) -> tuple:
        return (str(path), self.settings.template_path, self.trusted)

    def originals(self, report: Path) -> dict[int, str] | None:
        """Question number -> instruction text of the original report, looked up once per file:
        the template file in settings, else the first committed version in git. Inside the
        server's event loop the lookup runs in a worker thread and this returns None until it
        is done; ``on_originals`` is called when it found something."""
        key = self._originals_key(report)
        if key in self._originals:
            return self._originals[key]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._originals[key] = self._look_up(report, self.settings.template_path, self.trusted)
            return self._originals[key]
        if key not in self._looking:
            self._looking.add(key)
            job = loop.run_in_executor(None, self._look_up, report, self.settings.template_path, self.trusted)
            job.add_done_callback(lambda done: self._found(key, done))
        return None

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
        if key[1:] != (self.settings.template_path, self.trusted):
            return  # settings or trust changed during the lookup: the next analysis asks again
        self._originals[key] = found
        if found:
            self.generation += 1
            if self.on_originals is not None:
                self.on_originals()

    def _template_text(self, report: Path, template_path: str, trusted: bool = True) -> str | None:
        raw = Path(template_path).expanduser()
        candidates = [raw] if raw.is_absolute() else [report.parent / raw] + (
            [self.workspace_root / raw] if self.workspace_root else [])
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


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _instructions_of(text: str) -> dict[int, str]:
    from ..parse import parse

    report = parse(text)
    return {q.number: q.instructions.text for q in report.questions if q.instructions.label is not None}


def _first_version(report: Path) -> str | None:
    """The report as first committed in the history of HEAD, read in-process."""
    from ..repo import first_version

    return first_version(report)
