"""Branches, remote-tracking branches, tags and the configuration that ties them together,
read as data: loose refs, ``packed-refs``, ``HEAD`` (a branch or detached), ``shallow`` and
``config`` (``branch.<name>.remote``/``merge``, ``core.excludesFile``, ``core.ignoreCase``).

Nothing is fetched: the remote-tracking branches are those of the last fetch or push. The
configuration is parsed here, without following ``include.path``: only the repository's own
file is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from .repository import Repository, _object_id, _small_text, valid_ref
from .store import RepoError, regular_file

MAX_REFS = 10000  # refs listed at most (loose and packed together)
MAX_CONFIG = 1024 * 1024
MAX_SHALLOW = 1024 * 1024


class Config(NamedTuple):
    values: dict[tuple[str, str, str], str]  # (section, subsection, key), section and key in lower case

    def get(self, section: str, key: str, subsection: str = "") -> str | None:
        return self.values.get((section.lower(), subsection, key.lower()))

    def boolean(self, section: str, key: str) -> bool:
        value = (self.get(section, key) or "").strip().lower()
        return value in ("true", "yes", "on", "1")

    def remotes(self) -> list[str]:
        return sorted({sub for (section, sub, _) in self.values if section == "remote" and sub})


def read_config(repo: Repository) -> Config:
    """The repository's ``config`` (of its common folder); empty when it cannot be read."""
    path = repo.common_dir / "config"
    try:
        regular_file(path, MAX_CONFIG)
        with open(path, "rb") as f:
            data = f.read(MAX_CONFIG + 1)
    except (RepoError, OSError):
        return Config({})
    return parse_config(data.decode("utf-8", "replace"))


_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", '"': '"', "\\": "\\"}


def parse_config(text: str) -> Config:
    """Git's configuration format, one pass: ``[section]``, ``[section "sub"]``,
    ``[section.sub]``, ``key = value`` (quotes, escapes, ``#``/``;`` comments, a backslash at
    the end of a line continuing it), a key alone meaning true. ``include`` is data like any
    other section: nothing it names is read."""
    values: dict[tuple[str, str, str], str] = {}
    section, sub = "", ""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            end = line.find("]")
            if end < 0:
                section, sub = "", ""
                continue
            head = line[1:end].strip()
            if '"' in head:
                name, _, rest = head.partition('"')
                section = name.strip().lower()
                sub = rest[: rest.rfind('"')].replace('\\"', '"').replace("\\\\", "\\") if '"' in rest else rest
            elif "." in head:
                section, _, sub = head.partition(".")
                section, sub = section.lower(), sub.lower()
            else:
                section, sub = head.lower(), ""
            line = line[end + 1 :].strip()
            if not line or line[0] in "#;":
                continue
        if not section:
            continue
        key, eq, raw = line.partition("=")
        key = key.strip().lower()
        if not key or not all(c.isalnum() or c == "-" for c in key):
            continue
        if not eq:
            values[(section, sub, key)] = "true"
            continue
        while raw.endswith("\\") and not raw.endswith("\\\\") and i < len(lines):  # continued
            raw = raw[:-1] + lines[i]
            i += 1
        values[(section, sub, key)] = _value(raw)
    return Config(values)


def _value(raw: str) -> str:
    out: list[str] = []
    quoted = False
    pending = ""  # white space kept only when something follows it
    k = 0
    while k < len(raw):
        c = raw[k]
        k += 1
        if c == '"':
            quoted = not quoted
            continue
        if c == "\\" and k < len(raw):
            out.append(pending + _ESCAPES.get(raw[k], raw[k]))
            pending = ""
            k += 1
            continue
        if not quoted and c in "#;":
            break
        if not quoted and c.isspace():
            if out:
                pending += c
            continue
        out.append(pending + c)
        pending = ""
    return "".join(out)


def symbolic_head(repo: Repository) -> str | None:
    """The branch HEAD is on (``refs/heads/main``), or None when it is detached."""
    text = _small_text(repo.git_dir / "HEAD")
    if text is None:
        raise RepoError("HEAD cannot be read")
    text = text.strip()
    if text.startswith("ref:"):
        name = text[4:].strip()
        return name if valid_ref(name) else None
    return None


def list_refs(repo: Repository, prefix: str) -> dict[str, str]:
    """Every ref under ``prefix`` (``refs/heads/``) and the object it names, loose ones over
    packed ones; symbolic refs (``refs/remotes/origin/HEAD``) are left out."""
    found: dict[str, str] = {}
    for name, sha in _packed(repo):
        if name.startswith(prefix):
            found[name] = sha
    root = repo.common_dir
    stack = [root / prefix.rstrip("/")]
    seen = 0
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_REFS:
                raise RepoError(f"more than {MAX_REFS} refs")
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                stack.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                name = Path(entry.path).relative_to(root).as_posix()
                if not valid_ref(name):
                    continue
                text = _small_text(Path(entry.path))
                if text is None or text.strip().startswith("ref:"):
                    continue
                try:
                    found[name] = _object_id(text)
                except RepoError:
                    continue
    return found


def symbolic_ref(repo: Repository, name: str) -> str | None:
    """What the symbolic ref ``name`` points at (``refs/remotes/origin/HEAD`` ->
    ``refs/remotes/origin/main``), or None."""
    if not valid_ref(name):
        return None
    text = _small_text(repo.common_dir / name)
    if text and text.strip().startswith("ref:"):
        target = text.strip()[4:].strip()
        return target if valid_ref(target) else None
    return None


def _packed(repo: Repository) -> list[tuple[str, str]]:
    path = repo.common_dir / "packed-refs"
    try:
        regular_file(path)
    except RepoError:
        return []
    out: list[tuple[str, str]] = []
    with open(path, "rb") as f:
        while line := f.readline(4096):
            if line.startswith((b"#", b"^")):
                continue
            sha, _, ref = line.rstrip(b"\r\n").partition(b" ")
            try:
                out.append((ref.decode("utf-8"), _object_id(sha.decode("ascii", "replace"))))
            except (RepoError, UnicodeDecodeError):
                continue
            if len(out) > MAX_REFS:
                raise RepoError(f"more than {MAX_REFS} packed refs")
    return out


def shallow(repo: Repository) -> frozenset[str]:
    """The commits of a shallow clone whose parents were not fetched."""
    path = repo.common_dir / "shallow"
    try:
        regular_file(path, MAX_SHALLOW)
        with open(path, "rb") as f:
            lines = f.read(MAX_SHALLOW).decode("ascii", "replace").split()
    except (RepoError, OSError):
        return frozenset()
    out = set()
    for line in lines:
        try:
            out.add(_object_id(line))
        except RepoError:
            continue
    return frozenset(out)


def resolve(repo: Repository, rev: str) -> tuple[str, str] | None:
    """(the commit ``rev`` names, the full ref name or the id) as git's rev-parse reads a
    plain name: ``HEAD``, a full ref, a branch, a tag, a remote-tracking branch (``origin/main``),
    a remote's default (``origin``), a commit id or an unambiguous prefix of one (at least 4
    hex digits). None when it names nothing."""
    rev = rev.strip()
    if not rev or len(rev) > 1024:
        return None
    candidates = [rev] if rev == "HEAD" or rev.startswith("refs/") else []
    candidates += [
        f"refs/{rev}",
        f"refs/tags/{rev}",
        f"refs/heads/{rev}",
        f"refs/remotes/{rev}",
        f"refs/remotes/{rev}/HEAD",
    ]
    for name in candidates:
        if not valid_ref(name):
            continue
        sha = repo.ref(name)
        if sha is not None:
            return repo.peel(sha), name
    hexdigits = rev.lower()
    if 4 <= len(hexdigits) <= 40 and all(c in "0123456789abcdef" for c in hexdigits):
        sha = _by_prefix(repo, hexdigits)
        if sha is not None:
            return repo.peel(sha), sha
    return None


def _by_prefix(repo: Repository, prefix: str) -> str | None:
    if len(prefix) == 40:
        try:
            repo.objects.read(prefix)
            return prefix
        except RepoError:
            return None
    found: set[str] = set()
    folder = repo.objects.root / prefix[:2]
    try:
        for name in os.listdir(folder):
            if (prefix[:2] + name).startswith(prefix) and len(name) == 38:
                found.add(prefix[:2] + name)
    except OSError:
        pass
    for pack in repo.objects.packs():
        for sha in _pack_prefix(pack.index, prefix):
            found.add(sha)
            if len(found) > 1:
                break
    return found.pop() if len(found) == 1 else None


def _pack_prefix(index, prefix: str) -> list[str]:
    """Ids in a pack index starting with ``prefix``: a binary search on the sorted names."""
    low_key = bytes.fromhex(prefix + "0" * (40 - len(prefix)))
    try:
        n = len(index)
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if index._unpack_name(mid) < low_key:
                lo = mid + 1
            else:
                hi = mid
        out: list[str] = []
        while lo < n and len(out) < 2:
            name = index._unpack_name(lo).hex()
            if not name.startswith(prefix):
                break
            out.append(name)
            lo += 1
        return out
    except Exception:
        return []
