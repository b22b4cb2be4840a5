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
from dataclasses import dataclass

from .store import RepoError, regular_file

MAX_BYTES = 64 * 1024 * 1024  # an index of 100 000 files is about 10 MB
_ENTRY = struct.Struct(">10I20sH")  # ctime s, ns, mtime s, ns, dev, ino, mode, uid, gid, size; sha; flags
_EXTENDED = 0x4000
_INTENT_TO_ADD = 0x2000  # in the extended flags
_SKIP_WORKTREE = 0x4000


@dataclass(frozen=True)
class Entry:
    mode: int
    sha: str
    size: int
    mtime: tuple[int, int]  # seconds, nanoseconds
    ctime: tuple[int, int]
    ino: int
    intent_to_add: bool = False
    skip_worktree: bool = False


@dataclass(frozen=True)
class Index:
    entries: dict[str, Entry]  # path (posix, relative to the work tree) -> its stage-0 entry
    conflicted: frozenset[str]  # paths with unmerged stages
    mtime_ns: int  # the index file's own modification time (racily clean entries)

    def __contains__(self, path: str) -> bool:
        return path in self.entries or path in self.conflicted


def read_index(path: os.PathLike | str, cap: int = MAX_BYTES) -> Index | None:
    """The index at ``path``; None when there is none (a new repository). Raises RepoError when
    it cannot be read (corrupt, over the cap, a split or sparse index)."""
    if not os.path.lexists(path):
        return None
    st = regular_file(path, cap)
    with open(path, "rb") as f:
        data = f.read(cap + 1)
    return parse_index(data, st.st_mtime_ns)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """The offset encoding of index v4 (and of ofs-deltas): (value, next index)."""
    if i >= len(data):
        raise RepoError("index: truncated path")
    c = data[i]
    i += 1
    value = c & 0x7F
    while c & 0x80:
        if i >= len(data) or value > 1 << 32:
            raise RepoError("index: bad path prefix")
        c = data[i]
        i += 1
        value = ((value + 1) << 7) | (c & 0x7F)
    return value, i


def parse_index(data: bytes, mtime_ns: int = 0) -> Index:
    if len(data) < 12 or data[:4] != b"DIRC":
        raise RepoError("index: not an index file")
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (2, 3, 4):
        raise RepoError(f"index: version {version} is not read")
    end = len(data) - 20  # the trailing checksum
    if count > end // 62 + 1:
        raise RepoError("index: more entries than the file can hold")
    entries: dict[str, Entry] = {}
    conflicted: set[str] = set()
    i = 12
    previous = b""
    unpack = _ENTRY.unpack_from
    for _ in range(count):
        if i + 62 > end:
            raise RepoError("index: truncated entry")
        (cs, cn, ms, mn, _dev, ino, mode, _uid, _gid, size, sha, flags) = unpack(data, i)
        start = i
        i += 62
        extended = 0
        if flags & _EXTENDED:
            if version < 3 or i + 2 > end:
                raise RepoError("index: bad extended flags")
            (extended,) = struct.unpack_from(">H", data, i)
            i += 2
        if version == 4:
            strip, i = _varint(data, i)
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
        path = name.decode("utf-8", "surrogateescape")
        if (flags >> 12) & 3:
            conflicted.add(path)
            continue
        entries[path] = Entry(mode, sha.hex(), size, (ms, mn), (cs, cn), ino,
                              bool(extended & _INTENT_TO_ADD), bool(extended & _SKIP_WORKTREE))
    if i > end:
        raise RepoError("index: truncated")
    while i + 8 <= end:  # extensions: a four-byte signature and a size each
        signature = data[i:i + 4]
        (length,) = struct.unpack_from(">I", data, i + 4)
        if signature == b"link":
            raise RepoError("index: a split index is not read")
        if signature == b"sdir":
            raise RepoError("index: a sparse index is not read")
        i += 8 + length
    return Index(entries, frozenset(conflicted), mtime_ns)
