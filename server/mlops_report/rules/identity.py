"""Who hands in: the group number of question 1 and the study numbers of question 2."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import members
from ..findings import Edit, Finding, Fix
from ..text import Span
from .context import QuestionContext
from .lines import finding, line_end
from .rule import Rule


def group_number(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    if q.number != 1 or q.answer.is_empty:
        return
    if members.group_number(c.text, q.answer) is None:
        own = members.own_text(c.text, q.answer)
        yield finding("group-number", q, _content_span(c), f"Question 1: {own.strip()[:40]!r} is not a group number")


def study_number(c: QuestionContext) -> Iterator[Finding]:
    """Each token of question 2's answer that tries to be a study number and is not ``s`` + 6 digits."""
    q = c.question
    if q.number != 2 or q.answer.is_empty:
        return
    good = flagged = 0
    for token, span in members.entries(c.text, q.answer):
        if members.STUDY_NUMBER.fullmatch(token):
            good += 1
            continue
        fixes: tuple[Fix, ...] = ()
        if re.fullmatch(r"S\d{6}", token):
            why = "is written with a capital S"
            fixes = (Fix(f"Write {token.lower()}", "studyNumber", (Edit(span, token.lower()),)),)
        elif re.fullmatch(r"[sS]\d+", token):
            why = f"has {len(token) - 1} digits"
        elif re.fullmatch(r"\d{6}", token):
            why = "lacks the leading s"
            fixes = (Fix(f"Write s{token}", "studyNumber", (Edit(span, "s" + token),)),)
        elif re.fullmatch(r"[sS][xX]{6}", token):
            why = "is the example's pattern"
        else:
            continue
        flagged += 1
        yield finding(
            "study-number", q, span, f"Question 2: {token} {why}; a study number is s followed by 6 digits", *fixes
        )
    if not good and not flagged:
        yield finding(
            "study-number", q, _content_span(c), "Question 2: the answer names no study number (s followed by 6 digits)"
        )


def _content_span(c: QuestionContext) -> Span:
    a = c.question.answer
    body = c.text[a.span.start : a.span.end]
    lead = len(body) - len(body.lstrip())
    s = a.span.start + lead
    return Span(s, line_end(c.text, s))


GROUP_NUMBER = Rule(
    "group-number",
    "warning",
    "question",
    check=group_number,
    summary="Question 1 is not a group number.",
    why="Teachers match reports to groups by this number.",
    example="`--- question 1 fill here ---` or `our group`.",
    fix="Write the number you signed up with, for example `42`.",
)


STUDY_NUMBER = Rule(
    "study-number",
    "warning",
    "question",
    check=study_number,
    fixes=("studyNumber",),
    summary="An entry of question 2 is not a DTU study number (`s` followed by 6 digits).",
    why="Teachers match each member to the report by study number.",
    example="`s24, S2456789`",
    fix="Write each study number in full, for example `s123456` (one click for a capital S or a missing s).",
)
