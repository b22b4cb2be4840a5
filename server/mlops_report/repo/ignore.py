"""Which rule of which ignore file makes git ignore a path, as ``git check-ignore -v`` says.

The rules come from ``.gitignore`` at every level of the work tree, ``info/exclude`` of the
git folder and ``core.excludesFile`` when that names a file inside the repository (a file
elsewhere, such as one in the home folder, is never read). Precedence is git's: the deepest
``.gitignore`` first, then the shallower ones, then ``info/exclude``, then ``core.excludesFile``;
within one file the last matching line decides; a folder that is excluded takes everything
under it along, and no negation below it brings a file back.

Patterns are matched by our own wildmatch, which keeps a set of positions in the pattern while
it reads the path once: its cost is the path's length times the pattern's, whatever the
pattern (a backtracking regular expression of many ``*`` can take exponential time on a path
made for it). Ignore files are read only when regular files (a symbolic link is not followed,
as git does not), under a size cap, and kept until their size or modification time changes.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1024 * 1024  # an ignore file larger than this is not read
MAX_PATTERN = 4096  # characters of one pattern
MAX_PATH = 1024  # the state of a longer path is not looked for
MAX_PATTERNS = 10000  # patterns read from one file


class Rule(NamedTuple):
    """One line of an ignore file."""

    source: str  # where the line is, relative to the work tree (".gitignore", ".git/info/exclude")
    line: int  # 1-based
    pattern: str  # as written, "!" included
    negated: bool

    def where(self) -> str:
        return f"{self.source}:{self.line}"


# -- wildmatch ------------------------------------------------------------------------------------

# token kinds; "**/" becomes _SKIP (may jump past the whole group), _ALL, _SLASH (the "/" of "**/")
_LIT, _ONE, _SET, _STAR, _ALL, _DIRS, _SLASH, _SKIP = range(8)
_CLASSES = {
    "alnum": str.isalnum,
    "alpha": str.isalpha,
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32,
    "digit": str.isdigit,
    "graph": lambda c: c.isprintable() and not c.isspace(),
    "lower": str.islower,
    "print": str.isprintable,
    "punct": lambda c: c.isprintable() and not c.isalnum() and not c.isspace(),
    "space": str.isspace,
    "upper": str.isupper,
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


class _Set(NamedTuple):
    negated: bool
    chars: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    classes: tuple

    def has(self, c: str) -> bool:
        found = c in self.chars or any(a <= c <= b for a, b in self.ranges) or any(f(c) for f in self.classes)
        return found != self.negated


def _bracket(p: str, i: int) -> tuple[_Set, int] | None:
    """The bracket expression starting after ``[`` at ``p[i]``; None when it is not closed."""
    negated = i < len(p) and p[i] in "!^"
    if negated:
        i += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    classes: list = []
    first = True
    while i < len(p):
        c = p[i]
        if c == "]" and not first:
            return _Set(negated, frozenset(chars), tuple(ranges), tuple(classes)), i + 1
        first = False
        if c == "[" and p.startswith("[:", i):
            end = p.find(":]", i + 2)
            if end < 0:
                return None
            fn = _CLASSES.get(p[i + 2 : end])
            if fn is None:
                return None  # git refuses an unknown class: the pattern matches nothing
            classes.append(fn)
            i = end + 2
            continue
        if c == "\\":
            i += 1
            if i >= len(p):
                return None
            c = p[i]
        if i + 2 < len(p) and p[i + 1] == "-" and p[i + 2] != "]":
            hi = p[i + 2]
            j = i + 3
            if hi == "\\":
                if i + 3 >= len(p):
                    return None
                hi, j = p[i + 3], i + 4
            ranges.append((c, hi))
            i = j
            continue
        chars.add(c)
        i += 1
    return None


_Arg = str | _Set | None  # a literal's or "/"'s character, a bracket's set, nothing for the rest


def _tokens(p: str) -> list[tuple[int, _Arg]] | None:
    """The pattern as tokens; None when it can match nothing (an unclosed bracket)."""
    out: list[tuple[int, _Arg]] = []
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            out.append((_LIT, p[i + 1]))
            i += 2
        elif c == "?":
            out.append((_ONE, None))
            i += 1
        elif c == "[":
            found = _bracket(p, i + 1)
            if found is None:
                return None
            out.append((_SET, found[0]))
            i = found[1]
        elif c == "*":
            j = i
            while j < n and p[j] == "*":
                j += 1
            double = j - i >= 2 and (i == 0 or p[i - 1] == "/")
            if double and j == n:
                out.append((_ALL, None))  # "/**" at the end, or "**" alone: anything
            elif double and p[j] == "/":
                out.append((_DIRS, None))  # "**/": no folder, or any folders
                j += 1
            else:
                out.append((_STAR, None))
            i = j
        else:
            out.append((_LIT, c))
            i += 1
    return out


class _Matcher:
    """A compiled wildmatch pattern (``*``, ``?`` and brackets never match ``/``): a set of
    positions in the pattern, kept as the bits of an integer, moved along the path once."""

    __slots__ = (
        "accepts",
        "args",
        "eps1",
        "eps2",
        "kinds",
        "literal",
        "loop_any",
        "loop_name",
        "m",
        "min_len",
        "prefix",
        "suffix",
    )

    def __init__(self, tokens: list[tuple[int, _Arg]]) -> None:
        # "**/" is "(.*/)?": a state that may jump past the group, a loop on any character,
        # then "/"
        kinds: list[int] = []
        args: list[_Arg] = []
        for kind, arg in tokens:
            if kind == _DIRS:
                kinds += [_SKIP, _ALL, _SLASH]
                args += [None, None, "/"]
            else:
                kinds.append(kind)
                args.append(arg)
        self.kinds, self.args, self.m = kinds, args, len(kinds)
        literal = all(k == _LIT for k in kinds)
        self.literal = "".join(a for a in args if isinstance(a, str)) if literal else None
        self.prefix = "".join(a for a in _leading(kinds, args))
        self.suffix = "".join(reversed(list(_leading(kinds[::-1], args[::-1]))))
        self.min_len = sum(1 for k in kinds if k in (_LIT, _ONE, _SET))
        self.accepts: dict[str, int] = {}
        self.loop_any = self.loop_name = self.eps1 = self.eps2 = 0
        for i, kind in enumerate(kinds):
            if kind in (_STAR, _ALL, _SKIP):
                self.eps1 |= 1 << i  # may move on without reading a character
            if kind == _STAR:
                self.loop_name |= 1 << i
            elif kind == _ALL:
                self.loop_any |= 1 << i
            elif kind == _SKIP:
                self.eps2 |= 1 << i  # ... or jump past its loop and "/"

    def _accept(self, c: str) -> int:
        bits = 0
        for i, (kind, arg) in enumerate(zip(self.kinds, self.args, strict=True)):
            if (kind in (_LIT, _SLASH) and c == arg) or (
                c != "/" and (kind == _ONE or (isinstance(arg, _Set) and arg.has(c)))
            ):
                bits |= 1 << i
        if len(self.accepts) < 256:
            self.accepts[c] = bits
        return bits

    def _close(self, x: int) -> int:
        eps1, eps2 = self.eps1, self.eps2
        while True:
            y = x | ((x & eps1) << 1) | ((x & eps2) << 3)
            if y == x:
                return x
            x = y

    def match(self, s: str) -> bool:
        if self.literal is not None:
            return s == self.literal
        if len(s) < self.min_len or not s.startswith(self.prefix) or not s.endswith(self.suffix):
            return False
        accepts, loop_any, loop_name = self.accepts, self.loop_any, self.loop_name
        states = self._close(1)
        for c in s:
            acc = accepts.get(c)
            if acc is None:
                acc = self._accept(c)
            states = self._close(((states & acc) << 1) | (states & (loop_any if c == "/" else loop_any | loop_name)))
            if not states:
                return False
        return bool(states >> self.m & 1)


def _leading(kinds: list[int], args: list[_Arg]) -> Iterator[str]:
    for k, a in zip(kinds, args, strict=True):
        if k != _LIT or not isinstance(a, str):
            return
        yield a


class Pattern(NamedTuple):
    rule: Rule
    matcher: _Matcher
    basename: bool  # no "/" but a trailing one: matched against the last part of a path
    folder_only: bool  # a trailing "/": folders only

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.folder_only and not is_dir:
            return False
        return self.matcher.match(rel.rsplit("/", 1)[-1] if self.basename else rel)


def _trim(line: str) -> str:
    """Trailing spaces go, unless escaped with a backslash."""
    end = len(line)
    while end and line[end - 1] == " ":
        backslashes = 0
        k = end - 2
        while k >= 0 and line[k] == "\\":
            backslashes += 1
            k -= 1
        if backslashes % 2:
            break
        end -= 1
    return line[:end]


def compile_line(source: str, number: int, raw: str, icase: bool = False) -> Pattern | None:
    """The pattern on one line of an ignore file; None for a blank line or a comment."""
    line = _trim(raw.rstrip("\r"))
    if not line or line.startswith("#") or len(line) > MAX_PATTERN:
        return None
    body = line
    negated = body.startswith("!")
    if negated:
        body = body[1:]
    folder_only = body.endswith("/") and not body.endswith("\\/")
    if folder_only:
        body = body.rstrip("/")
    if not body:
        return None
    basename = "/" not in body
    if body.startswith("/"):
        body = body[1:]
    if icase:
        body = body.lower()
    tokens = _tokens(body)
    if tokens is None:
        return None
    return Pattern(Rule(source, number, line, negated), _Matcher(tokens), basename, folder_only)


def parse_lines(source: str, data: bytes, icase: bool = False) -> list[Pattern]:
    text = data.decode("utf-8", "surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    out = []
    for number, raw in enumerate(text.split("\n"), 1):
        p = compile_line(source, number, raw, icase)
        if p is not None:
            out.append(p)
            if len(out) >= MAX_PATTERNS:
                log.info("%s: only its first %d patterns are read", source, MAX_PATTERNS)
                break
    return out


# -- the files --------------------------------------------------------------------------------------

_CACHE: dict[str, tuple[tuple, list[Pattern]]] = {}  # file -> (its stat, its patterns)
_CACHE_FILES = 4096


def _load(path: Path, source: str, icase: bool) -> list[Pattern]:
    try:
        st = os.lstat(path)
    except OSError:
        return []
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISLNK(st.st_mode):
            log.info("%s is a symbolic link: not read", source)
        return []
    if st.st_size > MAX_FILE_BYTES:
        log.info("%s has %d bytes: not read", source, st.st_size)
        return []
    key = (st.st_size, st.st_mtime_ns, st.st_ino, icase, source)
    hit = _CACHE.get(str(path))
    if hit is not None and hit[0] == key:
        return hit[1]
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return []
    patterns = parse_lines(source, data, icase)
    if len(_CACHE) >= _CACHE_FILES:
        _CACHE.clear()
    _CACHE[str(path)] = (key, patterns)
    return patterns


class Ignores:
    """The ignore rules of one work tree."""

    def __init__(self, work_tree: Path, git_dir: Path, excludes_file: str | None = None, icase: bool = False) -> None:
        self.work_tree = work_tree
        self.icase = icase
        self._global: list[tuple[Path, str]] = []  # lowest precedence last
        exclude = git_dir / "info" / "exclude"
        self._global.append((exclude, _shown(exclude, work_tree)))
        if excludes_file:
            inside = _inside_repository(excludes_file, work_tree, git_dir)
            if inside is None:
                log.info("core.excludesFile %s is outside the repository: not read", excludes_file)
            else:
                self._global.append((inside, _shown(inside, work_tree)))

    def _levels(self, folder: str) -> list[tuple[str, list[Pattern]]]:
        """The patterns that apply to entries of ``folder`` (a path relative to the work tree,
        "" for the top), highest precedence first, each with the folder it lies in."""
        parts = folder.split("/") if folder else []
        out = []
        for depth in range(len(parts), -1, -1):
            rel = "/".join(parts[:depth])
            source = f"{rel}/.gitignore" if rel else ".gitignore"
            patterns = _load(self.work_tree / source, source, self.icase)
            if patterns:
                out.append((rel, patterns))
        for path, source in self._global:
            patterns = _load(path, source, self.icase)
            if patterns:
                out.append(("", patterns))
        return out

    def _decide(self, path: str, is_dir: bool) -> Pattern | None:
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        probe = path.lower() if self.icase else path
        for base, patterns in self._levels(folder):
            rel = probe[len(base) + 1 :] if base else probe
            for p in reversed(patterns):
                if p.matches(rel, is_dir):
                    return p
        return None

    def ignored_by(self, path: str) -> Rule | None:
        """The rule that makes git ignore the file ``path`` (relative to the work tree, posix
        separators), or None when it is not ignored. ValueError for a path over ``MAX_PATH``."""
        if len(path) > MAX_PATH:
            raise ValueError(f"a path of {len(path)} characters is not looked up")
        if not path:
            return None
        parts = path.split("/")
        for k in range(1, len(parts)):  # an excluded folder takes everything under it
            found = self._decide("/".join(parts[:k]), True)
            if found is not None and not found.rule.negated:
                return found.rule
        found = self._decide(path, False)
        return found.rule if found is not None and not found.rule.negated else None


def _shown(path: Path, work_tree: Path) -> str:
    try:
        return path.relative_to(work_tree).as_posix()
    except ValueError:
        return str(path)


def _inside_repository(value: str, work_tree: Path, git_dir: Path) -> Path | None:
    """``core.excludesFile`` as a path inside the work tree or the git folder; None elsewhere
    (``~`` is the home folder: outside)."""
    if value.startswith("~"):
        return None
    raw = Path(value)
    path = raw if raw.is_absolute() else work_tree / raw
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None
    for root in (work_tree, git_dir):
        try:
            real.relative_to(os.path.realpath(root))
            return real
        except (ValueError, OSError):
            continue
    return None
