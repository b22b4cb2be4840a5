"""A group's own ``reports/report.py``, read as data.

Most groups commit a copy of the course's checker beside their report: the one of their run,
an older or a newer one, sometimes patched. Its constraint table, the answer count it insists on,
the front-matter cut and its numbering are read from its syntax tree by shape (``ast.parse``,
literal values only). The file is never imported, compiled or run.

The shapes recognised are the ones every version of the course's checker has had: a list of
``partial(length_constraints, min_length=.., max_length=..)``-style entries, or a dict of
``LengthConstraints(min_length=.., max_length=..)``-style entries keyed by question; ``multi``
entries combine a word and an image limit; entries are matched to answers by position, as the
checker's ``zip`` does. Anything else is "not a checker we can read", never a guess.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from .model import CheckerSpec

MAX_BYTES = 256 * 1024
NAME = "report.py"


class LocalChecker(NamedTuple):
    """What a report's folder holds as ``report.py``."""

    path: Path
    spec: CheckerSpec | None  # None: it could not be read as a checker
    problem: str | None = None  # why not, in words

    @property
    def key(self) -> tuple:
        """What detection may depend on (hashable)."""
        if self.spec is None:
            return (self.problem,)
        return self.spec.table


# -- reading the file ------------------------------------------------------------------------------

_CACHE: dict[Path, tuple[tuple, LocalChecker | None]] = {}


def read(folder: Path) -> LocalChecker | None:
    """The ``report.py`` in ``folder`` (None: there is none). A symbolic link is not followed and
    a file over 256 KB is not read; both come back with the problem in words. Read again only
    when the file's size, time or inode changed."""
    path = folder / NAME
    try:
        st = os.lstat(path)
    except OSError:
        _CACHE.pop(path, None)
        return None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)
    hit = _CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    found = _read(path, st)
    if len(_CACHE) >= 64:
        _CACHE.clear()
    _CACHE[path] = (stamp, found)
    return found


def _read(path: Path, st: os.stat_result) -> LocalChecker | None:
    if stat.S_ISLNK(st.st_mode):
        return LocalChecker(path, None, "it is a symbolic link, which is not followed")
    if not stat.S_ISREG(st.st_mode):
        return None
    if st.st_size > MAX_BYTES:
        return LocalChecker(path, None, f"it is larger than {MAX_BYTES // 1024} KB")
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return LocalChecker(path, None, f"it cannot be read ({exc.strerror or exc})")
    if len(data) > MAX_BYTES:
        return LocalChecker(path, None, f"it is larger than {MAX_BYTES // 1024} KB")
    found = read_source(data.decode("utf-8", "replace"))
    if isinstance(found, str):
        return LocalChecker(path, None, found)
    return LocalChecker(path, found)


# -- reading the syntax tree (``syntax.py``, imported only when there is a file to read) ---------


def read_source(source: str, checker_id: str = "local") -> CheckerSpec | str:
    """The checker ``source`` describes, or why it cannot be read as one."""
    from .syntax import read_source as read

    return read(source, checker_id)


_ID = re.compile(r"(\d{4}-\d{2}-\d{2}_[0-9a-f]{8})_report\.py$")


def checker_id(path: Path) -> str | None:
    """``<date>_<commit8>`` of a saved checker file name, else None."""
    m = _ID.search(path.name)
    return m.group(1) if m else None
