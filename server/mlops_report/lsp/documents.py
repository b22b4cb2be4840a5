"""The open documents, kept with our own line index, and positions in the negotiated encoding.

pygls' workspace documents split lines with ``str.splitlines``, which also breaks at U+2028,
form feed and friends; the client does not, so incremental edits would land in the wrong place.
We keep the text ourselves and apply every change with ``LineIndex`` (LSP line breaks only).

A ``Document`` is never changed in place: a change makes a new one (with a new ``revision``),
so an analysis running in the analysis thread reads a text that stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from ..text import LineIndex, LineUnits, Span, changed_range, narrow


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for ``untitled:`` and other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":  # file:///C:/...
        path = path[1:]
    return Path(path)


_REVISIONS = count(1)


class Positions:
    """The one conversion between the core's spans and the protocol's ranges, for a text that
    answers ``position`` (offset -> the client's position) and ``offset`` (back)."""

    __slots__ = ()

    def position(self, offset: int) -> types.Position:
        raise NotImplementedError

    def offset(self, position: types.Position) -> int:
        raise NotImplementedError

    def range(self, span: Span) -> types.Range:
        return types.Range(self.position(span.start), self.position(span.end))

    def span(self, r: types.Range) -> Span:
        """The span of a range, its ends in order (a client may send them the other way)."""
        start, end = self.offset(r.start), self.offset(r.end)
        return Span(min(start, end), max(start, end))


class Document(Positions):
    __slots__ = (
        "_narrow",
        "_units",
        "edit",
        "encoding",
        "language_id",
        "lines",
        "path",
        "revision",
        "text",
        "uri",
        "version",
    )

    def __init__(
        self,
        uri: str,
        version: int | None,
        text: str,
        language_id: str = "markdown",
        encoding: str = "utf-16",
        lines: LineIndex | None = None,
        is_narrow: bool | None = None,
        path: Path | bool | None = False,  # False: read from the uri
    ) -> None:
        self.uri = uri
        self.version = version
        self.text = text
        self.language_id = language_id
        self.encoding = encoding
        self.lines = lines if lines is not None else LineIndex(text)
        # which text this is, unique in the process: client versions may repeat or go back
        self.revision = next(_REVISIONS)
        # a changed text keeps its path (one object)
        self.path: Path | None = path_of(uri) if isinstance(path, bool) else path
        self._units: dict[int, LineUnits] = {}  # per line, built when a position on it is converted
        # every character is one unit of the encoding (no line needs a table); None: not yet known
        self._narrow = is_narrow
        # (the revision this text was made from, (start, old_end, new_end)) when it is that text
        # after one edit; None when not known
        self.edit: tuple[int, tuple[int, int, int]] | None = None

    # -- positions ------------------------------------------------------------------------------

    @property
    def is_narrow(self) -> bool:
        if self._narrow is None:
            self._narrow = narrow(self.text, 0, len(self.text), self.encoding)
        return self._narrow

    def units(self, line: int) -> LineUnits:
        found = self._units.get(line)
        if found is None:
            found = self._units[line] = LineUnits(
                self.text, self.lines.starts[line], self.lines.line_end(line), self.encoding
            )
        return found

    def position(self, offset: int) -> types.Position:
        line, column = self.lines.position(offset)
        if self._narrow or (self._narrow is None and self.is_narrow):
            return types.Position(line, column)
        return types.Position(line, self.units(line).units(column))

    def offset(self, position: types.Position) -> int:
        line = position.line
        if line >= self.lines.line_count:
            return len(self.text)
        start = self.lines.starts[line]
        if self.is_narrow:
            return start + max(0, min(position.character, self.lines.line_end(line) - start))
        return start + self.units(line).column(position.character)

    # -- changes --------------------------------------------------------------------------------

    def changed(self, changes: Sequence[types.TextDocumentContentChangeEvent], version: int | None) -> Document:
        """This document after ``changes`` (applied in order, as the protocol says)."""
        doc = self
        run = _Run(doc)
        for change in changes:
            if not isinstance(change, types.TextDocumentContentChangePartial):
                doc = self._with(change.text)
                run = _Run(doc)
                continue
            if not run.add(change):
                doc = run.document()
                run = _Run(doc)
                run.add(change)
        doc = run.document()
        new = Document(self.uri, version, doc.text, self.language_id, self.encoding, doc.lines, doc._narrow, self.path)
        if run.base is self and len(run.edits) == 1:  # one edit of this very text
            s, e, text = run.edits[0]
            new.edit = (self.revision, (s, e, s + len(text)))
        return new

    def _with(self, text: str, lines: LineIndex | None = None, is_narrow: bool | None = None) -> Document:
        return Document(self.uri, self.version, text, self.language_id, self.encoding, lines, is_narrow, self.path)

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Apply one change in place (for tests and tools; the server makes new documents)."""
        new = self.changed([change], self.version)
        self.text, self.lines, self.revision, self._units = new.text, new.lines, new.revision, {}


def _key(p: types.Position) -> tuple[int, int]:
    return (p.line, p.character)


class _Run:
    """Consecutive changes of one didChange that land in order, collected as edits of one base
    text and applied in a single pass: O(size + changes) instead of a copy of the text and a new
    line index per change.

    Two orders are taken: last-to-first (what VS Code sends for multi-cursor edits and replace
    all: each range lies before the previous one, so its position reads the same in the base
    text) and first-to-last in a text without carriage returns (each range lies after the text
    the previous one inserted; lines after it are shifted by the line breaks it added). Any other
    change ends the run; the next run starts from the text built so far.
    """

    def __init__(self, base: Document) -> None:
        self.base = base
        self.edits: list[tuple[int, int, str]] = []  # (start, end, new text) in the base text
        self.order = ""  # "" (one edit or none), "down" or "up"
        self.crlf: bool | None = None  # whether the base text has a carriage return (looked at once)
        self.after: tuple[int, int, int] = (0, 0, 0)  # up: (line, units) where the last insertion ends, its base line

    def add(self, change: types.TextDocumentContentChangePartial) -> bool:
        a, b = sorted((change.range.start, change.range.end), key=_key)
        if not self.edits:
            s, e = self.base.offset(a), self.base.offset(b)
            line = self.base.lines.line_of(s)
            column = s - self.base.lines.starts[line]
            self._push(s, e, change.text, line, column if self.base._narrow else self.base.units(line).units(column))
            return True
        if self.order in ("", "down") and self._down(a, b, change.text):
            self.order = "down"
            return True
        if self.order in ("", "up") and self._up(a, b, change.text):
            self.order = "up"
            return True
        return False

    def _exact(self, p: types.Position) -> int | None:
        """The base offset of ``p``, or None when ``p`` lies past the end of its line or inside
        a character (where the text changed so far may read it differently)."""
        lines = self.base.lines
        if p.line >= lines.line_count:
            return None
        table = self.base.units(p.line)
        column = table.column(p.character)
        if table.units(column) != p.character:
            return None
        return lines.starts[p.line] + column

    def _down(self, a: types.Position, b: types.Position, text: str) -> bool:
        first = self.edits[-1][0]
        s, e = self._exact(a), self._exact(b)
        if s is None or e is None or e > first:
            return False
        if e == first and first > 0 and self.base.text[first - 1] == "\r":
            return False  # the previous edit may have joined "\r" with a "\n": the line moved
        self.edits.append((s, e, text))
        return True

    def _up(self, a: types.Position, b: types.Position, text: str) -> bool:
        if self.crlf is None:
            self.crlf = "\r" in self.base.text or any("\r" in t for _, _, t in self.edits)
        if self.crlf or "\r" in text or _key(a) < self.after[:2]:
            return False
        s, e = self._mapped(a), self._mapped(b)
        if s is None or e is None:
            return False
        self._push(s, e, text, a.line, a.character)
        return True

    def _mapped(self, p: types.Position) -> int | None:
        """The base offset of a position in the text as changed so far (at or after the end of
        the last insertion); None when it lies past the end of its line or inside a character."""
        line, units, base_line = self.after
        lines = self.base.lines
        if p.line == line:
            table = self.base.units(base_line)
            at = table.units(self.edits[-1][1] - lines.starts[base_line]) + (p.character - units)
        else:
            base_line = p.line - (line - base_line)
            if base_line >= lines.line_count:
                return None
            table, at = self.base.units(base_line), p.character
        column = table.column(at)
        if table.units(column) != at:
            return None
        return lines.starts[base_line] + column

    def _push(self, s: int, e: int, text: str, line: int, units: int) -> None:
        """Record an edit whose start is (line, units) in the text as changed so far."""
        self.edits.append((s, e, text))
        breaks = text.count("\n")
        tail = text[text.rfind("\n") + 1 :] if breaks else text
        end_units = len(tail) if tail.isascii() else LineUnits(tail, 0, len(tail), self.base.encoding).units(len(tail))
        self.after = (line + breaks, (0 if breaks else units) + end_units, self.base.lines.line_of(e))

    def document(self) -> Document:
        if not self.edits:
            return self.base
        edits = self.edits[::-1] if self.order == "down" else self.edits
        base = self.base
        parts, at, text = [], 0, base.text
        for s, e, new in edits:
            parts.append(text[at:s])
            parts.append(new)
            at = e
        parts.append(text[at:])
        new_text = "".join(parts)
        # what the base knew stays true where the edits allow: a narrow text with narrow insertions
        # is narrow; one edit away from any carriage return patches the line index
        is_narrow = None
        if base._narrow is not None:
            is_narrow = base._narrow and all(narrow(t, 0, len(t), base.encoding) for _, _, t in edits)
        lines = None
        if len(edits) == 1:
            s, e, new = edits[0]
            if "\r" not in new and "\r" not in text[max(s - 1, 0) : e + 1]:
                lines = base.lines.after_edit(new_text, s, e, s + len(new))
        return base._with(new_text, lines, is_narrow)


class Documents:
    """The text of every open document, by URI."""

    def __init__(self) -> None:
        self.encoding = "utf-16"
        self._docs: dict[str, Document] = {}

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document(item.uri, item.version, item.text, item.language_id, self.encoding)
        self._docs[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        doc = self._docs[doc.uri] = doc.changed(params.content_changes, params.text_document.version)
        return doc

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)


class Earlier(Positions):
    """A document's text as an older analysis saw it, answering for the current text: offsets
    and spans are the older text's, positions and ranges the current one's. Whatever lay in
    the part that changed is placed at the start of the change."""

    def __init__(self, then: Document, now: Document) -> None:
        self.uri, self.version, self.encoding, self.path = now.uri, now.version, now.encoding, now.path
        self.text, self.lines = then.text, then.lines
        self._now = now
        n = len(then.text)
        self._edit = changed_range(then.text, now.text) or (n, n, n)

    def _forward(self, offset: int) -> int:
        start, old_end, new_end = self._edit
        return offset if offset <= start else offset - old_end + new_end if offset >= old_end else start

    def _back(self, offset: int) -> int:
        start, old_end, new_end = self._edit
        return offset if offset <= start else offset - new_end + old_end if offset >= new_end else start

    def position(self, offset: int) -> types.Position:
        return self._now.position(self._forward(offset))

    def offset(self, position: types.Position) -> int:
        return self._back(self._now.offset(position))
