"""Every known edition of the report template, and which one a document was written in."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .checkers import CHECKERS, PAIRING
from .fingerprint import fingerprint
from .model import CheckerSpec, Edition, Limits

if TYPE_CHECKING:
    from ..parse import Report

__all__ = ["Edition", "CheckerSpec", "Limits", "Detection", "editions", "by_id", "detect", "ids"]

_DATA = Path(__file__).with_name("data.json")


def _limits(pair: list) -> Limits:
    words, images = pair
    return Limits(tuple(words) if words else None, tuple(images) if images else None)


@lru_cache(maxsize=1)
def editions() -> tuple[Edition, ...]:
    """Oldest first."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))["editions"]
    out = []
    for eid in sorted(data):
        d = data[eid]
        checker_id, aliases, label = PAIRING[eid]
        out.append(
            Edition(
                id=eid,
                aliases=aliases,
                label=label,
                questions=d["questions"],
                checklist_items=d["checklist_items"],
                front_matter=d["front_matter"],
                checker=CHECKERS[checker_id],
                stated={int(k): _limits(v) for k, v in d["stated"].items()},
                fingerprints={int(k): v for k, v in d["fingerprints"].items()},
                checklist=frozenset(d["checklist"]),
                parts={int(k): tuple(v) for k, v in d.get("parts", {}).items()},
            )
        )
    return tuple(out)


def ids() -> list[str]:
    """Every name an edition answers to: aliases first, then full ids."""
    return [a for e in editions() for a in e.aliases] + [e.id for e in editions()]


def by_id(name: str) -> Edition | None:
    """An edition by full id, 8-character commit, alias ("2026") or template file name."""
    name = name.strip().removesuffix("_README.md")
    for e in editions():
        if name == e.id or name in e.aliases or name == e.id[11:]:
            return e
    return None


class Detection(NamedTuple):
    edition: Edition
    how: str  # "fingerprint", "structure", "setting" or "stated" (an edition we have never seen)
    matched: frozenset[int]  # questions whose instruction blocks are exactly the edition's


def _fingerprints(report: "Report") -> dict[int, str]:
    return {q.number: fingerprint(q.instructions.text) for q in report.questions}


_DETECTED: dict[tuple, Detection] = {}


def detect(report: "Report", override: str | None = None) -> Detection:
    """The edition ``report`` was written in.

    Exact instruction fingerprints decide first (a tie goes to the edition whose checklist is
    closest, then to the newest). A report with none of the template's words is matched by its
    shape: question count and the limits its own text states. Failing both, an edition is made
    from what the document states, judged the way the newest checker of that size judges.
    """
    # typing in an answer changes nothing detection reads: remember recent results by exactly
    # that (headings, instruction blocks, checklist, front matter, sections)
    key = (override, report.front_matter is not None, tuple(h.title for h in report.sections),
           tuple(i.text for i in report.checklist),
           tuple((q.number, q.heading.title, q.instructions.text) for q in report.questions))
    found = _DETECTED.get(key)
    if found is None:
        if len(_DETECTED) >= 64:
            _DETECTED.clear()
        found = _DETECTED[key] = _detect(report, override)
    return found


def _detect(report: "Report", override: str | None) -> Detection:
    prints = _fingerprints(report)
    if override and override != "auto":
        e = by_id(override)
        if e is not None:
            return Detection(e, "setting", _matches(e, prints))
    best: tuple | None = None
    items = {fingerprint(i.text) for i in report.checklist}
    for order, e in enumerate(editions()):
        hits = _matches(e, prints)
        if not hits:
            continue
        key = (len(hits), len(items & e.checklist), e.front_matter == (report.front_matter is not None), -abs(e.checklist_items - len(items)), bool(e.aliases), order)
        if best is None or key > best[0]:
            best = (key, e, hits)
    if best is not None and len(best[2]) * 2 >= min(len(prints), best[1].questions):
        return Detection(best[1], "fingerprint", best[2])
    shaped = _by_structure(report)
    if shaped is not None:
        return Detection(shaped, "structure", _matches(shaped, prints))
    if best is not None:
        return Detection(best[1], "fingerprint", best[2])
    return Detection(_stated_edition(report), "stated", frozenset())


def _matches(e: Edition, prints: dict[int, str]) -> frozenset[int]:
    return frozenset(n for n, fp in prints.items() if e.fingerprints.get(n) == fp)


def _by_structure(report: "Report") -> Edition | None:
    """The edition whose stated limits the report's questions repeat, allowing a few questions
    to be missing, renamed or edited (the report must not number beyond the edition)."""
    stated = {
        q.number: Limits(q.instructions.stated_words, q.instructions.stated_images)
        for q in report.questions
    }
    if not stated or max(stated) > max(e.questions for e in editions()):
        return None
    candidates = []
    for order, e in enumerate(editions()):
        if max(stated) > e.questions or not e.fingerprints:
            continue
        agree = sum(1 for n in range(1, e.questions + 1) if n in stated and stated[n] == e.stated.get(n, Limits()))
        if agree * 10 >= e.questions * 8:
            candidates.append((agree, bool(e.aliases), order, e))
    return max(candidates, key=lambda c: c[:3])[3] if candidates else None


def _stated_edition(report: "Report") -> Edition:
    n = len(report.questions)
    newest = max((e for e in editions() if e.questions == n), key=lambda e: e.id, default=editions()[-1])
    limits = {}
    for q in report.questions:
        lim = Limits(q.instructions.stated_words, q.instructions.stated_images)
        if lim:
            limits[q.number] = lim
    spec = CheckerSpec(
        id="stated",
        family=newest.checker.family,
        expected=n,
        limits=limits,
        note="an edition we have never seen: the limits are the ones the report states",
    )
    return Edition(
        id="unknown",
        aliases=(),
        label="unknown edition",
        questions=n,
        checklist_items=len(report.checklist),
        front_matter=report.front_matter is not None,
        checker=spec,
        stated=limits,
        fingerprints={},
    )
