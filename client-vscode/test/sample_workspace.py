"""Writes the workspace the client tests open, and prints (JSON) what they should find in it.

    python client-vscode/test/sample_workspace.py DIR      (run from the repository root)

DIR/reports/README.md is a 2026 report, every question answered within its limits except two:
- ``short``: a question with a word range whose answer is some words too short (word-count);
- ``figure``: a question that needs a figure and links none (image-count), while
  ``reports/figures/`` holds one image no question links yet: the quick fix offers it.
Line numbers are 0-based, as the editor and the protocol count them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
from tests.builder import SECTIONS_31, ReportBuilder, words  # noqa: E402

SHORT_BY = 10  # the short answer has this many words fewer than its minimum
UNLINKED_IMAGE = "training_curve.png"


def main(folder: Path) -> dict:
    builder = ReportBuilder("2026")
    limits = builder.edition.limits
    short = next(n for n, lim in sorted(limits.items()) if lim.words and lim.words[0] > SHORT_BY and not lim.images)
    figure = next(n for n, lim in sorted(limits.items()) if lim.images and lim.images[0] == 1 and not lim.words)
    low, high = limits[short].words
    short_text = words(low - SHORT_BY, short)
    builder.answer(short, short_text)
    builder.figures(figure)  # enough words, no figure
    builder.fill_all()
    files = [f for f in builder.needed_figures() if not Path(f).name.startswith(f"q{figure}_")]
    report = builder.write(folder, figures=[*files, f"figures/{UNLINKED_IMAGE}"])

    lines = report.read_text(encoding="utf-8").split("\n")
    heading = {n: lines.index(f"### Question {n}") for n in (short, figure)}
    first_answer_line = lines.index(short_text.split("\n")[0], heading[short])
    total = builder.edition.questions
    return {
        "root": str(folder),
        "report": str(report),
        "edition": builder.edition.id,
        "total": total,
        "answered": total,
        "passing": total - 2,
        "figuresOnDisk": sorted(Path(f).name for f in files),
        "sections": [title for _, title in SECTIONS_31] if total == 31 else [],
        "short": {
            "number": short,
            "headingLine": heading[short],
            "answerLine": first_answer_line + short_text.count("\n"),
            "words": low - SHORT_BY,
            "minWords": low,
            "maxWords": high,
            "missingWords": SHORT_BY + min(5, (high - low) // 2),
        },
        "figure": {
            "number": figure,
            "headingLine": heading[figure],
            "image": UNLINKED_IMAGE,
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve()), indent=2))
