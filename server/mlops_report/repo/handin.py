"""What the course will scrape of one report: its repository read once, in-process, and
every answer kept (the object is the analysis's ``repo`` context; a new one is made when the
repository or the files change).

The course takes the default branch of the group's GitHub repository at the deadline. Here
that branch is the remote's default as last fetched (``refs/remotes/origin/HEAD``), else a
local ``main`` or ``master``, else the branch HEAD is on; what is pushed is what its
remote-tracking branch holds (``branch.<name>.remote``/``merge`` of the configuration, else
``<remote>/<name>``). Nothing is fetched: the remote-tracking branches are as of the last
fetch or push. Every failure (a corrupt or huge repository, a walk over its bound) makes the
answer None, which the rules read as "nothing to say", and leaves a line in the log.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import NamedTuple

from . import refs, walk
from .ignore import Ignores
from .index import Index, read_index
from .repository import Commit, Repository
from .store import RepoError
from .worktree import FileState, file_state

log = logging.getLogger(__name__)

CAP = 64 * 1024 * 1024  # an object read (a report, a figure's pointer) above this is not read
SECONDS = 5.0  # reading one repository's answers, at most
MAX_BRANCHES = 64  # other branches looked at, newest first
MAX_BRANCH_COMMITS = 2000  # commits walked per other branch


class Unpushed(NamedTuple):
    upstream: str | None  # "origin/main"; None when there is none
    reason: str  # "ahead", "no-remote", "no-upstream", "" (everything is pushed)
    commits: tuple[Commit, ...] = ()  # not on the upstream, touching the files, newest first
    ahead: int = 0  # every commit not on the upstream
    paths: tuple[str, ...] = ()  # the files those commits change


class OtherBranch(NamedTuple):
    name: str  # "report", "origin/brandon-branch"
    sha: str
    newest: Commit  # the newest commit there that changes the report
    text: bytes  # the report on that branch


class Handin:
    """The repository of one report, and what the course sees of it."""

    def __init__(self, repo: Repository, report: str) -> None:
        self.repo = repo
        self.report = report  # relative to the work tree
        self.folder = report.rsplit("/", 1)[0] if "/" in report else ""
        self.config = refs.read_config(repo)
        self.shallow = refs.shallow(repo)
        self.branch_ref = refs.symbolic_head(repo)  # None: detached
        self.head = repo.head()
        self.heads = refs.list_refs(repo, "refs/heads/")
        self.remote_refs = refs.list_refs(repo, "refs/remotes/")
        self.remotes = sorted(set(self.config.remotes()) | {n.split("/")[2] for n in self.remote_refs})
        self.default, self.upstream_ref = self._default()
        self.upstream = self.remote_refs.get(self.upstream_ref) if self.upstream_ref else None
        self._index: Index | None = None
        self._index_read = False
        self._ignores: Ignores | None = None
        self._states: dict[str, FileState | None] = {}
        self._memo: dict = {}

    @classmethod
    def open(cls, report: Path) -> Handin | None:
        """The context of the report at ``report``; None outside a repository or when the
        repository cannot be read."""
        try:
            real = Path(os.path.realpath(report))
            repo = Repository.discover(real.parent, cap=CAP, deadline=time.monotonic() + SECONDS)
            if repo is None:
                return None
            rel = real.relative_to(Path(os.path.realpath(repo.work_tree))).as_posix()
            return cls(repo, rel)
        except (RepoError, OSError, ValueError) as exc:
            log.info("the repository of %s is not read: %s", report, exc)
            return None

    def close(self) -> None:
        self.repo.close()

    # -- names --------------------------------------------------------------------------------

    @property
    def branch(self) -> str | None:
        """The branch HEAD is on (short name), None when detached."""
        return (
            self.branch_ref[len("refs/heads/") :]
            if self.branch_ref and self.branch_ref.startswith("refs/heads/")
            else None
        )

    @property
    def upstream_name(self) -> str | None:
        return self.upstream_ref[len("refs/remotes/") :] if self.upstream_ref else None

    def _default(self) -> tuple[str | None, str | None]:
        """(the default branch's short name, the ref of its remote-tracking branch)."""
        for remote in (["origin"] if "origin" in self.remotes else []) + self.remotes:
            target = refs.symbolic_ref(self.repo, f"refs/remotes/{remote}/HEAD")
            if target and target.startswith(f"refs/remotes/{remote}/"):
                return target[len(f"refs/remotes/{remote}/") :], target
        names = [n[len("refs/heads/") :] for n in self.heads]
        default = next((n for n in ("main", "master") if n in names), None) or self.branch
        if default is None:
            return None, None
        tracked = self.config.get("branch", "remote", default)
        merge = self.config.get("branch", "merge", default)
        if tracked and tracked != "." and merge and merge.startswith("refs/heads/"):
            ref = f"refs/remotes/{tracked}/{merge[len('refs/heads/') :]}"
            return default, ref
        for remote in (["origin"] if "origin" in self.remotes else []) + self.remotes:
            ref = f"refs/remotes/{remote}/{default}"
            if ref in self.remote_refs:
                return default, ref
        return default, None

    # -- the work tree --------------------------------------------------------------------------

    def _index_now(self) -> Index | None:
        if not self._index_read:
            self._index = _cached_index(self.repo.git_dir / "index")
            self._index_read = True
        return self._index

    def states(self, paths: list[str]) -> dict[str, FileState]:
        """The state of each file (relative to the work tree); files whose state cannot be read
        are left out."""
        out = {}
        for path in paths:
            if path not in self._states:
                self._states[path] = self._state(path)
            state = self._states[path]
            if state is not None:
                out[path] = state
        return out

    def _state(self, path: str) -> FileState | None:
        try:
            if self._ignores is None:
                self._ignores = Ignores(
                    self.repo.work_tree,
                    self.repo.common_dir,
                    self.config.get("core", "excludesFile"),
                    self.config.boolean("core", "ignoreCase"),
                )
            self._budget()
            index = self._index_now()
            tree = self.repo.commit(self.head).tree if self.head else None
            return file_state(self.repo, index, tree, self._ignores, path)
        except (RepoError, OSError, ValueError) as exc:
            log.info("the state of %s is not read: %s", path, exc)
            return None

    # -- commits ------------------------------------------------------------------------------

    def _budget(self) -> None:
        """Every question gets ``SECONDS`` of reading (the object store's deadline)."""
        self.repo.objects.deadline = time.monotonic() + SECONDS

    def _guard(self, key, compute):
        if key not in self._memo:
            self._budget()
            try:
                self._memo[key] = compute()
            except (RepoError, OSError, ValueError) as exc:
                log.info("%s not read: %s", key[0], exc)
                self._memo[key] = None
        return self._memo[key]

    def unpushed(self, paths: list[str]) -> Unpushed | None:
        """What of ``paths`` is committed on HEAD and not on the default branch's
        remote-tracking branch."""
        return self._guard(("unpushed", tuple(paths)), lambda: self._unpushed(paths))

    def _unpushed(self, paths: list[str]) -> Unpushed | None:
        if self.head is None:
            return None
        if not self.remotes:
            return Unpushed(None, "no-remote")
        if self.upstream is None:
            return Unpushed(None, "no-upstream")
        split = [tuple(p.split("/")) for p in paths]
        head_tree = walk.commit(self.repo, self.head).tree
        up_tree = walk.commit(self.repo, self.upstream).tree
        differ = [p for p in split if self.repo.entry(head_tree, p) != self.repo.entry(up_tree, p)]
        if not differ:
            return Unpushed(self.upstream_name, "")
        mine = walk.ahead(self.repo, self.head, self.upstream, self.shallow)
        touching = [c for c in mine if any(walk.changes(self.repo, c, p, self.shallow) for p in differ)]
        if not touching:
            return Unpushed(self.upstream_name, "")  # the upstream is ahead: nothing here to push
        changed = tuple(
            "/".join(p) for p in differ if any(walk.changes(self.repo, c, p, self.shallow) for c in touching)
        )
        return Unpushed(self.upstream_name, "ahead", tuple(touching), len(mine), changed)

    def late(self, paths: list[str], moment: int) -> list[Commit] | None:
        """The commits on the remote-tracking branch (or HEAD when there is none) after
        ``moment`` that change one of ``paths``, newest first."""
        tip = self.upstream or self.head
        if tip is None:
            return []
        split = [tuple(p.split("/")) for p in paths]
        return self._guard(
            ("late", tip, tuple(paths), moment),
            lambda: [
                c
                for c in walk.since(self.repo, tip, moment, self.shallow)
                if any(walk.changes(self.repo, c, p, self.shallow) for p in split)
            ],
        )

    def blob(self, commit: str, path: str) -> bytes | None:
        return self._guard(("blob", commit, path), lambda: self.repo.blob_at(commit, tuple(path.split("/"))))

    def other_branches(self) -> list[OtherBranch] | None:
        """Local and remote-tracking branches (the default, its upstream and HEAD's branch
        aside) holding commits that change the report and are not on the default branch."""
        return self._guard(("others",), self._others)

    def _others(self) -> list[OtherBranch]:
        base = self.upstream or (self.heads.get(f"refs/heads/{self.default}") if self.default else None) or self.head
        if base is None:
            return []
        skip = {f"refs/heads/{self.default}", self.upstream_ref, self.branch_ref}
        if self.branch:
            remote = self.config.get("branch", "remote", self.branch)
            merge = self.config.get("branch", "merge", self.branch)
            if remote and merge and merge.startswith("refs/heads/"):
                skip.add(f"refs/remotes/{remote}/{merge[len('refs/heads/') :]}")
        candidates = [
            (name, sha)
            for name, sha in {**self.heads, **self.remote_refs}.items()
            if name not in skip and not name.endswith("/HEAD")
        ]
        path = tuple(self.report.split("/"))
        base_entry = self.repo.entry(walk.commit(self.repo, base).tree, path)
        tips: dict[str, list[str]] = {}
        for name, sha in candidates:
            tips.setdefault(sha, []).append(name)
        ordered = sorted(tips, key=lambda s: -walk.commit(self.repo, s).time)[:MAX_BRANCHES]
        out = []
        for sha in ordered:
            entry = self.repo.entry(walk.commit(self.repo, sha).tree, path)
            if entry is None or entry == base_entry:
                continue
            try:
                mine = walk.ahead(self.repo, sha, base, self.shallow, MAX_BRANCH_COMMITS)
            except RepoError as exc:
                log.info("branch %s not compared: %s", tips[sha][0], exc)
                continue
            newest = next((c for c in mine if walk.changes(self.repo, c, path, self.shallow)), None)
            if newest is None or self._merged_here(sha, path):
                continue
            text = self.repo.blob(entry[1])
            out.append(OtherBranch(_short(sorted(tips[sha], key=_local_first)[0]), sha, newest, text))
        return out

    def _merged_here(self, tip: str, path: tuple[str, ...]) -> bool:
        """Whether HEAD already holds every commit of ``tip`` that changes the report (merged
        here, not yet pushed: ``report-unpushed`` says so)."""
        if self.head is None or self.head == self.upstream:
            return False
        try:
            rest = walk.ahead(self.repo, tip, self.head, self.shallow, MAX_BRANCH_COMMITS)
        except RepoError:
            return False
        return not any(walk.changes(self.repo, c, path, self.shallow) for c in rest)


def _local_first(name: str) -> tuple[int, str]:
    return (0 if name.startswith("refs/heads/") else 1, name)


def _short(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


_indexes: dict[str, tuple[tuple, Index | None]] = {}


def _cached_index(path: Path) -> Index | None:
    """The index at ``path``, read again only when its size or modification time changed."""
    try:
        st = os.stat(path)
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError:
        return None
    hit = _indexes.get(str(path))
    if hit is not None and hit[0] == key:
        return hit[1]
    found = read_index(path)
    if len(_indexes) > 64:
        _indexes.clear()
    _indexes[str(path)] = (key, found)
    return found
