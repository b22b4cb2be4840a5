"""A code lens above every ``### Question N``: its counts against its limits, live."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from ..analysis import Analysis, QuestionStatus
from ..text import Span
from .documents import Document, Earlier
from .reports import Analysed
from .server import ReportServer

LENS_WAIT = 0.3  # seconds to wait for the analysis of the current text before showing the last one
# A workspace/codeLens/refresh waits for a pause of this many seconds in typing (no analysis of a
# new text), but no longer than LENS_MOST after the first change of a title: while someone types,
# every word changes a count, and each refresh makes the client ask for every lens again. VS
# Code's own lens update after an edit waits for a pause in typing too.
LENS_REFRESH = 0.25
LENS_MOST = 1.0


def _limits(r: tuple[int, int]) -> str:
    return f"{r[0]}–{r[1]}" if r[0] != r[1] else str(r[0])


def title(status: QuestionStatus) -> str:
    """``98 / 100–200 words ✗ · 0 / 1–3 figures``: the checker's counts and the verdict."""
    if status.status == "crash":
        return f"{status.words} words · report.py check crashes on this report"
    words = status.checker_words if status.checker_words is not None else status.words
    images = status.checker_images if status.checker_images is not None else status.images
    parts = []
    lim = status.limits
    parts.append(f"{words} / {_limits(lim.words)} words" if lim.words else f"{words} words")
    if lim.images:
        parts.append(f"{images} / {_limits(lim.images)} figures")
    elif images:
        parts.append(f"{images} figures")
    mark = "✓" if status.status == "pass" else "✗"
    parts[0] += f" {mark}"
    return " · ".join(parts)


def lenses(doc: Document | Earlier, analysis: Analysis) -> list[types.CodeLens]:
    if not analysis.is_report:
        return []
    out = []
    for q, status in zip(analysis.report.questions, analysis.questions, strict=False):
        at = Span(q.heading.span.start, q.heading.span.start)
        out.append(types.CodeLens(range=doc.range(at), command=types.Command(title=title(status), command="")))
    return out


def setup(server: ReportServer) -> None:
    shown: dict[str, list[str]] = {}
    seen: dict[str, list] = {}  # the question statuses the shown titles were made from
    # the refresh on its way (its timer, and when the first change it gathers came), however many analyses
    pending: list = []

    @server.handler(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False), empty=[])
    async def code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        found = await server.analysed(params.text_document.uri, LENS_WAIT)
        if found is None:
            return []
        result = lenses(server.view(found), found.analysis)
        shown[params.text_document.uri] = [lens.command.title for lens in result if lens.command]
        return result

    def send() -> None:
        pending.clear()
        server.workspace_code_lens_refresh(None)

    def later() -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        first = now
        if pending:
            timer, first = pending
            timer.cancel()
        pending[:] = [loop.call_at(min(now + LENS_REFRESH, first + LENS_MOST), send), first]

    def analysed(found: Analysed) -> None:
        uri, analysis = found.doc.uri, found.analysis
        if uri not in shown or not server.capability("workspace.code_lens.refresh_support", False):
            return
        changed = False
        if seen.get(uri) != analysis.questions or not analysis.is_report:  # the same statuses, the same titles
            seen[uri] = analysis.questions
            titles = [title(s) for s in analysis.questions] if analysis.is_report else []
            if titles != shown[uri]:
                shown[uri] = titles
                changed = True
        if changed or pending:  # while typing goes on, the refresh on its way waits for the pause
            later()

    server.on("analysed", analysed)

    def closed(doc: Document) -> None:
        shown.pop(doc.uri, None)
        seen.pop(doc.uri, None)

    server.on("closed", closed)
