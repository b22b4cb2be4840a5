"""Whether a file move stays inside a folder: the project in the engine, the workspace in the
server. A link written in a report, a ``figuresDir`` setting or a symbolic link in the project
must never make a fix put a file (or take one) anywhere else.

Paths are resolved one component at a time from the folder down, following symbolic links as
the system would, and the walk stops as soon as it would leave the folder: nothing outside it
is ever looked at, not even with a stat.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_MAX_LINKS = 40  # as the kernel's limit on links followed in one lookup


def resolved_inside(path: str | Path, folder: str | Path) -> str | None:
    """``path`` with every symbolic link resolved, when it lies inside ``folder`` all the way;
    None when it leaves the folder (by ``..``, an absolute path or a link), or cannot be read."""
    root = os.path.realpath(folder)
    parts = _parts_under(os.fspath(path), os.fspath(folder), root)
    if parts is None:
        return None
    todo = list(reversed(parts))
    at, links, exists = root, 0, True
    while todo:
        part = todo.pop()
        if part in ("", "."):
            continue
        if part == "..":
            if at == root:
                return None
            at = os.path.dirname(at)
            continue
        step = os.path.join(at, part)
        if not exists:  # nothing is there, so nothing below it is a link
            at = step
            continue
        try:
            mode = os.lstat(step).st_mode
        except (FileNotFoundError, NotADirectoryError):
            exists, at = False, step
            continue
        except OSError:
            return None
        if not stat.S_ISLNK(mode):
            at = step
            continue
        links += 1
        try:
            target = os.readlink(step)
        except OSError:
            return None
        if links > _MAX_LINKS:
            return None
        if os.path.isabs(target):
            rest = _parts_under(target, root, root)
            if rest is None:
                return None
            at = root
            todo.extend(reversed(rest))
        else:
            todo.extend(reversed(target.replace(os.altsep or os.sep, os.sep).split(os.sep)))
    return at


def _parts_under(path: str, folder: str, root: str) -> list[str] | None:
    """The components of ``path`` below ``folder`` (as given or with its links resolved), read
    without resolving anything; None when the path does not start inside the folder."""
    if os.altsep:
        path = path.replace(os.altsep, os.sep)
    for base in dict.fromkeys((os.path.abspath(folder), root)):
        base = base.rstrip(os.sep)
        if os.path.normcase(path) == os.path.normcase(base):
            return []
        if os.path.normcase(path).startswith(os.path.normcase(base) + os.sep):
            return path[len(base) + 1 :].split(os.sep)
    return None


def movable(source: str, target: str, folder: str | Path) -> bool:
    """A file may be moved from ``source`` to ``target``: both resolve inside ``folder`` and
    nothing (not even a dangling link) stands at the target. (That the source is there is the
    folder walk's to say; a rename of a file gone since fails harmlessly.)"""
    src, dst = resolved_inside(source, folder), resolved_inside(target, folder)
    if src is None or dst is None:
        return False
    # every link on the target's path leads inside the folder: looking there looks at nothing else
    return not os.path.lexists(dst) and not os.path.lexists(target)
