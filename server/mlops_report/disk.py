"""What the analysis knows of the files around a report: one bounded walk per analysis."""

from __future__ import annotations

import logging
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from .links import read_target

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_ENTRIES = 20000  # directory entries looked at, files and folders alike
MAX_SECONDS = 1.0
_MAX_DEPTH = 6
_SKIPPED = (".git", "node_modules", "__pycache__")


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
        seen = 0
        truncated = False
        stack = [(root, 0)]
        while stack and not truncated:
            folder, depth = stack.pop()
            try:
                it = os.scandir(folder)
            except OSError:
                continue
            with it:
                while True:  # entry by entry: a huge folder is never listed whole
                    try:
                        entry = next(it, None)
                    except OSError:
                        break
                    if entry is None:
                        break
                    seen += 1
                    if seen > MAX_ENTRIES or (seen % 512 == 0 and time.monotonic() - started > MAX_SECONDS):
                        truncated = True
                        break
                    rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                        is_link = not is_dir and entry.is_symlink()
                    except OSError:
                        continue
                    if is_dir:
                        if depth < _MAX_DEPTH and entry.name not in _SKIPPED:
                            stack.append((Path(entry.path), depth + 1))
                    else:
                        files.append(rel)
                        if is_link:
                            links.append(rel)
        lower: dict[str, str] = {}
        for f in files:
            lower.setdefault(f.lower(), f)
        size = sum(2 * len(f) + 160 for f in files)
        log.info(
            "walked %s: %d entries, %d files in %.3f s%s",
            root,
            min(seen, MAX_ENTRIES),
            len(files),
            time.monotonic() - started,
            " (stopped: too many entries or too slow)" if truncated else "",
        )
        return cls(root, frozenset(files), truncated, lower, frozenset(links), size, min(seen, MAX_ENTRIES))

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
