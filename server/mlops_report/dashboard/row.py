"""One report as one row of the dashboard: a few numbers and short strings, never an analysis.

A row is what a worker process sends back, so its size is bounded whatever the report holds:
at most ``MAX_NOTES`` findings are kept, each message cut to ``MAX_MESSAGE`` characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..rules import codes
from ..text import place

if TYPE_CHECKING:
    from ..analysis import Analysis, QuestionStatus
    from ..disk import Disk
    from ..parse import Report

MAX_NOTES = 200
MAX_MESSAGE = 300
MAX_REASON = 500

# what a question's cell says, most of them refinements of the analysis's "fail"
STATUSES = {
    "pass": "the course's checker passes the answer",
    "under": "fewer words than the checker's limit",
    "over": "more words than the checker's limit",
    "truncated": "too few words because the checker stops counting at a ## inside the answer",
    "figures": "the words are within the limit, the figures the checker counts are not",
    "uncounted": "the checker has no answer for this question (its 'Answer:' chunk is dropped or merged)",
    "unanswered": "still the placeholder (or empty), and the checker fails it",
    "crash": "the checker crashes on the report, so no question passes",
    "missing": "the question's heading is not in the report",
    "fail": "the checker fails the answer for another reason",
}
_FIGURES_MISSING = (codes.IMAGE_MISSING_FILE, codes.IMAGE_OUTSIDE_FIGURES)


class Note(NamedTuple):
    """A finding, as the dashboard shows it."""

    line: int  # 1-based
    severity: str
    code: str
    question: int  # 0: the whole document
    message: str


class Row(NamedTuple):
    path: str
    reason: str = ""  # why there is no analysis: unreadable, not a report, no report in a folder
    group: str = ""  # question 1's number as written
    study_numbers: tuple[str, ...] = ()
    edition: str = ""  # the template's id
    edition_label: str = ""
    run: str = ""  # the course run the template belongs to
    template: str = ""  # current, stale, unmerged or unknown
    checker: str = ""  # the id of the checker that judges
    checker_label: str = ""
    crashes: bool = False
    crash: str = ""
    passed: int = 0
    total: int = 0
    errors: int = 0
    warnings: int = 0
    ticked: int = 0
    items: int = 0
    template_items: int = 0  # the checklist items of the template (0: unknown)
    figures_missing: int = 0  # linked figures the hand-in lacks (no file, or outside reports/)
    figures_uncounted: int = 0  # figures in a form the checker does not count
    figures_unchecked: int = 0  # linked figures not looked for: the walk of the folder stopped early
    statuses: tuple[tuple[int, str], ...] = ()  # (question number, status), in the report's order
    committed: int | None = None  # seconds since the epoch: the last commit that changed the report
    notes: tuple[Note, ...] = ()
    more_notes: int = 0  # findings left out beyond MAX_NOTES

    @property
    def analysed(self) -> bool:
        return not self.reason

    def status_of(self) -> dict[int, str]:
        """Question number -> status; a number the report lacks up to ``total`` is "missing";
        of a question that appears twice, the first."""
        out: dict[int, str] = {}
        for n, status in self.statuses:
            out.setdefault(n, status)
        if not self.reason:
            for n in range(1, self.total + 1):
                out.setdefault(n, "missing")
        return out


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_status(q: QuestionStatus, truncated: bool) -> str:
    """The analysis's status of a question, with "fail" told apart by its cause (from the
    checker's counts and limits the analysis holds; nothing is counted again)."""
    if q.status != "fail":
        return q.status
    if q.checker_words is None:
        return "uncounted"
    words, images = q.limits.words, q.limits.images
    if words is not None and q.checker_words < words[0]:
        return "truncated" if truncated else "under"
    if words is not None and q.checker_words > words[1]:
        return "over"
    if images is not None and q.checker_images is not None and not images[0] <= q.checker_images <= images[1]:
        return "figures"
    return "fail"


def template_state(analysis: Analysis) -> str:
    """current: the template of its run's hand-in; stale: an older one of that run; unmerged: one
    that never reached the course's main branch; unknown: a run our data does not have."""
    d = analysis.detection
    e = d.edition if d else None
    if d is None or e is None or e.run is None or d.how in ("newer", "stated"):
        return "unknown"
    if e.id == e.run.template:
        return "current"
    if not e.merged:
        return "unmerged"
    return "stale" if e.id < e.run.template else "current"


def unchecked_figures(report: Report, disk: Disk | None) -> int:
    """Linked figures a walk cut short (too many files, too slow) did not see: neither found nor
    missing."""
    if disk is None or not disk.truncated:
        return 0
    return sum(
        1
        for q in report.questions
        for fig in q.answer.figures
        if (target := report.figure_target(fig)) and disk.resolve(target).state == "unchecked"
    )


def from_analysis(path: str, analysis: Analysis, committed: int | None = None, disk: Disk | None = None) -> Row:
    """The row of ``analysis``; ``disk``: the walk of the report's folder it was made with."""
    if not analysis.is_report:
        return not_a_report(path)
    view, edition, judged = analysis.view, analysis.edition, analysis.judge
    lines = analysis.report.lines
    truncated = {f.question for f in analysis.findings if f.code == codes.ANSWER_TRUNCATED}
    notes = tuple(
        Note(place(lines, f.span.start).line, f.severity, f.code, f.question, cut(f.message, MAX_MESSAGE))
        for f in analysis.findings[:MAX_NOTES]
    )
    checklist = analysis.report.checklist
    return Row(
        path=path,
        group=analysis.group or "",
        study_numbers=analysis.study_numbers,
        edition=edition.id if edition else "",
        edition_label=edition.label if edition else "",
        run=edition.run.name if edition and edition.run else "",
        template=template_state(analysis),
        checker=view.spec.id if view else "",
        checker_label=judged.label if judged else "",
        crashes=analysis.crash is not None,
        crash=cut(view.crash or "", MAX_REASON) if view else "",
        passed=analysis.passing,
        total=analysis.total,
        errors=analysis.count("error"),
        warnings=analysis.count("warning"),
        ticked=sum(1 for item in checklist if item.checked),
        items=len(checklist),
        template_items=edition.checklist_items if edition else 0,
        figures_missing=sum(1 for f in analysis.findings if f.code in _FIGURES_MISSING),
        figures_uncounted=sum(1 for f in analysis.findings if f.code == codes.IMAGE_NOT_COUNTED),
        figures_unchecked=unchecked_figures(analysis.report, disk),
        statuses=tuple((q.number, question_status(q, q.number in truncated)) for q in analysis.questions),
        committed=committed,
        notes=notes,
        more_notes=max(0, len(analysis.findings) - MAX_NOTES),
    )


def not_a_report(path: str) -> Row:
    return Row(path, reason="not an exam report (no '### Question N' headings with 'Answer:' labels)")


def unreadable(path: str, reason: str) -> Row:
    return Row(path, reason=cut(reason, MAX_REASON))
