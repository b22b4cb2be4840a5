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


def interleaved(commands: dict[str, list[str]], repeats: int, env: dict[str, str]) -> dict[str, Sample]:
    """Wall time of each command, run in turn (one warm-up each), so that a change in the load
    of the machine falls on all of them alike."""
    for argv in commands.values():
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            t = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - t)
    return {name: Sample(xs) for name, xs in times.items()}


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
    one = interleaved(
        {
            "python": [sys.executable, "-c", "pass"],
            "check": [*cli(), "check", str(report)],
            "baseline": [sys.executable, "-c", BASELINE, str(report)],
        },
        repeats,
        env,
    )
    results = [ProcessResult("one report", one["check"], one["baseline"], one["python"])]
    with tempfile.TemporaryDirectory(prefix="mlops-report-bench-") as tmp:
        paths = []
        for k in range(many):
            p = Path(tmp) / f"group{k:03d}" / "reports" / "README.md"
            p.parent.mkdir(parents=True)
            p.write_text(variant(text, k), encoding="utf-8")
            paths.append(str(p))
        several = interleaved(
            {
                "check": [*cli(), "check", tmp],
                "baseline": [sys.executable, "-c", BASELINE, *paths],
            },
            max(3, repeats // 4),
            env,
        )
        results.append(
            ProcessResult(f"{many} reports (one process)", several["check"], several["baseline"], one["python"])
        )
    return results


def _import_times(argv: list[str], env: dict[str, str]) -> dict[str, int]:
    """Self import time in µs of every module a command imports (``-X importtime``)."""
    run = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], capture_output=True, text=True, env=env)
    out = {}
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _cumulative, name = line[len("import time:") :].split("|")
            out[name.strip()] = int(own)
    return out


def extra_imports(report: Path, top: int = 12) -> tuple[list[tuple[str, int]], int, list[str]]:
    """The modules ``mlops-report check`` imports and the baseline does not, by self import time
    (µs, median of 5 runs), their sum, and any of the language server's libraries among them."""
    env = environment()
    check = [sys.executable, "-m", "mlops_report", "check", str(report)]
    baseline = [sys.executable, "-c", BASELINE, str(report)]
    base = set(_import_times(baseline, env))
    runs = [_import_times(check, env) for _ in range(5)]
    names = [n for n in runs[0] if n not in base and n != "__main__"]
    own = {n: sorted(r.get(n, 0) for r in runs)[2] for n in names}
    ranked = sorted(own.items(), key=lambda kv: -kv[1])
    server_libs = [n for n in names if n.split(".")[0] in ("pygls", "lsprotocol", "cattrs")]
    return ranked[:top], sum(own.values()), server_libs
