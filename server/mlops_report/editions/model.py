"""What an edition of the report template is, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

Range = tuple[int, int]


class Limits(NamedTuple):
    """Inclusive (min, max) bounds; None where nothing is checked."""

    words: Range | None = None
    images: Range | None = None

    def __bool__(self) -> bool:
        return self.words is not None or self.images is not None


@dataclass(frozen=True)
class CheckerSpec:
    """One version of the course's ``report.py check`` as far as its verdict goes."""

    id: str  # "<date>_<commit8>"
    family: str  # "draft" (checks nothing), "A" (click), "B" (typer), "C" (typer + pydantic)
    expected: int | None  # the answer count it insists on; None: it never checks
    limits: dict[int, Limits] = field(default_factory=dict)
    zero_based: bool = False  # its messages number questions from 0
    note: str = ""

    @property
    def slices_front_matter(self) -> bool:
        """Families before C drop the first 43 characters (the old Jekyll header) first."""
        return self.family != "C"


@dataclass(frozen=True)
class Edition:
    """One version of the template, with the checker that judged reports written in it."""

    id: str  # "<date>_<commit8>" of the template
    aliases: tuple[str, ...]
    label: str  # for people: "January 2026", "2024-06-18 (main)"
    questions: int
    checklist_items: int
    front_matter: bool
    checker: CheckerSpec
    stated: dict[int, Limits]  # what the template's own text states
    fingerprints: dict[int, str]  # question number -> fingerprint of its instruction block
    checklist: frozenset[str] = frozenset()  # fingerprints of checklist item texts
    sections: tuple[str, ...] = ()  # section titles in order
    # question number -> fingerprints of (prompt, length line, example); None where absent
    parts: dict[int, tuple[str | None, str | None, str | None]] = field(default_factory=dict)

    @property
    def limits(self) -> dict[int, Limits]:
        return self.checker.limits
