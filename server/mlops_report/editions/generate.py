"""Regenerate ``data.json`` from a folder of template files named ``<date>_<commit8>_README.md``.

    python -m mlops_report.editions.generate ../shared/templates [--out PATH] [--check]

Only numbers and fingerprints are written: question counts, the limits each template states,
hashes of each question's instruction block, of each checklist item and of the introduction's
lines; the course runs (which template belongs to which, the checker that grades each) derived
from the hand-in dates in ``runs.py``; and the limits of any checker read from a
``<date>_<commit8>_report.py`` saved beside the templates (read as data, never run).

A template newer than the last known hand-in opens a run of its own, graded by the newest
``report.py`` saved beside the templates after that hand-in; without one the generator stops and
says what to add, rather than guess.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..parse import parse
from .checkers import CHECKERS
from .fingerprint import fingerprint, normalise, parts
from .local import checker_id, read_source
from .model import CheckerSpec
from .runs import RUNS, UNMERGED_TEMPLATES, run_name_after

DATA = Path(__file__).with_name("data.json")
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}_[0-9a-f]{8})_README\.md$")

__all__ = ["build", "describe", "main", "parts"]


class Refused(Exception):
    """The folder cannot be turned into data without a guess; the message says what to add."""


def describe(text: str) -> dict:
    report = parse(text)
    intro = text[report.introduction.start : report.introduction.end] if report.introduction else ""
    return {
        "questions": len(report.questions),
        "checklist_items": len(report.checklist),
        "front_matter": report.front_matter is not None,
        "stated": {
            str(q.number): [q.instructions.stated_words, q.instructions.stated_images] for q in report.questions
        },
        "fingerprints": {str(q.number): fingerprint(q.instructions.text) for q in report.questions},
        "parts": {str(q.number): parts(q.instructions) for q in report.questions},
        "checklist": sorted({fingerprint(i.text) for i in report.checklist}),
        "preamble": sorted({fingerprint(line) for line in intro.splitlines() if normalise(line)}),
    }


def _saved_checkers(folder: Path) -> dict[str, CheckerSpec]:
    """Checkers saved beside the templates, read as data; a recorded one must agree with its record."""
    out: dict[str, CheckerSpec] = {}
    for path in sorted(folder.iterdir()):
        cid = checker_id(path)
        if cid is None:
            continue
        spec = read_source(path.read_text(encoding="utf-8", errors="replace"), cid)
        if isinstance(spec, str):
            raise Refused(f"{path.name}: cannot be read as a checker: {spec}")
        known = CHECKERS.get(cid)
        if known is not None and known.table != spec.table:
            raise Refused(f"{path.name}: its limits differ from the ones recorded for {cid} in editions/checkers.py")
        out[cid] = spec
    return out


def _graded(handin: str | None, after: str, specs: dict[str, CheckerSpec]) -> str | None:
    """The newest checker on main dated after ``after`` and on or before ``handin``."""
    found = [
        c.id
        for c in specs.values()
        if c.main and c.family != "draft" and after < c.date and (handin is None or c.date <= handin)
    ]
    return max(found, default=None)


def build(folder: Path) -> dict:
    templates = {}
    for path in sorted(folder.iterdir()):
        m = _NAME.search(path.name)
        if m:
            templates[m.group(1)] = describe(path.read_text(encoding="utf-8"))
    if not templates:
        raise Refused(f"no template files (<date>_<commit>_README.md) in {folder}")
    saved = _saved_checkers(folder)
    specs = {**CHECKERS, **saved}

    # every template's run: the first known hand-in on or after its date, else a run of its own
    last = RUNS[-1].handin
    members: dict[str, list[str]] = {}
    known = {r.name: r for r in RUNS}
    aliases = {r.name: r.alias for r in RUNS}
    for tid in sorted(templates):
        run = next((r for r in RUNS if tid[:10] <= r.handin), None)
        name = run.name if run is not None else run_name_after(tid[:10])[0]
        aliases.setdefault(name, run_name_after(tid[:10])[1])
        members.setdefault(name, []).append(tid)

    runs: dict[str, dict] = {}
    for name, tids in members.items():
        run = known.get(name)
        merged = [t for t in tids if t not in UNMERGED_TEMPLATES] or tids
        if run is not None:
            checker = _graded(run.handin, "", specs)
            template = max((t for t in merged if t[:10] <= run.handin), default=max(merged))
        else:
            # its checker: one saved beside the templates that belongs to the same run by date
            checker = _graded(None, last, {c: s for c, s in specs.items() if run_name_after(c[:10])[0] == name})
            template = max(merged)
        if checker is None:
            newest = max(tids)
            raise Refused(
                f"template {newest} is newer than the last hand-in we know ({RUNS[-1].name}, {last}) and no "
                f"checker of its time is known: save that run's reports/report.py beside it as "
                f"{newest}_report.py (it is read as data, never run), or add the run's hand-in to editions/runs.py"
            )
        runs[name] = {
            "alias": aliases[name],
            "tag": run.tag if run else None,
            "handin": run.handin if run else None,
            "checker": checker,
            "template": template,
        }

    editions = {}
    for name, tids in members.items():
        for tid in tids:
            editions[tid] = {**templates[tid], "run": name, "merged": tid not in UNMERGED_TEMPLATES}
    new_checkers = {
        cid: {
            "family": s.family,
            "expected": s.expected,
            "zero_based": s.zero_based,
            "limits": {str(n): [lim.words, lim.images] for n, lim in sorted(s.limits.items())},
        }
        for cid, s in saved.items()
        if cid not in CHECKERS
    }
    return {
        "source": "fingerprints of the course's template versions",
        "runs": runs,
        "checkers": new_checkers,
        "editions": editions,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mlops_report.editions.generate")
    ap.add_argument("templates", type=Path)
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--check", action="store_true", help="exit 1 if the data file is out of date")
    args = ap.parse_args(argv)
    try:
        data = json.dumps(build(args.templates), indent=1, sort_keys=True) + "\n"
    except Refused as exc:
        print(f"editions: {exc}", file=sys.stderr)
        return 1
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != data:
            print(f"{args.out} is out of date; run make editions", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(data, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
