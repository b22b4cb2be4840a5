"""A report and its figures as committed at a ref: what ``mlops-report check --ref
origin/main`` checks, and what the server's "pushed version" is.

The text is the blob at the ref; the files around it are the entries of the tree at the ref
under the report's folder (a ``Disk`` made from the tree, walked within the same bounds as a
folder on disk), so a figure exists when it is committed there, whatever the working copy holds.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path
from typing import NamedTuple

from ..disk import _MAX_DEPTH, MAX_ENTRIES, Disk
from . import refs
from .repository import Repository
from .store import RepoError

log = logging.getLogger(__name__)

CAP = 16 * 1024 * 1024  # a committed report larger than this is not read
SECONDS = 5.0


class Committed(NamedTuple):
    text: str
    disk: Disk
    commit: str
    ref: str  # as asked ("origin/main")
    time: int  # the commit's time
    summary: str


class NotCommitted(Exception):
    """The ref, or the report at it, cannot be read: the message says why."""


def tree_disk(repo: Repository, tree: str, folder: tuple[str, ...], root: Path) -> Disk:
    """The files under ``folder`` in ``tree`` as a ``Disk`` rooted at ``root``."""
    start = repo.entry(tree, folder) if folder else (0o040000, tree)
    files: list[str] = []
    links: list[str] = []
    seen = 0
    truncated = False
    stack = [(start[1], "", 0)] if start is not None and stat.S_ISDIR(start[0]) else []
    while stack and not truncated:
        sha, prefix, depth = stack.pop()
        for name, mode, oid in repo.tree(sha):
            seen += 1
            if seen > MAX_ENTRIES:
                truncated = True
                break
            rel = f"{prefix}{name}"
            if stat.S_ISDIR(mode):
                if depth < _MAX_DEPTH and name != ".git":
                    stack.append((oid, rel + "/", depth + 1))
            elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                files.append(rel)
                if stat.S_ISLNK(mode):
                    links.append(rel)
    lower: dict[str, str] = {}
    for f in files:
        lower.setdefault(f.lower(), f)
    return Disk(
        root,
        frozenset(files),
        truncated,
        lower,
        frozenset(links),
        sum(2 * len(f) + 160 for f in files),
        min(seen, MAX_ENTRIES),
    )


def at_ref(report: Path, rev: str) -> Committed:
    """The report at ``report`` (a path in a work tree) as committed at ``rev``. Raises
    NotCommitted with a sentence."""
    from ..text import UnreadableText, decode

    real = Path(os.path.realpath(report))
    try:
        repo = Repository.discover(real.parent, cap=CAP, deadline=time.monotonic() + SECONDS)
    except (RepoError, OSError) as exc:
        raise NotCommitted(f"the repository cannot be read ({exc})") from None
    if repo is None:
        raise NotCommitted("not in a git repository")
    with repo:
        try:
            parts = real.relative_to(Path(os.path.realpath(repo.work_tree))).parts
            found = refs.resolve(repo, rev)
            if found is None:
                raise NotCommitted(f"{rev!r} names no commit (a branch, tag, remote-tracking branch or commit id)")
            sha, _ = found
            commit = repo.commit(sha)
            entry = repo.entry(commit.tree, parts)
            if entry is None or not stat.S_ISREG(entry[0]):
                raise NotCommitted(f"{'/'.join(parts)} is not committed at {rev}")
            data = repo.blob(entry[1])
            disk = tree_disk(repo, commit.tree, parts[:-1], real.parent)
        except (RepoError, OSError, ValueError) as exc:
            raise NotCommitted(f"{rev}: {exc}") from None
    try:
        text = decode(data)
    except UnreadableText as exc:
        raise NotCommitted(f"{'/'.join(parts)} at {rev}: {exc}") from None
    return Committed(text[1:] if text.startswith("\ufeff") else text, disk, sha, rev, commit.time, commit.summary)
