"""What the analysis knows of the files around a report: one bounded walk per analysis."""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Generic, NamedTuple, TypeVar

from .links import read_target

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_ENTRIES = 20000  # directory entries looked at, files and folders alike
MAX_SECONDS = 1.0
_MAX_DEPTH = 6
_SKIPPED = (".git", "node_modules", "__pycache__")
C = TypeVar("C")  # what a walk's caller keeps for each folder


class Walk(Generic[C]):
    """A bounded walk under ``root``, entry by entry (a huge folder is never listed whole),
    never following a symbolic link: it stops after ``max_entries`` entries or ``max_seconds``
    (looked at every ``every`` entries), and is then ``truncated``. Iterating gives each entry
    with its path from the root (posix separators) and whether it is a folder; a folder is gone
    into only when the caller asks (``enter``), carrying what the caller keeps for it."""

    def __init__(self, root: Path, max_entries: int, max_seconds: float, every: int, context: C) -> None:
        self.max_entries, self.max_seconds, self.every = max_entries, max_seconds, every
        self.entries = 0
        self.truncated = False
        self._stack: list[tuple[str, str, int, C]] = [(str(root), "", 0, context)]

    def enter(self, entry: os.DirEntry, rel: str, depth: int, context: C) -> None:
        """Walk into the folder ``entry`` too, at ``depth + 1``."""
        self._stack.append((entry.path, rel, depth + 1, context))

    def __iter__(self) -> Iterator[tuple[os.DirEntry, str, bool, int, C]]:
        started = time.monotonic()
        while self._stack and not self.truncated:
            folder, base, depth, context = self._stack.pop()
            try:
                it = os.scandir(folder)
            except OSError:
                continue
            with it:
                while True:
                    try:
                        entry = next(it, None)
                    except OSError:
                        break
                    if entry is None:
                        break
                    self.entries += 1
                    if self.entries > self.max_entries or (
                        self.entries % self.every == 0 and time.monotonic() - started > self.max_seconds
                    ):
                        self.truncated = True
                        break
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    yield entry, f"{base}/{entry.name}" if base else entry.name, is_dir, depth, context

    @property
    def seen(self) -> int:
        return min(self.entries, self.max_entries)


@dataclass(frozen=True)
class Disk:
    """The files under a report's folder, as paths relative to it (posix separators).

    Symbolic links are listed (in ``links`` too) but never followed, so a link loop cannot hang
    the walk, and nothing outside the report's folder is ever read. The walk stops after
    ``MAX_ENTRIES`` entries or ``MAX_SECONDS``, whichever comes first; it is then
    ``truncated``, and a path it did not see is "unchecked", not "missing".
    """

    root: Path  # the report's folder (reports/)
    files: frozenset[str] = frozenset()
    truncated: bool = False
    by_lower: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    links: frozenset[str] = field(default=frozenset(), compare=False, hash=False)
    size: int = field(default=0, compare=False, hash=False)  # about the bytes it holds
    entries: int = field(default=0, compare=False, hash=False)  # directory entries looked at

    @classmethod
    def scan(cls, report_path: Path) -> Disk:
        root = report_path.parent
        started = time.monotonic()
        files: list[str] = []
        links: list[str] = []
        walk: Walk[None] = Walk(root, MAX_ENTRIES, MAX_SECONDS, 512, None)
        for entry, rel, is_dir, depth, _ in walk:
            if is_dir:
                if depth < _MAX_DEPTH and entry.name not in _SKIPPED:
                    walk.enter(entry, rel, depth, None)
                continue
            files.append(rel)
            try:
                if entry.is_symlink():
                    links.append(rel)
            except OSError:
                continue
        seen, truncated = walk.seen, walk.truncated
        lower: dict[str, str] = {}
        for f in files:
            lower.setdefault(f.lower(), f)
        size = sum(2 * len(f) + 160 for f in files)
        log.info(
            "walked %s: %d entries, %d files in %.3f s%s",
            root,
            seen,
            len(files),
            time.monotonic() - started,
            " (stopped: too many entries or too slow)" if truncated else "",
        )
        return cls(root, frozenset(files), truncated, lower, frozenset(links), size, seen)

    def images(self, figures_dir: str = "figures") -> list[str]:
        """Image files under the figures folder, sorted."""
        prefix = figures_dir.strip("/") + "/"
        return sorted(f for f in self.files if f.startswith(prefix) and f.lower().endswith(IMAGE_SUFFIXES))

    def resolve(self, target: str) -> Resolved:
        """Where a link target points, relative to the report's folder (read by ``links.read_target``)."""
        named = read_target(target)
        if named.kind in ("remote", "absolute"):
            return Resolved(target, None, named.kind)
        parts: list[str] = []
        for part in PurePosixPath(named.path).parts:
            if part in (".", ""):
                continue
            if part == "..":
                if not parts:
                    return Resolved(target, None, "outside")
                parts.pop()
            else:
                parts.append(part)
        rel = "/".join(parts)
        if not rel:
            return Resolved(target, None, "empty")
        if rel in self.files:
            return Resolved(target, rel, "exists")
        real = self.by_lower.get(rel.lower())
        if real is not None:
            return Resolved(target, real, "case")
        return Resolved(target, rel, "unchecked" if self.truncated else "missing")

    def inside(self, rel: str) -> bool:
        """Whether the listed file ``rel`` is inside the report's folder: any file the walk
        found, except a symbolic link that leads out of it (or nowhere)."""
        if rel not in self.links:
            return rel in self.files
        try:
            real = Path(os.path.realpath(self.root / rel))
            return real.is_relative_to(Path(os.path.realpath(self.root))) and real.is_file()
        except (OSError, ValueError):
            return False

    def outside_state(self, target: str) -> str:
        """Whether a target outside the report's folder names a file: "exists", "missing", or
        "unchecked" when it lies outside the project (the report folder's parent), where we never
        look, not even with a stat, or when a symbolic link stands on the way there."""
        named = read_target(target)
        if named.kind in ("remote", "empty"):
            return "unchecked"
        path = Path(named.path)
        project = self.root.parent
        try:
            full = Path(os.path.normpath(path if path.is_absolute() else (self.root / path)))
            full.relative_to(project)
        except ValueError:
            return "unchecked"
        # walk down from the project with lstat: a symbolic link on the way may lead anywhere,
        # and it is not followed (the walk of the report folder does not follow links either)
        at, mode = project, None
        try:
            for part in full.relative_to(project).parts:
                at = at / part
                mode = os.lstat(at).st_mode
                if stat.S_ISLNK(mode):
                    return "unchecked"
        except (OSError, ValueError):
            return "missing"
        return "exists" if mode is not None and stat.S_ISREG(mode) else "missing"


class Resolved(NamedTuple):
    target: str
    relative: str | None  # the path under the report's folder (the real name when "case")
    state: str  # exists, case, missing, unchecked (the walk stopped early), outside, absolute, remote, empty
