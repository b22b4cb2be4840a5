"""The first committed version of a file, from the history of HEAD."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from .repository import Repository
from .store import RepoError, TooBig

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024  # a first version (or any object read on the way) above this is not read
MAX_COMMITS = 20000
SECONDS = 5.0


def first_version(
    report: Path, *, cap: int = MAX_BYTES, max_commits: int = MAX_COMMITS, seconds: float = SECONDS
) -> str | None:
    """The text of ``report`` as first committed in the history of HEAD: the oldest commit
    that has the file while none of its parents has it. None when there is no repository, no
    such commit, the history is longer than ``max_commits`` or takes longer than ``seconds``
    to read, the file is over ``cap`` bytes, or anything in the repository cannot be read."""
    try:
        real = Path(os.path.realpath(report))
        repo = Repository.discover(real.parent, cap=cap, deadline=time.monotonic() + seconds)
        if repo is None:
            return None
        with repo:
            path = real.relative_to(Path(os.path.realpath(repo.work_tree))).parts
            data = _first(repo, path, max_commits)
    except TooBig as exc:
        log.info("first version of %s not read: %s", report, exc)
        return None
    except (RepoError, OSError, ValueError) as exc:
        log.info("git history of %s unavailable: %s", report, exc)
        return None
    if data is None:
        return None
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def _first(repo: Repository, path: tuple[str, ...], max_commits: int) -> bytes | None:
    head = repo.head()
    if head is None:
        return None
    # every commit reachable from HEAD, with the blob it has at ``path``
    order: list[str] = []
    info: dict[str, tuple[int, tuple[str, ...], tuple[int, str] | None]] = {}
    todo = [head]
    while todo:
        sha = todo.pop()
        if sha in info:
            continue
        if len(info) >= max_commits:
            raise RepoError(f"more than {max_commits} commits")
        commit = repo.commit(sha)
        info[sha] = (commit.time, commit.parents, repo.entry(commit.tree, path))
        order.append(sha)
        todo.extend(p for p in reversed(commit.parents) if p not in info)
    added = [
        (info[sha][0], -i, sha)
        for i, sha in enumerate(order)
        if info[sha][2] is not None and all(info[p][2] is None for p in info[sha][1])
    ]
    if not added:
        return None
    _, _, oldest = min(added)
    mode, blob = info[oldest][2]  # type: ignore[misc]
    if mode & 0o170000 != 0o100000:  # a symbolic link or a submodule, not a file
        return None
    return repo.blob(blob)
