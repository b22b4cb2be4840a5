"""What a migration is and says: its result, its changes in words, and why it was refused."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..editions.fingerprint import normalise

CARRIED_HEADING = "## Kept from the report before migration"
CARRIED_NOTE = (
    "<!-- mlops-report migrate: text of the report that the new template has no place for. "
    "Move it into an answer or delete it: the course's checker counts it into the last answer. -->"
)
TEMPLATE_LIMIT = 2_000_000  # characters of a template file (the course's is about 30 000)

WORD = re.compile(r"[a-z0-9]+")
FUZZY_CHARS = 400  # texts compared fuzzily are cut to this many characters


class MigrationError(Exception):
    """The report or the template cannot be migrated; the message says why, in one line."""


class Change(NamedTuple):
    # "title", "front-matter", "moved", "limits", "prompt", "instructions", "new-question",
    # "no-place", "duplicate", "ticks", "new-item", "item-gone", "carried", "unchanged"
    kind: str
    question: int  # the template's question number; 0 when it is not about one question
    text: str


class Migration(NamedTuple):
    text: str
    changes: tuple[Change, ...]
    placed: dict[int, int]  # report question number -> template question number it went to
    carried: str  # what was appended under CARRIED_HEADING ("" when nothing was)


def short(text: str | None, limit: int = 70) -> str:
    text = normalise(text or "").replace("**", "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str | None) -> str:
    return f"“{short(text)}”" if text else "(no prompt)"
