"""The open documents, kept with our own line index, and positions in the negotiated encoding.

pygls' workspace documents split lines with ``str.splitlines``, which also breaks at U+2028,
form feed and friends; the client does not, so incremental edits would land in the wrong place.
We keep the text ourselves and apply every change with ``LineIndex`` (LSP line breaks only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lsprotocol import types

from ..text import LineIndex, Span, column_to_units, units_to_column


@dataclass
class Document:
    uri: str
    version: int | None
    text: str
    language_id: str = "markdown"
    encoding: str = "utf-16"
    lines: LineIndex = field(init=False)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    # -- positions ------------------------------------------------------------------------------

    def position(self, offset: int) -> types.Position:
        line, column = self.lines.position(offset)
        return types.Position(line, column_to_units(self.lines.line_text(line), column, self.encoding))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.position(span.start), self.position(span.end))

    def offset(self, position: types.Position) -> int:
        line = position.line
        if line >= self.lines.line_count:
            return len(self.text)
        column = units_to_column(self.lines.line_text(line), position.character, self.encoding)
        return self.lines.offset(line, column)

    def span(self, r: types.Range) -> Span:
        start, end = self.offset(r.start), self.offset(r.end)
        return Span(min(start, end), max(start, end))

    # -- changes --------------------------------------------------------------------------------

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            s = self.span(change.range)
            self.text = self.text[: s.start] + change.text + self.text[s.end :]
        else:
            self.text = change.text
        self.lines = LineIndex(self.text)


class Documents:
    """The text of every open document, by URI."""

    def __init__(self) -> None:
        self.encoding = "utf-16"
        self._docs: dict[str, Document] = {}

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def __iter__(self):
        return iter(list(self._docs.values()))

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document(item.uri, item.version, item.text, item.language_id, self.encoding)
        self._docs[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        for change in params.content_changes:
            doc.apply(change)
        doc.version = params.text_document.version
        return doc

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)
