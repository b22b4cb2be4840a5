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
    main: bool = True  # it reached the course repository's main branch (else a pull request only)

    @property
    def table(self) -> tuple:
        """What decides its verdicts, comparable between versions: the answer count, the cut, the
        numbering and the limits of every question it checks."""
        return (
            self.slices_front_matter,
            self.expected,
            self.zero_based,
            tuple(sorted((n, lim) for n, lim in self.limits.items() if lim)),
        )

    @property
    def date(self) -> str:
        return self.id[:10]

    @property
    def commit(self) -> str:
        return self.id[11:]

    @property
    def slices_front_matter(self) -> bool:
        """Families before C drop the first 43 characters (the old Jekyll header) first."""
        return self.family != "C"


class Run(NamedTuple):
    """One course run: the groups hand in in January and the course grades every report with the
    ``report.py`` on its main branch at that time."""

    name: str  # "January 2026"
    alias: str  # "2026"
    handin: str | None  # ISO date of the hand-in state of main (a tag's commit date); None: not yet known
    tag: str | None  # "v2026january"; None while the run has no tag
    checker: str  # id of the final checker: the one that grades the run
    template: str  # id of the template on main at the hand-in


@dataclass(frozen=True)
class Edition:
    """One version of the template, with the course run it belongs to and the checker that grades
    that run."""

    id: str  # "<date>_<commit8>" of the template
    aliases: tuple[str, ...]
    label: str  # for people: "January 2026", "2026-01-04 (January 2026)"
    questions: int
    checklist_items: int
    front_matter: bool
    checker: CheckerSpec  # the final checker of its course run: the one that grades
    stated: dict[int, Limits]  # what the template's own text states
    fingerprints: dict[int, str]  # question number -> fingerprint of its instruction block
    checklist: frozenset[str] = frozenset()  # fingerprints of checklist item texts
    # question number -> fingerprints of (prompt, length line, example); None where absent
    parts: dict[int, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    run: Run | None = None  # None: an edition we have no data for
    merged: bool = True  # the template reached main (else a pull request only)
    preamble: frozenset[str] = frozenset()  # fingerprints of the introduction's lines

    @property
    def limits(self) -> dict[int, Limits]:
        return self.checker.limits
