"""The text of answers that the official checker does not read: what it drops before a stray
``Answer:`` and what it cuts after a ``##``. Editors show it faded (lsp/ignored.py)."""

from __future__ import annotations

from typing import NamedTuple

from .analysis import Analysis
from .text import Span


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


def ignored(analysis: Analysis) -> list[Ignored]:
    """Every stretch of an answer the checker does not count, with the reason in words."""
    view = analysis.view
    if not analysis.is_report or view is None or view.crashes:
        return []
    text = analysis.report.text
    questions = analysis.report.questions
    out: list[Ignored] = []
    for i, q in enumerate(questions):
        counted = analysis.counted(i)
        if counted is None:
            continue
        # the answer's span from its shape: reading ``q.answer`` would place every figure and
        # block of every question again after each edit above it
        shape = q.shape.answer.span
        start, end = q.span.start + shape.start, q.span.start + shape.end
        if start < counted.chunk.start <= end:
            span = _trimmed(text, start, counted.chunk.start)
            if span is not None:
                line = analysis.report.lines.line_of(counted.chunk.start) + 1
                out.append(
                    Ignored(
                        q.number,
                        span,
                        (
                            f"Question {q.number}: report.py check does not count this text. It splits the report "
                            f"at every 'Answer:', and the piece that ends at the 'Answer:' on line {line} holds no "
                            "'###', so it is dropped; the answer is counted from there."
                        ),
                    )
                )
        cut = counted.cut
        if cut is not None and i < len(questions) - 1 and max(start, counted.chunk.start) <= cut < end:
            span = _trimmed(text, cut, end)
            if span is not None:
                out.append(
                    Ignored(
                        q.number,
                        span,
                        (
                            f"Question {q.number}: report.py check does not count this text. It stops reading an "
                            "answer at its first '##' (a heading, a '## comment', '##' in a link), so nothing from "
                            "there to the next question is counted."
                        ),
                    )
                )
    return out


def ignored_at(analysis: Analysis, offset: int) -> Ignored | None:
    return next((x for x in ignored(analysis) if x.span.start <= offset < x.span.end), None)
