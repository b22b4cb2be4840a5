"""(d) ``mlops-report check`` as a whole process, against a process that only imports
markdown-it-py and parses the same files."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corpus import variant
from stats import Sample

BASELINE = (
    "import sys\n"
    "from markdown_it import MarkdownIt\n"
    "md = MarkdownIt('commonmark').enable('table')\n"
    "for p in sys.argv[1:]:\n"
    "    md.parse(open(p, encoding='utf-8').read())\n"
)


def environment() -> dict[str, str]:
    """The environment of a user's shell: bytecode caches are written and read (a set
    PYTHONDONTWRITEBYTECODE would make every start recompile the package)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_many(argv: list[str], repeats: int, env: dict[str, str]) -> Sample:
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm caches
    xs = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        xs.append(time.perf_counter() - t)
    return Sample(xs)


@dataclass
class ProcessResult:
    label: str
    check: Sample
    baseline: Sample
    python: Sample  # an empty interpreter, for scale

    @property
    def ratio(self) -> float:
        return self.check.median / self.baseline.median


def cli() -> list[str]:
    script = Path(sys.executable).with_name("mlops-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mlops_report"]


def measure(report: Path, text: str, many: int, repeats: int) -> list[ProcessResult]:
    env = environment()
    python = run_many([sys.executable, "-c", "pass"], repeats, env)
    one = ProcessResult(
        "one report",
        run_many(cli() + ["check", str(report)], repeats, env),
        run_many([sys.executable, "-c", BASELINE, str(report)], repeats, env),
        python,
    )
    with tempfile.TemporaryDirectory(prefix="mlops-report-bench-") as tmp:
        paths = []
        for k in range(many):
            p = Path(tmp) / f"group{k:03d}" / "reports" / "README.md"
            p.parent.mkdir(parents=True)
            p.write_text(variant(text, k), encoding="utf-8")
            paths.append(str(p))
        reps = max(3, repeats // 4)
        several = ProcessResult(
            f"{many} reports (one process)",
            run_many(cli() + ["check", tmp], reps, env),
            run_many([sys.executable, "-c", BASELINE, *paths], reps, env),
            python,
        )
    return [one, several]
