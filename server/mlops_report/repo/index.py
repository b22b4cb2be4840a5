"""The index (``.git/index``): what ``git add`` staged, read in one pass.

Versions 2, 3 and 4 (paths compressed against the previous one) are read; a split index (the
``link`` extension) or a sparse one (directory entries) is not, and reads as None: the status
of the files is then unknown and nothing is said about it. The file is checked to be a regular
file under a size cap before it is opened; the stat data of every entry is kept so that a file
whose size and modification time match needs no hashing.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import NamedTuple

from .store import RepoError, offset_varint, regular_file

MAX_BYTES = 64 * 1024 * 1024  # an index of 100 000 files is about 10 MB
_ENTRY = struct.Struct(">10I20sH")  # ctime s, ns, mtime s, ns, dev, ino, mode, uid, gid, size; sha; flags
_EXTENDED = 0x4000
_INTENT_TO_ADD = 0x2000  # in the extended flags
_SKIP_WORKTREE = 0x4000


class Entry(NamedTuple):
    mode: int
    sha: str
    size: int
    mtime: tuple[int, int]  # seconds, nanoseconds
    ctime: tuple[int, int]
    ino: int
    intent_to_add: bool = False
    skip_worktree: bool = False


class Index:
    """The stage-0 entries of an index by path (posix, relative to the work tree), each made
    into an ``Entry`` only when asked for; the paths with unmerged stages; the index file's own
    modification time (racily clean entries)."""

    __slots__ = ("_data", "_where", "conflicted", "mtime_ns")

    def __init__(
        self, data: bytes, where: dict[bytes, tuple[int, int]], conflicted: frozenset[str], mtime_ns: int
    ) -> None:
        self._data = data
        self._where = where  # path -> (offset of the entry, its extended flags)
        self.conflicted = conflicted
        self.mtime_ns = mtime_ns

    def entry(self, path: str) -> Entry | None:
        found = self._where.get(path.encode("utf-8", "surrogateescape"))
        return None if found is None else self._entry(*found)

    def _entry(self, offset: int, extended: int) -> Entry:
        (cs, cn, ms, mn, _dev, ino, mode, _uid, _gid, size, sha, _flags) = _ENTRY.unpack_from(self._data, offset)
        return Entry(
            mode,
            sha.hex(),
            size,
            (ms, mn),
            (cs, cn),
            ino,
            bool(extended & _INTENT_TO_ADD),
            bool(extended & _SKIP_WORKTREE),
        )

    def items(self):
        for name, found in self._where.items():
            yield name.decode("utf-8", "surrogateescape"), self._entry(*found)

    def __contains__(self, path: str) -> bool:
        return path.encode("utf-8", "surrogateescape") in self._where or path in self.conflicted


def read_index(path: Path, cap: int = MAX_BYTES) -> Index | None:
    """The index at ``path``; None when there is none (a new repository). Raises RepoError when
    it cannot be read (corrupt, over the cap, a split or sparse index)."""
    if not os.path.lexists(path):
        return None
    st = regular_file(path, cap)
    with open(path, "rb") as f:
        data = f.read(cap + 1)
    return parse_index(data, st.st_mtime_ns)


def parse_index(data: bytes, mtime_ns: int = 0) -> Index:
    if len(data) < 12 or data[:4] != b"DIRC":
        raise RepoError("index: not an index file")
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (2, 3, 4):
        raise RepoError(f"index: version {version} is not read")
    end = len(data) - 20  # the trailing checksum
    if count > end // 62 + 1:
        raise RepoError("index: more entries than the file can hold")
    where: dict[bytes, tuple[int, int]] = {}
    conflicted: set[str] = set()
    i = 12
    previous = b""
    flags_at = struct.Struct(">H").unpack_from
    for _ in range(count):
        if i + 62 > end:
            raise RepoError("index: truncated entry")
        start = i
        (flags,) = flags_at(data, i + 60)
        mode = int.from_bytes(data[i + 24 : i + 28], "big")
        i += 62
        extended = 0
        if flags & _EXTENDED:
            if version < 3 or i + 2 > end:
                raise RepoError("index: bad extended flags")
            (extended,) = flags_at(data, i)
            i += 2
        if version == 4:
            strip, i = offset_varint(data, i, "index: bad path prefix")
            nul = data.find(b"\0", i, end)
            if nul < 0 or strip > len(previous):
                raise RepoError("index: bad path")
            name = previous[: len(previous) - strip] + data[i:nul]
            i = nul + 1
        else:
            nul = data.find(b"\0", i, end)
            if nul < 0:
                raise RepoError("index: bad path")
            name = data[i:nul]
            i = start + ((nul - start) // 8 + 1) * 8  # NUL padded to a multiple of 8
        previous = name
        if mode & 0o170000 == 0o040000:
            raise RepoError("index: a sparse index is not read")
        if (flags >> 12) & 3:
            conflicted.add(name.decode("utf-8", "surrogateescape"))
            continue
        where[name] = (start, extended)
    if i > end:
        raise RepoError("index: truncated")
    while i + 8 <= end:  # extensions: a four-byte signature and a size each
        signature = data[i : i + 4]
        (length,) = struct.unpack_from(">I", data, i + 4)
        if signature == b"link":
            raise RepoError("index: a split index is not read")
        if signature == b"sdir":
            raise RepoError("index: a sparse index is not read")
        i += 8 + length
    return Index(data, where, frozenset(conflicted), mtime_ns)
