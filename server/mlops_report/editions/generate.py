"""Regenerate ``data.json`` from a folder of template files named ``<date>_<commit8>_README.md``.

    python -m mlops_report.editions.generate ../shared/templates [--out PATH] [--check]

Only numbers and fingerprints are written: question counts, the limits each template states,
and hashes of each question's instruction block and of each checklist item.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..parse import parse
from .fingerprint import fingerprint, normalise

DATA = Path(__file__).with_name("data.json")
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}_[0-9a-f]{8})_README\.md$")


def _print(text: str | None) -> str | None:
    return fingerprint(text) if text is not None and normalise(text) else None


def parts(ins) -> list[str | None]:
    """Fingerprints of an instruction block's prompt, length line and example (None: absent)."""
    return [_print(ins.prompt), _print(ins.limit_line), _print(ins.example)]


def describe(text: str) -> dict:
    report = parse(text)
    return {
        "questions": len(report.questions),
        "checklist_items": len(report.checklist),
        "front_matter": report.front_matter is not None,
        "stated": {
            str(q.number): [q.instructions.stated_words, q.instructions.stated_images]
            for q in report.questions
        },
        "fingerprints": {str(q.number): fingerprint(q.instructions.text) for q in report.questions},
        "parts": {str(q.number): parts(q.instructions) for q in report.questions},
        "checklist": sorted({fingerprint(i.text) for i in report.checklist}),
    }


def build(folder: Path) -> dict:
    editions = {}
    for path in sorted(folder.iterdir()):
        m = _NAME.search(path.name)
        if m:
            editions[m.group(1)] = describe(path.read_text(encoding="utf-8"))
    if not editions:
        raise SystemExit(f"no template files (<date>_<commit>_README.md) in {folder}")
    return {"source": "fingerprints of the course's template versions", "editions": editions}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mlops_report.editions.generate")
    ap.add_argument("templates", type=Path)
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--check", action="store_true", help="exit 1 if the data file is out of date")
    args = ap.parse_args(argv)
    data = json.dumps(build(args.templates), indent=1, sort_keys=True) + "\n"
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
