"""When a report last changed in its group's repository, read in-process (``repo``).

The walk follows first parents from HEAD (or the ref asked for): a change merged from a side
branch counts at the merge, when it reached the branch the course scrapes. It stops at the
first commit whose report differs from its parent's, so it costs the commits since the last
change; it is bounded in commits and time, and anything it cannot read is no time at all.
Only a group's own repository is read: one whose top holds the report or its ``reports/``
folder. A folder of many groups committed to one repository would cost a walk per report
through everybody's history, and says nothing about when a group handed in.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from ..repo import Repository
from ..repo.refs import resolve
from ..repo.store import RepoError

log = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024  # a commit or a tree above this is not read
MAX_COMMITS = 2000
SECONDS = 0.5
MAX_DEPTH = 2  # reports/README.md


def last_change(
    report: Path, ref: str | None = None, *, max_commits: int = MAX_COMMITS, seconds: float = SECONDS
) -> int | None:
    """Committer time (seconds since the epoch) of the newest commit on the first-parent line of
    ``ref`` (default HEAD) that added or changed ``report``; None without a repository, without
    such a commit, past the bounds, or when anything cannot be read."""
    try:
        real = Path(os.path.realpath(report))
        repo = Repository.discover(real.parent, cap=MAX_BYTES, deadline=time.monotonic() + seconds)
        if repo is None:
            return None
        with repo:
            path = real.relative_to(Path(os.path.realpath(repo.work_tree))).parts
            if len(path) > MAX_DEPTH:
                return None  # not the group's own repository
            start = _resolve(repo, ref)
            return None if start is None else _walk(repo, start, path, max_commits)
    except (RepoError, OSError, ValueError) as exc:
        log.info("last change of %s unavailable: %s", report, exc)
        return None


def _resolve(repo: Repository, ref: str | None) -> str | None:
    """The commit ``ref`` names, read as ``check --ref`` reads it (``repo.refs.resolve``)."""
    if not ref or ref == "HEAD":
        return repo.head()
    found = resolve(repo, ref)
    if found is None:
        raise RepoError(f"no ref {ref!r}")
    return found[0]


def _walk(repo: Repository, sha: str, path: tuple[str, ...], max_commits: int) -> int | None:
    commit = repo.commit(sha)
    here = repo.entry(commit.tree, path)
    if here is None:
        return None  # the branch does not have the report
    for _ in range(max_commits):
        if not commit.parents:
            return commit.time  # the root commit added it
        parent = repo.commit(commit.parents[0])
        before = repo.entry(parent.tree, path)
        if before != here:
            return commit.time
        commit, here = parent, before
    raise RepoError(f"no change in the last {max_commits} commits")
