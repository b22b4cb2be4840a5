"""What the question rules share: building a finding, the checker's verdict with a count
replaced, and line arithmetic on the document's text (lines break at \r\n, \r and \n)."""

from __future__ import annotations

import re
from dataclasses import replace

from ..findings import Finding, Fix
from ..parse import Figure, Question
from ..text import Span
from .context import QuestionContext


def finding(code: str, q: Question, span: Span, message: str, *fixes: Fix, **data) -> Finding:
    return Finding(code, "", q.number, span, message, tuple(fixes), data)


def quiet(f: Finding, stakes: bool) -> Finding:
    """``f`` at its rule's level when something is at stake (the course's checker or the
    hand-in page says something else because of it), else as information."""
    return f if stakes else replace(f, severity="information")


def within(n: int, limits: tuple[int, int] | None) -> bool:
    return limits is None or limits[0] <= n <= limits[1]


def passes(c: QuestionContext, words: int | None = None, images: int | None = None) -> bool:
    """The checker's verdict on the answer, with its word or figure count replaced."""
    counted = c.counted
    if counted is None:
        return False
    return within(counted.words if words is None else words, c.limits.words) and within(
        counted.images if images is None else images, c.limits.images
    )


def short(c: QuestionContext) -> bool:
    """The checker fails the answer for too few words or figures."""
    counted, lim = c.counted, c.limits
    if counted is None:
        return False
    return (lim.words is not None and counted.words < lim.words[0]) or (
        lim.images is not None and counted.images < lim.images[0]
    )


def range_text(r: tuple[int, int]) -> str:
    return f"{r[0]}-{r[1]}" if r[0] != r[1] else f"{r[0]}"


def target_of(c: QuestionContext, fig: Figure) -> str:
    if fig.kind == "reference":
        return c.references.get(fig.target.lower() or fig.alt.lower(), "")
    return fig.target


_BREAK = re.compile(r"[\r\n]")


def line_end(text: str, pos: int) -> int:
    """The end of the line holding ``pos``: its first line break at or after ``pos``."""
    if pos >= len(text):
        return pos
    m = _BREAK.search(text, pos)
    return m.start() if m else len(text)


def line_start(text: str, pos: int) -> int:
    """The start of the line holding ``pos`` (right after the last line break before it)."""
    k = text.rfind("\n", 0, pos)
    return max(k, text.rfind("\r", k + 1, pos)) + 1


def next_line(text: str, eol: int) -> int:
    if text.startswith("\r\n", eol):
        return eol + 2
    return eol + 1


_QUOTE_MARKS = re.compile(r"[ \t]{0,3}>[ \t>]*")


def quoted_label(text: str, label: Span) -> bool:
    """Whether ``Answer:`` at ``label`` stands at the start of a quote line, as the template
    writes its label (``> Answer:``)."""
    start = line_start(text, label.start)
    return label.start > start and _QUOTE_MARKS.fullmatch(text, start, label.start) is not None
