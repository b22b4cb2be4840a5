"""The text of answers that the official checker does not read: what it drops before a stray
``Answer:`` and what it cuts after a ``##``. Editors show it faded (lsp/ignored.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .text import LineIndex, Span

if TYPE_CHECKING:
    from .analysis import Analysis
    from .checker import CheckerAnswer
    from .parse import Question


class Ignored(NamedTuple):
    question: int
    span: Span
    why: str


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """``start:end`` without the white space at either end; None when nothing else is there."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    return Span(start + lead, start + lead + len(body)) if body else None


# what a stretch holds: (kind, start, end, where the counted chunk starts), offsets from the
# question's start; kinds:
BEFORE = "before"  # what the checker drops before a stray 'Answer:'
CUT = "cut"  # what it cuts after a '##'


def stretches(
    text: str, q: Question, counted: CheckerAnswer | None, last: bool
) -> tuple[tuple[str, int, int, int], ...]:
    """The stretches of question ``q``'s answer that the checker does not count (judged by
    ``counted``), from the question's start: the analysis keeps them with the question's
    findings, so a keystroke elsewhere finds them again without looking."""
    if counted is None:
        return ()
    base = q.span.start
    # the answer's span from its shape: reading ``q.answer`` would place every figure and
    # block of every question again after each edit above it
    shape = q.shape.answer.span
    start, end = base + shape.start, base + shape.end
    chunk = counted.chunk.start
    out = []
    if start < chunk <= end:
        span = _trimmed(text, start, chunk)
        if span is not None:
            out.append((BEFORE, span.start - base, span.end - base, chunk - base))
    cut = counted.cut
    if cut is not None and not last and max(start, chunk) <= cut < end:
        span = _trimmed(text, cut, end)
        if span is not None:
            out.append((CUT, span.start - base, span.end - base, chunk - base))
    return tuple(out)


def placed(lines: LineIndex, number: int, stretch: tuple[str, int, int, int], shift: int) -> Ignored:
    """A stretch of question ``number`` moved by ``shift`` (its question's start), with the reason."""
    kind, start, end, chunk = stretch
    if kind == BEFORE:
        line = lines.line_of(chunk + shift) + 1
        why = (
            f"Question {number}: report.py check does not count this text. It splits the report at every "
            f"'Answer:', and the piece that ends at the 'Answer:' on line {line} holds no '###', so it is "
            "dropped; the answer is counted from there."
        )
    else:
        why = (
            f"Question {number}: report.py check does not count this text. It stops reading an answer at "
            "its first '##' (a heading, a '## comment', '##' in a link), so nothing from there to the next "
            "question is counted."
        )
    return Ignored(number, Span(start + shift, end + shift), why)


def ignored(analysis: Analysis) -> list[Ignored]:
    """Every stretch of an answer the checker does not count, with the reason in words."""
    lines = analysis.report.lines
    return [placed(lines, number, x, shift) for number, found, shift in analysis.faded for x in found]


def ignored_at(analysis: Analysis, offset: int) -> Ignored | None:
    return next((x for x in ignored(analysis) if x.span.start <= offset < x.span.end), None)
