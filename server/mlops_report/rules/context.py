"""What a rule sees: the context of one question, or of the whole document.

A question rule declares which fields of ``QuestionContext`` it reads beyond its own question
(``Rule.reads``); the analysis keeps each question's findings under a key made of the question
(its parse by identity, its number and section) and, for every field some question rule reads,
that field's part below. A field no rule reads is not in the key, so an edit that changes only
it reuses the findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..checker import CheckerAnswer, CheckerView
    from ..disk import Disk
    from ..editions import Detection, Judge, Limits
    from ..editions.local import LocalChecker
    from ..evidence import Evidence
    from ..parse import Question, Report
    from ..settings import Settings


class QuestionContext(NamedTuple):
    question: Question  # its spans index into ``text``; reading its own part of the text needs no declaration
    text: str  # the whole document
    counted: CheckerAnswer | None  # what the official checker counts for this answer
    limits: Limits  # the limits the checker applies to it
    last: bool  # the last question: the checker never truncates it
    disk: Disk | None  # None: the report is not saved
    figures_dir: str
    linked: frozenset[str]  # image paths (relative to the report) linked anywhere in the report
    references: dict[str, str]
    edited: str | None  # how the instructions differ from the edition's, if they do
    restore: str | None  # the original instruction text, when it is at hand

    @property
    def trailing(self) -> str:
        """The text after the last question, to the end of the file ("" for any other)."""
        return self.text[self.question.span.end :] if self.last else ""


def _counted(c: QuestionContext) -> Hashable:
    counted, base = c.counted, c.question.span.start
    if counted is None:
        return None
    cut = None if counted.cut is None else counted.cut - base
    return (counted.words, counted.images, cut, counted.counted.start - base, counted.counted.end - base)


# each field a question rule may read -> its part of the per-question cache key (offsets
# relative to the question, so findings move with it)
KEYS: dict[str, Callable[[QuestionContext], Hashable]] = {
    "text": lambda c: c.text,  # the whole document: every edit anywhere runs the rule again
    "counted": _counted,
    "limits": lambda c: c.limits,
    "last": lambda c: c.last,
    "disk": lambda c: c.disk,
    "figures_dir": lambda c: c.figures_dir,
    "linked": lambda c: c.linked,
    "references": lambda c: tuple(sorted(c.references.items())),
    "edited": lambda c: c.edited,
    "restore": lambda c: c.restore,
    "trailing": lambda c: c.trailing,
}

# the fields an edit inside one question can change for the others; when one a rule reads
# changed, the analysis looks up every question again instead of moving their findings
WIDE = ("text", "linked", "references")

QUESTION_FIELDS = frozenset(KEYS)


class DocumentContext(NamedTuple):
    report: Report
    detection: Detection
    view: CheckerView
    judge: Judge | None  # the checker the report is judged by, and why that one
    local: LocalChecker | None  # the report.py beside the report, if any
    disk: Disk | None
    settings: Settings
    repo: Any  # the hand-in's repository context (repo.handin.Handin), if any
    evidence: Evidence | None  # what the repository shows of the checklist


def _figures(c: DocumentContext) -> Hashable:
    """Every figure of every answer (relative to its question) and the reference definitions."""
    return (
        tuple((q.number, q.shape.answer.figures) for q in c.report.questions if q.shape.answer.figures),
        tuple(sorted(c.report.references.items())),
    )


def _checklist(c: DocumentContext) -> Hashable:
    """Every checklist item, where it stands (an edit above the checklist changes the key)."""
    return tuple(c.report.checklist)


_PLAIN = re.compile(r"[A-Za-z0-9._/-]*")


def _names(c: DocumentContext) -> Hashable:
    """The whole document when a figure's target (or a reference definition) has a character
    that may make an unsafe file name, whose rename fix looks for the name in the whole text;
    else None."""
    report = c.report
    plain = all(_PLAIN.fullmatch(f.target) for q in report.questions for f in q.shape.answer.figures) and all(
        _PLAIN.fullmatch(v) for v in report.references.values()
    )
    return None if plain else report.text


def _headings(c: DocumentContext) -> Hashable:
    """The report's title and every question's number and section, in order."""
    title = c.report.title
    return (None if title is None else title.title, tuple((q.number, q.section) for q in c.report.questions))


def _numbering(c: DocumentContext) -> Hashable:
    """Every question's number, in order, the number of questions the edition has, and the
    parse of each question followed by a gap in the numbering (its answer may hold the
    instructions of the questions missing there)."""
    qs = c.report.questions
    total = c.detection.edition.questions if c.detection is not None else 0
    numbers = tuple(q.number for q in qs)
    following = (*numbers[1:], total + 1)
    return numbers, total, tuple(q.shape for q, n in zip(qs, following, strict=True) if n != q.number + 1)


# each field a document rule may read -> its part of the document rule's key. A document
# rule's findings are kept with the last analysis of the document under the key of the fields
# it reads; after an edit that leaves the key as it was, touches none of the findings' spans
# (nor their fixes') and makes or removes no line, they are taken over, those after the edit
# moved by its length. "report" is the whole document: a rule reading it runs on every analysis.
DOCUMENT_KEYS: dict[str, Callable[[DocumentContext], Hashable]] = {
    "report": lambda c: c.report.text,
    "figures": _figures,
    "checklist": _checklist,
    "names": _names,
    "headings": _headings,
    "numbering": _numbering,
    # whether the checker crashes; when it does, the cause is read from the whole document
    "crash": lambda c: None if not c.view.crashes else c.report.text,
    # the objects below are kept across an edit only when they are the same (by identity)
    "detection": lambda c: c.detection,
    "view": lambda c: c.view,
    "judge": lambda c: c.judge,
    "local": lambda c: c.local,
    "disk": lambda c: c.disk,
    "settings": lambda c: c.settings,
    "repo": lambda c: c.repo,
    "evidence": lambda c: c.evidence,
}

# the fields whose key changes with every edit: a rule reading one runs on every analysis
EVERY_EDIT = frozenset({"report", "view"})

DOCUMENT_FIELDS = frozenset(DOCUMENT_KEYS)


# conditions of reads (``rule.when``)


def asks_figures(c: QuestionContext) -> bool:
    """The question has a figure limit: only then may its fixes offer the unlinked figures."""
    return c.limits.images is not None


def has_reference_figures(c: QuestionContext) -> bool:
    """The answer has a reference-style figure: only those read the reference definitions."""
    return any(f.kind == "reference" for f in c.question.shape.answer.figures)
