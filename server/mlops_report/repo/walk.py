"""Walks of the commit graph, newest commit first, bounded in commits: what one tip has that
another lacks (``git log base..tip``), which of those commits change given files, and what was
committed after a moment.

The walk goes by committer time, as git's own merge-base search does, and stops as soon as
everything left to visit is reachable from the base: a branch a few commits ahead of its
upstream costs those few commits. The parents of a shallow clone's boundary commits are not
there and are not looked for.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict

from .repository import Commit, Repository
from .store import RepoError

MAX_COMMITS = 20000
_CACHE_COMMITS = 50000
_commits: OrderedDict[str, Commit] = OrderedDict()  # commits are immutable: keyed by id alone


def commit(repo: Repository, sha: str) -> Commit:
    hit = _commits.get(sha)
    if hit is not None:
        return hit
    found = repo.commit(sha)
    _commits[sha] = found
    if len(_commits) > _CACHE_COMMITS:
        _commits.popitem(last=False)
    return found


def parents(repo: Repository, c: Commit, shallow: frozenset[str]) -> tuple[str, ...]:
    return () if c.sha in shallow else c.parents


_TIP, _BASE = 1, 2


def ahead(
    repo: Repository, tip: str, base: str | None, shallow: frozenset[str] = frozenset(), max_commits: int = MAX_COMMITS
) -> list[Commit]:
    """The commits reachable from ``tip`` and not from ``base``, newest first. RepoError past
    ``max_commits`` commits visited."""
    if tip == base:
        return []
    flags: dict[str, int] = {tip: _TIP}
    if base is not None:
        flags[base] = flags.get(base, 0) | _BASE
    heap: list[tuple[int, int, str]] = []
    seq = 0
    for sha in flags:
        heapq.heappush(heap, (-commit(repo, sha).time, seq, sha))
        seq += 1
    done: list[str] = []
    visited: set[str] = set()
    while heap and any(not flags[s] & _BASE for _, _, s in heap):
        _, _, sha = heapq.heappop(heap)
        if sha in visited:
            continue
        visited.add(sha)
        if len(visited) > max_commits:
            raise RepoError(f"more than {max_commits} commits between {tip[:7]} and {(base or '')[:7]}")
        done.append(sha)
        mark = flags[sha]
        for p in parents(repo, commit(repo, sha), shallow):
            before = flags.get(p, 0)
            if before | mark != before or p not in visited:
                flags[p] = before | mark
                if p not in visited:
                    heapq.heappush(heap, (-commit(repo, p).time, seq, p))
                    seq += 1
    return [commit(repo, s) for s in done if flags[s] == _TIP]


def changes(repo: Repository, c: Commit, path: tuple[str, ...], shallow: frozenset[str] = frozenset()) -> bool:
    """Whether commit ``c`` changes the file ``path``: it differs there from every parent (a
    merge that takes one side's version does not count, as in ``git log -- path``)."""
    mine = repo.entry(c.tree, path)
    ps = parents(repo, c, shallow)
    if not ps:
        return mine is not None and c.sha not in shallow
    return all(repo.entry(commit(repo, p).tree, path) != mine for p in ps)


def since(
    repo: Repository, tip: str, moment: int, shallow: frozenset[str] = frozenset(), max_commits: int = MAX_COMMITS
) -> list[Commit]:
    """The commits reachable from ``tip`` committed after ``moment`` (seconds), newest first."""
    out: list[Commit] = []
    heap = [(-commit(repo, tip).time, tip)]
    visited: set[str] = set()
    while heap and -heap[0][0] > moment:
        _, sha = heapq.heappop(heap)
        if sha in visited:
            continue
        visited.add(sha)
        if len(visited) > max_commits:
            raise RepoError(f"more than {max_commits} commits after the deadline")
        c = commit(repo, sha)
        out.append(c)
        for p in parents(repo, c, shallow):
            if p not in visited:
                heapq.heappush(heap, (-commit(repo, p).time, p))
    return out
