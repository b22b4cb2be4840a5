"""The report's structure as the checker reads it: a crash, questions missing, duplicated or out of
order, instructions edited, checklist marks that are no check boxes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .. import checker
from ..checker import CheckerView
from ..editions import Detection
from ..editions.fingerprint import fingerprint, normalise
from ..findings import Edit, Finding, Fix
from ..parse import Question, Report
from ..text import Span
from .context import DocumentContext, QuestionContext
from .lines import finding, line_end, quoted_label, range_text
from .rule import Rule


def instruction_changes(q: Question, detection: Detection) -> str | None:
    """What changed in a question's instructions from the edition's, in words, or None: what
    ``instructions-edited`` says (the analysis puts it in the question's context)."""
    e = detection.edition
    ins = q.shape.instructions
    changes: list[str] = []
    if ins.label is None:
        changes.append("the 'Answer:' label was removed")
    stated = e.stated.get(q.number)
    limit_told = False
    if stated is not None and stated.words is not None:
        if ins.stated_words is None:
            changes.append("the length line was removed")
            limit_told = True
        elif (ins.stated_words, ins.stated_images) != (stated.words, stated.images):
            changes.append(
                f"the length line says {_said(ins.stated_words, ins.stated_images)} where the "
                f"template says {_said(stated.words, stated.images)}"
            )
            limit_told = True
    known = detection.how in ("fingerprint", "setting") and q.number in e.fingerprints
    if known and q.number not in detection.matched:
        template = e.parts.get(q.number, (None, None, None))
        ours = (ins.prompt, None if limit_told else ins.limit_line, ins.example)
        names = ("the question's prompt", "the length line", "the example")
        for i, (was, now, name) in enumerate(zip(template, ours, names, strict=True)):
            if i == 1 and limit_told:
                continue
            now_print = fingerprint(now) if now is not None and normalise(now) else None
            if was is not None and now_print is None:
                changes.append(f"{name} was removed")
            elif was is None and now_print is not None:
                changes.append(f"{name} was added" if i else "a bold prompt was added")
            elif was != now_print:
                changes.append(f"{name} was changed")
        if not changes:
            changes.append("the instruction text differs from the template")
    if not changes:
        return None
    return "; ".join(changes)


def _said(words, images) -> str:
    out = f"{words[0]}-{words[1]} words" if words else "no length"
    if images:
        out += f" and {images[0]}-{images[1]} figures"
    return out


def instructions_edited(c: QuestionContext) -> Iterator[Finding]:
    if not c.edited:
        return
    q = c.question
    span = q.instructions.span if q.instructions.span.end > q.instructions.span.start else q.heading.span
    first = span.start + (len(c.text[span.start : span.end]) - len(c.text[span.start : span.end].lstrip()))
    span = Span(first, min(span.end, line_end(c.text, first)))
    lim = c.limits
    official = (
        ", ".join(
            x
            for x in (
                f"{range_text(lim.words)} words" if lim.words else "",
                f"{range_text(lim.images)} figures" if lim.images else "",
            )
            if x
        )
        or "no limits"
    )
    fixes: tuple[Fix, ...] = ()
    block = q.instructions.block
    if c.restore is not None and block is not None:  # only the instruction block: no answer text
        fixes = (
            Fix("Restore the original instructions", "restoreInstructions", (Edit(block, c.restore),), safe=False),
        )
    yield finding(
        "instructions-edited",
        q,
        span,
        f"Question {q.number}: {c.edited}; the official limits still apply ({official})",
        *fixes,
    )


def checker_crash(c: DocumentContext) -> Iterable[Finding]:
    if c.view.crashes:
        span, why = crash_cause(c.report, c.view)
        q = next((q for q in c.report.questions if q.heading.span == span), None)
        fixes: tuple[Fix, ...] = ()
        if q is not None and not c.report.text.startswith("###", span.start):
            fixes = (
                Fix(
                    f"Write the heading as `### Question {q.number}`",
                    "insertHeading",
                    (Edit(span, f"### Question {q.number}"),),
                ),
            )
        yield Finding(
            "checker-crash",
            "",
            0,
            span,
            f"report.py check will crash: {c.view.crash}; {why}",
            fixes,
            {"crash": c.view.crash},
        )


def crash_cause(report: Report, view: CheckerView) -> tuple[Span, str]:
    """The heading or label that makes the official checker crash, and why, in words."""
    text, lines = report.text, report.lines

    def line_from(at: int, length: int | None = None) -> Span:
        return Span(at, at + length if length is not None else lines.line_end(lines.line_of(at)))

    questions = report.questions
    if view.crash and view.crash.startswith("IndexError"):
        at = questions[0].heading.span if questions else line_from(0)
        return at, "the report has no 'Answer:' label at all, so the checker finds no answer to check"
    expected, found = view.spec.expected or 0, len(view.answers)
    by_label = {q.label: q for q in questions if q.label is not None}
    if found > expected:
        last = view.answers[-1]
        if last.appended_again and found >= 2 and view.answers[-2].chunk == last.chunk:
            k = text.find("###", last.chunk.start, last.chunk.end)
            q = report.question_at(k)
            who = f"question {q.number}" if q else "the last answer"
            return line_from(k), (
                f"the last answer ({who}) contains '###', so the checker counts it twice "
                f"and finds {found} answers instead of {expected}"
            )
        for a in view.answers:
            if a.label >= 0 and a.label not in by_label:
                q = report.question_at(a.label)
                who = f"question {q.number}'s answer" if q else "the text"
                return line_from(a.label, len(checker.LABEL)), (
                    f"this 'Answer:' inside {who} starts an extra answer, so the checker finds {found} "
                    f"answers instead of {expected}"
                )
        if len(questions) > expected:
            q = questions[expected]
            return q.heading.span, (
                f"the report has {len(questions)} questions and this checker expects "
                f"{expected}; it finds {found} answers"
            )
    else:
        for q in questions:
            if q.label is None:
                return q.heading.span, (
                    f"question {q.number} has no 'Answer:' label, so its answer merges into "
                    f"another; the checker finds {found} answers instead of {expected}"
                )
        for d in view.dropped:
            if d.label not in by_label or d.chunk.end >= len(text):  # the last chunk is appended anyway
                continue
            nxt = by_label.get(d.chunk.end)
            orphan = next((o for o in orphans(report, expected).values() if o.label.start == d.chunk.end), None)
            if orphan is not None:
                return orphan.broken or orphan.first, (
                    f"question {orphan.number}'s heading is missing, so the checker drops question "
                    f"{by_label[d.label].number}'s answer and finds {found} answers instead of {expected}"
                )
            if nxt is not None:
                return nxt.heading.span, (
                    f"question {nxt.number}'s heading does not start with '###', so the checker drops question "
                    f"{by_label[d.label].number}'s answer and finds {found} answers instead of {expected}"
                )
            return line_from(d.chunk.end, len(checker.LABEL)), (
                f"no '###' heading stands between question {by_label[d.label].number}'s label and this "
                f"'Answer:', so the checker drops that answer and finds {found} answers instead of {expected}"
            )
        present = {q.number for q in questions}
        for n in range(1, expected + 1):
            if n not in present:
                after = next((q for q in questions if q.number > n), None)
                at = after.heading.span if after else line_from(len(text))
                return at, f"question {n} is missing, so the checker finds {found} answers instead of {expected}"
    first = text.find(checker.LABEL)
    at = line_from(first, len(checker.LABEL)) if first >= 0 else line_from(0)
    return at, f"the checker expects {expected} answers and finds {found}"


class Orphan(NamedTuple):
    """A question whose heading is gone while its instructions and ``> Answer:`` label are still
    there, now inside the previous question's answer."""

    number: int
    label: Span  # its label
    first: Span  # the first line of its instruction block: where its heading belongs
    broken: Span | None  # a heading line right above the block that is no question heading
    holder: int  # the question whose answer holds it


_MAX_GAP = 40  # missing numbers between two questions that are looked for
_QUOTE_LINE = re.compile(r"[ \t]{0,3}>")
_QUESTION_WORD = re.compile(r"q(?:uestion)?\s*\d*", re.IGNORECASE)


def _broken_heading(line: str) -> bool:
    """What is left of a question's heading line: '**Question 9**', '### Question 9999999'."""
    return _QUESTION_WORD.fullmatch(line.strip(" \t#*_:.")) is not None


def orphans(report: Report, total: int) -> dict[int, Orphan]:
    """The questions missing between two present ones (or after the last one, up to ``total``)
    whose instruction blocks are found, in order, in the answer before the gap: as many
    template labels (``> Answer:``) in that answer as numbers missing."""
    text, lines, qs = report.text, report.lines, report.questions
    out: dict[int, Orphan] = {}
    for i, q in enumerate(qs):
        following = qs[i + 1].number if i + 1 < len(qs) else total + 1
        gap = following - q.number - 1
        if not 0 < gap <= _MAX_GAP or not q.shape.answer.labels:
            continue
        labels = [lab for lab in q.answer.labels if quoted_label(text, lab)]
        if len(labels) != gap:
            continue
        floor = q.answer.span.start
        for k, lab in enumerate(labels):
            line = lines.line_of(lab.start)
            while line > 0 and lines.starts[line - 1] >= floor and _QUOTE_LINE.match(lines.line_text(line - 1)):
                line -= 1
            first = Span(lines.starts[line], lines.line_end(line))
            above = line - 1
            while above >= 0 and lines.starts[above] >= floor and not lines.line_text(above).strip():
                above -= 1
            broken = None
            if above >= 0 and lines.starts[above] >= floor and _broken_heading(lines.line_text(above)):
                broken = Span(lines.starts[above], lines.line_end(above))
            out[q.number + 1 + k] = Orphan(q.number + 1 + k, lab, first, broken, q.number)
            floor = lab.end
    return out


def _heading_fix(report: Report, orphan: Orphan) -> tuple[Fix, ...]:
    """Put the heading back above the orphaned instructions (or write a broken one right); none
    when the heading is written right already (an unclosed fence above it hides it)."""
    heading = f"### Question {orphan.number}"
    if orphan.broken is not None:
        if report.text[orphan.broken.start : orphan.broken.end].strip() == heading:
            return ()
        return (Fix(f"Write the heading as `{heading}`", "insertHeading", (Edit(orphan.broken, heading),)),)
    text, at = report.text, orphan.first.start
    nl = "\r\n" if "\r\n" in text[max(0, at - 2) : orphan.first.end + 2] else "\n"
    before = "" if at == 0 or not text[_line_start(text, at - 1) : at].strip() else nl
    return (Fix(f"Insert `{heading}`", "insertHeading", (Edit(Span(at, at), f"{before}{heading}{nl}"),)),)


def _line_start(text: str, pos: int) -> int:
    k = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos))
    return k + 1


def questions_missing(c: DocumentContext) -> Iterable[Finding]:
    e, questions = c.detection.edition, c.report.questions
    present = {q.number for q in questions}
    highest: list[int] = []  # the highest number up to each question: the first above n is the place
    for q in questions:
        highest.append(max(q.number, highest[-1]) if highest else q.number)
    end = len(c.report.text)
    found = orphans(c.report, e.questions)
    for n in range(1, e.questions + 1):
        if n in present:
            continue
        message = f"Question {n} is missing: the {e.label} template has questions 1-{e.questions}"
        orphan = found.get(n)
        if orphan is not None:
            yield Finding(
                "question-missing",
                "",
                n,
                orphan.broken or orphan.first,
                f"Question {n} is missing its heading: its instructions are here, inside question "
                f"{orphan.holder}'s answer",
                _heading_fix(c.report, orphan),
                # the label from the finding's start: the finding may be moved after an edit above it
                {"label": orphan.label.start - (orphan.broken or orphan.first).start, "holder": orphan.holder},
            )
            continue
        i = bisect.bisect_right(highest, n)
        at = questions[i].heading.span if i < len(questions) else Span(end, end)
        fixes: tuple[Fix, ...] = ()
        if i < len(questions) and questions[i].number > n:
            nl = "\r\n" if "\r\n" in c.report.text[at.start : at.end + 2] else "\n"
            fixes = (
                Fix(
                    f"Insert `### Question {n}` with an `Answer:` label",
                    "insertHeading",
                    (Edit(Span(at.start, at.start), f"### Question {n}{nl}{nl}> Answer:{nl}{nl}"),),
                    safe=False,
                ),
            )
        yield Finding("question-missing", "", n, at, message, fixes)


def question_numbers(c: DocumentContext) -> Iterable[Finding]:
    """question-duplicate and question-order."""
    seen: dict[int, int] = {}
    highest = 0
    for q in c.report.questions:
        if q.number in seen:
            yield Finding(
                "question-duplicate",
                "",
                q.number,
                q.heading.span,
                f"Question {q.number} appears twice (first on line {seen[q.number] + 1}); the "
                "checker judges answers by position, so the later ones get other questions' limits",
            )
        elif q.number < highest:
            yield Finding(
                "question-order",
                "",
                q.number,
                q.heading.span,
                f"Question {q.number} comes after question {highest}; the checker judges answers by position",
            )
        seen.setdefault(q.number, q.heading.line)
        highest = max(highest, q.number)


def checkbox_marks(c: DocumentContext) -> Iterable[Finding]:
    for item in c.report.checklist:
        if not item.standard:
            mark = "[x]" if item.checked else "[ ]"
            yield Finding(
                "checkbox-mark",
                "",
                0,
                item.mark_span,
                f"Checklist item '{item.text[:50]}': the mark [{item.mark}] is not [ ] or [x], so it "
                "does not render as a check box",
                (Fix(f"Use {mark}", "checkboxMark", (Edit(item.mark_span, mark),)),),
            )


CHECKER_CRASH = Rule(
    "checker-crash",
    "error",
    "document",
    check=checker_crash,
    reads=("crash",),
    fixes=("insertHeading",),
    summary="The official `report.py check` will stop with an error instead of checking the report.",
    why="It insists on exactly one answer per question of its edition. A deleted or renamed `### Question N` heading, "
    "a `###` in the last answer or a missing `Answer:` label changes the count, and the check reports nothing.",
    example="`### Question 5` renamed to `## Question 5`.",
    fix="Restore the heading or label the message points at (one click for a heading written with `##`). A crash "
    "caused by a missing heading is told once, by `question-missing`.",
)


QUESTION_MISSING = Rule(
    "question-missing",
    "error",
    "document",
    check=questions_missing,
    reads=("numbering", "detection"),
    fixes=("insertHeading",),
    summary="A question of the edition has no `### Question N` heading in the report.",
    why="Its answer merges into the previous one, and the official check fails.",
    example="`### Question 12` deleted together with its instructions.",
    fix="When only the heading went (its instructions and `> Answer:` now stand inside the previous answer), the "
    "finding sits where it belongs and one click puts `### Question N` back, which ends the checker's crash. "
    "When the whole question went, one click inserts its heading and label before the next question; restore "
    "its instructions from the template.",
)


QUESTION_DUPLICATE = Rule(
    "question-duplicate",
    "error",
    "document",
    check=question_numbers,
    reads=("headings",),
    summary="Two questions carry the same number.",
    why="The checker matches answers to limits by position, so every later answer is judged by the wrong limits.",
    example="Two `### Question 9` headings.",
    fix="Renumber or merge them.",
)


QUESTION_ORDER = Rule(
    "question-order",
    "warning",
    "document",
    check=question_numbers,
    reads=("headings",),
    summary="A question stands out of numeric order.",
    why="The checker judges answers by position, so a moved question gets another question's limits.",
    example="`### Question 8` after `### Question 9`.",
    fix="Move the question back into place.",
)


INSTRUCTIONS_EDITED = Rule(
    "instructions-edited",
    "warning",
    "question",
    check=instructions_edited,
    reads=("limits", "edited", "restore"),
    fixes=("restoreInstructions",),
    summary="A question's instruction block (prompt, length line, example or `Answer:` label) differs from the "
    "template.",
    why="The official limits still apply whatever the text says, and teachers expect the template's questions.",
    example="The example removed, or `100-200 words` edited to `50-200 words`.",
    fix="Restore the original instructions (one click when the original is at hand in git history or a template file).",
)


CHECKBOX_MARK = Rule(
    "checkbox-mark",
    "warning",
    "document",
    check=checkbox_marks,
    reads=("checklist",),
    fixes=("checkboxMark",),
    summary="A checklist item marked with something other than `[ ]`, `[x]` or `[X]`.",
    why="Markdown renders only these as check boxes, and the course reads the checklist by them.",
    example="`* [✅] Create a git repository`",
    fix="Use `[x]`, or `[ ]` for empty brackets (one click).",
)
