"""(j) The git work of a report's first analysis, in a repository of many files.

A repository is made with git (``files`` tracked files in nested folders, a typical
``.gitignore``, packed objects, an ``origin`` it was pushed to, one unpushed commit to the
report, two side branches, one of which changed the report); then each run starts a fresh
Python that imports the analysis (as the CLI and the server have before their first analysis)
and times what the hand-in findings cost: opening the repository (config, HEAD, refs), the
state of the report and its figures (one pass over the index, the ignore files), the
unpushed commits, the other branches, and the findings themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from stats import Sample

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "b",
    "GIT_AUTHOR_EMAIL": "b@example.org",
    "GIT_COMMITTER_NAME": "b",
    "GIT_COMMITTER_EMAIL": "b@example.org",
}
GITIGNORE = (
    "\n".join(
        [
            "__pycache__/",
            "*.py[cod]",
            "*.so",
            ".venv/",
            "venv/",
            "build/",
            "dist/",
            "*.egg-info/",
            ".pytest_cache/",
            ".mypy_cache/",
            ".coverage",
            "htmlcov/",
            ".ipynb_checkpoints",
            "data/raw/**",
            "data/processed/",
            "models/*.pt",
            "!models/keep.pt",
            "wandb/",
            "outputs/",
            "multirun/",
            ".env",
            "*.log",
            "lightning_logs/",
            ".DS_Store",
            "*.ckpt",
            "reports/figures/*.tmp.png",
        ]
    )
    + "\n"
)

_CHILD = r"""
import json, sys, time
from pathlib import Path
import mlops_report.analysis  # what a CLI run or the server has imported before its first analysis
from mlops_report.disk import Disk
from mlops_report.parse import parse
path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
report, disk = parse(text), Disk.scan(path)
t0 = time.perf_counter()
from mlops_report.repo.handin import Handin
from mlops_report.rules import handin
ctx = Handin.open(path)
t1 = time.perf_counter()
figures = handin.linked_files(report, disk, ctx.folder)
ctx.states([ctx.report] + sorted({p for *_, p in figures}))
t2 = time.perf_counter()
ctx.unpushed([ctx.report] + sorted({p for *_, p in figures}))
t3 = time.perf_counter()
ctx.other_branches()
t4 = time.perf_counter()
found = handin.findings(report, ctx, disk, None)
t5 = time.perf_counter()
print(json.dumps({"open": t1 - t0, "states": t2 - t1, "unpushed": t3 - t2, "others": t4 - t3,
                  "findings": t5 - t4, "total": t5 - t0, "codes": sorted(f.code for f in found)}))
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env=_ENV, check=True, capture_output=True)


def make(root: Path, files: int) -> Path:
    """The repository; returns its report's path."""
    sys.path.insert(0, str(ROOT))
    from tests.builder import ReportBuilder, words

    origin, work = root / "origin.git", root / "work"
    git(root, "init", "-q", "--bare", "-b", "main", str(origin))
    git(root, "clone", "-q", str(origin), str(work))
    (work / ".gitignore").write_text(GITIGNORE)
    for k in range(files):
        p = work / "src" / f"pkg{k % 40}" / f"sub{k % 7}" / f"module_{k}.py"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"VALUE = {k}\n")
    b = ReportBuilder("2026").fill_all()
    path = b.write(work)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "the project")
    git(work, "push", "-q", "-u", "origin", "main")
    git(work, "remote", "set-head", "origin", "main")
    for branch, touch in (("report", True), ("experiment", False)):
        git(work, "checkout", "-q", "-b", branch)
        if touch:
            path.write_text(b.answer(7, words(70, start=3)).build())
        else:
            (work / "src" / "experiment.py").write_text("X = 1\n")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", f"on {branch}")
        git(work, "checkout", "-q", "main")
    path.write_text(ReportBuilder("2026").fill_all().answer(4, words(150, start=9)).build())
    git(work, "commit", "-q", "-am", "an answer, not pushed")
    git(work, "gc", "-q")
    return path


def measure(root: Path, files: int, repeats: int) -> tuple[dict[str, Sample], list[str]]:
    path = make(root, files)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    runs = []
    for _ in range(repeats + 1):  # the first run writes the bytecode caches
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)], env=env, check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(out))
    runs = runs[1:]
    stages = ("open", "states", "unpushed", "others", "findings", "total")
    return {s: Sample([r[s] for r in runs]) for s in stages}, runs[0]["codes"]
