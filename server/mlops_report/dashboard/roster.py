"""The groups as the teacher lists them (``--roster FILE.csv``) against what the reports say.

A roster is a CSV file: the group in the first column, study numbers in the others (one cell
or several, separated by anything); a group may take several lines (one per student). A first
line without any study number is a header. Groups match by their number ("Group 07" is 7).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import NamedTuple

from .row import Row

MAX_BYTES = 10 * 1024 * 1024
SAME_SHOWN = 5
_DIGITS = re.compile(r"\d+")
_STUDY = re.compile(r"(?<![A-Za-z0-9])[sS]\d{6}(?![A-Za-z0-9])")


class RosterError(Exception):
    pass


class Roster(NamedTuple):
    groups: dict[str, tuple[str, ...]]  # group key -> study numbers, in the file's order
    names: dict[str, str]  # group key -> the group as the file writes it


class Membership(NamedTuple):
    """What the other rows and the roster say about one row."""

    same_group: tuple[str, ...] = ()  # the other reports naming the same group (the first SAME_SHOWN)
    same_count: int = 0  # how many other reports name it
    roster: str = ""  # "", "listed", "not in the roster", "no group number", "no report"
    missing: tuple[str, ...] = ()  # on the roster for this group, not in question 2
    unknown: tuple[str, ...] = ()  # in question 2, not on the roster for this group ("s123456 (group 7)")


def group_key(text: str) -> str:
    m = _DIGITS.search(text)
    return (m.group(0).lstrip("0") or "0") if m else text.strip().lower()


def read(path: Path) -> Roster:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise RosterError(f"{path}: over {MAX_BYTES // (1024 * 1024)} MB; a roster is a short CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # a spreadsheet's export; study numbers are ASCII either way
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise RosterError(f"{path}: not a CSV file ({exc})") from None
    for i, cells in enumerate(lines):
        if not cells or not cells[0].strip():
            continue
        numbers = [m.group(0).lower() for cell in cells[1:] for m in _STUDY.finditer(cell)]
        if i == 0 and not numbers and not _DIGITS.search(cells[0]):
            continue  # a header
        key = group_key(cells[0])
        names.setdefault(key, cells[0].strip())
        listed = groups.setdefault(key, [])
        listed.extend(n for n in numbers if n not in listed)
    if not groups:
        raise RosterError(f"{path}: no group in it (a line is: group, study numbers)")
    return Roster({k: tuple(v) for k, v in groups.items()}, names)


def memberships(found: list[Row], roster: Roster | None) -> list[tuple[Row, Membership]]:
    """Each row with what the batch and the roster say of it, then a row for every roster group
    that no report names."""
    by_group: dict[str, list[int]] = {}
    for i, r in enumerate(found):
        if r.analysed and r.group:
            by_group.setdefault(group_key(r.group), []).append(i)
    owner: dict[str, str] = {}  # a study number listed under two groups belongs to the first
    for k, numbers in roster.groups.items() if roster else ():
        for n in numbers:
            owner.setdefault(n, k)
    out = []
    for i, r in enumerate(found):
        if not r.analysed:
            out.append((r, Membership()))
            continue
        key = group_key(r.group) if r.group else None
        group = by_group.get(key, []) if key is not None else []
        same = tuple(found[j].path for j in group[: SAME_SHOWN + 1] if j != i)[:SAME_SHOWN]
        count = max(0, len(group) - 1)
        if roster is None:
            out.append((r, Membership(same, count)))
            continue
        listed = roster.groups.get(key) if key is not None else None
        state = "no group number" if key is None else ("not in the roster" if listed is None else "listed")
        missing = tuple(n for n in listed or () if n not in r.study_numbers)
        unknown = tuple(
            n if owner.get(n) is None else f"{n} (group {roster.names[owner[n]]})"
            for n in r.study_numbers
            if n not in (listed or ())
        )
        out.append((r, Membership(same, count, state, missing, unknown)))
    if roster is not None:
        for key, numbers in roster.groups.items():
            if key not in by_group:
                out.append(
                    (
                        Row("", reason="no report names this group", group=roster.names[key]),
                        Membership(roster="no report", missing=numbers),
                    )
                )
    return out
