"""Names for figure files: the name a pasted or dropped image gets, and a safe name for a file
whose name needs encoding in a link.

A safe name holds only ASCII letters, digits, ``.``, ``-`` and ``_``: it needs no ``%20`` or
``<...>`` in a link, so the official checker counts the link and CommonMark renders it the same.
A new name never takes one that is already there, compared without case (Windows and macOS
would overwrite ``Q14-1.png`` with ``q14-1.png``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SAFE_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
MAX_TRIES = 10_000  # q14-1 ... q14-10000: a folder holding more is not one a report links


def is_safe(name: str) -> bool:
    """Whether ``name`` (one path component) needs no encoding in a link."""
    return SAFE_CHARS.fullmatch(name) is not None


def unsafe_characters(name: str) -> list[str]:
    """The distinct characters of ``name`` that need encoding, in order of appearance."""
    seen: dict[str, None] = {}
    for ch in name:
        if SAFE_CHARS.fullmatch(ch) is None:
            seen.setdefault(ch, None)
    return list(seen)


def described(chars: list[str]) -> str:
    """``a space, '(' and 'é'``."""
    names = ["a space" if c == " " else "a tab" if c == "\t" else repr(c) for c in chars[:5]]
    if len(chars) > 5:
        names.append(f"{len(chars) - 5} more")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def safe_stem(stem: str) -> str:
    """``stem`` with accents dropped and every run of other characters turned into one ``-``."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    out = _DASHES.sub("-", _UNSAFE_RUN.sub("-", ascii_text)).strip("-.")
    return out or "figure"


def split_suffix(name: str) -> tuple[str, str]:
    """(stem, suffix with its dot); a name without a dot, or starting with its only dot, has none."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:]


def free_name(stem: str, suffix: str, taken: Iterable[str], first: int | None = None) -> str | None:
    """``stem + suffix``, or ``stem-N + suffix`` with the smallest N from ``first`` on, that no
    name in ``taken`` equals without case; None after ``MAX_TRIES`` tries."""
    lower = {t.lower() for t in taken}
    if first is None:
        if (stem + suffix).lower() not in lower:
            return stem + suffix
        first = 2
    for n in range(first, first + MAX_TRIES):
        candidate = f"{stem}-{n}{suffix}"
        if candidate.lower() not in lower:
            return candidate
    return None


def safe_name(name: str, taken: Iterable[str]) -> str | None:
    """A safe name for the file ``name`` that takes no name in ``taken`` (the other files of its
    folder): ``my shot (1).PNG`` -> ``my-shot-1.PNG``."""
    stem, suffix = split_suffix(name)
    return free_name(safe_stem(stem), "." + safe_stem(suffix[1:]) if suffix else "", taken)


def figure_name(question: int | None, suffix: str, taken: Iterable[str]) -> str | None:
    """The name a new figure of ``question`` gets in a folder holding ``taken``: ``q14-1.png``,
    then ``q14-2.png``; ``figure-1.png`` outside every question."""
    suffix = "." + (safe_stem(suffix.lstrip(".")).lower() or "png")
    stem = f"q{question}" if question is not None else "figure"
    return free_name(stem, suffix, taken, first=1)


def link(alt: str, relative: str) -> str:
    """``![alt](relative)``, written by ``links.figure_link`` like every other figure link."""
    from .links import figure_link

    return figure_link(alt, relative)
