"""A git repository found from a folder in it, read in-process: refs, commits, trees, blobs.

Nothing here starts a program, and nothing of the repository's configuration is read: hooks,
``gpg.program``, ``core.fsmonitor``, filters, ``include.path`` and the like never matter,
because reading objects and refs needs none of them. Discovery looks for the first ``.git``
(a folder, or a file saying ``gitdir: ...`` as worktrees and submodules have) from a folder
upwards and never takes a folder itself for a bare repository, like git with
``safe.bareRepository=explicit``: a bare repository's files committed inside a project are not
a repository to us.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .store import _BLOB, _COMMIT, _TAG, _TREE, ObjectStore, RepoError, regular_file

MAX_UP = 256  # folders climbed looking for .git
_SMALL = 4096  # HEAD, a loose ref, a .git file, commondir
_FORBIDDEN = set(" ~^:?*[\\\x7f")


def _small_text(path: Path) -> str | None:
    """The text of a small regular file; None when there is none."""
    try:
        regular_file(path, _SMALL)
        with open(path, "rb") as f:
            return f.read(_SMALL).decode("utf-8", "replace")
    except (RepoError, OSError):
        return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _common_dir(git_dir: Path) -> Path:
    text = _small_text(git_dir / "commondir")
    if text and text.strip():
        common = Path(text.strip())
        return common if common.is_absolute() else git_dir / common
    return git_dir


def _is_git_dir(git_dir: Path) -> bool:
    common = _common_dir(git_dir)
    return _small_text(git_dir / "HEAD") is not None and _is_dir(common / "objects") and _is_dir(common / "refs")


def find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """(work tree, git folder) of the repository holding ``start``: the first ``.git`` found
    from ``start`` upwards. Only a ``.git`` is looked at, never the folders themselves."""
    here = start
    for _ in range(MAX_UP):
        dot = here / ".git"
        try:
            mode = os.stat(dot).st_mode
        except OSError:
            mode = None
        if mode is not None:
            if stat.S_ISDIR(mode):
                return (here, dot) if _is_git_dir(dot) else None
            text = _small_text(dot)
            if text is None or not text.startswith("gitdir:"):
                return None
            target = Path(text[len("gitdir:") :].strip())
            git_dir = target if target.is_absolute() else here / target
            return (here, git_dir) if _is_git_dir(git_dir) else None
        if here.parent == here:
            return None
        here = here.parent
    return None


def valid_ref(name: str) -> bool:
    """A ref name as git would accept it (so that it names a file under the git folder)."""
    if name == "HEAD":
        return True
    if not name.startswith("refs/") or name.endswith((".lock", "/", ".")) or ".." in name or "@{" in name:
        return False
    parts = name.split("/")
    return all(
        p and not p.startswith(".") and not (set(p) & _FORBIDDEN) and all(ord(ch) >= 32 for ch in p) for p in parts
    )


@dataclass
class Commit:
    sha: str
    tree: str
    parents: tuple[str, ...]
    time: int  # committer time, seconds since the epoch
    summary: str = ""  # the first line of the message


@dataclass
class Repository:
    """One repository: its work tree, its git folder (per worktree) and common folder."""

    work_tree: Path
    git_dir: Path
    common_dir: Path
    objects: ObjectStore
    _entries: dict[tuple[str, bytes], tuple[int, str] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def discover(cls, start: Path, *, cap: int, deadline: float | None = None) -> Repository | None:
        found = find_git_dir(start)
        if found is None:
            return None
        work_tree, git_dir = found
        common = _common_dir(git_dir)
        return cls(work_tree, git_dir, common, ObjectStore(common / "objects", cap, deadline))

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.objects.close()

    # -- refs -----------------------------------------------------------------------------------

    def ref(self, name: str) -> str | None:
        """The commit id a ref names (symbolic refs followed); None when it names nothing
        (an unborn branch, an unknown ref)."""
        for _ in range(10):
            if not valid_ref(name):
                raise RepoError(f"bad ref name {name!r}")
            text = self._loose_ref(name)
            if text is None:
                return self._packed_ref(name)
            text = text.strip()
            if text.startswith("ref:"):
                name = text[4:].strip()
                continue
            return _object_id(text)
        raise RepoError("symbolic refs nested too deep")

    def head(self) -> str | None:
        return self.ref("HEAD")

    def _loose_ref(self, name: str) -> str | None:
        per_worktree = name == "HEAD" or name.startswith(("refs/worktree/", "refs/bisect/", "refs/rewritten/"))
        return _small_text((self.git_dir if per_worktree else self.common_dir) / name)

    def _packed_ref(self, name: str) -> str | None:
        path = self.common_dir / "packed-refs"
        try:
            regular_file(path)
        except RepoError:
            return None
        wanted = name.encode("utf-8")
        with open(path, "rb") as f:
            while line := f.readline(_SMALL):
                if line.startswith((b"#", b"^")):
                    continue
                sha, _, ref = line.rstrip(b"\r\n").partition(b" ")
                if ref == wanted:
                    return _object_id(sha.decode("ascii", "replace"))
        return None

    # -- objects --------------------------------------------------------------------------------

    def commit(self, sha: str) -> Commit:
        _, raw = self.objects.read(sha, _COMMIT)
        tree, parents, when = None, [], 0
        head, _, message = raw.partition(b"\n\n")
        for line in head.split(b"\n"):
            key, _, value = line.partition(b" ")
            if key == b"tree":
                tree = _object_id(value.decode("ascii", "replace"))
            elif key == b"parent":
                parents.append(_object_id(value.decode("ascii", "replace")))
            elif key == b"committer":
                try:
                    when = int(value.rsplit(b" ", 2)[-2])
                except (ValueError, IndexError):
                    when = 0
        if tree is None:
            raise RepoError(f"commit {sha} names no tree")
        summary = message[:1000].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        return Commit(sha, tree, tuple(parents), when, summary)

    def peel(self, sha: str) -> str:
        """The commit an object names: a commit itself, or the commit an annotated tag (or a
        chain of them) points at. RepoError for anything else."""
        for _ in range(10):
            kind, raw = self.objects.read(sha)
            if kind == _COMMIT:
                return sha
            if kind != _TAG:
                raise RepoError(f"{sha} names no commit")
            target = raw.split(b"\n", 1)[0]
            if not target.startswith(b"object "):
                raise RepoError(f"tag {sha} names no object")
            sha = _object_id(target[7:].decode("ascii", "replace"))
        raise RepoError("tags nested too deep")

    def entry(self, tree: str, path: tuple[str, ...]) -> tuple[int, str] | None:
        """(mode, object id) of ``path`` in ``tree``; None when it is not there."""
        from dulwich.objects import parse_tree

        found: tuple[int, str] | None = (0o040000, tree)
        for name in path:
            if found is None or not stat.S_ISDIR(found[0]):
                return None
            key = (found[1], name.encode("utf-8", "surrogateescape"))
            if key not in self._entries:
                _, raw = self.objects.read(found[1], _TREE)
                hit = None
                try:
                    for entry_name, mode, sha in parse_tree(raw, 20):
                        if entry_name == key[1]:
                            hit = (mode, sha.decode("ascii"))
                            break
                except Exception as exc:
                    raise RepoError(f"tree {found[1]}: {exc}") from None
                self._entries[key] = hit
            found = self._entries[key]
        return found

    def tree(self, sha: str) -> list[tuple[str, int, str]]:
        """(name, mode, object id) of every entry of the tree ``sha``."""
        from dulwich.objects import parse_tree

        _, raw = self.objects.read(sha, _TREE)
        try:
            return [
                (name.decode("utf-8", "surrogateescape"), mode, oid.decode("ascii"))
                for name, mode, oid in parse_tree(raw, 20)
            ]
        except Exception as exc:
            raise RepoError(f"tree {sha}: {exc}") from None

    def blob(self, sha: str) -> bytes:
        """A blob's bytes; TooBig past the store's cap."""
        return self.objects.read(sha, _BLOB)[1]

    def blob_at(self, commit: str, path: tuple[str, ...]) -> bytes | None:
        """The file ``path`` (parts relative to the work tree) as it is in ``commit``; None
        when the commit has no regular file there."""
        found = self.entry(self.commit(commit).tree, path)
        if found is None or not stat.S_ISREG(found[0]):
            return None
        return self.blob(found[1])


def _object_id(text: str) -> str:
    text = text.strip().lower()
    if len(text) == 40 and all(c in "0123456789abcdef" for c in text):
        return text
    if len(text) == 64:
        raise RepoError("SHA-256 repositories are not read")
    raise RepoError(f"not an object id: {text[:80]!r}")
