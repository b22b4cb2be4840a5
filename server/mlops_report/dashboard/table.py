"""The dashboard as CSV: a header, then one line per report, in a fixed column order (RFC 4180:
comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote or a line break).

docs/dashboard.md describes every column; ``COLUMNS`` is the order, and a test keeps the two
the same.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

from .roster import Membership
from .row import Row

COLUMNS = (
    "path",
    "reason",
    "group",
    "study_numbers",
    "edition",
    "run",
    "template",
    "checker",
    "crashes",
    "passed",
    "total",
    "errors",
    "warnings",
    "ticked",
    "items",
    "figures_missing",
    "figures_uncounted",
    "figures_unchecked",
    "committed",
    "late",
    "same_group",
    "roster",
    "roster_missing",
    "roster_unknown",
)
# a cell a spreadsheet would take for a formula: shown with a leading ' (group-chosen text only)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=1)
def questions() -> int:
    """How many question columns: the most questions any known template has."""
    from ..editions import editions

    return max(e.questions for e in editions())


def header() -> list[str]:
    return [*COLUMNS, *(f"q{n}" for n in range(1, questions() + 1)), "other_questions"]


def when(seconds: int | None) -> str:
    return "" if seconds is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def late(r: Row, deadline: int | None) -> str:
    if deadline is None or r.committed is None:
        return ""
    return "true" if r.committed > deadline else "false"


def _text(s: str) -> str:
    return "'" + s if s.startswith(_FORMULA) else s


def _others(m: Membership) -> str:
    more = m.same_count - len(m.same_group)
    return "; ".join([*map(_text, m.same_group), *([f"and {more} more"] if more > 0 else [])])


def _yes(b: object) -> str:
    return "true" if b else "false"


def cells(r: Row, m: Membership, deadline: int | None) -> list[str]:
    yes = _yes
    base = [_text(r.path), _text(r.reason), r.group, " ".join(r.study_numbers)]
    if r.analysed:
        base += [
            r.edition,
            r.run,
            r.template,
            r.checker,
            yes(r.crashes),
            str(r.passed),
            str(r.total),
            str(r.errors),
            str(r.warnings),
            str(r.ticked),
            str(r.items),
            str(r.figures_missing),
            str(r.figures_uncounted),
            str(r.figures_unchecked),
        ]
    else:
        base += [""] * 14
    base += [when(r.committed), late(r, deadline), _others(m), m.roster, " ".join(m.missing), "; ".join(m.unknown)]
    status = r.status_of()
    n = questions()
    base += [status.get(q, "") for q in range(1, n + 1)]
    seen: set[int] = set()
    other = []
    for q, s in r.statuses:  # beyond the columns, and every later copy of a number
        if q > n or q in seen:
            other.append(f"{q}:{s}")
        seen.add(q)
    return [*base, " ".join(other)]


def write(lines: Iterable[tuple[Row, Membership]], out: TextIO, deadline: int | None = None) -> None:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header())
    for r, m in lines:
        w.writerow(cells(r, m, deadline))
