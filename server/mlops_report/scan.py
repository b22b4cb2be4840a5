"""Linear scans of the markdown constructs the parser and the checker view look for.

Each function finds exactly what a regular expression (quoted in its docstring) finds with
``finditer``, in time linear in the text. The expressions read well but backtrack: from every
``![`` of a line of ten thousand, ``[^\\]]*`` runs to the same far ``]``, and a lazy ``.*?``
before a literal retries the rest of the line at every character. The scans below use two
facts instead: every start before the ``]`` (or ``>``) that ends a construct's first part
shares what follows it, so a start that fails lets the scan jump past that character; and
each "first X at or after here" question is asked with positions that only grow, so a
``Seeker`` remembers its last answer and never reads a character twice.
``tests/unit/test_scan.py`` compares every scan with its expression on random text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

_NOT_SPACE = re.compile(r"\S")
_SPACE = re.compile(r"\s")
_SPACE_OR_PAREN = re.compile(r"[\s)]")
_SPACE_OR_GT = re.compile(r"[\s>]")
_NOT_BLANK = re.compile(r"[^ \t]")
_LINE_BREAK = re.compile(r"[\r\n]")
_BACKTICKS = re.compile(r"`+")
_IMG_OPEN = re.compile(r"<img\b", re.IGNORECASE)
_SRC = re.compile(r"\bsrc", re.IGNORECASE)
_SRC_IS = re.compile(r"src\s*=\s*", re.IGNORECASE)
_IMAGE_EXT_END = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)\Z", re.IGNORECASE)
_QUOTES = ('"', "'")
_OPENING_HASHES = re.compile(r"[ \t]*#+[ \t]*")


class Seeker:
    """The first match of a pattern at or after a position (``len(text)`` when there is none).
    The last answer is remembered: no match starts between the position asked and the answer,
    so a later question inside that range costs nothing. Asked with positions that never
    decrease, it reads each character once."""

    __slots__ = ("hi", "lo", "pattern", "text")

    def __init__(self, text: str, pattern: re.Pattern[str] | str) -> None:
        self.text = text
        self.pattern = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        self.lo, self.hi = 1, 0  # nothing remembered

    def __call__(self, x: int) -> int:
        if self.lo <= x <= self.hi:
            return self.hi
        m = self.pattern.search(self.text, x)
        self.lo, self.hi = x, m.start() if m else len(self.text)
        return self.hi


class Hit(NamedTuple):
    """One match: its span and the spans of its groups."""

    start: int
    end: int
    groups: tuple[tuple[int, int], ...]


# -- one heading line -----------------------------------------------------------------------------


def heading_line(line: str) -> tuple[int, str] | None:
    """(level, title) of an ATX heading line as
    ``" {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$"`` reads it (the title stripped),
    or None. ``line`` holds no line break."""
    i = 0
    while i < 3 and line.startswith(" ", i):
        i += 1
    j = len(line) - len(line[i:].lstrip("#"))
    level = j - i
    if not 1 <= level <= 6:
        return None
    if j == len(line):
        return level, ""
    if line[j] not in " \t":
        return None
    a = len(line) - len(line[j:].lstrip(" \t"))  # the title's first character
    e = len(line.rstrip(" \t"))
    if a >= e:
        return level, ""
    s = len(line[:e].rstrip("#"))  # a closing run of # ends the line, after a blank
    if s < e and s > a and line[s - 1] in " \t":
        e = len(line[:s].rstrip(" \t"))
    return level, line[a:e].strip()


def heading_text(line: str) -> str:
    """A heading's text without its opening and closing runs of #, as
    ``re.sub(r"^[ \\t]*#+[ \\t]*|[ \\t]+#+[ \\t]*$", "", line).strip()`` gives it (that
    expression retries a long run of blanks at each of its characters)."""
    if line.endswith("\n"):  # where its $ also matches
        line = line[:-1]
    m = _OPENING_HASHES.match(line)
    head = m.end() if m else 0
    end = len(line)
    last = len(line.rstrip(" \t"))
    hashes = len(line[:last].rstrip("#"))  # a closing run of #, after a blank, ends the heading
    if head < hashes < last and line[hashes - 1] in " \t":
        blank = len(line[:hashes].rstrip(" \t"))
        if blank >= head:
            end = blank
    return line[head:end].strip()


# -- code spans -------------------------------------------------------------------------------------


def code_spans(text: str) -> list[tuple[int, int]]:
    """The spans ``(`+)(?:.|\\n)*?(?<!`)\\1(?!`)`` matches: a run of backticks up to the first
    later run of exactly its length, or, failing that, of the longest shorter length found
    later (the expression gives up opening backticks one by one)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    close: list[int] = [-1] * len(runs)
    first_of: dict[int, int] = {}  # length -> the nearest later run of that length
    lengths: list[int] = []  # the lengths present later, sorted; at most sqrt(2n) of them
    for i in range(len(runs) - 1, -1, -1):
        size = runs[i][1] - runs[i][0]
        k = bisect.bisect_right(lengths, size) - 1
        if k >= 0:
            close[i] = first_of[lengths[k]]
        if size not in first_of:
            bisect.insort(lengths, size)
        first_of[size] = i
    out = []
    i = 0
    while i < len(runs):
        j = close[i]
        if j < 0:
            i += 1
            continue
        out.append((runs[i][0], runs[j][1]))
        i = j + 1
    return out


# -- figures ----------------------------------------------------------------------------------------


class _Tail:
    """The end of ``(?:\\s+(?:"[^"]*"|'[^']*'))?\\s*\\)`` matched at a position, or -1. One per
    place it is asked from, so each one's positions only grow."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.blank = Seeker(text, _NOT_SPACE)
        self.close = {q: Seeker(text, q) for q in _QUOTES}
        self.after = {q: Seeker(text, _NOT_SPACE) for q in _QUOTES}

    def __call__(self, t: int) -> int:
        text = self.text
        d = self.blank(t)
        q = text[d : d + 1]
        if d > t and q in _QUOTES:
            c = self.close[q](d + 1)
            if c < len(text):
                f = self.after[q](c + 1)
                if text[f : f + 1] == ")":
                    return f + 1
        return d + 1 if q == ")" else -1


def _image_opening(text: str, pos: int) -> tuple[int, int] | None:
    """The next ``![`` at or after ``pos`` and the first ``]`` after it (None: no such pair,
    now or later)."""
    p = text.find("![", pos)
    j = text.find("]", p + 2) if p >= 0 else -1
    return (p, j) if j >= 0 else None


def inline_images(text: str) -> list[Hit]:
    """``!\\[([^\\]]*)\\]\\(\\s*(<[^>]*>|[^\\s)]*)(?:\\s+(?:"[^"]*"|'[^']*'))?\\s*\\)``"""
    out: list[Hit] = []
    n = len(text)
    lead, run, gt = Seeker(text, _NOT_SPACE), Seeker(text, _SPACE_OR_PAREN), Seeker(text, ">")
    tail_angle, tail_run, tail_title = _Tail(text), _Tail(text), _Tail(text)
    pos = 0
    while (found := _image_opening(text, pos)) is not None:
        p, j = found
        end, target = -1, (0, 0)
        if text.startswith("(", j + 1):
            a = j + 2
            b = lead(a)
            if text.startswith("<", b):
                c = gt(b + 1)
                if c < n:
                    end, target = tail_angle(c + 1), (b, c + 1)
            if end < 0:
                e = run(b)
                end, target = tail_run(e), (b, e)
            if end < 0 and b > a and text[b : b + 1] in _QUOTES:
                # the expression gives back one blank: an empty path, then the quote as a title
                end, target = tail_title(b - 1), (b - 1, b - 1)
        if end < 0:
            pos = j + 1  # every start before j shares the same ] and fails the same way
            continue
        out.append(Hit(p, end, ((p + 2, j), target)))
        pos = end
    return out


def reference_images(text: str) -> list[Hit]:
    """``!\\[([^\\]]*)\\]\\[([^\\]]*)\\]``"""
    out: list[Hit] = []
    pos = 0
    while (found := _image_opening(text, pos)) is not None:
        p, j = found
        pos = j + 1
        if text.startswith("[", j + 1):
            k = text.find("]", j + 2)
            if k < 0:
                break
            out.append(Hit(p, k + 1, ((p + 2, j), (j + 2, k))))
            pos = k + 1
    return out


def shortcut_images(text: str) -> list[Hit]:
    """``!\\[([^\\]]+)\\](?![\\[(])``"""
    out: list[Hit] = []
    pos = 0
    while (found := _image_opening(text, pos)) is not None:
        p, j = found
        if j > p + 2 and text[j + 1 : j + 2] not in ("[", "("):
            out.append(Hit(p, j + 1, ((p + 2, j),)))
        pos = j + 1
    return out


def html_images(text: str) -> list[Hit]:
    """``<img\\b[^>]*?\\bsrc\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]+)[^>]*>``, ignoring case"""
    out: list[Hit] = []
    n = len(text)
    gt, src, value_end = Seeker(text, ">"), Seeker(text, _SRC), Seeker(text, _SPACE_OR_GT)
    close = {q: Seeker(text, q) for q in _QUOTES}
    after = {q: Seeker(text, ">") for q in _QUOTES}
    pos = 0
    while True:
        m = _IMG_OPEN.search(text, pos)
        if m is None:
            return out
        g = gt(m.end())  # the tag's first > : no src is looked for after it
        if g >= n:
            return out
        found = None
        s = src(m.end())
        while s < g:
            eq = _SRC_IS.match(text, s)
            if eq is not None:
                v = eq.end()
                q = text[v : v + 1]
                if q in _QUOTES:
                    c = close[q](v + 1)
                    if c < n:
                        t = after[q](c + 1)
                        if t < n:
                            found = (t + 1, (v, c + 1))
                            break
                if q and q != ">":  # an unquoted value up to a blank or >, then the tag's >
                    found = (g + 1, (v, value_end(v)))
                    break
            s = src(s + 1)
        if found is None:
            pos = g + 1
            continue
        out.append(Hit(m.start(), found[0], (found[1],)))
        pos = found[0]


def image_links(text: str) -> list[Hit]:
    """``(?<!!)\\[([^\\]]*)\\]\\(\\s*(<[^>]*>|[^\\s)]*\\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?))\\s*\\)``,
    ignoring case"""
    out: list[Hit] = []
    n = len(text)
    lead, run, gt = Seeker(text, _NOT_SPACE), Seeker(text, _SPACE_OR_PAREN), Seeker(text, ">")
    after_angle, after_run = Seeker(text, _NOT_SPACE), Seeker(text, _NOT_SPACE)
    pos = 0
    while True:
        p = text.find("[", pos)
        if p < 0:
            return out
        if p > 0 and text[p - 1] == "!":
            pos = p + 1
            continue
        j = text.find("]", p + 1)
        if j < 0:
            return out
        end, target = -1, (0, 0)
        if text.startswith("(", j + 1):
            b = lead(j + 2)
            if text.startswith("<", b):
                c = gt(b + 1)
                if c < n:
                    d = after_angle(c + 1)
                    if text.startswith(")", d):
                        end, target = d + 1, (b, c + 1)
            if end < 0:
                e = run(b)
                if _IMAGE_EXT_END.search(text, max(b, e - 6), e):
                    d = after_run(e)
                    if text.startswith(")", d):
                        end, target = d + 1, (b, e)
        if end < 0:
            pos = j + 1
            continue
        out.append(Hit(p, end, ((p + 1, j), target)))
        pos = end


def reference_definitions(text: str) -> list[Hit]:
    """`` {0,3}\\[([^\\]]+)\\]:[ \\t]*(<[^>]*>|\\S+)`` (the spans start at the ``[``)"""
    out: list[Hit] = []
    n = len(text)
    blank, gt, word_end = Seeker(text, _NOT_BLANK), Seeker(text, ">"), Seeker(text, _SPACE)
    pos = 0
    while True:
        p = text.find("[", pos)
        if p < 0:
            return out
        j = text.find("]", p + 1)
        if j < 0:
            return out
        if j > p + 1 and text.startswith(":", j + 1):
            b = blank(j + 2)
            dest = None
            if text.startswith("<", b):
                c = gt(b + 1)
                if c < n:
                    dest = (b, c + 1)
            if dest is None:
                e = word_end(b)
                if e > b:
                    dest = (b, e)
            if dest is not None:
                out.append(Hit(p, dest[1], ((p + 1, j), dest)))
                pos = dest[1]
                continue
        pos = j + 1


# -- what the official checker counts -------------------------------------------------------------


def one_line_images(text: str) -> int:
    """``len(re.findall(r"!\\[[^\\r\\n]*?\\]\\([^\\r\\n]*?\\)", text))``: an image is a ``![``, the
    first ``](`` after it and the first ``)`` after that, on one line."""
    return sum(1 for _ in one_line_image_spans(text))


def one_line_image_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """The matches of ``one_line_images``' expression, in order: (start, offset of its ``](``,
    end)."""
    pos = 0
    eol = -1  # the end of the line holding pos, once known
    n = len(text)
    while True:
        p = text.find("![", pos)
        if p < 0:
            return
        if p >= eol:
            m = _LINE_BREAK.search(text, p)
            eol = m.start() if m else n
        q = text.find("](", p + 2, eol)
        r = text.find(")", q + 2, eol) if q >= 0 else -1
        if r < 0:
            pos = eol + 1  # no later start on this line finds both either
            continue
        yield p, q, r + 1
        pos = r + 1
