"""The text model: decoding files, and positions as the Language Server Protocol counts them.

Offsets inside the core are code-point indices into the document string. Lines break only at
``\\r\\n``, ``\\r`` and ``\\n`` (the LSP rule); U+2028, form feed and friends are ordinary
characters here, although ``str.splitlines`` would break on them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

_BREAK = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` of code-point offsets."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"span end {self.end} before start {self.start}")

    def shifted(self, delta: int) -> Span:
        # the hottest constructor after an edit: skip __init__'s frozen setattr and the check
        # (shifting keeps start <= end)
        span = object.__new__(Span)
        span.__dict__.update(start=self.start + delta, end=self.end + delta)
        return span

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end


def moved(obj, **changes):
    """A copy of a frozen dataclass instance with some fields changed (new spans, mostly).
    ``dataclasses.replace`` runs ``__init__`` again and costs several times more; after an
    edit, every element and finding below it is moved this way."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


class LineIndex:
    """Maps code-point offsets to (line, column) and back, breaking lines the LSP way."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        else:  # the common case without a match object per line: three times faster
            self.starts = list(accumulate([len(line) + 1 for line in text.split("\n")], initial=0))
            self.starts.pop()

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column in code points) of an offset; the offset is clamped to the text."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        return line, offset - self.starts[line]

    def line_end(self, line: int) -> int:
        """Offset of the end of a line's content (before its line break)."""
        if line + 1 < len(self.starts):
            nxt = self.starts[line + 1]
            if self.text[nxt - 2 : nxt] == "\r\n":
                return nxt - 2
            return nxt - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.line_end(line)]

    def after_edit(self, text: str, start: int, old_end: int, new_end: int) -> LineIndex:
        """The index of ``text``, which is this index's text with ``[start, old_end)`` replaced by
        ``text[start:new_end]``. The caller makes sure no ``\\r`` is in or next to either side
        of the edit, so only ``\\n`` breaks come and go; lines before the edit keep their
        starts, lines after it move by the change in length."""
        delta = new_end - old_end
        starts = self.starts
        first = bisect.bisect_right(starts, start)  # lines that start after the edit begins
        after = bisect.bisect_right(starts, old_end, first)
        inserted = []
        k = text.find("\n", start, new_end)
        while k >= 0:
            inserted.append(k + 1)
            k = text.find("\n", k + 1, new_end)
        out = object.__new__(LineIndex)
        out.text = text
        if delta:
            out.starts = starts[:first] + inserted + [s + delta for s in starts[after:]]
        else:
            out.starts = starts[:first] + inserted + starts[after:]
        return out

    def offset(self, line: int, column: int) -> int:
        """Offset of (line, column in code points); a column past the end clamps to the line end."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return min(self.starts[line] + max(column, 0), self.line_end(line))


# -- places outside the editor: the one formatter of the CLI, its JSON, GitHub and the dashboard --


class Place(NamedTuple):
    """A place as a person (and GitHub) counts it: line and column from 1, in code points."""

    line: int
    column: int


def place(lines: LineIndex, offset: int) -> Place:
    line, column = lines.position(offset)
    return Place(line + 1, column + 1)


def point_json(lines: LineIndex, offset: int) -> dict[str, int]:
    """``{"line", "character"}``: from 0, in code points (the LSP's shape, not its units)."""
    line, column = lines.position(offset)
    return {"line": line, "character": column}


def span_json(lines: LineIndex, span: Span) -> dict[str, dict[str, int]]:
    return {"start": point_json(lines, span.start), "end": point_json(lines, span.end)}


def changed_range(old: str, new: str) -> tuple[int, int, int] | None:
    """Where ``new`` differs from ``old``: ``(start, old_end, new_end)`` such that ``new`` is
    ``old`` with ``old[start:old_end]`` replaced by ``new[start:new_end]``, the common prefix and
    suffix as long as they go; None when the texts are equal. Compares growing blocks, so the
    cost is a copy of the common parts, never a Python step per character."""
    if old == new:
        return None
    n = min(len(old), len(new))
    start = _common(lambda a, b: old[a:b] == new[a:b], n)
    lo, ln = len(old), len(new)
    tail = _common(lambda a, b: old[lo - b : lo - a] == new[ln - b : ln - a], n - start)
    return start, lo - tail, ln - tail


def _common(same, limit: int) -> int:
    """The largest k <= limit with ``same(0, k)``, where ``same(a, b)`` compares the
    positions ``[a, b)`` of both texts."""
    done, step = 0, 64
    while done < limit:
        end = min(limit, done + step)
        if not same(done, end):
            lo, hi = done, end  # equal before lo; the first difference lies in [lo, hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if same(lo, mid):
                    lo = mid
                else:
                    hi = mid
            return lo
        done, step = end, step * 2
    return limit


# -- position encodings -------------------------------------------------------------------------


# Characters wider than one unit: astral characters in utf-16 (a surrogate pair), anything
# outside ASCII in utf-8. A line without them converts by identity.
_WIDE = {"utf-16": re.compile("[\U00010000-\U0010ffff]"), "utf-8": re.compile("[^\x00-\x7f]")}
_BLOCK = 256  # code points per block of a line's unit table


def narrow(text: str, start: int, end: int, encoding: str) -> bool:
    """Whether every character of ``text[start:end]`` is one unit of ``encoding`` (one scan, in C)."""
    wide = _WIDE.get(encoding)
    return wide is None or wide.search(text, start, end) is None


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s)


class LineUnits:
    """One line's columns, code points <-> units of a position encoding. Built with one scan of
    the line (in C), then each conversion reads at most one block of ``_BLOCK`` characters:
    converting every diagnostic of a 50 MB line costs one scan, not one per diagnostic, and the
    table takes one number per block."""

    __slots__ = ("encoding", "length", "marks", "start", "text")

    def __init__(self, text: str, start: int, end: int, encoding: str) -> None:
        self.text, self.start, self.length, self.encoding = text, start, end - start, encoding
        self.marks: list[int] | None = None  # units before each block; None: one unit per character
        if not narrow(text, start, end, encoding):
            marks = [0]
            for a in range(start, end, _BLOCK):
                marks.append(marks[-1] + _units(text[a : min(a + _BLOCK, end)], encoding))
            self.marks = marks

    def units(self, column: int) -> int:
        """A code-point column (clamped to the line) in units."""
        column = max(0, min(column, self.length))
        if self.marks is None:
            return column
        b = column // _BLOCK
        return self.marks[b] + _units(self.text[self.start + b * _BLOCK : self.start + column], self.encoding)

    def column(self, units: int) -> int:
        """A column in units as code points: inside a character rounds down, past the end
        clamps to the line's length."""
        units = max(0, units)
        marks = self.marks
        if marks is None:
            return min(units, self.length)
        b = bisect.bisect_right(marks, units) - 1
        if b >= len(marks) - 1:
            return self.length
        seen, i = marks[b], self.start + b * _BLOCK
        end = min(i + _BLOCK, self.start + self.length)
        while i < end:
            seen += _units(self.text[i], self.encoding)
            if seen > units:
                break
            i += 1
        return i - self.start


def column_to_units(line_text: str, column: int, encoding: str) -> int:
    """A code-point column as units of the negotiated position encoding."""
    return LineUnits(line_text, 0, len(line_text), encoding).units(column)


def units_to_column(line_text: str, units: int, encoding: str) -> int:
    """A column in units of the position encoding as code points; inside a character rounds down,
    past the end clamps to the line length."""
    return LineUnits(line_text, 0, len(line_text), encoding).column(units)


# -- decoding -----------------------------------------------------------------------------------


class UnreadableText(ValueError):
    """The bytes are not a text document we can check; the message says why, in one line."""


def decode(data: bytes) -> str:
    """Decode a report's bytes. UTF-8 with or without BOM (the BOM is kept: the official checker
    keeps it too). Raises UnreadableText for binary data and for bytes that are not UTF-8."""
    if b"\x00" in data[:8192]:
        raise UnreadableText("binary file (it contains NUL bytes), not a markdown report")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableText(
            f"not UTF-8: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded; save the file as UTF-8"
        ) from None
