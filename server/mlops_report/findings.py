"""What analysis produces: findings, and the fixes they offer as pure text edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .text import Span, moved

SEVERITIES = ("error", "warning", "information", "hint")


class Edit(NamedTuple):
    """Replace ``span`` of the document with ``new_text``."""

    span: Span
    new_text: str

    def shifted(self, d: int) -> Edit:
        return Edit(self.span.shifted(d), self.new_text)


class Move(NamedTuple):
    """Rename a file, never onto an existing one. Paths are absolute."""

    source: str
    target: str


class Fix(NamedTuple):
    title: str
    kind: str  # the code action kind's last part: quickfix.mlopsReport.<kind>
    edits: tuple[Edit, ...]
    moves: tuple[Move, ...] = ()
    safe: bool = True  # may run unattended in "fix all"

    def shifted(self, d: int) -> Fix:
        return Fix(self.title, self.kind, tuple([e.shifted(d) for e in self.edits]), self.moves, self.safe)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    question: int  # 0: the whole document
    span: Span
    message: str
    fixes: tuple[Fix, ...] = ()
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def shifted(self, d: int) -> Finding:
        if d == 0:
            return self
        if not self.fixes:
            return moved(self, span=self.span.shifted(d))
        return moved(self, span=self.span.shifted(d), fixes=tuple([f.shifted(d) for f in self.fixes]))


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """Apply non-overlapping edits (in any order) to ``text``."""
    out = text
    for e in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        out = out[: e.span.start] + e.new_text + out[e.span.end :]
    return out
