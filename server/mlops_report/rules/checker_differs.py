"""checker-differs: the group's own ``reports/report.py`` would judge the report otherwise than
the course's checker, or cannot be read as a checker at all."""

from __future__ import annotations

from ..editions import Detection, Judge, Limits, course_label
from ..editions.local import LocalChecker
from ..editions.model import CheckerSpec
from ..findings import Finding
from ..parse import Report
from ..text import Span
from .context import DocumentContext
from .rule import Rule

_NAMED = 8  # questions named in one message; the rest are counted


def _said(lim: Limits) -> str:
    parts = []
    if lim.words is not None:
        parts.append(f"{lim.words[0]}-{lim.words[1]} words")
    if lim.images is not None:
        parts.append(f"{lim.images[0]}-{lim.images[1]} figures")
    return " + ".join(parts) or "no limit"


def differences(mine: CheckerSpec, course: CheckerSpec, numbers: list[int]) -> tuple[list[str], list[str], list[int]]:
    """What ``mine`` and ``course`` say differently about a report with questions ``numbers``:
    (mine in words, course in words, the questions whose limits differ)."""
    ours, theirs, questions = [], [], []
    if mine.expected != course.expected:
        ours.append(f"expects {mine.expected or 'any number of'} answers")
        theirs.append(f"expects {course.expected or 'any number of'} answers")
    if mine.slices_front_matter != course.slices_front_matter:
        ours.append("cuts the first 43 characters" if mine.slices_front_matter else "reads from the first character")
        theirs.append(
            "cuts the first 43 characters" if course.slices_front_matter else "reads from the first character"
        )
    for n in sorted(set(numbers)):
        a, b = mine.limits.get(n, Limits()), course.limits.get(n, Limits())
        if a != b:
            questions.append(n)
    for n in questions[:_NAMED]:
        ours.append(f"Q{n} {_said(mine.limits.get(n, Limits()))}")
        theirs.append(f"Q{n} {_said(course.limits.get(n, Limits()))}")
    if len(questions) > _NAMED:
        more = f"and {len(questions) - _NAMED} more questions"
        ours.append(more)
        theirs.append(more)
    if mine.zero_based != course.zero_based:
        ours.append(f"numbers the questions from {0 if mine.zero_based else 1} in its messages")
        theirs.append(f"from {0 if course.zero_based else 1}")
    return ours, theirs, questions


def checker_differs(
    report: Report, detection: Detection, judged: Judge | None, local: LocalChecker | None
) -> list[Finding]:
    if local is None or judged is None or detection.how in ("newer", "stated"):
        return []
    course = detection.edition.checker
    first = report.questions[0].heading.span if report.questions else Span(0, 0)
    if local.spec is None:
        return [
            Finding(
                "checker-differs",
                "",
                0,
                first,
                f"your reports/report.py is not read as a checker ({local.problem}); {judged.label} judges this report",
            )
        ]
    ours, theirs, questions = differences(local.spec, course, [q.number for q in report.questions])
    if not ours:
        return []
    at = next((q.heading.span for q in report.questions if questions and q.number == questions[0]), first)
    message = f"your reports/report.py: {', '.join(ours)}; {course_label(course)}: {', '.join(theirs)}"
    if judged.source == "local":
        message += "; the report is judged by your copy, the course grades with its own"
    return [Finding("checker-differs", "", 0, at, message, (), {"questions": questions})]


def checker_differs_check(c: DocumentContext) -> list[Finding]:
    return checker_differs(c.report, c.detection, c.judge, c.local)


CHECKER_DIFFERS = Rule(
    "checker-differs",
    "information",
    "document",
    check=checker_differs_check,
    reads=("headings", "detection", "judge", "local"),
    summary="The group's own `reports/report.py` would judge the report otherwise than the course's checker: other "
    "limits for some questions, another answer count, another cut of the first characters; or it cannot be "
    "read as a checker at all.",
    why="The course does not grade with the copy a group committed. At the hand-in it runs the newest "
    "`report.py` of its repository's main branch (the final checker of the course run) on every report, so "
    "`python reports/report.py check` can pass a report the course fails, or the other way round. The copy is "
    "read as data (its constraint table, never run); when the report belongs to a run newer than our data, "
    "that copy is what judges it.",
    example="A group of January 2026 kept the `report.py` of 2026-01-04: it asks 100-200 words for question 3, the "
    "January 2026 course checker asks 0-200.",
    fix="Nothing to change in the report: write to the course checker's limits (the ones shown). Copy the course's "
    "current `reports/report.py` to check with the same limits locally, or choose which checker judges with "
    "`--checker` or the `checker` setting.",
)
