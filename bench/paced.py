"""The in-process keystroke, hot and paced: ``python bench/paced.py [KEYSTROKES]``.

``Analyzer.analyse`` after one character typed in an answer of each shared report (the report
copied to a folder of its own, analysed with its path and walk), timed with the thread's CPU
clock four ways: one keystroke right after the other (*hot*, what part k's in-process column
measures), with 30 ms of sleep before each (*paced*, as a person types and as part k's server
sees it), with 8 MB of memory touched before each (*evicted*: the processor's caches hold other
data), and both. The ratio paced / hot is what the same code costs more in the server's round
trip than in a tight loop; nothing here is a test.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import corpus
from stats import Sample

from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk

MODES = ("hot", "paced", "evicted", "paced + evicted")


def measure(text: str, offset: int, path: Path, mode: str, keystrokes: int, scratch: bytearray) -> float:
    analyzer = Analyzer()
    disk = Disk.scan(path)
    analyzer.analyse(text, path, None, disk)
    xs = []
    for i in range(keystrokes):
        text = text[: offset + i] + "a" + text[offset + i :]
        if "evicted" in mode:
            for j in range(0, len(scratch), 64):
                scratch[j] ^= 1
        if "paced" in mode:
            time.sleep(0.03)
        t = time.thread_time()
        analyzer.analyse(text, path, None, disk)
        xs.append(time.thread_time() - t)
    return Sample(xs).median


def main() -> None:
    keystrokes = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    real, _ = corpus.documents(False)
    shared = [d for d in real if d.name.startswith("shared:")] or real[:1]
    scratch = bytearray(8_000_000)
    print("| report | " + " | ".join(MODES) + " | paced / hot |")
    print("|---|" + "---:|" * (len(MODES) + 1))
    with tempfile.TemporaryDirectory(prefix="mlops-report-paced-") as tmp:
        for k, d in enumerate(shared):
            path = Path(tmp) / f"r{k}" / "reports" / "README.md"
            path.parent.mkdir(parents=True)
            path.write_text(d.text, encoding="utf-8")
            offset = corpus.edit_points(d.text)["answer"]
            got = {m: measure(d.text, offset, path, m, keystrokes, scratch) for m in MODES}
            cells = " | ".join(f"{got[m] * 1000:.2f} ms" for m in MODES)
            print(f"| {d.name} | {cells} | {got['paced'] / got['hot']:.2f} |")


if __name__ == "__main__":
    main()
