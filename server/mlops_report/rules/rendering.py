"""How the course's ``report.py html`` renders an answer, where the group's editor shows it otherwise."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..text import Span
from .context import QuestionContext
from .lines import finding, line_end
from .rule import Rule


def html_render(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    for b in q.answer.blocks:
        if b.kind == "table":
            msg = f"Question {q.number}: report.py html renders this table as plain text with | marks"
        elif b.kind == "fence":
            msg = f"Question {q.number}: report.py html renders this fenced code as inline code in a paragraph"
        else:
            continue
        yield finding("html-render", q, Span(b.span.start, line_end(c.text, b.span.start)), msg)


HTML_RENDER = Rule(
    "html-render",
    "information",
    "question",
    check=html_render,
    summary="A table or fenced code block: the course's `report.py html` (plain Markdown, no extensions) will not "
    "render it as the group sees it in its editor.",
    why="The hand-in page shows a table as raw `|` text and a fenced block as inline code in a paragraph.",
    example="A results table in question 13.",
    fix="Keep it if the editor view is what matters; otherwise use a list, or indent code by four spaces.",
)
