"""Checklist evidence: every signal of evidence.json found in a synthetic repository that has it
and not in one that does not; which check judges an item; the bounds of the scan (.gitignore,
symbolic links, the first 64 KB, entries, the course's report.py); the CLI's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlops_report import evidence
from mlops_report.evidence import check_for, checks, for_report, repository_root, scan
from tests.builder import ReportBuilder
from tests.conftest import ROOT

DATA = json.loads((ROOT / "server/mlops_report/evidence.json").read_text(encoding="utf-8"))


def _path_for(glob: str) -> str:
    """A path the glob matches: a name-only glob is put two folders deep (it matches at any depth)."""
    path = glob.replace("*", "x")
    return path if "/" in glob else f"deep/er/{path}"


def _example(signal: dict) -> tuple[str, bytes]:
    """A file that shows ``signal``: its path and its text."""
    if "file" in signal:
        return _path_for(signal["file"][0]), b"content\n"
    if "import" in signal:
        return "deep/app.py", f"'''A module.'''\n\nimport {signal['import'][-1]}\n".encode()
    if "package" in signal:
        return "requirements.txt", f"numpy>=1.26\n{signal['package']}>=1.0\n".encode()
    return _path_for(signal["in"][0]), f"first line\n  {signal['contains'][-1]}  \n".encode()


SIGNALS = [(c["id"], i, s) for c in DATA["checks"] for i, s in enumerate(c["signals"])]


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


@pytest.mark.parametrize("check_id, index, signal", SIGNALS, ids=[f"{c}-{i}" for c, i, _ in SIGNALS])
def test_each_signal_is_found_where_it_is(check_id, index, signal, tmp_path):
    rel, data = _example(signal)
    write(tmp_path, {rel: data, "README.md": b"# A project\n"})
    hits = scan(tmp_path).hits.get(check_id, ())
    assert any(h.what == signal["what"] and h.path == rel for h in hits), hits
    assert all(h.strong == signal.get("strong", True) for h in hits if h.what == signal["what"])


@pytest.mark.parametrize("check_id, index, signal", SIGNALS, ids=[f"{c}-{i}" for c, i, _ in SIGNALS])
def test_each_signal_is_not_found_where_it_is_not(check_id, index, signal, tmp_path):
    # the same file in a folder .gitignore excludes, and its text in a file no signal reads
    rel, data = _example(signal)
    write(
        tmp_path,
        {
            ".gitignore": b"# build output\nignored/\n",
            f"ignored/{rel}": data,
            "notes.rst": data,
            "README.md": b"# A project\n",
        },
    )
    found = scan(tmp_path)
    assert found.complete
    assert not [h for h in found.hits.get(check_id, ()) if h.what == signal["what"]]


def test_signals_of_a_check_say_different_things():
    for c in DATA["checks"]:
        whats = [s["what"] for s in c["signals"]]
        assert len(whats) == len(set(whats)), c["id"]


@pytest.mark.parametrize(
    "item, check",
    [
        ("Put the training in a container with Docker files (M10)", "dockerfiles"),
        ("Build the docker images on our laptops", "docker-built"),
        ("A workflow triggered on push that builds docker images", "docker-build-trigger"),
        ("Run a linting step in the continuous integration (M17)", "ci-lint"),
        ("Cache dependencies and run multi-os tests", "ci-matrix-cache"),
        ("Get continuous integration going", "ci"),
        ("Keep the data in a GCP bucket linked to data version control", "cloud-bucket"),
        ("Put the raw data under version control", "data-versioning"),
        ("Install pre-commit hooks in the version control setup", "pre-commit"),
        ("Unit tests for the `data.py` loading code", "unit-tests-data"),
        ("Unit tests for the model forward pass", "unit-tests-model"),
        ("Manage hyperparameters with **Hydra**", "hydra"),
        ("Log runs to Weights & Biases", "wandb"),
        ("Publish the docs on GitHub Pages", "docs-pages"),
        ("Write documentation for the API", "docs"),
        ("Task 1 of week 1", None),
    ],
)
def test_the_check_that_judges_an_item(item, check):
    found = check_for(item)
    assert (found.id if found else None) == check


def test_every_check_is_reachable_and_valid():
    ids = [c.id for c in checks()]
    assert len(ids) == len(set(ids))
    for c in checks():
        assert c.signals and c.items
        assert all(fragment == fragment.lower() and fragment.strip() for alt in c.items for fragment in alt)
        # an item made of its first alternative's fragments is judged by this check, not an earlier one
        assert check_for(" ".join(c.items[0])) is c, c.id


def test_gitignore_negation_and_anchors(tmp_path):
    write(
        tmp_path,
        {
            ".gitignore": b"*.dockerfile\n!keep.dockerfile\n/top.py\nbuild/\n",
            "a/skip.dockerfile": b"FROM x\n",
            "a/keep.dockerfile": b"FROM x\n",
            "top.py": b"import wandb\n",
            "sub/top.py": b"import wandb\n",
            "build/Dockerfile": b"FROM x\n",
            "pkg/.gitignore": b"local.py\n",
            "pkg/local.py": b"import hydra\n",
            "local.py": b"import hydra\n",
        },
    )
    hits = scan(tmp_path).hits
    assert [h.path for h in hits["dockerfiles"]] == ["a/keep.dockerfile"]
    assert [h.path for h in hits["wandb"]] == ["sub/top.py"]  # /top.py is anchored at the root
    assert [h.path for h in hits["hydra"] if h.what == "import hydra"] == ["local.py"]  # pkg/.gitignore: below pkg only


def test_environments_and_caches_are_not_walked(tmp_path):
    write(
        tmp_path,
        {
            ".venv/lib/site-packages/wandb/__init__.py": b"import wandb\n",
            "node_modules/x/Dockerfile": b"FROM x\n",
            ".git/Dockerfile": b"FROM x\n",
        },
    )
    found = scan(tmp_path)
    assert "wandb" not in found.hits and "dockerfiles" not in found.hits


def test_symbolic_links_are_never_followed(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"Dockerfile": b"FROM x\n", "train.py": b"import wandb\n"})
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "linked")  # a folder out of the repository
    os.symlink(outside / "train.py", repo / "app.py")  # a file out of it: its name is listed, never read
    found = scan(repo)
    assert "dockerfiles" not in found.hits and "wandb" not in found.hits


def test_only_the_first_64_kb_of_a_file_is_read(tmp_path):
    write(
        tmp_path, {"early.py": b"import wandb\n" + b"#" * 200_000, "late.py": b"x = 1\n" * 20_000 + b"import hydra\n"}
    )
    found = scan(tmp_path)
    assert "wandb" in found.hits and "hydra" not in found.hits
    assert found.read <= 2 * evidence.HEAD_BYTES


def test_a_scan_that_stops_early_says_so_and_blames_no_item(tmp_path, monkeypatch):
    write(tmp_path, {f"f{i}.txt": b"" for i in range(50)})
    monkeypatch.setattr(evidence, "MAX_ENTRIES", 10)
    found = scan(tmp_path)
    assert not found.complete and found.entries == 10
    b = ReportBuilder("2026").fill_all()
    text = b.build().replace("* [ ] Task 2 of week 2\n", "* [x] Run a linting step in CI\n")
    from mlops_report.parse import parse

    assert evidence.findings(parse(text), found) == []


def test_the_courses_report_py_is_not_evidence(tmp_path):
    path = ReportBuilder("2026").fill_all().write(tmp_path)
    write(tmp_path, {"reports/report.py": b"import typer\nimport markdown\n"})
    assert "command-line" not in for_report(path, object()).hits
    write(tmp_path, {"src/cli.py": b"import typer\n"})
    assert [h.path for h in for_report(path, object()).hits["command-line"]] == ["src/cli.py"]


def test_the_repository_root(tmp_path):
    report = ReportBuilder("2026").write(tmp_path / "project")
    assert repository_root(report) == tmp_path / "project"  # a reports/ folder: its project
    elsewhere = tmp_path / "loose" / "README.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text("x")
    assert repository_root(elsewhere) is None  # nothing around it is scanned
    repo = tmp_path / "repo"
    nested = repo / "docs" / "reports" / "README.md"
    nested.parent.mkdir(parents=True)
    nested.write_text("x")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert repository_root(nested) == repo  # the git work tree, above the project folder


def test_the_evidence_is_kept_until_the_walk_changes(tmp_path):
    path = ReportBuilder("2026").fill_all().write(tmp_path)
    token = object()
    first = for_report(path, token)
    write(tmp_path, {"Dockerfile": b"FROM x\n"})
    assert for_report(path, token) is first and "dockerfiles" not in first.hits
    assert "dockerfiles" in for_report(path, object()).hits


def test_cli_json_has_the_checklist(tmp_path):
    b = ReportBuilder("2026").fill_all()
    path = b.write(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("* [ ] Task 1 of week 1\n", "* [x] Write Docker files\n").replace(
            "* [ ] Task 2 of week 1\n", "* [ ] Track experiments in wandb\n"
        ),
        encoding="utf-8",
    )
    write(tmp_path, {"dockerfiles/train.dockerfile": b"FROM python:3.12\n", "src/train.py": b"import wandb\n"})
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", "--format", "json", "--fail-on", "never", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "server")},
    )
    assert run.returncode == 0, run.stderr
    (entry,) = json.loads(run.stdout)
    checklist = entry["checklist"]
    assert (checklist["ticked"], checklist["items"]) == (1, 12)
    docker, wandb = checklist["evidence"][0], checklist["evidence"][1]
    assert docker["ticked"] and docker["check"] == "dockerfiles" and docker["group"] == "Week 1"
    assert docker["found"] == [{"what": "a Dockerfile", "path": "dockerfiles/train.dockerfile", "strong": True}]
    assert not wandb["ticked"] and wandb["found"][0]["path"] == "src/train.py"
    assert checklist["scanned"]["complete"] and checklist["evidence"][2]["check"] is None
    codes = [d["code"] for d in entry["diagnostics"]]
    assert codes.count("checklist-unticked-evidence") == 1 and "checklist-no-evidence" not in codes


def test_evidence_md_is_the_generated_page():
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report.evidence"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "server")},
    )
    assert (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8") == run.stdout, "run `make docs`"


def test_a_hostile_repository_costs_about_the_time_bound(tmp_path):
    # deep folders, each with a .gitignore of star-heavy patterns that match nothing, and many files
    hostile = b"\n".join(b"*a*a*a*a*a*a*a*a*a*a*a*a*b%d" % i for i in range(600))
    folder = tmp_path
    for _ in range(12):
        folder = folder / "d"
        write(folder, {".gitignore": hostile, **{f"a{'a' * 40}{i}.py": b"import os\n" for i in range(200)}})
    started = time.monotonic()
    found = scan(tmp_path)
    assert time.monotonic() - started < evidence.MAX_SECONDS + 4  # seconds, where a project takes milliseconds
    assert found.entries <= evidence.MAX_ENTRIES
