"""Rebuild the bundled example report: ``python examples/build.py``.

A 2026-edition report, mostly answered, with a few deliberate warnings (and no errors) so that
``make run`` shows what the checker finds.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.builder import ReportBuilder, words  # noqa: E402

b = ReportBuilder("2026").fill_all()
b.mark(0, "x").mark(1, "x").mark(2, "✅")
b.answer(4, words(120, 4) + "\n\n--- question 4 fill here ---")
b.answer(7, words(38, 7))
b.answer(11, words(90, 11) + "\n\n#### How the workflows run\n\n" + words(130, 3))
b.answer(14, words(230, 14) + '\n\n<img src="figures/loss_curve.png" width="600">')
b.answer(16, "--- " + words(140, 16).replace("\n", " ") + " ---")
b.answer(23, words(120, 23) + "\n\n| endpoint | method |\n|---|---|\n| /predict | POST |")
b.answer(25, "")
figures = b.needed_figures() + ["figures/loss_curve.png", "figures/confusion_matrix.png"]
b.write(HERE, figures=figures)
print("wrote", HERE / "reports" / "README.md")
