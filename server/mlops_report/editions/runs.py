"""The course runs: the little that must be stated about them, the input of ``generate.py``.

The course does not grade with the ``report.py`` a group copied: at each January hand-in its
scraper takes the newest ``reports/report.py`` from the main branch of the course repository and
runs it on every group's report. The repository tags the hand-in state of each run
(``v2025january``); the date of the tagged commit is what is stated here. Everything else is
derived by ``generate.py``: a template belongs to the first run whose hand-in is on or after the
template's date; a run is graded by the newest checker on main dated on or before its hand-in
(its *final checker*); a run's alias ("2025") names the newest template on main at its hand-in.

Facts from SkafteNicki/dtu_mlops (snapshot of 2026-01-19, HEAD 9c805726):

* ``v2023january`` -> commit 683853d9 of 2023-02-04 (report.py d1fc9de3, template 1477d9cd)
* ``v2024january`` -> commit bf7636de of 2024-01-19 (report.py and template 64ea22b7)
* ``v2025january`` -> commit e1c5c943 of 2025-02-03 (report.py d1b907d5, template 9c3875c2)
* January 2026 has no tag yet: main on 2026-01-19 (report.py e3622b47, template eb7305c5)

A template newer than the last hand-in here opens a run of its own (the next January after its
date); ``generate.py`` takes that run's checker from a ``<date>_<commit>_report.py`` beside the
template, or refuses to guess.
"""

from __future__ import annotations

from typing import NamedTuple


class KnownRun(NamedTuple):
    name: str
    alias: str
    tag: str | None
    handin: str  # ISO date


RUNS: tuple[KnownRun, ...] = (
    KnownRun("January 2023", "2023", "v2023january", "2023-02-04"),
    KnownRun("January 2024", "2024", "v2024january", "2024-01-19"),
    KnownRun("January 2025", "2025", "v2025january", "2025-02-03"),
    KnownRun("January 2026", "2026", None, "2026-01-19"),
)

# templates that exist only on pull-request branches (never on main, so never a run's template)
UNMERGED_TEMPLATES: frozenset[str] = frozenset(
    {
        "2022-12-15_72582f43",
        "2022-12-15_2bd4ac4c",
        "2023-04-12_964d170e",
        "2024-12-18_289b05ed",
        "2024-12-20_8906a13c",
    }
)


def run_name_after(date: str) -> tuple[str, str]:
    """(name, alias) of the run a template of ``date`` belongs to when it is newer than every
    known hand-in: the next January after it (its own January, when it is dated in a January
    later than the last known run)."""
    year, month = int(date[:4]), int(date[5:7])
    last = int(RUNS[-1].alias)
    if not (month == 1 and year > last):
        year += 1
    return f"January {year}", str(year)
