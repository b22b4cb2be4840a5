"""Findings as diagnostics: pulled (``textDocument/diagnostic``) by clients that can, pushed to
the others, never both to one client.

The diagnostics are converted in the analysis thread, right after the analysis. A pushed set
carries the version it was computed for and is sent only when that is still the current text,
so sets arrive in order and never describe an older text. A pull waits for the analysis of the
current text; its ``resultId`` names that analysis's stamp (text, settings, files), so an
unchanged report is answered as such.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import attrs
from lsprotocol import types

from ..analysis import Analysis
from ..findings import Finding
from ..ignored import placed
from ..text import Span, changed_range
from .documents import Document, Earlier
from .ignored import diagnostic as ignored_diagnostic
from .reports import Analysed
from .server import Encoded, ReportServer

RULES_URL = "https://github.com/mlops-report/mlops-report/blob/main/docs/rules.md"
SOURCE = "mlops-report"
UNSAVED_CODE = "figures-unsaved"
UNSAVED_MESSAGE = "Save the report to check its figures: unsaved documents have no folder to look in"
_SESSION = os.urandom(4).hex()  # a resultId of an earlier server process never matches

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def rule_url(code: str) -> str:
    return f"{RULES_URL}#{code}"


def to_diagnostic(doc: Document | Earlier, f: Finding, links: bool = True) -> types.Diagnostic:
    return types.Diagnostic(
        range=doc.range(f.span),
        message=f.message,
        severity=_SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
        code=f.code,
        code_description=types.CodeDescription(href=rule_url(f.code)) if links else None,
        source=SOURCE,
        related_information=_related(f),
    )


def _related(f: Finding) -> list[types.DiagnosticRelatedInformation] | None:
    """Other places a finding names (file, 0-based line, message): the ignore rule of an
    ignored figure."""
    related = f.data.get("related") if f.data else None
    if not related:
        return None
    from pathlib import Path

    out = []
    for path, line, message in related:
        at = types.Position(line=max(line, 0), character=0)
        out.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=Path(path).as_uri(), range=types.Range(start=at, end=at)), message=message
            )
        )
    return out


def unsaved_note(analysis: Analysis) -> Span | None:
    """Where to say once that figures are checked only in a saved report: the first figure,
    else the first question that asks for figures; None when figures do not matter."""
    if analysis.saved or not analysis.is_report:
        return None
    for q in analysis.report.questions:
        if q.answer.figures:
            return q.answer.figures[0].span
    for status, q in zip(analysis.questions, analysis.report.questions, strict=False):
        if status.limits.images is not None:
            return q.heading.span
    return None


def diagnostics(
    server: ReportServer, doc: Document, analysis: Analysis, links: bool | None = None
) -> list[types.Diagnostic]:
    if links is None:
        links = (
            bool(server.capability("text_document.publish_diagnostics.code_description_support", True))
            or server.pull_diagnostics
        )
    return convert(doc, analysis, links).items


class Converted:
    """The diagnostics of one analysed text, each one by what it says and where it lies
    (``_key``), and those of each question's findings by the tuple the analysis keeps them in
    (``rows``: the tuple, the characters it was moved by, where its findings start and end
    then, its diagnostics): the next analysis of the document takes over those that did not
    change, a question at a time where it can."""

    __slots__ = ("by", "doc", "items", "links", "rows")

    def __init__(self, doc: Document, links: bool) -> None:
        self.doc = doc
        self.links = links
        self.items: list[types.Diagnostic] = []
        self.by: dict[tuple, types.Diagnostic] = {}
        self.rows: dict[int, tuple[tuple[Finding, ...], int, int, int, list[types.Diagnostic]]] = {}


def convert(doc: Document, analysis: Analysis, links: bool, previous: Converted | None = None) -> Converted:
    """The findings of ``analysis`` as diagnostics, with the text the checker does not read
    (faded) and the note on unsaved reports. A finding that lies before the edit since
    ``previous`` (or on a line after it) with the same code, message and severity is the same
    diagnostic, moved by the lines the edit added: it is taken over, not converted again. The
    findings of a question the analysis did not look at again, or of a document check it did
    not run again (the same tuple), are taken over together, without being placed one by one:
    a keystroke converts the findings of the question it was typed in and of the checks that
    ran, whatever the report's size."""
    out = Converted(doc, links)
    if not analysis.is_report:
        return out
    reuse = _Reuse(previous, doc) if previous is not None and previous.links == links else None
    items, by = out.items, out.by

    def one(f: Finding) -> types.Diagnostic:
        related = f.data.get("related") if f.data else None
        key = (f.code, f.message, f.severity, tuple(map(tuple, related)) if related else None, f.span.start, f.span.end)
        d = reuse.take(key) if reuse is not None else None
        if d is None:
            d = to_diagnostic(doc, f, links)
        by[key] = d
        return d

    was = previous.rows if reuse is not None and previous is not None else {}

    def rowwise(
        found: tuple,
        shift: int,
        make: Callable[[Any, int], types.Diagnostic],
        bounds: Callable[[Any], tuple[int, int]],
        down: bool,
    ) -> None:
        """The diagnostics of one kept tuple (``found``, placed by ``shift``): taken over from
        ``previous`` when they hold, else made one by one (``make``); ``bounds``: an item's span
        before the shift."""
        entry = was.get(id(found))
        row = None
        if entry is not None and entry[0] is found and reuse is not None:
            _, then, lo, hi, row = entry
            row = reuse.row(row, lo + then, hi + then, shift - then, down)
        if row is None:
            row = [make(x, shift) for x in found]
            spans = [bounds(x) for x in found]
            lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
        out.rows[id(found)] = (found, shift, lo, hi, row)
        items.extend(row)

    kept = analysis.rows
    if kept is None:  # some question findings are told by a document finding: one by one
        items.extend(one(f) for f in analysis.findings)
    else:
        for findings, shift in kept:
            if findings:
                rowwise(findings, shift, lambda f, s: one(f.shifted(s)), _finding_bounds, True)
    # the text the checker does not read, faded: a question's stretches taken over as its
    # findings are, but never moved down by lines (their message names a line)
    lines = analysis.report.lines
    for number, found, shift in analysis.faded:

        def faded(x: tuple, s: int, n: int = number) -> types.Diagnostic:
            return ignored_diagnostic(doc, placed(lines, n, x, s))

        rowwise(found, shift, faded, _stretch_bounds, False)
    note = unsaved_note(analysis)
    if note is not None:
        items.append(
            types.Diagnostic(
                range=doc.range(note),
                message=UNSAVED_MESSAGE,
                severity=types.DiagnosticSeverity.Information,
                code=UNSAVED_CODE,
                source=SOURCE,
            )
        )
    return out


def _finding_bounds(f: Finding) -> tuple[int, int]:
    return f.span.start, f.span.end


def _stretch_bounds(x: tuple) -> tuple[int, int]:
    return x[1], x[2]


class _Reuse:
    """Diagnostics of the previous text that hold for the new one: a span that ends before the
    edit lies at the same position; one that starts on a line after the edit's last line lies
    at the same column, as many lines further as the edit added (the text after the edit is the
    same, so are its line breaks)."""

    __slots__ = ("after", "before", "by", "delta", "lines")

    def __init__(self, previous: Converted, doc: Document) -> None:
        old = previous.doc
        self.by = previous.by
        edit = None
        if doc.edit is not None and doc.edit[0] == old.revision:
            edit = doc.edit[1]
        elif old.encoding == doc.encoding:
            n = len(doc.text)
            edit = changed_range(old.text, doc.text) or (n, n, n)
        if edit is None or old.encoding != doc.encoding:
            self.before, self.after = -1, len(doc.text) + 1  # nothing is taken over
        else:
            start, _, new_end = edit
            lines = doc.lines
            line = lines.line_of(new_end)
            self.before = start
            self.after = lines.starts[line + 1] if line + 1 < lines.line_count else len(doc.text) + 1
        self.delta = edit[2] - edit[1] if edit is not None else 0
        self.lines = doc.lines.line_count - old.lines.line_count

    def row(
        self, diagnostics: list[types.Diagnostic], start: int, end: int, moved: int, down: bool = True
    ) -> list[types.Diagnostic] | None:
        """The diagnostics of findings that lay between ``start`` and ``end`` and have been
        moved by ``moved`` characters since, when all of them hold as they are (or, ``down``,
        moved by the lines the edit added); None when they must be converted again."""
        if end <= self.before and not moved:
            return diagnostics
        if start + moved < self.after or moved != self.delta:
            return None
        if not self.lines:
            return diagnostics
        return [self._down(d) for d in diagnostics] if down else None

    def _down(self, d: types.Diagnostic) -> types.Diagnostic:
        r = d.range
        moved_range = types.Range(
            types.Position(r.start.line + self.lines, r.start.character),
            types.Position(r.end.line + self.lines, r.end.character),
        )
        return attrs.evolve(d, range=moved_range)

    def take(self, key: tuple) -> types.Diagnostic | None:
        start, end = key[-2], key[-1]
        if end <= self.before:
            return self.by.get(key)
        if start < self.after:
            return None
        found = self.by.get((*key[:-2], start - self.delta, end - self.delta))
        if found is None or not self.lines:
            return found
        return self._down(found)


class _Sent:
    """Per document, the last set of diagnostics a client received and the resultId it was
    given: an analysis of a new text that finds the same set (typing inside a word moves no
    diagnostic) is answered ``unchanged`` to a client that holds that id, with nothing to
    serialise."""

    __slots__ = ("ids", "items", "stamps")

    def __init__(self) -> None:
        self.items: dict[str, list[types.Diagnostic]] = {}
        self.ids: dict[str, str] = {}
        self.stamps: dict[str, tuple] = {}  # the stamp each id was last confirmed for

    def result_id(self, uri: str, stamp: tuple, items: list[types.Diagnostic]) -> str:
        last = self.stamps.get(uri)
        if last == stamp:
            return self.ids[uri]
        # only a new text can keep the id: after files or settings changed (the client was asked
        # to refresh) the set is sent whole, so a refresh always shows it was analysed again
        if last is None or last[1:] != stamp[1:] or self.items.get(uri) != items:
            self.items[uri] = items
            self.ids[uri] = _SESSION + ":" + ":".join(str(part) for part in stamp)
        self.stamps[uri] = stamp
        return self.ids[uri]

    def forget(self, uri: str) -> None:
        self.items.pop(uri, None)
        self.ids.pop(uri, None)
        self.stamps.pop(uri, None)


class _Texts:
    """Per document, the JSON text of each diagnostic last sent, by the diagnostic (the same
    object, taken over by ``convert``): a report whose set changed is mostly diagnostics
    already encoded once, joined, not encoded again. Only the last set sent is kept."""

    __slots__ = ("by", "encode")

    def __init__(self, encode: Callable[[Any], str]) -> None:
        self.encode = encode
        self.by: dict[str, dict[int, tuple[types.Diagnostic, str]]] = {}

    def array(self, uri: str, items: list[types.Diagnostic]) -> str:
        was = self.by.get(uri, {})
        now: dict[int, tuple[types.Diagnostic, str]] = {}
        texts = []
        for d in items:
            entry = was.get(id(d))
            if entry is None or entry[0] is not d:
                entry = (d, self.encode(d))
            now[id(d)] = entry
            texts.append(entry[1])
        self.by[uri] = now
        return "[" + ",".join(texts) + "]"

    def forget(self, uri: str) -> None:
        self.by.pop(uri, None)


def setup(server: ReportServer) -> None:
    published: set[str] = set()
    sent = _Sent()
    texts = _Texts(server.encode)
    links: list[bool] = []  # whether codeDescription links are sent, once the client said
    converted: dict[str, Converted] = {}  # the analysis thread's last conversion of each open document

    def prepare(analysed: Analysed) -> None:  # in the analysis thread
        if not links:
            links.append(
                bool(server.capability("text_document.publish_diagnostics.code_description_support", True))
                or server.pull_diagnostics
            )
        uri = analysed.doc.uri
        out = convert(analysed.doc, analysed.analysis, links[0], converted.get(uri))
        analysed.diagnostics = out.items
        converted[uri] = out
        if server.documents.get(uri) is None:  # closed meanwhile: keep nothing of it
            converted.pop(uri, None)

    def items(analysed: Analysed) -> list[types.Diagnostic]:
        if analysed.diagnostics is None:
            prepare(analysed)
        return analysed.diagnostics or []

    def publish(analysed: Analysed) -> None:
        if server.pull_diagnostics:
            return
        doc = analysed.doc
        if not analysed.analysis.is_report and doc.uri not in published:
            return  # silence for markdown that is not (and never was) a report
        published.add(doc.uri)
        array = texts.array(doc.uri, items(analysed))
        version = "" if doc.version is None else f',"version":{json.dumps(doc.version)}'
        params = f'{{"uri":{json.dumps(doc.uri)},"diagnostics":{array}{version}}}'
        server.protocol.notify(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, Encoded(params))

    def clear(doc: Document) -> None:
        sent.forget(doc.uri)
        texts.forget(doc.uri)
        converted.pop(doc.uri, None)
        if server.pull_diagnostics or doc.uri not in published:
            return
        published.discard(doc.uri)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    def refreshed() -> None:
        if server.pull_diagnostics and server.capability("workspace.diagnostics.refresh_support", False):
            server.workspace_diagnostic_refresh(None)

    server.prepare(prepare)
    server.on("analysed", publish)
    server.on("closed", clear)
    server.on("refreshed", refreshed)

    empty = types.RelatedFullDocumentDiagnosticReport(items=[])

    @server.handler(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False),
        empty=empty,
    )
    def pull(params: types.DocumentDiagnosticParams):
        # after a keystroke analysed in its didChange the analysis is there: answered at once
        found = server.ready(params.text_document.uri)
        if found is None:
            found = yield (server.analysed, (params.text_document.uri,), {})
        if found is None:
            return empty
        found_items = items(found)
        result_id = sent.result_id(params.text_document.uri, found.stamp, found_items)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        array = texts.array(params.text_document.uri, found_items)
        return Encoded(f'{{"kind":"full","resultId":{json.dumps(result_id)},"items":{array}}}')
