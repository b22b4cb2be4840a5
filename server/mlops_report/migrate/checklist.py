"""Ticks onto the template's checklist, by the items' text."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from ..editions import editions
from ..editions.fingerprint import fingerprint, normalise
from ..findings import Edit
from ..parse import ChecklistItem, Report
from ..text import Span
from .model import FUZZY_CHARS, WORD, Change, quote

_TAG = re.compile(r"\(\s*(M\d+(?:\s*[+,/&]\s*M?\d+)*)\s*\)\s*$")
_HEADING_LINE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_ITEM_LINE = re.compile(r"[ \t]*[*+-][ \t]+\[[^\]\r\n]{0,8}\]")
_FUZZY_ITEMS = 150  # more unmatched checklist items than this are matched by exact text only
_SIMILAR_ITEM = 0.85
_SIMILAR_TAGGED_ITEM = 0.6  # two items with the same module tag


class _Item(NamedTuple):
    item: ChecklistItem
    span: Span  # the item with its continuation lines
    key: str  # its words, lower case, without the module tag
    tag: str  # "M2+M6", "" when it has none
    first: str  # the words of its first line only


def items(report: Report) -> list[_Item]:
    """Checklist items with the lines that continue them (an item may wrap)."""
    text, lines = report.text, report.lines
    out = []
    for it in report.checklist:
        n = lines.line_of(it.span.start)
        end = it.span.end
        k = n + 1
        while k < lines.line_count and k - n <= 20:
            line = text[lines.starts[k] : lines.line_end(k)]
            if not line.strip() or _ITEM_LINE.match(line) or _HEADING_LINE.match(line):
                break
            end = lines.line_end(k)
            k += 1
        full = normalise(text[it.span.start : end])
        body = full[full.find("]") + 1 :].strip()
        tag = _TAG.search(body)
        key = " ".join(WORD.findall((body[: tag.start()] if tag else body).lower()))
        first = _TAG.sub("", it.text)
        out.append(
            _Item(
                it,
                Span(it.span.start, end),
                key,
                re.sub(r"\s", "", tag.group(1)) if tag else "",
                " ".join(WORD.findall(first.lower())),
            )
        )
    return out


def move_ticks(
    report: Report, template: Report, edits: list[Edit], changes: list[Change], carried: list[tuple[int, str]]
) -> None:
    ours, theirs = items(report), items(template)
    if not theirs:
        gone = [r for r in ours if r.item.checked]
        if gone:
            carried.append((gone[0].span.start, "\n".join(report.text[r.span.start : r.span.end] for r in gone)))
            changes.append(
                Change("carried", 0, f"the template has no checklist: {len(gone)} ticked items are kept at the end")
            )
        return
    match, annotated = _match_items(ours, theirs)  # template index -> report index
    for j, t in enumerate(theirs):
        i = match.get(j)
        if i is not None and j in annotated:  # the group's note after the item's words goes with it
            edits.append(Edit(t.span, report.text[ours[i].span.start : ours[i].span.end]))
            continue
        mark = ours[i].item.mark if i is not None else " "
        if mark != t.item.mark:
            edits.append(Edit(t.item.mark_span, f"[{mark}]"))
    at = len(changes)
    for j, t in enumerate(theirs):
        if j not in match and ours:
            changes.append(Change("new-item", 0, f"new checklist item (unticked): {quote(_item_text(template, t))}"))
    matched = set(match.values())
    placed = [(ours[i].key, ours[i].item.checked) for i in matched]
    exact = set(placed)
    prefixes = len(placed) * len(ours) <= 1_000_000  # a bounded look for a shorter second copy
    printed = _edition_checklist()
    left = []
    copies = []
    for i, r in enumerate(ours):
        if i in matched:
            continue
        if (r.key, r.item.checked) in exact or (
            prefixes and any(checked == r.item.checked and key.startswith(r.key + " ") for key, checked in placed)
        ):
            copies.append(r)  # a second copy of an item already placed: nothing of it is lost
        elif r.item.checked or fingerprint(r.item.text) not in printed:
            left.append(r)
        else:
            changes.append(Change("item-gone", 0, f"no longer in the checklist: {quote(_item_text(report, r))}"))
    twice = len(copies)
    if twice:
        changes.append(
            Change(
                "item-gone", 0, f"{twice} checklist item{'s' if twice > 1 else ''} the report lists twice: kept once"
            )
        )
    ticked = sum(1 for r in ours if r.item.checked) - sum(1 for r in copies if r.item.checked)
    kept = sum(1 for i in match.values() if ours[i].item.checked)
    if ours:
        changes.insert(at, Change("ticks", 0, f"{kept} of the report's {ticked} ticks are kept on the same items"))
    if left:
        carried.append((left[0].span.start, "\n".join(report.text[r.span.start : r.span.end] for r in left)))
        for r in left:
            what = "ticked" if r.item.checked else "the report's own"
            changes.append(
                Change(
                    "carried",
                    0,
                    f"a {what} checklist item the template does not have is kept at "
                    f"the end: {quote(_item_text(report, r))}",
                )
            )


def _item_text(report: Report, item: _Item) -> str:
    body = normalise(report.text[item.span.start : item.span.end])
    return body[body.find("]") + 1 :].strip()


def _match_items(ours: list[_Item], theirs: list[_Item]) -> tuple[dict[int, int], set[int]]:
    """Template item index -> report item index: the same words first (a ticked copy before an
    unticked one), then the same first line (an item that wrapped onto a second line, or lost
    it), then the template's words followed by a note of the group's, then the most alike. Also
    the template items matched with a note."""
    match: dict[int, int] = {}
    used: set[int] = set()
    order = sorted(range(len(ours)), key=lambda i: not ours[i].item.checked)
    for field in ("key", "first"):
        by_key: dict[str, list[int]] = {}
        for i in order:
            if i not in used:
                by_key.setdefault(getattr(ours[i], field), []).append(i)
        for j, t in enumerate(theirs):
            if j in match:
                continue
            for i in by_key.get(getattr(t, field), ()):
                if i not in used:
                    match[j] = i
                    used.add(i)
                    break
    rest_ours = [i for i in order if i not in used]
    rest_theirs = [j for j in range(len(theirs)) if j not in match]
    annotated: set[int] = set()
    if len(rest_ours) > _FUZZY_ITEMS or len(rest_theirs) > _FUZZY_ITEMS:
        return match, annotated
    for j in rest_theirs:  # the group's note after the template's words
        key = theirs[j].key
        if key.count(" ") < 2:
            continue
        for i in rest_ours:
            if i not in used and ours[i].key.startswith(key + " "):
                match[j] = i
                used.add(i)
                annotated.add(j)
                break
    for j in rest_theirs:  # the template's item says more than the old one did
        if j in match:
            continue
        for i in rest_ours:
            key = ours[i].key
            if i not in used and key.count(" ") >= 2 and theirs[j].key.startswith(key + " "):
                match[j] = i
                used.add(i)
                break
    scored = []
    for i in rest_ours:
        if i in used:
            continue
        for j in rest_theirs:
            if j in match:
                continue
            ratio = max(_alike(ours[i].key, theirs[j].key), _alike(ours[i].first, theirs[j].first))
            same_tag = ours[i].tag and ours[i].tag == theirs[j].tag
            if ratio >= _SIMILAR_ITEM or (same_tag and ratio >= _SIMILAR_TAGGED_ITEM):
                scored.append((ratio, -i, -j))
    for _ratio, i, j in sorted(scored, reverse=True):
        if -i in used or -j in match:
            continue
        match[-j] = -i
        used.add(-i)
    return match, annotated


def _alike(a: str, b: str) -> float:
    """How alike two short texts are (0 to 1); 0 below the lowest bar that counts."""
    s = SequenceMatcher(None, a[:FUZZY_CHARS], b[:FUZZY_CHARS], autojunk=False)
    if s.real_quick_ratio() < _SIMILAR_TAGGED_ITEM or s.quick_ratio() < _SIMILAR_TAGGED_ITEM:
        return 0.0
    return s.ratio()


@lru_cache(maxsize=1)
def _edition_checklist() -> frozenset[str]:
    """Fingerprints of every known edition's checklist items."""
    return frozenset(p for e in editions() for p in e.checklist)
