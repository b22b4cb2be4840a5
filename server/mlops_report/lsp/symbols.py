"""``textDocument/documentSymbol`` for a report: its sections, each question with the checker's
verdict and counts as detail, and the checklist's groups with their ticks, so every editor's
outline (Neovim's, Emacs' imenu, VS Code's breadcrumbs) shows where the report stands.
Clients without hierarchical symbols get the same as a flat list with container names."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from ..analysis import Analysis
from ..text import Span
from .documents import Document, Earlier
from .lens import title
from .server import ReportServer

SYMBOL_WAIT = 0.3  # seconds to wait for the analysis of the current text before using the last one


def _symbol(
    doc,
    name: str,
    detail: str,
    kind: types.SymbolKind,
    span: Span,
    selection: Span,
    children: list[types.DocumentSymbol] | None = None,
) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=name,
        detail=detail,
        kind=kind,
        range=doc.range(span),
        selection_range=doc.range(selection),
        children=children or None,
    )


def symbols(doc: Document | Earlier, analysis: Analysis) -> list[types.DocumentSymbol]:
    if not analysis.is_report:
        return []
    report = analysis.report
    end = len(report.text)
    headings = sorted(report.sections, key=lambda h: h.span.start)
    bounds = [(h, headings[k + 1].span.start if k + 1 < len(headings) else end) for k, h in enumerate(headings)]
    questions = list(zip(report.questions, analysis.questions, strict=False))
    groups = sorted(report.checklist_groups, key=lambda h: h.span.start)
    out: list[types.DocumentSymbol] = []
    taken = 0  # questions placed under a section so far
    for h, stop in bounds:
        children = []
        passing = 0
        while taken < len(questions) and questions[taken][0].span.start < stop:
            q, status = questions[taken]
            taken += 1
            if q.span.start < h.span.start:  # a question above every section: top level
                out.append(_question(doc, q, status))
                continue
            children.append(_question(doc, q, status))
            passing += status.status == "pass"
        items = [i for i in report.checklist if h.span.start <= i.span.start < stop]
        detail = ""
        if items:
            children.extend(_groups(doc, groups, items, h.span.start, stop))
            detail = f"{sum(i.checked for i in items)} / {len(items)} ticked"
        elif children:
            detail = f"{passing} / {len(children)} pass"
        out.append(
            _symbol(
                doc,
                h.title or "(section)",
                detail,
                types.SymbolKind.Namespace,
                Span(h.span.start, stop),
                h.span,
                children,
            )
        )
    for q, status in questions[taken:]:
        out.append(_question(doc, q, status))
    return out


def _question(doc, q, status) -> types.DocumentSymbol:
    return _symbol(doc, f"Question {q.number}", title(status), types.SymbolKind.Field, q.span, q.heading.span)


def _item(doc, i) -> types.DocumentSymbol:
    return _symbol(
        doc, i.text or "(item)", "ticked" if i.checked else "not ticked", types.SymbolKind.Boolean, i.span, i.span
    )


def _groups(doc, groups, items, start: int, stop: int) -> list[types.DocumentSymbol]:
    """The checklist's groups (``### Week 1``) between ``start`` and ``stop`` with their items;
    items above the first group stand on their own."""
    inside = [g for g in groups if start <= g.span.start < stop]
    first = inside[0].span.start if inside else stop
    out = [_item(doc, i) for i in items if i.span.start < first]
    for k, g in enumerate(inside):
        until = inside[k + 1].span.start if k + 1 < len(inside) else stop
        mine = [i for i in items if g.span.start <= i.span.start < until]
        if not mine:
            continue
        out.append(
            _symbol(
                doc,
                g.title or "(group)",
                f"{sum(i.checked for i in mine)} / {len(mine)} ticked",
                types.SymbolKind.Array,
                Span(g.span.start, mine[-1].span.end),
                g.span,
                [_item(doc, i) for i in mine],
            )
        )
    return out


def flat(
    symbols: Sequence[types.DocumentSymbol], uri: str, container: str | None = None
) -> list[types.SymbolInformation]:
    """The same symbols for a client without hierarchical ones."""
    out = []
    for s in symbols:
        out.append(
            types.SymbolInformation(
                name=s.name, kind=s.kind, location=types.Location(uri=uri, range=s.range), container_name=container
            )
        )
        out.extend(flat(s.children or [], uri, s.name))
    return out


def setup(server: ReportServer) -> None:
    @server.handler(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, empty=None)
    async def document_symbol(params: types.DocumentSymbolParams):
        found = await server.analysed(params.text_document.uri, SYMBOL_WAIT)
        if found is None or not found.analysis.is_report:
            return None
        result = symbols(server.view(found), found.analysis)
        if server.capability("text_document.document_symbol.hierarchical_document_symbol_support", False):
            return result
        return flat(result, params.text_document.uri)
