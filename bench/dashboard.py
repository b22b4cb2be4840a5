"""(i) the teacher's dashboard: ``mlops-report check DIR --format csv|html`` on a folder of group
repositories made by the test builder."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from processes import cli, environment
from stats import Sample

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build(folder: Path, count: int, repositories: int) -> None:
    """``count`` group folders, each with a 2026 report (one in ten failing a question, one in
    seventeen crashing the checker, one in thirteen missing a figure); the first
    ``repositories`` of them committed to a git repository of their own."""
    from tests.builder import ReportBuilder, words

    git = shutil.which("git")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    for k in range(count):
        b = ReportBuilder("2026").fill_all().answer(1, str(k + 1)).answer(2, f"s{100000 + k} s{500000 + k}")
        if k % 10 == 3:
            b.answer(4, words(40, k))
        if k % 17 == 5:
            b.heading(9, "## Question 9")
        if k % 13 == 7:
            b.figures(19, "figures/lost.png")
        group = folder / f"group-{k:04d}"
        b.write(group)
        if git and k < repositories:
            for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "report"]):
                subprocess.run([git, *args], cwd=group, env=env, check=True, capture_output=True)


@dataclass
class Result:
    label: str
    time: Sample
    rows: int
    peak_mib: float  # the largest resident set of any process of the runs


def measure(count: int, repositories: int, repeats: int, tmp: Path) -> list[Result]:
    folder = tmp / "groups"
    folder.mkdir()
    started = time.perf_counter()
    build(folder, count, repositories)
    built = time.perf_counter() - started
    env = environment()
    out = tmp / "out"
    runs = {
        f"csv, every core ({os.cpu_count()})": ["--format", "csv", "-o", str(out)],
        "csv, one process (--jobs 1)": ["--format", "csv", "-o", str(out), "--jobs", "1"],
        "html, every core": ["--format", "html", "-o", str(out)],
    }
    results = []
    for label, extra in runs.items():
        argv = [*cli(), "check", str(folder), *extra]
        subprocess.run(argv, env=env, check=True, capture_output=True)  # warm-up: bytecode caches
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        lines = out.read_bytes().count(b"\r\n") - 1 if "csv" in label else out.read_bytes().count(b"data-report=")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results.append(Result(label, Sample(times), lines, peak))
    results.append(Result(f"building the {count} folders ({repositories} git repositories)", Sample([built]), count, 0))
    return results
