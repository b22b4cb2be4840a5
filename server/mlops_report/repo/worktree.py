"""The state of single files of the work tree against the index and HEAD, as ``git status``
would put it: committed, modified, added, untracked, ignored (with the rule), missing.

A file whose size and modification time match its index entry (and was not modified in the
same instant the index was written) is what the index says, as for git; any other file is
hashed, once per size and modification time. A file stored with Git LFS matches when the
pointer in the index names its content; a text file that differs only by CRLF line ends
matches too (``core.autocrlf`` converts them when committing).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from .ignore import Ignores, Rule
from .index import Entry, Index
from .repository import Repository
from .store import RepoError

log = logging.getLogger(__name__)

MAX_HASHED = 256 * 1024 * 1024  # a larger file is not hashed: its state is unknown
_hashes: OrderedDict[tuple, tuple[str, str | None, str]] = OrderedDict()  # stat -> _hash()
_CACHE = 4096
_LFS = b"version https://git-lfs.github.com/spec/v1"


class FileState(NamedTuple):
    path: str  # relative to the work tree
    state: str  # committed, modified, added, untracked, ignored, missing, deleted, conflicted, unknown
    rule: Rule | None = None  # what ignores it
    detail: str = ""  # modified: "changed" (on disk) or "staged" (in the index only)


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _hash(path: Path, st: os.stat_result) -> tuple[str, str | None, str]:
    """(blob id, blob id with CRLF made LF, sha256 for LFS) of a file, cached by its stat."""
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    hit = _hashes.get(key)
    if hit is not None:
        _hashes.move_to_end(key)
        return hit
    with open(path, "rb") as f:
        data = f.read(MAX_HASHED + 1)
    crlf = _blob_id(data.replace(b"\r\n", b"\n")) if b"\r\n" in data and b"\0" not in data[:8000] else None
    found = (_blob_id(data), crlf, hashlib.sha256(data).hexdigest())
    _hashes[key] = found
    if len(_hashes) > _CACHE:
        _hashes.popitem(last=False)
    return found


def _same_as_index(repo: Repository, full: Path, st: os.stat_result, entry: Entry, index: Index) -> bool:
    if stat.S_ISLNK(st.st_mode):
        return _blob_id(os.fsencode(os.readlink(full))) == entry.sha
    mtime = (int(st.st_mtime_ns // 1_000_000_000), int(st.st_mtime_ns % 1_000_000_000))
    racy = st.st_mtime_ns >= index.mtime_ns
    if entry.size == st.st_size & 0xFFFFFFFF and entry.mtime == mtime and not racy:
        return True
    if st.st_size > MAX_HASHED:
        raise RepoError(f"{full.name}: too large to compare")
    blob, crlf, sha256 = _hash(full, st)
    if entry.sha in (blob, crlf):
        return True
    return _lfs_pointer_matches(repo, entry.sha, sha256, st.st_size)


def _lfs_pointer_matches(repo: Repository, blob: str, sha256: str, size: int) -> bool:
    cap, repo.objects.cap = repo.objects.cap, 1024  # a pointer is small: nothing larger is inflated
    try:
        data = repo.objects.read(blob)[1]
    except RepoError:
        return False
    finally:
        repo.objects.cap = cap
    if not data.startswith(_LFS) or len(data) > 1024:
        return False
    fields = dict(line.split(" ", 1) for line in data.decode("ascii", "replace").splitlines() if " " in line)
    return fields.get("oid") == f"sha256:{sha256}" and fields.get("size") == str(size)


def file_state(repo: Repository, index: Index | None, head_tree: str | None, ignores: Ignores, path: str) -> FileState:
    """The state of the file ``path`` (relative to the work tree, posix separators)."""
    full = repo.work_tree / path
    try:
        st = os.lstat(full)
    except OSError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        st = None
    entry = index.entry(path) if index is not None else None
    if index is not None and path in index.conflicted:
        return FileState(path, "conflicted")
    parts = tuple(path.split("/"))
    committed = repo.entry(head_tree, parts) if head_tree is not None else None
    if index is None or entry is None or entry.intent_to_add:  # no index, no entry
        if st is None:
            return FileState(path, "deleted" if committed is not None else "missing")
        rule = ignores.ignored_by(path)
        return FileState(path, "ignored", rule) if rule is not None else FileState(path, "untracked")
    if st is None:
        return FileState(path, "deleted")
    if committed is None:
        return FileState(path, "added")
    if entry.skip_worktree:
        return FileState(path, "committed" if committed[1] == entry.sha else "modified", None, "staged")
    if not _same_as_index(repo, full, st, entry, index):
        return FileState(path, "modified", None, "changed")
    if committed[1] != entry.sha:
        return FileState(path, "modified", None, "staged")
    return FileState(path, "committed")
