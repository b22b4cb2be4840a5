"""Every known edition of the report template, the course run it belongs to, and which edition a
document was written in."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .checkers import CHECKERS
from .fingerprint import fingerprint, normalise, parts
from .local import LocalChecker
from .model import CheckerSpec, Edition, Limits, Run

if TYPE_CHECKING:
    from ..parse import Report

__all__ = [
    "CheckerSpec",
    "Detection",
    "Edition",
    "Judge",
    "Limits",
    "Run",
    "by_id",
    "checker_by_id",
    "checkers",
    "detect",
    "editions",
    "ids",
    "judge",
    "preamble_prints",
    "runs",
    "same_checker",
]

_DATA = Path(__file__).with_name("data.json")


def _limits(pair: list) -> Limits:
    words, images = pair
    return Limits(tuple(words) if words else None, tuple(images) if images else None)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def checkers() -> dict[str, CheckerSpec]:
    """Every checker version we know: the recorded ones and those read from a ``report.py`` saved
    beside a template when the data was generated."""
    out = dict(CHECKERS)
    for cid, c in _data().get("checkers", {}).items():
        out.setdefault(
            cid,
            CheckerSpec(
                cid,
                c["family"],
                c["expected"],
                {int(k): _limits(v) for k, v in c["limits"].items()},
                zero_based=c["zero_based"],
                note="read from its report.py",
            ),
        )
    return out


@lru_cache(maxsize=1)
def runs() -> tuple[Run, ...]:
    """The course runs, oldest first."""
    data = _data().get("runs", {})
    out = [Run(name, r["alias"], r["handin"], r["tag"], r["checker"], r["template"]) for name, r in data.items()]
    return tuple(sorted(out, key=lambda r: r.alias))


def _label(eid: str, run: Run, merged: bool) -> str:
    if eid == run.template:
        return run.name
    return f"{eid[:10]} ({'unmerged, ' if not merged else ''}{run.name})"


@lru_cache(maxsize=1)
def editions() -> tuple[Edition, ...]:
    """Oldest first."""
    data = _data()["editions"]
    by_name = {r.name: r for r in runs()}
    specs = checkers()
    out = []
    for eid in sorted(data):
        d = data[eid]
        run = by_name[d["run"]]
        merged = d.get("merged", True)
        out.append(
            Edition(
                id=eid,
                aliases=(run.alias,) if eid == run.template else (),
                label=_label(eid, run, merged),
                questions=d["questions"],
                checklist_items=d["checklist_items"],
                front_matter=d["front_matter"],
                checker=specs[run.checker],
                stated={int(k): _limits(v) for k, v in d["stated"].items()},
                fingerprints={int(k): v for k, v in d["fingerprints"].items()},
                checklist=frozenset(d["checklist"]),
                parts={int(k): tuple(v) for k, v in d.get("parts", {}).items()},
                run=run,
                merged=merged,
                preamble=frozenset(d.get("preamble", ())),
            )
        )
    return tuple(out)


def by_id(name: str) -> Edition | None:
    """An edition by full id, 8-character commit, alias ("2026"), course run ("January 2026") or
    template file name."""
    name = name.strip().removesuffix("_README.md")
    for e in editions():
        if name == e.id or name in e.aliases or name == e.id[11:]:
            return e
    for r in runs():
        if name.lower() == r.name.lower():
            return by_id(r.template)
    return None


def checker_by_id(name: str) -> CheckerSpec | None:
    """A checker version by full id, 8-character commit or saved file name."""
    name = name.strip().removesuffix("_report.py")
    for c in checkers().values():
        if name in (c.id, c.commit):
            return c
    return None


def same_checker(spec: CheckerSpec) -> CheckerSpec | None:
    """The known checker version that judges exactly as ``spec`` does (a run's final checker
    first, then one on main, then the newest)."""
    finals = {r.checker for r in runs()}
    found = [c for c in checkers().values() if c.family != "draft" and c.table == spec.table]
    return max(found, key=lambda c: (c.id in finals, c.main, c.id), default=None)


def run_of_checker(spec: CheckerSpec) -> Run | None:
    """The course run ``spec`` was the final checker of."""
    return next((r for r in runs() if r.checker == spec.id), None)


def preamble_prints(report: Report) -> frozenset[str]:
    """Fingerprints of the lines of the text between the title and the first section."""
    if report.introduction is None:
        return frozenset()
    body = report.text[report.introduction.start : report.introduction.end]
    return frozenset(fingerprint(line) for line in body.splitlines() if normalise(line))


# -- which edition -------------------------------------------------------------------------------


class Detection(NamedTuple):
    edition: Edition
    # "fingerprint", "structure" (the limits it states), "size" (its question count and what else
    # it shares with a template), "setting", "newer" (a run newer than our data, known from the
    # group's own report.py) or "stated" (nothing fits: the limits the report states)
    how: str
    matched: frozenset[int]  # questions whose instruction blocks are exactly the edition's
    ties: tuple[Edition, ...] = ()  # editions of other course runs the evidence fits as well

    @property
    def runs(self) -> list[str]:
        """The course runs the evidence allows, the chosen one first."""
        out = [self.edition.run.name] if self.edition.run else []
        for e in self.ties:
            if e.run and e.run.name not in out:
                out.append(e.run.name)
        return out


def _fingerprints(report: Report) -> dict[int, str]:
    return {q.number: fingerprint(q.instructions.text) for q in report.questions}


_DETECTED: dict[tuple, Detection] = {}


def detect(report: Report, override: str | None = None, local: LocalChecker | None = None) -> Detection:
    """The edition ``report`` was written in.

    Exact instruction fingerprints decide first; between editions that match as many questions,
    the rest of the evidence decides: the parts (prompt, length line, example) of the questions
    that differ, the checklist and introduction lines, the front matter, the group's own
    ``report.py``. A report with none of the template's words is matched by the limits it states,
    else by its question count and what else it shares. A report whose own ``report.py`` is a
    checker we do not know, and whose length lines agree with it, is of a run newer than our
    data. Failing all, an edition is made from what the document states.
    """
    # typing in an answer changes nothing detection reads: remember recent results by exactly
    # that (headings, instruction blocks, checklist, introduction, front matter, sections)
    key = (
        override,
        report.front_matter is not None,
        tuple(h.title for h in report.sections),
        tuple(i.text for i in report.checklist),
        preamble_prints(report),
        local.key if local is not None else None,
        tuple((q.number, q.heading.title, q.instructions.text) for q in report.questions),
    )
    found = _DETECTED.get(key)
    if found is None:
        if len(_DETECTED) >= 64:
            _DETECTED.clear()
        found = _DETECTED[key] = _detect(report, override, local)
    return found


class _Evidence(NamedTuple):
    prints: dict[int, str]
    parts: dict[int, tuple[str | None, str | None, str | None]]
    checklist: frozenset[str]
    checklist_items: int
    preamble: frozenset[str]
    front_matter: bool
    stated: dict[int, Limits]
    local: CheckerSpec | None


def _evidence(report: Report, local: LocalChecker | None) -> _Evidence:
    return _Evidence(
        prints=_fingerprints(report),
        parts={q.number: tuple(parts(q.instructions)) for q in report.questions},  # type: ignore[misc]
        checklist=frozenset(fingerprint(i.text) for i in report.checklist),
        checklist_items=len(report.checklist),
        preamble=preamble_prints(report),
        front_matter=report.front_matter is not None,
        stated={q.number: Limits(q.instructions.stated_words, q.instructions.stated_images) for q in report.questions},
        local=local.spec if local is not None else None,
    )


def _rank(e: Edition, ev: _Evidence, hits: frozenset[int]) -> tuple:
    """What the report shares with ``e``, most telling first."""
    part_hits = sum(
        1
        for n, ours in ev.parts.items()
        if n not in hits
        for mine, theirs in zip(ours, e.parts.get(n, ()), strict=False)  # the edition may lack question n
        if mine is not None and mine == theirs
    )
    return (
        len(hits),
        part_hits,
        len(ev.checklist & e.checklist) + len(ev.preamble & e.preamble),
        # lines of its introduction the report does not have (when it kept the introduction)
        -len(e.preamble - ev.preamble) if ev.preamble & e.preamble else 0,
        e.front_matter == ev.front_matter,
        ev.local is not None and ev.local.table == e.checker.table,
        -abs(e.checklist_items - ev.checklist_items) if ev.checklist & e.checklist else 0,
    )


def _preference(e: Edition) -> tuple:
    """Between editions the evidence cannot tell apart: a run's own template, then the newest."""
    return (bool(e.aliases), e.merged, e.id)


def _best(scored: list[tuple[tuple, Edition]]) -> tuple[Edition, tuple[Edition, ...]] | None:
    if not scored:
        return None
    top = max(r for r, _ in scored)
    tied = [e for r, e in scored if r == top]
    best = max(tied, key=_preference)
    others = tuple(e for e in tied if e is not best and e.run != best.run)
    return best, others


def _detect(report: Report, override: str | None, local: LocalChecker | None) -> Detection:
    ev = _evidence(report, local)
    if override and override != "auto":
        e = by_id(override)
        if e is not None:
            return Detection(e, "setting", _matches(e, ev.prints))
    scored = []
    for e in editions():
        hits = _matches(e, ev.prints)
        if hits:
            scored.append((_rank(e, ev, hits), e))
    picked = _best(scored)
    fingerprinted = None
    if picked is not None:
        e, ties = picked
        fingerprinted = Detection(e, "fingerprint", _matches(e, ev.prints), ties)
        complete = len(fingerprinted.matched) == len(ev.prints) == e.questions
        newer = None if complete else _newer(report, ev, e)
        if newer is not None:
            return newer
        if len(fingerprinted.matched) * 2 >= min(len(ev.prints), e.questions):
            return fingerprinted
    shaped = _by_structure(report, ev)
    if shaped is not None:
        newer = _newer(report, ev, shaped.edition)
        return newer or shaped
    sized = _by_size(report, ev)
    if sized is not None:
        newer = _newer(report, ev, sized.edition)
        return newer or sized
    if fingerprinted is not None:
        return fingerprinted
    if ev.local is not None and same_checker(ev.local) is None:
        return _newer_edition(report, ev.local, "newer")
    return Detection(_stated_edition(report), "stated", frozenset())


def _matches(e: Edition, prints: dict[int, str]) -> frozenset[int]:
    return frozenset(n for n, fp in prints.items() if e.fingerprints.get(n) == fp)


def _by_structure(report: Report, ev: _Evidence) -> Detection | None:
    """The edition whose stated limits the report's questions repeat, allowing a few questions
    to be missing, renamed or edited (the report must not number beyond the edition)."""
    stated = ev.stated
    if not stated or max(stated) > max(e.questions for e in editions()):
        return None
    scored = []
    for e in editions():
        if max(stated) > e.questions or not e.fingerprints:
            continue
        agree = sum(1 for n in range(1, e.questions + 1) if n in stated and stated[n] == e.stated.get(n, Limits()))
        if agree * 10 >= e.questions * 8:
            scored.append(((agree, e.checker.expected == max(stated), *_rank(e, ev, frozenset())[1:]), e))
    picked = _best(scored)
    if picked is None:
        return None
    e, ties = picked
    return Detection(e, "structure", _matches(e, ev.prints), ties)


def _by_size(report: Report, ev: _Evidence) -> Detection | None:
    """An edition with the report's question count (every instruction block rewritten): the one
    that shares most else with it, preferring one whose course checker expects that count."""
    numbers = [q.number for q in report.questions]
    size = max(numbers, default=0)
    if not numbers or len(numbers) < size - 3:
        return None
    scored = [
        ((e.checker.expected == size, *_rank(e, ev, frozenset())[1:]), e)
        for e in editions()
        if e.questions == size and e.fingerprints
    ]
    picked = _best(scored)
    if picked is None:
        return None
    e, ties = picked
    return Detection(e, "size", frozenset(), ties)


def _newer(report: Report, ev: _Evidence, nearest: Edition) -> Detection | None:
    """A run newer than our data: the group's ``report.py`` is a checker we do not know, and
    where it differs from the nearest edition's checker the report's length lines side with it."""
    local = ev.local
    if local is None or same_checker(local) is not None:
        return None
    course = nearest.checker
    if local.expected is not None and local.expected != len(report.questions):
        return None
    confirmed = 0
    for n in sorted(set(local.limits) | set(course.limits)):
        mine, theirs = local.limits.get(n, Limits()), course.limits.get(n, Limits())
        if mine == theirs or n not in ev.stated:
            continue
        said = ev.stated[n]
        if said.words is None and said.images is None:
            continue  # no length line: neither side
        if _agrees(said, mine):
            confirmed += 1
        elif _agrees(said, theirs):
            return None  # the report states the known checker's limit: a patched copy
    if not confirmed and local.expected == course.expected:
        return None
    return _newer_edition(report, local, "newer")


def _agrees(said: Limits, limits: Limits) -> bool:
    """The length line states these words (and figures, when it states figures)."""
    return said.words == limits.words and (said.images is None or said.images == limits.images)


def _newer_edition(report: Report, local: CheckerSpec, how: str) -> Detection:
    last = runs()[-1].name if runs() else "our data"
    stated = {q.number: Limits(q.instructions.stated_words, q.instructions.stated_images) for q in report.questions}
    edition = Edition(
        id="newer",
        aliases=(),
        label=f"newer than {last}",
        questions=local.expected or len(report.questions),
        checklist_items=len(report.checklist),
        front_matter=report.front_matter is not None,
        checker=local,
        stated={n: lim for n, lim in stated.items() if lim},
        fingerprints={},
    )
    return Detection(edition, how, frozenset())


def _stated_edition(report: Report) -> Edition:
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
        label=f"unknown (newer than {runs()[-1].name}?)" if runs() else "unknown",
        questions=n,
        checklist_items=len(report.checklist),
        front_matter=report.front_matter is not None,
        checker=spec,
        stated=limits,
        fingerprints={},
    )


# -- which checker judges ------------------------------------------------------------------------


class Judge(NamedTuple):
    """The checker a report is judged by, where that choice came from, and its name in words."""

    checker: CheckerSpec
    source: str  # "course", "local", "setting" or "stated"
    label: str  # "the January 2026 course checker"
    note: str = ""  # why the choice asked for was not possible


def course_label(spec: CheckerSpec) -> str:
    run = run_of_checker(spec)
    if run is not None:
        return f"the {run.name} course checker"
    return f"report.py {spec.id}"


def local_label(spec: CheckerSpec) -> str:
    same = same_checker(spec)
    if same is None:
        return "your reports/report.py"
    run = run_of_checker(same)
    what = f"the {run.name} course checker" if run is not None else f"report.py {same.commit}"
    return f"your reports/report.py (the same as {what})"


def judge(detection: Detection, choice: str = "course", local: LocalChecker | None = None) -> Judge:
    """``choice``: "course" (the final checker of the report's course run), "local" (the
    group's own reports/report.py) or a checker id."""
    e = detection.edition
    if detection.how == "newer":  # no course checker is known: the group's copy is the best evidence
        course = Judge(e.checker, "local", f"{local_label(e.checker)}, for a run newer than our data")
    elif detection.how == "stated":
        course = Judge(e.checker, "stated", "the limits the report states")
    else:
        course = Judge(e.checker, "course", course_label(e.checker))
    if choice in ("", "course", "auto") or (choice == "local" and detection.how == "newer"):
        return course
    if choice == "local":
        if local is not None and local.spec is not None:
            return Judge(local.spec, "local", local_label(local.spec))
        why = local.problem if local is not None else "there is none beside the report"
        return course._replace(note=f"reports/report.py is not used: {why}")
    spec = checker_by_id(choice)
    if spec is None:
        return course._replace(note=f"unknown checker {choice!r}")
    run = run_of_checker(spec)
    words = f" (the {run.name} course checker)" if run is not None else ""
    return Judge(spec, "setting", f"report.py {spec.id}{words}")
