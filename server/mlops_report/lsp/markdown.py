"""Report text inside the markdown the server sends (hovers, completion previews): shortened,
on one line, and unable to add markdown of its own (links, images, HTML)."""

from __future__ import annotations

import re

QUOTED = 200  # characters of report text quoted at most
# the marks that can start inline markup on one line: emphasis, code, links and images, HTML and
# entities, strikethrough, table cells, math; escaping them leaves the text as it reads
_MARK = re.compile(r"([\\`*_\[\]<>!&~|$#])")
_SPACE = re.compile(r"\s")
_TICKS = re.compile(r"`+")


def _one_line(s: str, limit: int) -> str:
    if len(s) > limit:
        s = s[:limit] + "…"
    return _SPACE.sub(" ", s)


def literal(s: str, limit: int = QUOTED) -> str:
    """Report text as plain words in markdown: every mark that could format it escaped."""
    return _MARK.sub(r"\\\1", _one_line(s, limit))


def code(s: str, limit: int = QUOTED) -> str:
    """Report text as an inline code span, fenced with more backticks than it holds."""
    s = _one_line(s, limit)
    if not s.strip():
        return literal(s)
    fence = "`" * (max((len(m.group()) for m in _TICKS.finditer(s)), default=0) + 1)
    pad = " " if s[0] in "` " or s[-1] in "` " else ""
    return f"{fence}{pad}{s}{pad}{fence}"
