"""Checklist evidence: what a project's repository shows of each checklist item.

The checks are data (``evidence.json``): for each kind of item, the fragments of text that name
it and the signals that it was done (file names, imports, dependencies, lines in text files).
``scan`` walks the repository once, bounded: file names and at most the first ``HEAD_BYTES``
of the text files some signal reads, ``MAX_ENTRIES`` entries, ``MAX_SECONDS``, ``.gitignore``
respected (a small reader of its patterns), symbolic links never followed, nothing outside
the repository's root read and nothing run. The result is kept per repository until the report
folder's walk is new (a save, a changed figure), so typing costs nothing.

Two hints come of it (never more than hints: a signal is a heuristic): a ticked item with no
signal at all (``checklist-no-evidence``, only when the scan saw the whole repository) and an
unticked item with a strong one (``checklist-unticked-evidence``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import logging
import os
import re
import stat
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .disk import Walk
from .findings import Edit, Finding, Fix
from .parse import ChecklistItem, Report

if TYPE_CHECKING:
    from .repo.ignore import Pattern

log = logging.getLogger(__name__)

MAX_ENTRIES = 20_000  # directory entries looked at
MAX_SECONDS = 1.0
MAX_DEPTH = 10
HEAD_BYTES = 64 * 1024  # of a text file, what a signal reads
READ_BUDGET = 16 * 2**20  # bytes read in all
PATHS_PER_SIGNAL = 3  # a signal stops reading once it has found this many files
IGNORE_BYTES = 64 * 1024  # of a .gitignore
IGNORE_RULES = 500  # patterns kept from one .gitignore
ALL_RULES = 1000  # patterns in force at once, from a folder's .gitignore and its parents'
KEPT = 8  # repositories whose evidence is kept
# never walked: tools' caches, environments and run outputs (git would list them only when a
# project forgot its .gitignore)
SKIP_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "site-packages",
        ".ipynb_checkpoints",
        "wandb",
        "mlruns",
        "outputs",
        "multirun",
        ".hg",
        ".svn",
    }
)
SKIP_PATHS = frozenset({".dvc/cache", ".dvc/tmp"})
_DEPENDENCY_FILES = [
    "requirements*.txt",
    "pyproject.toml",
    "environment.yml",
    "environment.yaml",
    "setup.cfg",
    "setup.py",
]


class Hit(NamedTuple):
    """One signal found: what it is and where (a path from the repository root)."""

    what: str
    path: str
    strong: bool


class _Globs(NamedTuple):
    """File globs, matched without case: those with a slash against the path from the root,
    the others against the name; each kind is one expression (the globs as alternatives)."""

    by_name: re.Pattern | None
    by_path: re.Pattern | None

    def matches(self, name: str, rel: str) -> bool:
        """``name`` and ``rel`` in lower case."""
        return (self.by_name is not None and self.by_name.fullmatch(name) is not None) or (
            self.by_path is not None and self.by_path.fullmatch(rel) is not None
        )


def _globs(globs: list[str]) -> _Globs:
    def one(kind: list[str]) -> re.Pattern | None:
        return re.compile("|".join(f"(?:{fnmatch.translate(g.lower())})" for g in kind)) if kind else None

    return _Globs(one([g for g in globs if "/" not in g]), one([g for g in globs if "/" in g]))


@dataclass(frozen=True)
class Signal:
    what: str
    strong: bool
    files: _Globs | None = None  # a file signal: the names it matches
    reads: _Globs | None = None  # a text signal: the files it reads
    needles: tuple[str, ...] = ()  # ... and the pieces of text it looks for (lower case), any of them
    imports: tuple[str, ...] = ()  # ... or the modules a Python file imports, any of them

    def found_in(self, lowered: str, imported: frozenset[str]) -> bool:
        if self.imports:
            return any(m in imported for m in self.imports)
        return any(n in lowered for n in self.needles)


@dataclass(frozen=True)
class Check:
    id: str
    module: str | None
    items: tuple[tuple[str, ...], ...]  # alternatives, each fragments that must all be in the item
    signals: tuple[Signal, ...]

    @property
    def looked_for(self) -> str:
        return ", ".join(dict.fromkeys(s.what for s in self.signals))


def _signal(raw: dict) -> Signal:
    what, strong = raw["what"], raw.get("strong", True)
    if "file" in raw:
        return Signal(what, strong, files=_globs(raw["file"]))
    if "import" in raw:
        return Signal(what, strong, reads=_globs(["*.py"]), imports=tuple(raw["import"]))
    if "package" in raw:
        return Signal(what, strong, reads=_globs(_DEPENDENCY_FILES), needles=(raw["package"].lower(),))
    return Signal(what, strong, reads=_globs(raw["in"]), needles=tuple(n.lower() for n in raw["contains"]))


def imported(text: str) -> frozenset[str]:
    """The modules a Python text imports (``import a.b, c`` and ``from a.b import x`` give
    ``a``, ``a.b`` and ``c``), read line by line: no pattern, no backtracking."""
    out: set[str] = set()
    for line in text.splitlines():
        words = line.split(None, 1)
        if len(words) < 2 or words[0] not in ("import", "from"):
            continue
        rest = words[1].split(" import ", 1)[0] if words[0] == "from" else words[1].split("#", 1)[0]
        for part in rest.split(","):
            name = part.strip().split(" ", 1)[0].strip("()")
            pieces = name.split(".")
            out.update(".".join(pieces[: k + 1]) for k in range(len(pieces)) if pieces[k])
    return frozenset(out)


@lru_cache(maxsize=1)
def checks() -> tuple[Check, ...]:
    """The checks of ``evidence.json``, in order."""
    data = json.loads((Path(__file__).with_name("evidence.json")).read_text(encoding="utf-8"))
    return tuple(
        Check(
            c["id"], c.get("module"), tuple(tuple(alt) for alt in c["items"]), tuple(_signal(s) for s in c["signals"])
        )
        for c in data["checks"]
    )


def _normal(text: str) -> str:
    return " ".join(text.replace("`", "").lower().split())


@lru_cache(maxsize=1024)  # a report's items stay the same while it is typed in
def check_for(item_text: str) -> Check | None:
    """The check that judges a checklist item: the first whose fragments the item's text holds."""
    text = _normal(item_text)
    for c in checks():
        if any(all(fragment in text for fragment in alt) for alt in c.items):
            return c
    return None


# -- .gitignore ----------------------------------------------------------------------------------


_Rule = tuple[str, "Pattern"]  # the folder of the .gitignore from the root ("" for the root's), a pattern


def _gitignore(folder: Path, base: str) -> list[_Rule]:
    """The patterns of ``folder/.gitignore`` (a regular file, its first ``IGNORE_BYTES``), read by
    the hand-in's own ignore reader (``repo.ignore``: git's rules, matched in linear time)."""
    from .repo.ignore import parse_lines

    path = folder / ".gitignore"
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return []
        with open(path, "rb") as f:
            data = f.read(IGNORE_BYTES)
    except OSError:
        return []
    return [(base, p) for p in parse_lines(".gitignore", data)[:IGNORE_RULES]]


def _ignored(rules: list[_Rule], name: str, rel: str, is_dir: bool) -> bool:
    ignored = False
    for base, pattern in rules:
        if pattern.matches(rel[len(base) + 1 :] if base else rel, is_dir):
            ignored = not pattern.rule.negated
    return ignored


# -- the scan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the scan of a repository found, by check id."""

    root: Path
    hits: dict[str, tuple[Hit, ...]] = field(default_factory=dict)
    complete: bool = True  # the whole repository was seen (no cap reached)
    entries: int = 0
    read: int = 0  # bytes read
    seconds: float = 0.0

    def of(self, check: Check) -> tuple[Hit, ...]:
        return self.hits.get(check.id, ())


def _head(path: Path, limit: int) -> str | None:
    """The first ``limit`` bytes of a regular file, as text (None: not a regular file, or binary)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


@lru_cache(maxsize=2)
def _any_of(reads: bool = False) -> _Globs:
    """One expression for the globs of every file signal (or, ``reads``, of every text signal)."""
    kinds = [k for c in checks() for s in c.signals if (k := s.reads if reads else s.files) is not None]

    def union(parts: list[re.Pattern | None]) -> re.Pattern | None:
        texts = [f"(?:{p.pattern})" for p in parts if p is not None]
        return re.compile("|".join(texts)) if texts else None

    return _Globs(union([k.by_name for k in kinds]), union([k.by_path for k in kinds]))


def scan(root: Path, skip: frozenset[str] = frozenset()) -> Evidence:
    """Walk ``root`` (never following a symbolic link, never leaving it) and find every check's
    signals; ``skip`` names files (paths from the root) whose text is not read."""
    started = time.monotonic()
    found: dict[tuple[str, int], list[str]] = {}
    signals = [(c, i, s) for c in checks() for i, s in enumerate(c.signals)]
    by_name = [(c.id, i, s.files) for c, i, s in signals if s.files is not None]
    by_text = [(c.id, i, s.reads, s) for c, i, s in signals if s.reads is not None]
    any_name, any_text = _any_of(), _any_of(True)  # most files match no signal at all
    read = 0
    walk = Walk(root, MAX_ENTRIES, MAX_SECONDS, 32, _gitignore(root, "")[:ALL_RULES])
    for entry, rel, is_dir, depth, rules in walk:
        name = entry.name
        if _ignored(rules, name, rel, is_dir):
            continue
        if is_dir:
            if name not in SKIP_DIRS and rel not in SKIP_PATHS and depth < MAX_DEPTH:
                walk.enter(entry, rel, depth, (rules + _gitignore(Path(entry.path), rel))[:ALL_RULES])
            continue
        try:
            is_file = entry.is_file(follow_symlinks=False)
        except OSError:
            continue
        lname, lrel = name.lower(), rel.lower()
        if any_name.matches(lname, lrel):
            for cid, i, globs in by_name:
                if globs.matches(lname, lrel):
                    found.setdefault((cid, i), []).append(rel)
        if not is_file or rel in skip or not any_text.matches(lname, lrel):
            continue
        wanted = [
            (cid, i, s)
            for cid, i, globs, s in by_text
            if len(found.get((cid, i), ())) < PATHS_PER_SIGNAL and globs.matches(lname, lrel)
        ]
        if not wanted or read >= READ_BUDGET:
            continue
        text = _head(Path(entry.path), min(HEAD_BYTES, READ_BUDGET - read))
        if text is None:
            continue
        read += len(text)
        lowered = text.lower()
        modules = imported(text) if any(s.imports for _, _, s in wanted) else frozenset()
        for cid, i, s in wanted:
            if s.found_in(lowered, modules):
                found.setdefault((cid, i), []).append(rel)
    hits: dict[str, list[Hit]] = {}
    for c, i, s in signals:
        for rel in sorted(found.get((c.id, i), ()))[:PATHS_PER_SIGNAL]:
            hits.setdefault(c.id, []).append(Hit(s.what, rel, s.strong))
    seconds = time.monotonic() - started
    log.info(
        "evidence of %s: %d entries, %d bytes read in %.3f s%s",
        root,
        walk.seen,
        read,
        seconds,
        " (stopped: too many entries or too slow)" if walk.truncated else "",
    )
    return Evidence(root, {k: tuple(v) for k, v in hits.items()}, not walk.truncated, walk.seen, read, seconds)


def repository_root(report: Path) -> Path | None:
    """The root the evidence of ``report`` comes from: the git work tree holding it, else the
    project a ``reports/`` folder belongs to; None for a report elsewhere (nothing is scanned)."""
    from .repo import find_git_dir

    folder = report.parent
    found = find_git_dir(folder)
    if found is not None:
        return found[0]
    return folder.parent if folder.name == "reports" else None


_kept: OrderedDict[Path, tuple[object, Evidence]] = OrderedDict()


def for_report(report: Path, token: object) -> Evidence | None:
    """The evidence of the repository holding ``report``, scanned again only when ``token``
    (the walk of the report's folder) is not the one it was scanned with."""
    root = repository_root(report)
    if root is None:
        return None
    hit = _kept.get(root)
    if hit is not None and hit[0] is token:
        _kept.move_to_end(root)
        return hit[1]
    skip: frozenset[str] = frozenset()
    with contextlib.suppress(ValueError):
        skip = frozenset({(report.parent / "report.py").relative_to(root).as_posix()})  # the course's own script
    evidence = scan(root, skip)
    _kept[root] = (token, evidence)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return evidence


# -- what the report is told ---------------------------------------------------------------------


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _shown(hits: tuple[Hit, ...] | list[Hit]) -> str:
    by_what: dict[str, list[str]] = {}
    for h in hits:
        by_what.setdefault(h.what, []).append(h.path)
    return "; ".join(f"{what} ({', '.join(paths)})" for what, paths in by_what.items())


def findings(report: Report, evidence: Evidence | None) -> list[Finding]:
    """checklist-no-evidence and checklist-unticked-evidence, one per item at most."""
    if evidence is None:
        return []
    return _findings(report, evidence)


# What each item was told, by the evidence and the item (its text, mark and their lengths): the
# findings placed at 0 (the item's start), and where they were placed last and how. Typing in one
# item of a list of 80 finds that item's check again and places the findings of the items after
# it again; those before it are the same objects as before.
_item_said: OrderedDict[tuple, list] = OrderedDict()
ITEMS_KEPT = 1024


def _findings(report: Report, evidence: Evidence) -> list[Finding]:
    out: list[Finding] = []
    for item in report.checklist:
        span, mark = item.span, item.mark_span
        at = span.start
        key = (id(evidence), item.text, item.mark, mark.start - at, mark.end - at, span.end - at)
        hit = _item_said.get(key)
        if hit is None or hit[0] is not evidence:
            hit = [evidence, tuple(_item_findings(item.shifted(-at), evidence)), 0, []]
            _item_said[key] = hit
            while len(_item_said) > ITEMS_KEPT:
                _item_said.popitem(last=False)
        if hit[1]:
            if hit[2] != at or not hit[3]:
                hit[2], hit[3] = at, [f.shifted(at) for f in hit[1]]
            out.extend(hit[3])
    return out


def _item_findings(item: ChecklistItem, evidence: Evidence) -> list[Finding]:
    out: list[Finding] = []
    check = check_for(item.text)
    if check is not None:
        hits = evidence.of(check)
        if item.checked:
            if not hits and evidence.complete:
                out.append(
                    Finding(
                        "checklist-no-evidence",
                        "",
                        0,
                        item.span,
                        f"Checklist: '{_short(item.text)}' is ticked, and the repository shows no sign "
                        f"of it (looked for {check.looked_for})",
                        data={"check": check.id},
                    )
                )
            return out
        strong = [h for h in hits if h.strong]
        if strong:
            fixes = (
                (Fix("Tick this item", "tickItem", (Edit(item.mark_span, "[x]"),), safe=False),)
                if item.standard
                else ()
            )
            out.append(
                Finding(
                    "checklist-unticked-evidence",
                    "",
                    0,
                    item.span,
                    f"Checklist: '{_short(item.text)}' is not ticked, and the repository has {_shown(strong)}",
                    fixes,
                    data={"check": check.id},
                )
            )
    return out


def item_hover(item: ChecklistItem, evidence: Evidence | None, literal, code) -> str | None:
    """Markdown on what the repository shows of ``item``; ``literal`` and ``code`` quote text."""
    check = check_for(item.text)
    if check is None:
        return None
    if evidence is None:
        return "Repository evidence: none read (the report is not saved in a project)."
    hits = evidence.of(check)
    out = [f"**Repository evidence** ({check.id}{', ' + check.module if check.module else ''}):"]
    if hits:
        out += [f"- {literal(h.what)}: {code(h.path)}" + ("" if h.strong else " (a weak sign)") for h in hits]
    else:
        out.append(
            f"nothing found; looked for {literal(check.looked_for)}"
            + ("" if evidence.complete else " (the scan stopped early: the repository is large)")
        )
    return "\n".join(out)


def checklist_json(report: Report, evidence: Evidence | None) -> dict:
    """``{ticked, items, evidence}`` for the CLI's JSON: the counts, and each item with the
    check that judges it and what was found."""
    lines = report.lines
    out = []
    for item in report.checklist:
        check = check_for(item.text)
        hits = evidence.of(check) if (check is not None and evidence is not None) else ()
        out.append(
            {
                "item": item.text,
                "group": item.group,
                "ticked": item.checked,
                "line": lines.position(item.span.start)[0],
                "check": check.id if check else None,
                "found": [{"what": h.what, "path": h.path, "strong": h.strong} for h in hits],
            }
        )
    return {
        "ticked": sum(i.checked for i in report.checklist),
        "items": len(report.checklist),
        "evidence": out,
        "scanned": None
        if evidence is None
        else {"root": str(evidence.root), "complete": evidence.complete, "entries": evidence.entries},
    }


def render_docs() -> str:
    """docs/evidence.md, from evidence.json."""
    out = [
        "# Checklist evidence",
        "",
        "What `checklist-no-evidence` and `checklist-unticked-evidence` look for in a project's repository. "
        "This page is generated by `make docs` from `server/mlops_report/evidence.json`; a check judges the "
        "checklist items whose text holds all the fragments of one of its alternatives (the first check that "
        "matches wins). Weak signals show in the hover but never make an unticked item a finding.",
        "",
        "| check | module | items holding | signals |",
        "|---|---|---|---|",
    ]
    data = json.loads((Path(__file__).with_name("evidence.json")).read_text(encoding="utf-8"))
    for c in data["checks"]:
        items = " or ".join(" + ".join(f"`{f}`" for f in alt) for alt in c["items"])
        signals = []
        for s in c["signals"]:
            if "file" in s:
                how = "a file " + ", ".join(f"`{g}`" for g in s["file"])
            elif "import" in s:
                how = "a Python import of " + ", ".join(f"`{m}`" for m in s["import"])
            elif "package" in s:
                how = f"the package `{s['package']}` in a dependency file"
            else:
                how = (
                    "any of "
                    + ", ".join(f"`{n}`" for n in s["contains"])
                    + " in "
                    + ", ".join(f"`{g}`" for g in s["in"])
                )
            signals.append(f"{s['what']}: {how}" + ("" if s.get("strong", True) else " (weak)"))
        out.append(f"| `{c['id']}` | {c.get('module') or ''} | {items} | {'<br>'.join(signals)} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_docs())
