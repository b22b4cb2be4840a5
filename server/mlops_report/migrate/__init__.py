"""Moving a report onto a newer template of the course.

``migrate(report_text, template_text)`` writes the report on the template: every answer goes
under the question of the same number (when both have as many questions; otherwise under the
question that asks the same thing, found by the prompts' words in order), every tick goes to the
checklist item with the same text (its module tag and small rewordings aside), and the
template's new items stay unticked. What the group wrote outside the answers and has no place in
the template (a section of its own, a paragraph in the introduction, an item of its own, a
ticked item the template dropped, the answer to a question it no longer asks) is appended under
a marked heading at the end: only the old template's own words are left behind.

The template is the user's file or a page the user fetched; the package holds no template
text. Old template words are told from the group's by the new template's text, by the
fingerprints of every known edition (``editions``) and by their likeness to a paragraph of the
new template. Every comparison is bounded: the fuzzy ones only run on short texts and a bounded
number of pairs.
"""

from __future__ import annotations

from ..editions.fingerprint import normalise
from ..findings import Edit, apply_edits
from ..parse import Report, looks_like_report, parse
from .checklist import move_ticks
from .files import committed, fetch_template, is_url, template_url, write_atomically
from .model import CARRIED_HEADING, CARRIED_NOTE, TEMPLATE_LIMIT, Change, Migration, MigrationError, quote, short
from .own_text import Known, own_text
from .questions import answer_text, instruction_changes, numbers_in_words, place, placeholder_only, unanswered

__all__ = [
    "CARRIED_HEADING",
    "CARRIED_NOTE",
    "TEMPLATE_LIMIT",
    "Change",
    "Migration",
    "MigrationError",
    "committed",
    "fetch_template",
    "is_url",
    "migrate",
    "summary",
    "template_url",
    "write_atomically",
]


def migrate(report_text: str, template_text: str) -> Migration:
    """``report_text`` written on ``template_text``; see the module's documentation."""
    report = parse(report_text)
    if not looks_like_report(report):
        raise MigrationError("the report has no '### Question N' headings with 'Answer:' labels")
    if len(template_text) > TEMPLATE_LIMIT:
        raise MigrationError("the template is larger than a report template")
    template = parse(_with_newlines(template_text, _newline(report_text)))
    if not looks_like_report(template):
        raise MigrationError("the template has no '### Question N' headings with 'Answer:' labels")
    changes: list[Change] = []
    edits: list[Edit] = []
    carried: list[tuple[int, str]] = []  # (offset in the report, text) of what has no place
    known = Known(template)
    reworded: list[int] = []

    _title(report, template, edits, changes)
    _front_matter(report, template, changes)
    placed, unplaced = place(report.questions, template.questions)
    for j, tq in enumerate(template.questions):
        rq = placed.get(j)
        if rq is None:
            changes.append(
                Change("new-question", tq.number, f"Question {tq.number} is new: {quote(tq.instructions.prompt)}")
            )
            continue
        if rq.number != tq.number:
            changes.append(
                Change(
                    "moved",
                    tq.number,
                    f"the answer to question {rq.number} is now under "
                    f"question {tq.number}: {quote(tq.instructions.prompt)}",
                )
            )
        found = instruction_changes(rq, tq)
        if found == ["instructions"]:
            reworded.append(tq.number)
        else:
            changes += found
        if not placeholder_only(rq):
            edits.append(Edit(tq.answer.span, answer_text(rq, tq)))
    for rq, why in unplaced:
        if not unanswered(rq):
            title = f"**Question {rq.number} of the report before migration**"
            if rq.instructions.prompt:
                title += f" ({short(rq.instructions.prompt)})"
            carried.append((rq.span.start, title + "\n\n" + rq.answer.text.strip("\r\n")))
        kind = "duplicate" if why == "duplicate" else "no-place"
        what = "appears twice" if why == "duplicate" else "has no place in the template"
        tail = "its answer is kept at the end" if not unanswered(rq) else "it was unanswered"
        changes.append(Change(kind, 0, f"question {rq.number} of the report {what}: {tail}"))

    if reworded:
        changes.append(
            Change(
                "instructions",
                0,
                f"the instructions of {numbers_in_words(reworded)} are worded differently (same prompt and length)",
            )
        )
    move_ticks(report, template, edits, changes, carried)
    carried += own_text(report, known)
    text = apply_edits(template.text, edits)
    nl = _newline(report_text)
    appended = ""
    if carried:
        carried.sort(key=lambda piece: piece[0])
        appended = _with_newlines("\n\n".join(piece for _, piece in carried), nl)
        block = nl.join(["", CARRIED_HEADING, "", CARRIED_NOTE, "", appended, ""])
        text = text.rstrip("\r\n") + nl + block
        changes.append(
            Change(
                "carried",
                0,
                f"{len(carried)} pieces of the report's own text have no place in "
                f"the template: kept at the end under '{CARRIED_HEADING[3:]}'",
            )
        )
    if text == report_text:
        changes = [Change("unchanged", 0, "the report is already written on this template")]
    moved = {q.number: template.questions[j].number for j, q in placed.items()}
    return Migration(text, tuple(changes), moved, appended)


def summary(migration: Migration) -> list[str]:
    """What changed, one line each, as the command prints it."""
    return [c.text for c in migration.changes]


# -- newlines -----------------------------------------------------------------------------------


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _with_newlines(text: str, nl: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", nl) if nl != "\n" else text


# -- title and front matter ---------------------------------------------------------------------


def _title(report: Report, template: Report, edits: list[Edit], changes: list[Change]) -> None:
    """The group's own title stays."""
    rt, tt = report.title, template.title
    if rt is None or tt is None or normalise(rt.title) == normalise(tt.title):
        return
    if any(normalise(rt.title) == normalise(h.title) for h in template.sections):
        return
    edits.append(Edit(tt.span, report.text[rt.span.start : rt.span.end]))
    changes.append(Change("title", 0, f"the report's title is kept: {quote(rt.title)}"))


def _front_matter(report: Report, template: Report, changes: list[Change]) -> None:
    if (report.front_matter is None) == (template.front_matter is None):
        return
    if template.front_matter is None:
        changes.append(Change("front-matter", 0, "the front matter (---, layout, ---) is gone, as in the template"))
    else:
        changes.append(Change("front-matter", 0, "the template's front matter (---, layout, ---) is added"))
