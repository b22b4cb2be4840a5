"""Issue "Safe on any repository and any text", part 3: memory bounded by bytes.

A group pastes a 1 MB image as base64 into an answer and types 400 characters after it. Every
keystroke used to leave a full copy of the question in three caches (2 GB after 400). The
scenario runs in a process of its own, so its peak resident memory is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlops_report.cache import ByteCache

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = r"""
import base64, json, random, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails here, not the machine
from mlops_report import cache
from mlops_report.analysis import Analyzer
from tests.builder import ReportBuilder, words

blob = base64.b64encode(random.Random(0).randbytes(750_000)).decode()  # 1 MB of text
answer = words(250) + "\n\n![loss](data:image/png;base64," + blob + ")\n\nThe curve "
text = ReportBuilder("2026").fill_all().answer(14, answer).build()
at = text.index("The curve ") + len("The curve ")
analyzer = Analyzer()
analyzer.analyse(text)
for k in range(400):
    text = text[:at] + "flattens"[k % 8] + text[at:]
    at += 1
    result = analyzer.analyse(text)
assert result.questions[13].words > 250
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
json.dump({
    "peak_mb": int(status["VmHWM"].split()[0]) / 1024,
    "caches": [(c.name, c.bytes, c.budget) for c in cache.CACHES + list(analyzer.caches)],
    "total": cache.TOTAL,
}, sys.stdout)
"""


def test_400_keystrokes_in_a_1_mb_answer_stay_within_budget():
    proc = subprocess.run([sys.executable, "-c", SCENARIO], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["peak_mb"] < 300, out
    for name, used, budget in out["caches"]:
        assert used <= budget, (name, used, budget)
    assert sum(budget for _, _, budget in out["caches"]) <= out["total"]


def test_a_cache_keeps_the_most_recent_entries_within_its_budget():
    c: ByteCache[str, str] = ByteCache("test", 100)
    for k in "abcd":
        c.put(k, k, 30)
    assert c.bytes == 90 and len(c) == 3 and c.get("a") is None  # a went first
    c.get("b")  # b is now the most recent
    c.put("e", "e", 30)
    assert c.get("c") is None and c.get("b") == "b" and c.bytes == 90
    c.put("b", "b", 60)  # a new weight for a key replaces the old one
    assert c.bytes <= 100 and c.get("b") == "b"


def test_an_entry_heavier_than_the_budget_is_not_kept():
    c: ByteCache[str, str] = ByteCache("test", 100)
    c.put("small", "s", 10)
    c.put("small", "s", 101)
    c.put("huge", "h", 1000)
    assert len(c) == 0 and c.bytes == 0
