"""Hover: a question's counts as the official checker sees them, a figure's file, a checklist's
ticks.

It answers only where something is asked about: a question's heading or its instruction block,
a finding's range, a figure link, a checklist heading or item. Plain answer prose gets no hover,
so nothing covers the text being read or written.

Text taken from the report (a heading, a figure's path or alt text, a message quoting the
answer) goes through ``literal`` or ``code``: shortened, on one line, and unable to add markdown
of its own (links, images, HTML) to the hover.
"""

from __future__ import annotations

from lsprotocol import types

from ..analysis import Analysis, QuestionStatus
from ..disk import Disk
from ..evidence import item_hover
from ..findings import Finding
from ..ignored import ignored_at
from ..parse import Figure, Question
from ..rules.figures_files import image_info
from ..rules.counts import count_differences
from .diagnostics import UNSAVED_MESSAGE
from .documents import Document
from .markdown import QUOTED, code, literal
from .server import ReportServer

HOVER_WAIT = 0.3  # seconds a hover waits for the analysis of the current text before using the last one


def _range(r: tuple[int, int] | None, unit: str) -> str:
    if r is None:
        return f"any number of {unit}"
    return f"{r[0]}–{r[1]} {unit}" if r[0] != r[1] else f"{r[0]} {unit}"


def verdict(status: QuestionStatus) -> str:
    """Pass or fail, and what to change."""
    if status.status == "crash":
        return "**not judged**: report.py check crashes on this report"
    todo = []
    lim = status.limits
    words, images = status.checker_words, status.checker_images
    if lim.words and words is not None:
        lo, hi = lim.words
        if words < lo:
            todo.append(f"add {lo - words} word{'s' if lo - words != 1 else ''}")
        elif words > hi:
            todo.append(f"cut {words - hi} word{'s' if words - hi != 1 else ''}")
    if lim.images and images is not None:
        lo, hi = lim.images
        if images < lo:
            todo.append(f"add {lo - images} figure{'s' if lo - images != 1 else ''}")
        elif images > hi:
            todo.append(f"remove {images - hi} figure{'s' if images - hi != 1 else ''}")
    if status.status == "pass":
        return "✓ **passes** report.py check"
    return "✗ **fails** report.py check" + (": " + " and ".join(todo) if todo else "")


def question_hover(
    server: ReportServer, doc: Document, analysis: Analysis, q: Question, at: list[Finding] | tuple = ()
) -> str:
    status = analysis.questions[analysis.report.questions.index(q)]
    view = analysis.view
    edition = analysis.edition
    lim = status.limits
    out = [f"**Question {q.number}**" + (f" · {literal(q.section)}" if q.section else "")]
    if edition is not None:
        judged = analysis.judge.label if analysis.judge else f"report.py {view.spec.id}" if view else "?"
        out.append(
            f"Limits: {_range(lim.words, 'words')}, {_range(lim.images, 'figures')} "
            f"(edition {edition.label}, judged by {judged})"
        )
    if view is not None and view.crashes:
        out.append(f"report.py check will crash: {literal(view.crash)}. The answer itself has {status.words} words.")
    else:
        line = f"Words: the checker counts **{status.checker_words}**"
        if status.checker_words != status.words:
            counted = view.answer_after(q.instructions.label.start) if view and q.instructions.label else None
            last = q is analysis.report.questions[-1]
            reasons = count_differences(q, doc.text, counted, last) or ["the checker counts markdown marks as words"]
            line += f"; the answer itself has {status.words} ({'; '.join(reasons)})"
        out.append(line)
        figures = f"Figures: the checker counts **{status.checker_images}**"
        if status.images != status.checker_images:
            figures += f" of {status.images} linked (it counts only `![alt](path)` on one line)"
        out.append(figures)
    out.append(verdict(status))
    findings = [f for f in analysis.findings if f.question == q.number and q.span.contains(f.span.start)]
    findings += [f for f in at if f.question != q.number]  # a finding of the whole report placed here
    if findings:
        out.append(listed(findings))
    if any(f.code == "instructions-edited" and not f.fixes for f in findings):
        path = doc.path
        if path is not None and server.reports.looking_up(path):
            out.append(
                "The original instructions are being looked up in the report's git history; the fix "
                "that restores them appears once they are found."
            )
        else:
            out.append(
                "The original instructions are not at hand (no first version in the report's git "
                "history and no `mlopsReport.templatePath`), so they cannot be restored automatically."
            )
    return "\n\n".join(out)


def figure_hover(doc: Document, analysis: Analysis, fig: Figure, disk: Disk | None) -> str:
    target = fig.target
    if fig.kind == "reference":
        target = analysis.report.references.get(fig.target.lower() or fig.alt.lower(), "")
    counted = "counted by report.py check" if fig.counted else "**not counted** by report.py check"
    out = [f"**Figure** {code(target or fig.target)} ({counted})"]
    if doc.path is None:
        out.append(UNSAVED_MESSAGE + ".")
        return "\n\n".join(out)
    if not target:
        out.append("No path: the reference has no definition.")
        return "\n\n".join(out)
    if disk is None:
        return "\n\n".join(out)
    r = disk.resolve(target)
    state = {
        "exists": "the file exists",
        "case": f"only {code(r.relative or '')} exists: the case differs",
        "missing": "**no such file**",
        "outside": "**outside the report's folder**",
        "unchecked": f"not checked: the folder holds too many files to list (stopped after {disk.entries} entries)",
        "absolute": "an absolute path: not handed in",
        "remote": "a web address: not handed in",
        "empty": "an empty path",
    }[r.state]
    if r.relative is not None:
        out.append(f"{code(str(disk.root / r.relative), 2 * QUOTED)}: {state}")
    else:
        out.append(state[0].upper() + state[1:])
    if r.state in ("exists", "case") and r.relative is not None and disk.inside(r.relative):
        info = image_info(disk.root / r.relative)  # a stat and the header bytes, never the whole file
        if info is not None:
            out.append(f"{info.kind or 'File'}: {info.described()}")
        out.append(f"![{literal(fig.alt or 'figure')}]({(disk.root / r.relative).as_uri()})")
    return "\n\n".join(out)


def checklist_hover(analysis: Analysis, offset: int) -> tuple[str, types.Range | None] | None:
    report = analysis.report
    for h in report.checklist_groups:
        if h.span.contains(offset):
            items = [i for i in report.checklist if i.group == h.title]
            ticked = sum(i.checked for i in items)
            return f"**{literal(h.title)}**: {ticked} of {len(items)} items ticked", h.span
    for h in report.sections:
        if h.span.contains(offset) and "checklist" in h.title.lower():
            ticked = sum(i.checked for i in report.checklist)
            return f"**{literal(h.title)}**: {ticked} of {len(report.checklist)} items ticked", h.span
    item = next((i for i in report.checklist if i.span.contains(offset)), None)
    if item is not None:
        out = f"This item is {'ticked' if item.checked else 'not ticked'}."
        if item.group:
            items = [i for i in report.checklist if i.group == item.group]
            out += f"\n\n**{literal(item.group)}**: {sum(i.checked for i in items)} of {len(items)} items ticked"
        ticked = sum(i.checked for i in report.checklist)
        out += f"\n\nThe whole checklist: {ticked} of {len(report.checklist)} items ticked"
        found = item_hover(item, analysis.evidence, literal, code)  # what the repository shows of it
        return out + ("\n\n" + found if found else ""), item.span
    return None


def listed(findings) -> str:
    return "\n".join(f"- `{f.code}` {literal(f.message, 2 * QUOTED)}" for f in findings)


def report_hover(analysis: Analysis, findings: list[Finding]) -> str:
    """Findings outside every question, with the checker's verdict on the whole report."""
    view = analysis.view
    out = []
    if view is not None:
        out.append(
            f"report.py check will crash: {literal(view.crash)}"
            if view.crashes
            else f"report.py check will pass {analysis.passing}/{analysis.total}"
        )
    out.append(listed(findings))
    return "\n\n".join(out)


def setup(server: ReportServer) -> None:
    @server.handler(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        found = await server.analysed(params.text_document.uri, HOVER_WAIT)
        if found is None or not found.analysis.is_report:
            return None
        doc, analysis = server.view(found), found.analysis
        offset = doc.offset(params.position)
        formats = server.capability("text_document.hover.content_format", None) or [types.MarkupKind.Markdown]
        kind = types.MarkupKind.Markdown if types.MarkupKind.Markdown in formats else types.MarkupKind.PlainText

        def answer(value: str, span) -> types.Hover:
            return types.Hover(
                contents=types.MarkupContent(kind=kind, value=value),
                range=doc.range(span) if span is not None else None,
            )

        q = analysis.report.question_at(offset)
        if q is not None and offset == q.span.end:  # the first character of what follows the question
            q = analysis.report.question_at(offset + 1)
        if q is not None:
            fig = next((f for f in q.answer.figures if f.span.contains(offset)), None)
            if fig is not None:
                return answer(figure_hover(doc, analysis, fig, found.disk), fig.span)
        at = [f for f in analysis.findings if f.span.contains(offset)]
        if q is not None:
            if q.heading.span.contains(offset):
                span = q.heading.span
            elif q.instructions.span.contains(offset):
                span = q.instructions.span
            elif at:
                span = min((f.span for f in at), key=lambda s: s.end - s.start)
            else:
                faded = ignored_at(analysis, offset)  # text the checker does not read says why
                return answer(faded.why, faded.span) if faded is not None else None  # else nothing asked
            return answer(question_hover(server, doc, analysis, q, at), span)
        ticks = checklist_hover(analysis, offset)
        if ticks is not None:
            return answer(ticks[0] + ("\n\n" + listed(at) if at else ""), ticks[1])
        if at:
            return answer(report_hover(analysis, at), min((f.span for f in at), key=lambda s: s.end - s.start))
        return None
