"""Issue #6, files half: what a group can save or point at. Every case ends with a clear
one-line message and a known exit code, within seconds, and nothing outside the report's
folder is opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk
from tests.builder import PNG_1PX, ReportBuilder, words

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30


def cli(*args: str, cwd: Path, user: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mlops_report", "check", *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *cmd]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=env, stdin=subprocess.DEVNULL
    )


def one_message(proc: subprocess.CompletedProcess, *needles: str) -> str:
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert err.count("\n") == 0 and err.startswith("mlops-report: "), err
    for n in needles:
        assert n in err, (n, err)
    return err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    ReportBuilder("2026").fill_all().write(tmp_path)
    return tmp_path


def test_non_utf8(repo):
    (repo / "reports/README.md").write_bytes("# Rapport\n\nsvar på spørgsmål\n".encode("latin-1"))
    p = cli("reports/README.md", cwd=repo)
    assert p.returncode == 2
    one_message(p, "not UTF-8", "line 3")


def test_binary(repo):
    (repo / "reports/README.md").write_bytes(PNG_1PX * 10 + b"\x00\x01\x02")
    p = cli("reports/README.md", cwd=repo)
    assert p.returncode == 2
    one_message(p, "binary")


def test_fifty_megabytes(repo):
    text = ReportBuilder("2026").fill_all().answer(30, words(300) + "\n" + ("filler " * 7_500_000)).build()
    assert len(text) > 50_000_000
    (repo / "reports/README.md").write_text(text, encoding="utf-8")
    p = cli("reports/README.md", cwd=repo)
    assert "Traceback" not in p.stderr
    assert p.returncode in (0, 1)
    assert "report.py check will" in p.stdout


def test_directory_named_readme(tmp_path):
    (tmp_path / "reports/README.md").mkdir(parents=True)
    p = cli("reports/README.md", cwd=tmp_path)
    assert p.returncode == 2
    one_message(p, "is a directory")
    p = cli(".", cwd=tmp_path)  # the directory search must not pick it either
    assert p.returncode == 2
    assert "Traceback" not in p.stderr


def test_missing_file(tmp_path):
    p = cli("reports/README.md", cwd=tmp_path)
    assert p.returncode == 2
    one_message(p, "no such file")


def _nobody() -> str | None:
    if shutil.which("setpriv") is None:
        return None
    try:
        import pwd

        return str(pwd.getpwnam("nobody").pw_uid)
    except KeyError:
        return None


def test_no_read_permission():
    """Unreadable file and a folder that cannot be searched, as a user without rights (root
    reads everything, so the CLI runs as nobody through setpriv when the tests run as root)."""
    user = None
    if os.geteuid() == 0:
        user = _nobody()
        if user is None:
            pytest.skip("running as root and cannot drop privileges (no setpriv or no user nobody)")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="mlops-report-perm-"))  # pytest's tmp is private to root
    repo = base / "repo"
    ReportBuilder("2026").fill_all().write(repo)
    for d in (base, repo, repo / "reports"):
        os.chmod(d, 0o755)
    report = repo / "reports/README.md"
    os.chmod(report, 0o000)
    try:
        p = cli("reports/README.md", cwd=repo, user=user)
        assert p.returncode == 2
        one_message(p, "permission denied")
        os.chmod(report, 0o644)
        os.chmod(repo / "reports", 0o000)  # the parent cannot be searched
        p = cli("reports/README.md", cwd=repo, user=user)
        assert p.returncode == 2
        one_message(p, "permission denied")
        p = cli(".", cwd=repo, user=user)
        assert p.returncode == 2
        one_message(p, "permission denied")
    finally:
        os.chmod(repo / "reports", 0o755)
        os.chmod(report, 0o644)
        shutil.rmtree(base)


def test_figures_folder_with_symlink_loop(repo):
    figures = repo / "reports/figures"
    (figures / "loop").symlink_to(figures, target_is_directory=True)
    (figures / "a").symlink_to(figures / "b")
    (figures / "b").symlink_to(figures / "a")
    (repo / "outside").symlink_to(repo / "outside")
    text = (
        ReportBuilder("2026")
        .fill_all()
        .answer(19, "![a](figures/a) ![l](figures/loop/loop/loop/q19_0.png) ![o](../outside/x.png)")
        .build()
    )
    (repo / "reports/README.md").write_text(text, encoding="utf-8")
    p = cli("reports/README.md", cwd=repo)
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode in (0, 1)
    disk = Disk.scan(repo / "reports/README.md")
    assert not any(f.startswith("figures/loop/") for f in disk.files)


def test_paths_outside_the_workspace_are_never_opened(repo, monkeypatch):
    """Figure paths out of the workspace: findings with a reason, and not one open() outside."""
    secret = repo.parent / "secret.png"
    secret.write_bytes(PNG_1PX)
    targets = [
        "../../etc/passwd",
        "/etc/passwd",
        "file:///etc/passwd",
        "../../secret.png",
        str(secret),
        secret.as_uri(),
        "..%2F..%2Fsecret.png",
        "figures/../../../secret.png",
        "C:\\Windows\\win.ini",
        "\\\\server\\share\\x.png",
        "//server/share/x.png",
    ]
    body = words(250) + "\n\n" + "\n\n".join(f"![t{i}]({t})" for i, t in enumerate(targets))
    text = ReportBuilder("2026").fill_all().answer(14, body).build()
    path = repo / "reports/README.md"
    path.write_text(text, encoding="utf-8")
    inside = (repo / "reports").resolve()
    opened: list[str] = []
    real_open = open

    def watch(file, *a, **kw):
        if isinstance(file, (str, os.PathLike)):
            opened.append(os.path.realpath(file))
        return real_open(file, *a, **kw)

    import builtins
    import io

    monkeypatch.setattr(builtins, "open", watch)
    monkeypatch.setattr(io, "open", watch)
    a = Analyzer().analyse(text, path)
    for f in a.findings:
        if f.question == 14:
            assert f.message
    outside = [
        p for p in opened if not p.startswith(str(inside)) and "site-packages" not in p and not p.startswith(str(ROOT))
    ]
    assert not outside, outside
    codes = {f.code for f in a.findings if f.question == 14}
    assert "image-outside-figures" in codes
    p = cli("reports/README.md", cwd=repo)
    assert "Traceback" not in p.stderr and p.returncode in (0, 1)


def test_a_symbolic_link_inside_the_project_is_not_followed(repo):
    """A figure path through a link inside the project that points out of it: the finding says
    nothing about the file behind the link, which is never looked at; a plain path in the project
    is still checked."""
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (repo / "docs").symlink_to(outside, target_is_directory=True)
    (repo / "real").mkdir()
    targets = ["../docs/none.png", "../real/none.png"]
    body = words(250) + "\n\n" + "\n\n".join(f"![t]({t})" for t in targets)
    text = ReportBuilder("2026").fill_all().answer(14, body).build()
    path = repo / "reports/README.md"
    path.write_text(text, encoding="utf-8")
    said = {
        t: [
            f.message
            for f in Analyzer().analyse(text, path).findings
            if f.code == "image-outside-figures" and t in f.message
        ]
        for t in targets
    }
    assert said["../docs/none.png"] and not any("no file is there" in m for m in said["../docs/none.png"])
    assert any("no file is there" in m for m in said["../real/none.png"])
