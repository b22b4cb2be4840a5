"""``mlopsReport/status``: after each analysis, how the report stands, for a status bar.

``{uri, edition, editionLabel, answered, passing, failing, total, errors, warnings,
checkerCrashes, sections: [{title, answered, passing, total}], handin}``; ``failing`` counts the
answers the course's checker would fail (0 when it crashes: it judges none). A document that
stops being a report gets one last status with ``total`` 0; other documents get none. A status equal
to the last one sent for the document is not sent again. ``handin``
(``lsp/course_view.py``): ``{deadline, deadlineMs, phase, pending, pushed}``, or null outside a
repository without a deadline.
"""

from __future__ import annotations

from ..analysis import Analysis
from . import course_view
from .documents import Document
from .reports import Analysed
from .server import ReportServer

METHOD = "mlopsReport/status"


def status(doc: Document, analysis: Analysis) -> dict:
    if not analysis.is_report:
        return {
            "uri": doc.uri,
            "edition": None,
            "editionLabel": None,
            "answered": 0,
            "passing": 0,
            "failing": 0,
            "total": 0,
            "errors": 0,
            "warnings": 0,
            "checkerCrashes": 0,
            "sections": [],
        }
    # the checker's verdicts judged once: ``passing`` and ``failing`` would judge them each
    verdicts = analysis.view.verdicts if analysis.view is not None and not analysis.view.crashes else []
    errors, warnings = analysis.count("error"), analysis.count("warning")
    sections: dict[str, dict] = {}
    for s in analysis.questions:
        entry = sections.setdefault(s.section, {"title": s.section, "answered": 0, "passing": 0, "total": 0})
        entry["total"] += 1
        entry["answered"] += s.answered
        entry["passing"] += s.status == "pass"
    return {
        "uri": doc.uri,
        "edition": analysis.edition.id if analysis.edition else None,
        "editionLabel": analysis.edition.label if analysis.edition else None,
        "answered": sum(s.answered for s in analysis.questions),
        "passing": sum(v.passed for v in verdicts),
        "failing": sum(not v.passed for v in verdicts),
        "total": analysis.total,
        "errors": errors,
        "warnings": warnings,
        "checkerCrashes": int(analysis.crash is not None),
        "sections": list(sections.values()),
    }


def setup(server: ReportServer) -> None:
    reports: set[str] = set()
    last: dict[str, dict] = {}  # the last status sent for each document: an equal one is not sent again

    def analysed(found: Analysed) -> None:
        doc, analysis = found.doc, found.analysis
        if not analysis.is_report and doc.uri not in reports:
            return
        if analysis.is_report:
            reports.add(doc.uri)
        else:
            reports.discard(doc.uri)
        payload = status(doc, analysis)
        if analysis.is_report:
            payload["handin"] = course_view.status_of(
                doc.uri, analysis, course_view.pushed_at(server, doc.uri), server.reports.settings.deadline_at
            )
        if last.get(doc.uri) == payload:
            return
        last[doc.uri] = payload
        server.protocol.notify(METHOD, payload)

    def closed(doc: Document) -> None:
        reports.discard(doc.uri)
        last.pop(doc.uri, None)

    server.on("analysed", analysed)
    server.on("closed", closed)
