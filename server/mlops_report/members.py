"""Who a report says it is: the group number in question 1, the study numbers in question 2.

The findings about them (``rules.identity.group_number`` and ``study_number``) and the
analysis's ``group`` and ``study_numbers`` read the answers through these functions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .parse import Answer
from .text import Span

_NUMBER = re.compile(r"\d+")
# a whole word of ASCII letters and digits: "123456" in "é123456" or "x_123456" is no entry
_ENTRY = re.compile(r"(?<!\w)[A-Za-z0-9]+(?!\w)")
STUDY_NUMBER = re.compile(r"s\d{6}")
GROUP_DIGITS = 12  # a longer run of digits is shown cut: no group has such a number


def own_text(text: str, answer: Answer) -> str:
    """The answer's text without its placeholders and with ``---`` wrappers blanked."""
    t = text[answer.span.start : answer.span.end]
    for p in reversed(answer.placeholders):
        t = t[: p.start - answer.span.start] + t[p.end - answer.span.start :]
    return t.replace("---", " ")


def group_number(text: str, answer: Answer) -> str | None:
    """The first number in question 1's answer, as written (cut to ``GROUP_DIGITS``); None when
    the answer holds no digit."""
    m = _NUMBER.search(own_text(text, answer))
    return m.group(0)[:GROUP_DIGITS] if m else None


def entries(text: str, answer: Answer) -> Iterator[tuple[str, Span]]:
    """Each run of letters and digits in question 2's answer, outside placeholders and the
    ``---`` wrapper: the candidates for study numbers."""
    a = answer
    skip = sorted(list(a.placeholders) + (list(a.wrapper) if a.wrapper else []), key=lambda p: p.start)
    k, reach = 0, -1  # the tokens come in order: walk the spans to skip alongside
    for m in _ENTRY.finditer(text, a.span.start, a.span.end):
        span = Span(m.start(), m.end())
        while k < len(skip) and skip[k].start <= span.start:
            reach = max(reach, skip[k].end)
            k += 1
        if span.start < reach:
            continue
        yield m.group(0), span


def study_numbers(text: str, answer: Answer) -> tuple[str, ...]:
    """The well-formed study numbers (``s`` and 6 digits) of question 2's answer, in order,
    each once."""
    found = dict.fromkeys(token for token, _ in entries(text, answer) if STUDY_NUMBER.fullmatch(token))
    return tuple(found)
