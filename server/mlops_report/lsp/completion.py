"""Completion of figure paths inside ``![...](`` and ``<img src="``, and a ``figure`` snippet.

Only image files inside the report's folder are offered and previewed: a symbolic link that
leads out of it is left out (the folder walk lists links without following them).
"""

from __future__ import annotations

import re

from lsprotocol import types

from .. import links
from ..text import Span
from .documents import Document
from .markdown import literal
from .server import ReportServer

_IN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^\s)>]*)$")
_IN_IMG_TAG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']*)$", re.IGNORECASE)
TRIGGERS = ["(", "/", '"', "'"]
COMPLETION_WAIT = 0.3  # seconds to wait for the analysis of the current text
LOOK_BACK = 2000  # characters before the cursor searched for an open figure link


def path_prefix(doc: Document, offset: int) -> Span | None:
    """The part of a figure path typed before the cursor, when the cursor is inside one."""
    line = doc.lines.line_of(offset)
    start = max(doc.lines.starts[line], offset - LOOK_BACK)
    before = doc.text[start:offset]
    m = _IN_IMAGE.search(before) or _IN_IMG_TAG.search(before)
    return Span(start + m.start(1), offset) if m else None


def setup(server: ReportServer) -> None:
    @server.handler(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGERS, resolve_provider=False),
        empty=None,
    )
    async def complete(params: types.CompletionParams) -> types.CompletionList | None:
        found = await server.analysed(params.text_document.uri, COMPLETION_WAIT)
        doc = server.documents.get(params.text_document.uri)
        if found is None or doc is None or not found.analysis.is_report:
            return None
        offset = doc.offset(params.position)  # the current text: the path is being typed
        markdown = types.MarkupKind.Markdown in (
            server.capability("text_document.completion.completion_item.documentation_format", None) or []
        )
        snippets = bool(server.capability("text_document.completion.completion_item.snippet_support", False))
        figures_dir = links.folder(server.reports.settings_of(doc.path).figures_dir) or "figures"
        typed = path_prefix(doc, offset)
        if typed is not None:
            disk = found.disk
            if doc.path is None or disk is None:
                return types.CompletionList(is_incomplete=False, items=[])
            replace = doc.range(typed)
            items = []
            for rel in disk.images(figures_dir):
                if not disk.inside(rel):
                    continue
                uri = (disk.root / rel).as_uri()
                doc_text = (
                    types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"![{literal(rel)}]({uri})")
                    if markdown
                    else rel
                )
                written = links.destination(rel)  # a space would end the link for CommonMark
                items.append(
                    types.CompletionItem(
                        label=rel,
                        kind=types.CompletionItemKind.File,
                        detail="figure",
                        documentation=doc_text,
                        text_edit=types.TextEdit(range=replace, new_text=written),
                        filter_text=written,
                    )
                )
            return types.CompletionList(is_incomplete=False, items=items)
        if snippets:
            item = types.CompletionItem(
                label="figure",
                kind=types.CompletionItemKind.Snippet,
                detail="![alt](figures/...)",
                insert_text=f"![${{1:alt}}]({figures_dir}/${{2:file.png}})$0",
                insert_text_format=types.InsertTextFormat.Snippet,
            )
        else:
            item = types.CompletionItem(
                label="figure",
                kind=types.CompletionItemKind.Snippet,
                detail="![alt](figures/...)",
                insert_text=f"![alt]({figures_dir}/)",
                insert_text_format=types.InsertTextFormat.PlainText,
            )
        return types.CompletionList(is_incomplete=False, items=[item])
