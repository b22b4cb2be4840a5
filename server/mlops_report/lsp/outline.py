"""``mlopsReport/outline``: the report at a glance, for a sidebar and a status bar.

* request ``mlopsReport/outline`` ``{textDocument: {uri}}`` -> the outline of the current text,
  or null for a document that is not a report;
* notification ``mlopsReport/outline`` with the same object after each analysis that changes it,
  to clients that ask for it with the client capability ``experimental.mlopsReportOutline``
  (true); a document that stops being a report gets one last outline with ``isReport`` false.

``{uri, version, isReport, passing, failing, total, questions: [{number, section, line,
endLine, status, words, checkerWords, images, checkerImages, limits: {words, images},
summary, figures: [{target, line}], problems}], sections: [{title, line, questions}],
checklist: {title, line, ticked, total, groups: [{title, line, ticked, total, items: [{text,
line, ticked, found, hint}]}]} | null}``. Lines are 0-based; ``endLine`` is the last line of
the question's answer; ``summary`` is the code lens's text; ``hint`` the code of a checklist
hint on the item; ``found`` what the repository shows of it, in words.
"""

from __future__ import annotations

from ..analysis import Analysis
from ..evidence import check_for
from ..rules import codes
from .documents import Document, Earlier
from .lens import title
from .params import member as _field
from .reports import Analysed
from .server import ReportServer

METHOD = "mlopsReport/outline"
CHECKLIST_HINTS = (codes.CHECKLIST_NO_EVIDENCE, codes.CHECKLIST_UNTICKED_EVIDENCE)
CAPABILITY = "mlopsReportOutline"


def _limits(r: tuple[int, int] | None) -> list[int] | None:
    return list(r) if r is not None else None


def outline(doc: Document | Earlier, analysis: Analysis) -> dict:
    base = {"uri": doc.uri, "version": getattr(doc, "version", None), "isReport": analysis.is_report}
    if not analysis.is_report:
        return {**base, "passing": 0, "failing": 0, "total": 0, "questions": [], "sections": [], "checklist": None}
    report = analysis.report
    problems: dict[int, dict[str, int]] = {}
    for f in analysis.findings:
        if f.question:
            counts = problems.setdefault(f.question, {"errors": 0, "warnings": 0})
            if f.severity in ("error", "warning"):
                counts[f.severity + "s"] += 1
    questions = []
    sections: dict[str, dict] = {}
    for q, s in zip(report.questions, analysis.questions, strict=False):
        end = q.answer.span.end
        text = report.text
        while end > q.answer.span.start and text[end - 1].isspace():
            end -= 1
        questions.append(
            {
                "number": q.number,
                "section": q.section,
                "line": doc.position(q.heading.span.start).line,
                "endLine": doc.position(max(end, q.heading.span.end)).line,
                "status": s.status,
                "words": s.words,
                "checkerWords": s.checker_words,
                "images": s.images,
                "checkerImages": s.checker_images,
                "limits": {"words": _limits(s.limits.words), "images": _limits(s.limits.images)},
                "summary": title(s),
                "figures": [{"target": f.target, "line": doc.position(f.span.start).line} for f in q.answer.figures],
                "problems": problems.get(q.number, {"errors": 0, "warnings": 0}),
            }
        )
        sections.setdefault(q.section, {"title": q.section, "line": None, "questions": []})["questions"].append(
            q.number
        )
    for h in report.sections:
        if h.title in sections and sections[h.title]["line"] is None:
            sections[h.title]["line"] = doc.position(h.span.start).line
    return {
        **base,
        "passing": analysis.passing,
        "failing": len(analysis.failing),
        "total": analysis.total,
        "questions": questions,
        "sections": list(sections.values()),
        "checklist": _checklist(doc, analysis),
    }


def _checklist(doc: Document | Earlier, analysis: Analysis) -> dict | None:
    report = analysis.report
    if not report.checklist:
        return None
    hints = {f.span.start: f.code for f in analysis.findings if f.code in CHECKLIST_HINTS}
    heading = next((h for h in report.sections if "checklist" in h.title.lower()), None)
    groups: dict[str, dict] = {}
    lines = {h.title: doc.position(h.span.start).line for h in report.checklist_groups}
    evidence = analysis.evidence
    for item in report.checklist:
        group = groups.setdefault(
            item.group,
            {"title": item.group or "Checklist", "line": lines.get(item.group), "ticked": 0, "total": 0, "items": []},
        )
        group["ticked"] += item.checked
        group["total"] += 1
        check = check_for(item.text)
        hits = evidence.of(check) if evidence is not None and check is not None else ()
        group["items"].append(
            {
                "text": item.text,
                "line": doc.position(item.span.start).line,
                "ticked": item.checked,
                "found": ", ".join(dict.fromkeys(f"{h.what} ({h.path})" for h in hits)) or None,
                "hint": hints.get(item.span.start),
            }
        )
    return {
        "title": heading.title if heading else "Checklist",
        "line": doc.position(heading.span.start).line if heading else None,
        "ticked": sum(i.checked for i in report.checklist),
        "total": len(report.checklist),
        "groups": list(groups.values()),
    }


def setup(server: ReportServer) -> None:
    sent: dict[str, dict] = {}  # uri -> the last outline sent, without its version

    def wanted() -> bool:
        experimental = server.capability("experimental", None)
        return isinstance(experimental, dict) and experimental.get(CAPABILITY) is True

    prepared: dict[str, tuple[Analysed, dict]] = {}  # built in the analysis thread, sent from the loop

    def prepare(found: Analysed) -> None:
        if wanted() and (found.analysis.is_report or found.doc.uri in sent):
            prepared[found.doc.uri] = (found, outline(found.doc, found.analysis))

    def analysed(found: Analysed) -> None:
        uri = found.doc.uri
        ready = prepared.pop(uri, None)
        if not wanted() or (not found.analysis.is_report and uri not in sent):
            return
        data = ready[1] if ready is not None and ready[0] is found else outline(found.doc, found.analysis)
        compared = {k: v for k, v in data.items() if k != "version"}
        if sent.get(uri) == compared:
            return
        if found.analysis.is_report:
            sent[uri] = compared
        else:
            sent.pop(uri, None)
        server.protocol.notify(METHOD, data)

    def closed(doc) -> None:
        sent.pop(doc.uri, None)
        prepared.pop(doc.uri, None)

    server.prepare(prepare)
    server.on("analysed", analysed)
    server.on("closed", closed)

    @server.handler(METHOD, empty=None)
    async def request(params) -> dict | None:  # unannotated: pygls passes custom params as a named tuple
        document = _field(params, "textDocument", "text_document")
        uri = _field(document, "uri") if document is not None else _field(params, "uri")
        if not isinstance(uri, str):
            return None
        found = await server.analysed(uri)
        if found is None or not found.analysis.is_report:
            return None
        return outline(server.view(found), found.analysis)
