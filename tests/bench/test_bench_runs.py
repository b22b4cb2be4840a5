"""The benchmarks still run: ``bench/run.py --quick`` as a process writes its tables.
No timing is asserted here; the figures live in bench/RESULTS.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_writes_its_tables(tmp_path):
    out = tmp_path / "results.md"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    written = out.read_text(encoding="utf-8")
    for heading in (
        "## (a) analysis after a one-character edit",
        "## (b) didChange to diagnostics",
        "## (c) cold start",
        "## (d) the command line as a process",
        "## (e) memory",
        "## (f) growth",
        "## (g) hostile payloads",
        "## (h) memory in a",
        "## (k) a keystroke side by side",
        "## (l) the command line side by side",
        "## (m) cold start, ten reports opened at once",
        "## Targets",
    ):
        assert heading in written
    assert "| example (bundled) | 31 |" in written
    assert "| reference definition, then `[` × n | 3 KB |" in written
    assert "(g) worst 3 KB payload: hover answered < 1 s" in written
    assert "| example (bundled) | heading | floor (empty pygls) |" in written  # the protocol floor, always there


def test_only_hostile_runs_its_parts():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "hostile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "## (g) hostile payloads" in run.stdout and "## (h) memory in a" in run.stdout
    assert "## (a)" not in run.stdout and "## (d)" not in run.stdout
