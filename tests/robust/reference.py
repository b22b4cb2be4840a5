"""A small, independent model of the course's ``report.py check``, written from
../shared/checker.md (section 2-5) for the property tests to compare ``checker.check`` with.

It works on the text exactly as the script sees it: read with universal newlines, split at
every literal ``Answer:``. It returns the (words, images) of every answer it counts, or the
name of the exception the script dies with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# one inline image on one line: '.' does not cross a line break
_ONE_LINE_IMAGE = re.compile(r"\!\[.*?\]\(.*?\)")


@dataclass(frozen=True)
class Outcome:
    counts: tuple[tuple[int, int], ...]  # (words, images) per counted answer, in order
    error: str | None  # "ValueError" / "IndexError" when the script raises


def universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _keep(chunk: str) -> str:
    before_h3 = chunk.split("###")[0]
    return before_h3.split("##")[0]


def run(text: str, family: str, expected: int | None) -> Outcome:
    """What the script of ``family`` ("draft", "A", "B", "C") makes of ``text``."""
    text = universal_newlines(text)
    if family != "C":
        text = text[43:]
    pieces = text.split("Answer:")
    if family == "C":
        pieces.pop(0)
    kept = [_keep(p) for p in pieces if "###" in p]
    if not pieces:  # only family C can get here: per_question[-1] on an empty list
        return Outcome((), "IndexError")
    kept.append(pieces[-1])
    if family != "C":
        kept = kept[1:]
    kept = [k.strip("\n") for k in kept]
    counts = tuple((len(k.split()), len(_ONE_LINE_IMAGE.findall(k))) for k in kept)
    if expected is not None and len(kept) != expected:
        return Outcome(counts, "ValueError")
    return Outcome(counts, None)


def passed(outcome: Outcome, limits: dict) -> int:
    """How many answers meet their limits (``limits``: position -> object with words/images)."""
    n = 0
    for position, (words, images) in enumerate(outcome.counts, start=1):
        lim = limits.get(position)
        w = getattr(lim, "words", None)
        i = getattr(lim, "images", None)
        ok = (w is None or w[0] <= words <= w[1]) and (i is None or i[0] <= images <= i[1])
        n += ok
    return n
