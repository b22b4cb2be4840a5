"""Where fenced code starts and ends, with the containers CommonMark puts around it.

A fence opened inside a list item or a block quote is closed the way CommonMark closes it: by a
closing fence indented up to three spaces past the item's content indent (so four or more from
the margin), or by the end of its container. ``markdown-it-py`` is the reference, and it reads
the containers here: the scan of the top level is our own (it jumps from one line that could
open a container, a fence or a heading to the next), and where a block quote or list item
begins it hands markdown-it that stretch of lines, from the start of the paragraph around it to
the first line that surely ends every container (one at the margin, after a blank line, that
opens no quote or list item). A stretch without a fence mark is not parsed at all: no line in it
can be inside fenced code. Each line is read a bounded number of times: the scan is linear.

``scan(text, lines)`` gives the lines that look like ATX headings and are not inside fenced
code, and the line range of every fence.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .text import LineIndex

_MARKS = r"( {0,3}(?:([#`~])|>|[-+*](?=[ \t\r\n]|\Z)|\d{1,9}[.)](?=[ \t\r\n]|\Z)))"
# a line that may open a container, a fence or a heading: up to three spaces, then the mark; each
# pattern starts with the line break before it, so that the search skips ahead at C speed
_OPENER = {"\n": re.compile(r"\n" + _MARKS), "\r": re.compile(r"[\r\n]" + _MARKS)}
_FIRST_OPENER = re.compile(r"\ufeff?" + _MARKS)
_CLOSER = {"\n": re.compile(r"\n( {0,3}(?:`{3,}|~{3,}))"), "\r": re.compile(r"[\r\n]( {0,3}(?:`{3,}|~{3,}))")}
_HASH_LINE = {"\n": re.compile(r"\n( {0,3}#)"), "\r": re.compile(r"[\r\n]( {0,3}#)")}
_HEADING = re.compile(r"\ufeff? {0,3}#{1,6}(?:[ \t]|$)")
_BLANK = re.compile(r"[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
# a blank line, then a line at the margin that is neither blank, nor a quote, nor a list item
_MARGIN = r"(?=[^ \t\r\n>])(?![-+*](?:[ \t\r\n]|\Z))(?!\d{1,9}[.)](?:[ \t\r\n]|\Z))"
_BEYOND_CONTAINERS = {
    "\n": re.compile(r"\n[ \t]*\n" + _MARGIN),
    "\r": re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r(?!\n)|\n)" + _MARGIN),
}


class Scan(NamedTuple):
    headings: list[int]  # lines that look like ATX headings (up to three spaces, then #) outside fenced code
    fences: list[tuple[int, int]]  # (first line, last line) of each fence, both inside it
    # the stretches markdown-it reads for their containers: (first line, line after the last,
    # whether a fence mark is in it)
    containers: list[tuple[int, int, bool]]


def scan(text: str, lines: LineIndex) -> Scan:
    kind = "\r" if "\r" in text else "\n"
    opener, beyond = _OPENER[kind], _BEYOND_CONTAINERS[kind]
    headings: list[int] = []
    fences: list[tuple[int, int]] = []
    containers: list[tuple[int, int, bool]] = []
    count = lines.line_count
    end = count - 1 if count > 1 and text[-1:] in "\r\n" else count  # no line after a final break
    n = 0
    fresh = 0  # the first line since which nothing is open at the top level
    while n < end:
        m = _FIRST_OPENER.match(text) if n == 0 else None
        if m is None:
            m = opener.search(text, lines.starts[n] - 1 if n else 0)
            if m is None:
                break
        at = lines.line_of(m.start(1))
        if at >= end:
            break
        line = text[lines.starts[at] : lines.line_end(at)]
        mark = m.group(2)
        if mark == "#":
            if _HEADING.match(line):
                headings.append(at)
                fresh = at + 1
            n = at + 1
            continue
        if mark is not None:  # ` or ~
            fence = _opens(line.lstrip("\ufeff"))
            if fence is None:
                n = at + 1
                continue
            close = _close(text, lines, kind, fence, at + 1, end)
            last = close if close is not None else _last_of_open_fence(text, lines, at, end, count)
            fences.append((at, last))
            n = fresh = last + 1
            continue
        # a block quote or list item: markdown-it reads from the paragraph it may belong to
        start = at
        while start > fresh and not _BLANK.fullmatch(text, lines.starts[start - 1], lines.line_end(start - 1)):
            start -= 1
        found = beyond.search(text, lines.starts[at])
        stop = lines.line_of(found.end()) if found is not None else end
        marked, still_open = _containers(text, lines, kind, start, stop, headings, fences)
        if still_open is not None and stop < end:
            # a fence at the top level of the stretch runs on past its end
            close = _close(text, lines, kind, still_open, stop, end)
            first, _ = fences.pop()
            stop = (close if close is not None else _last_of_open_fence(text, lines, first, end, count)) + 1
            fences.append((first, stop - 1))
        containers.append((start, stop, marked))
        n = fresh = stop
    return Scan(headings, fences, containers)


def beyond_containers(text: str, lines: LineIndex, pos: int) -> int | None:
    """The start of the first line at or after the line break after ``pos`` where no block quote
    or list item can still be open: one at the margin, after a blank line, that opens neither."""
    found = _BEYOND_CONTAINERS["\r" if "\r" in text else "\n"].search(text, pos)
    return found.end() if found is not None else None


def _opens(line: str) -> tuple[str, int] | None:
    m = _FENCE.match(line)
    if m is None or (m.group(1)[0] == "`" and "`" in m.group(2)):
        return None
    return m.group(1)[0], len(m.group(1))


def _close(text: str, lines: LineIndex, kind: str, fence: tuple[str, int], n: int, end: int) -> int | None:
    """The line that closes a fence opened at the top level, looking from line ``n``."""
    closer = _CLOSER[kind]
    while n < end:
        m = closer.search(text, lines.starts[n] - 1)
        if m is None:
            return None
        at = lines.line_of(m.start(1))
        if at >= end:
            return None
        if _closes(text, lines, at, fence[0] * fence[1]):
            return at
        n = at + 1
    return None


def _last_of_open_fence(text: str, lines: LineIndex, start: int, end: int, count: int) -> int:
    """A fence never closed runs to the end, but (as markdown-it reads it) not onto a last line
    of white space that has no line break after it."""
    last = end - 1
    if last == count - 1 and last > start and not text[lines.starts[last] :].strip():
        last -= 1
    return last


def _containers(
    text: str, lines: LineIndex, kind: str, start: int, stop: int, headings: list[int], fences: list[tuple[int, int]]
) -> tuple[bool, tuple[str, int] | None]:
    """Lines ``start`` to ``stop`` (exclusive): their fences as markdown-it reads them, and the
    heading-like lines outside those fences. Returns whether a fence mark is in them, and the
    fence of the last one when it is at the top level and still open at the end of the stretch."""
    begin = lines.starts[start]
    finish = lines.starts[stop] if stop < lines.line_count else len(text)
    inside: set[int] = set()
    still_open = None
    marked = text.find("```", begin, finish) >= 0 or text.find("~~~", begin, finish) >= 0
    if marked:
        found = []
        for tok in markdown().parse(text[begin:finish]):
            if tok.type == "fence" and tok.map is not None:
                first, after = tok.map
                found.append((start + first, start + max(first, after - 1)))
                still_open = None
                if tok.level == 0 and start + after >= stop and not _closes(text, lines, start + after - 1, tok.markup):
                    still_open = (tok.markup[0], len(tok.markup))
        for first, last in found:
            inside.update(range(first, last + 1))
        fences.extend(found)
    if text.find("#", begin, finish) >= 0:
        hashes = _HASH_LINE[kind]
        candidates = [start] if _HEADING.match(text, begin, lines.line_end(start)) else []
        candidates += [lines.line_of(m.start(1)) for m in hashes.finditer(text, begin, finish)]
        headings.extend(
            n
            for n in candidates
            if n < stop and n not in inside and _HEADING.match(text, lines.starts[n], lines.line_end(n))
        )
    return marked, still_open


def _closes(text: str, lines: LineIndex, n: int, markup: str) -> bool:
    """Whether line ``n`` closes a fence opened with ``markup``."""
    f = _FENCE.match(text, lines.starts[n], lines.line_end(n))
    return f is not None and f.group(1)[0] == markup[0] and len(f.group(1)) >= len(markup) and not f.group(2).strip()


_MD = None


def markdown():
    """One markdown-it-py parser: CommonMark plus tables (what a group's editor preview shows).
    Only block structure is read: the inline pass would cost a third of every parse."""
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
    return _MD
