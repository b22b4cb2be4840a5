"""The hand-in page over the protocol: the report as the course's ``report.py html`` renders it,
with the differences from GitHub marked in a margin (``handin.page``).

* request ``mlopsReport/handinPage`` ``{textDocument: {uri}, cspSource?, base?, line?}`` ->
  ``{uri, html, differences: [{kind, line, question, message}], renderer, error}``; VS Code's
  webview passes its ``cspSource`` and the report folder's webview ``base``;
* command ``mlopsReport.handinPage`` with the document's URI -> the page's HTML, for any client.

The page is built in a worker thread, one at a time, and Python-Markdown gets ``SECONDS``: a
report it would take minutes over (long runs of ``[``) gets a page that says so, and the server
keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..handin import TooSlow, renderer
from .params import member as _field
from .reports import path_of
from .server import ReportServer

log = logging.getLogger(__name__)

METHOD = "mlopsReport/handinPage"
COMMAND = "mlopsReport.handinPage"
SECONDS = 3.0  # a real report renders in 30-60 ms
MAX_CHARS = 2_000_000  # ~50 times a real report: larger documents get no page


def message_page(message: str) -> str:
    """A page that only says ``message`` (no script, nothing loaded)."""
    import html  # only for this page: the server's start need not load it

    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<style>body{font:14px system-ui,sans-serif;margin:24px;color:var(--vscode-foreground,#1f2328)}</style>"
        f'</head><body><p class="mr-message">{html.escape(message)}</p></body></html>\n'
    )


def setup(server: ReportServer) -> None:
    lock = asyncio.Lock()  # one page at a time: a slow one cannot pile up threads

    async def build(uri: str, csp_source: str | None, base: str | None, line: int | None) -> dict:
        found = await server.analysed(uri)
        if found is None:
            return {
                "uri": uri,
                "html": message_page("Open a report (reports/README.md) to see its hand-in page."),
                "differences": [],
                "renderer": None,
                "error": "not an open markdown document",
            }
        doc, analysis, disk = found.doc, found.analysis, found.disk  # the text the analysis read
        if len(doc.text) > MAX_CHARS:
            why = (
                f"This document has {len(doc.text):,} characters; the hand-in page is shown up to "
                f"{MAX_CHARS:,}. mlops-report html renders it without a limit."
            )
            return {"uri": uri, "html": message_page(why), "differences": [], "renderer": None, "error": why}
        path = path_of(uri)
        root = server.reports.workspace_root
        name = _name(path, root) if path is not None else uri
        if base is None and path is not None:
            base = path.parent.as_uri() + "/"
        async with lock:
            loop = asyncio.get_running_loop()
            try:
                page, found_differences = await loop.run_in_executor(
                    None, _page, doc.text, analysis, disk, name, base, csp_source, line
                )
            except TooSlow:
                why = (
                    f"Python-Markdown needs more than {SECONDS:g} s for this report (it is slow on long runs "
                    "of [ in one paragraph); the course's report.py html would be as slow. "
                    "mlops-report html renders it without a limit."
                )
                return {"uri": uri, "html": message_page(why), "differences": [], "renderer": renderer(), "error": why}
        return {
            "uri": uri,
            "html": page,
            "differences": [d.as_dict() for d in found_differences],
            "renderer": renderer(),
            "error": None,
        }

    @server.handler(METHOD, empty=None)
    async def handin_page(params) -> dict | None:  # unannotated: pygls passes custom params as a named tuple
        document = _field(params, "textDocument", "text_document")
        uri = _field(document, "uri") if document is not None else _field(params, "uri")
        if not isinstance(uri, str):
            return None
        csp_source, base, line = _field(params, "cspSource"), _field(params, "base"), _field(params, "line")
        return await build(
            uri,
            csp_source if isinstance(csp_source, str) else None,
            base if isinstance(base, str) else None,
            line if isinstance(line, int) and not isinstance(line, bool) else None,
        )

    @server.command(COMMAND)
    async def handin_command(*args) -> str | None:
        uri = args[0] if args else None
        if not isinstance(uri, str):
            uri = _field(uri, "uri") if uri is not None else None
        if not isinstance(uri, str):
            return None
        try:
            return (await build(uri, None, None, None))["html"]
        except Exception:
            log.exception("%s failed", COMMAND)
            return None


def _page(text, analysis, disk, name, base, csp_source, line):
    from ..handin import differences, fragment
    from ..handin.page import page

    body = fragment(text, SECONDS)
    found = differences(analysis, disk)
    return page(
        text, analysis, disk, name=name, base=base, csp_source=csp_source, line=line, found=found, body=body
    ), found


def _name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name
