"""A rule: one finding code and everything about it, declared once beside its check.

A family module (``counts.py``, ``figures.py``...) defines a check, a function from a context
to findings, and after it the ``Rule`` of each code the check reports: its default level, where
it runs (once per question or once per document), the context fields it reads, the kinds of
fix it offers and its documentation. ``registry.py`` collects the rules of every family;
docs/rules.md, ``mlops-report rule``, the settings and the analysis all read them there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass
from typing import Any, NamedTuple

from ..findings import SEVERITIES, Finding
from .context import DOCUMENT_FIELDS, QUESTION_FIELDS

SCOPES = ("question", "document")

Check = Callable[[Any], Iterable[Finding]]  # a QuestionContext or a DocumentContext -> findings


class Read(NamedTuple):
    """A context field a rule reads; with ``when``, only in the contexts where ``when`` holds
    (the per-question cache keys the field only there)."""

    field: str
    when: Callable[[Any], bool] | None = None


def when(field: str, condition: Callable[[Any], bool]) -> Read:
    """``field`` is read only in the contexts where ``condition`` holds."""
    return Read(field, condition)


@dataclass(frozen=True, eq=False)
class Rule:
    code: str
    severity: str  # the default level, when something is at stake
    scope: str  # "question": the check runs once per question; "document": once per document
    _: KW_ONLY
    check: Check  # several rules may share one check; it runs once
    summary: str
    why: str
    example: str
    fix: str
    reads: tuple[str | Read, ...] = ()  # context fields beyond the question itself
    fixes: tuple[str, ...] = ()  # the kinds of fix it may offer (quickfix.mlopsReport.<kind>)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES or self.scope not in SCOPES:
            raise ValueError(f"{self.code}: severity {self.severity!r} or scope {self.scope!r} unknown")
        fields = QUESTION_FIELDS if self.scope == "question" else DOCUMENT_FIELDS
        unknown = [r.field for r in self.read if r.field not in fields]
        if unknown:
            raise ValueError(f"{self.code} reads {', '.join(unknown)}: not fields of its {self.scope} context")

    @property
    def read(self) -> tuple[Read, ...]:
        return tuple(r if isinstance(r, Read) else Read(r) for r in self.reads)
