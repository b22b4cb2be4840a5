"""A release a student installs in a minute: one version everywhere, complete metadata, the
bundled libraries locked, the release workflow building with `make release`, and the GitHub
Action's own steps run here as GitHub would run them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builder import ReportBuilder, words
from tests.release.artifacts import EXTENSION, LOCKS, ROOT, check, check_manifest, png_size, version


def copy_of_the_tree(into: Path) -> Path:
    """The project's files as a fresh clone has them (tracked or new, never ignored ones)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def test_one_version_everywhere():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mlops_report.__version__"}
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == version()
    from importlib.metadata import version as installed

    assert installed("mlops-report") == version()


def test_the_extension_meets_the_marketplace():
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert check_manifest(package, version(), "package.json") == []
    assert package["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert png_size((EXTENSION / package["icon"]).read_bytes()) == (128, 128)
    build = (EXTENSION / "scripts" / "build.sh").read_text(encoding="utf-8")
    assert "--allow-" not in build  # no bypass flag: vsce accepts the manifest as it is
    assert "--require-hashes" in build


def test_the_lock_covers_every_library_with_a_hash():
    from importlib.metadata import requires

    names = {
        re.match(r"[A-Za-z0-9._-]+", r).group(0).lower().replace("_", "-")
        for r in requires("mlops-report") or []
        if "extra" not in r
    }
    pins = {}
    for lock in LOCKS:
        text = lock.read_text(encoding="utf-8")
        entries = re.findall(r"^([a-z0-9-]+)==(\S+) \\\n    --hash=sha256:([0-9a-f]{64})$", text, re.M)
        assert len(entries) == len(re.findall(r"==", text)), f"{lock.name}: a pin without its hash"
        pins.update({name: v for name, v, _ in entries})
    assert names <= set(pins), f"not locked: {names - set(pins)}"


def test_the_release_workflow_builds_with_make_release():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # `on:` is YAML 1.1's true
    runs = [s["run"] for s in workflow["jobs"]["release"]["steps"] if "run" in s]
    assert runs[0] == "make release"  # the same steps as on a developer's machine
    assert "dist/*" in runs[-1] and runs[-1].startswith("gh release create")
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^release: setup\n((?:\t.*\n)+)", make, re.M).group(1)
    assert "-m build --outdir dist" in recipe and "client-vscode/scripts/build.sh" in recipe
    assert "-m tests.release.artifacts dist" in recipe  # the built files are checked before anything is attached
    # the version check of the tag, as the workflow's shell runs it
    tag_check = runs[1].replace(".venv/bin/python", sys.executable)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    ok = subprocess.run(["bash", "-c", tag_check], env={**env, "GITHUB_REF_NAME": f"v{version()}"}, cwd=ROOT)
    wrong = subprocess.run(["bash", "-c", tag_check], env={**env, "GITHUB_REF_NAME": "v0.0.0-wrong"}, cwd=ROOT)
    assert (ok.returncode, wrong.returncode) == (0, 1)


@pytest.mark.slow
def test_the_wheel_and_the_sdist_carry_the_metadata(tmp_path):
    tree = copy_of_the_tree(tmp_path / "tree")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(tree)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert check(tmp_path / "dist", vsix=False) == []


def run_action(tree: Path, runner: Path, workspace: Path, inputs: dict[str, str]) -> subprocess.CompletedProcess:
    """The composite action's steps, as GitHub runs them: each `run` in bash, its env with the
    inputs put in; `uses:` steps (setup-python) are this machine's Python."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    bin_dir = Path(sys.executable).parent
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
        "GITHUB_ACTION_PATH": str(tree),
        "RUNNER_TEMP": str(runner),
        "PATH": f"{bin_dir}{os.pathsep}" + os.environ.get("PATH", ""),
    }
    result = None
    for step in action["runs"]["steps"]:
        if "run" not in step:
            assert step["uses"].startswith("actions/setup-python@")
            continue
        assert step["shell"] == "bash"
        step_env = {
            k: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], v)
            for k, v in step.get("env", {}).items()
        }
        assert "${{" not in step["run"]  # inputs reach the script through env only, never pasted into it
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=workspace,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if step is not action["runs"]["steps"][-1]:
            assert result.returncode == 0, result.stderr
    assert result is not None
    return result


@pytest.mark.slow
def test_the_action_checks_a_groups_report(tmp_path):
    tree = copy_of_the_tree(tmp_path / "action")
    group = tmp_path / "group"
    ReportBuilder("2026").fill_all().answer(7, words(30)).write(group)
    subprocess.run(["git", "init", "-q", str(group)], check=True)
    runner = tmp_path / "runner"
    runner.mkdir()
    r = run_action(tree, runner, group, {})
    assert r.returncode == 1, r.stderr  # the course's checker fails question 7
    assert "::error file=reports/README.md,title=mlops-report::report.py check will pass 30/31: Q7 fails" in r.stdout
    assert "::warning file=reports/README.md,line=" in r.stdout
    # the project file decides the gate; the input overrides it
    (group / "pyproject.toml").write_text('[tool.mlops-report]\nfail-on = "never"\n')
    assert run_action(tree, runner, group, {}).returncode == 0
    assert run_action(tree, runner, group, {"fail-on": "warning", "path": "reports/README.md"}).returncode == 1
