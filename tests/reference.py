"""A second, independent implementation of the course's ``report.py check``, for tests only.

Written from the description in ../shared/checker.md (sections 2-4), deliberately as plainly as
the description reads: it works on the text as Python's text mode would hand it over (universal
newlines), with no offsets. ``checker.py`` is compared against it on synthetic reports and
mutations of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONE_LINE_IMAGE = re.compile(r"!\[.*?\]\(.*?\)")


@dataclass
class Outcome:
    crash: str | None  # "ValueError" or "IndexError"
    words: list[int]
    images: list[int]


def universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _keep_before_headings(chunk: str) -> str:
    head = chunk.split("###")[0]
    return head.split("##")[0] if "##" in head else head


def run(text: str, family: str, expected: int | None) -> Outcome:
    """What ``report.py check`` of ``family`` ("A", "B", "C" or "draft") computes for ``text``."""
    text = universal_newlines(text)
    if family != "C":
        text = text[43:]
    pieces = text.split("Answer:")
    if family == "C":
        pieces.pop(0)
    answers = [_keep_before_headings(p) for p in pieces if "###" in p]
    if not pieces:
        return Outcome("IndexError", [], [])
    answers.append(pieces[-1])
    if family != "C":
        answers = answers[1:]
    answers = [a.strip("\n") for a in answers]
    if expected is not None and len(answers) != expected:
        return Outcome("ValueError", [], [])
    return Outcome(
        None,
        [len(a.split()) for a in answers],
        [len(_ONE_LINE_IMAGE.findall(a)) for a in answers],
    )


def passed(outcome: Outcome, limits: dict) -> int:
    """How many answers the script counts as passing, with the limits of its version."""
    total = 0
    for position, (words, images) in enumerate(zip(outcome.words, outcome.images, strict=True), start=1):
        lim = limits.get(position)
        ok = True
        if lim is not None and lim.words is not None:
            ok = ok and lim.words[0] <= words <= lim.words[1]
        if lim is not None and lim.images is not None:
            ok = ok and lim.images[0] <= images <= lim.images[1]
        total += ok
    return total
