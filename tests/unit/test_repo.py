"""The in-process git reader (``mlops_report.repo``) against repositories made by git itself:
loose and packed objects (deltas, packed refs), worktrees, merges, a file removed and added
again; and, for a shallow clone, a corrupt pack, a missing object, a FIFO in place of an object
or of HEAD, an unborn branch: None, quickly, never an exception."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from mlops_report.repo import Repository, first_version
from tests.builder import ReportBuilder, words
from tests.conftest import GIT_ENV


def git(folder: Path, *args: str, when: int | None = None) -> str:
    env = dict(GIT_ENV)
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0000"
    return subprocess.run(
        ["git", *args], cwd=folder, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def versions(n: int) -> list[str]:
    """``n`` successive texts of one report, each a small edit of the one before."""
    b = ReportBuilder("2026")
    out = []
    for k in range(n):
        b.answer(1 + k % 20, words(40 + k, start=k))
        out.append(b.build())
    return out


def history(tmp_path: Path, texts: list[str]) -> tuple[Path, list[str]]:
    """A repository whose report goes through ``texts``, one commit each; (report, commits)."""
    git(tmp_path, "init", "-q", "-b", "main")
    report = tmp_path / "reports" / "README.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    shas = []
    for k, text in enumerate(texts):
        report.write_text(text, encoding="utf-8")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-q", "-m", f"version {k}", when=1_700_000_000 + 60 * k)
        shas.append(git(tmp_path, "rev-parse", "HEAD"))
    return report, shas


@pytest.mark.parametrize("packed", [False, True], ids=["loose", "packed"])
def test_every_version_reads_as_git_shows_it(tmp_path, packed):
    texts = versions(40)
    report, shas = history(tmp_path, texts)
    if packed:
        git(tmp_path, "gc", "-q", "--aggressive")
        assert not any((tmp_path / ".git/objects").glob("??/*")), "everything is packed"
        assert (tmp_path / ".git/packed-refs").is_file() and not (tmp_path / ".git/refs/heads/main").exists()
    repo = Repository.discover(report.parent, cap=2 << 20)
    with repo:
        assert repo.work_tree == tmp_path and repo.head() == shas[-1]
        for sha, text in zip(shas, texts, strict=True):
            assert repo.blob_at(sha, ("reports", "README.md")) == text.encode()
            assert repo.blob_at(sha, ("reports", "missing.md")) is None
    assert first_version(report) == texts[0]


def test_packed_deltas_are_followed(tmp_path):
    texts = versions(30)
    report, shas = history(tmp_path, texts)
    git(tmp_path, "gc", "-q", "--aggressive")
    verify = git(tmp_path, "verify-pack", "-v", *map(str, (tmp_path / ".git/objects/pack").glob("*.idx")))
    assert "chain length = " in verify  # git stored some of the versions as deltas
    with Repository.discover(report.parent, cap=2 << 20) as repo:
        assert [repo.blob_at(s, ("reports", "README.md")) for s in shas] == [t.encode() for t in texts]


def test_first_version_from_a_worktree(tmp_path):
    texts = versions(3)
    (tmp_path / "main").mkdir()
    history(tmp_path / "main", texts)
    git(tmp_path / "main", "worktree", "add", "-q", str(tmp_path / "wt"))
    assert (tmp_path / "wt/.git").is_file()
    assert first_version(tmp_path / "wt/reports/README.md") == texts[0]


def test_the_oldest_addition_across_branches_and_a_removal(tmp_path):
    texts = versions(4)
    report, _ = history(tmp_path, texts[:2])
    git(tmp_path, "rm", "-q", "reports/README.md")
    git(tmp_path, "commit", "-q", "-m", "gone", when=1_700_001_000)
    report.parent.mkdir()
    report.write_text(texts[2])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "back", when=1_700_002_000)
    git(tmp_path, "checkout", "-q", "-b", "side")
    report.write_text(texts[3])
    git(tmp_path, "commit", "-q", "-am", "side", when=1_700_003_000)
    git(tmp_path, "checkout", "-q", "main")
    git(tmp_path, "merge", "-q", "--no-ff", "-m", "merge", "side", when=1_700_004_000)
    assert first_version(report) == texts[0]


def test_a_report_outside_any_repository(tmp_path):
    path = ReportBuilder("2026").write(tmp_path)
    (tmp_path / "reports" / "HEAD").write_text("ref: refs/heads/main\n")  # a folder is never a bare repo
    (tmp_path / "reports" / "objects").mkdir()
    (tmp_path / "reports" / "refs").mkdir()
    assert first_version(path) is None


def test_an_unborn_branch(tmp_path):
    path = ReportBuilder("2026").write(tmp_path)
    git(tmp_path, "init", "-q")
    assert first_version(path) is None


def test_a_shallow_clone_has_no_first_version(tmp_path):
    (tmp_path / "origin").mkdir()
    history(tmp_path / "origin", versions(3))
    git(tmp_path, "clone", "-q", "--depth", "1", (tmp_path / "origin").as_uri(), "clone")
    assert first_version(tmp_path / "clone/reports/README.md") is None


def test_a_first_version_over_the_cap_is_not_read(tmp_path):
    texts = versions(2)
    report, _ = history(tmp_path, texts)
    size = len(texts[0].encode())
    assert first_version(report, cap=size - 1) is None
    assert first_version(report, cap=size) == texts[0]
    git(tmp_path, "gc", "-q")
    # packed, the first version may be a delta on the newer one: every object on the way counts
    assert first_version(report, cap=size - 1) is None
    assert first_version(report, cap=max(len(t.encode()) for t in texts)) == texts[0]


def test_history_longer_than_the_bound(tmp_path):
    report, _ = history(tmp_path, versions(5))
    assert first_version(report, max_commits=4) is None
    assert first_version(report, max_commits=5) is not None


def _broken(tmp_path: Path, how: str) -> Path:
    report, shas = history(tmp_path, versions(3))
    objects = tmp_path / ".git/objects"
    if how.startswith("packed"):
        git(tmp_path, "gc", "-q")
    first_blob = git(tmp_path, "rev-parse", f"{shas[0]}:reports/README.md")
    loose = objects / first_blob[:2] / first_blob[2:]
    if how == "missing object":
        loose.unlink()
    elif how == "truncated object":
        loose.write_bytes(loose.read_bytes()[:20])
    elif how == "fifo object":
        loose.unlink()
        os.mkfifo(loose)
    elif how == "fifo HEAD":
        (tmp_path / ".git/HEAD").unlink()
        os.mkfifo(tmp_path / ".git/HEAD")
    elif how == "packed, truncated":
        pack = next((objects / "pack").glob("*.pack"))
        pack.write_bytes(pack.read_bytes()[:200])
    elif how == "packed, garbage":
        pack = next((objects / "pack").glob("*.pack"))
        data = bytearray(pack.read_bytes())
        data[12:] = bytes(len(data) - 12)
        pack.write_bytes(bytes(data))
    elif how == "packed, fifo pack":
        pack = next((objects / "pack").glob("*.pack"))
        pack.unlink()
        os.mkfifo(pack)
    elif how == "HEAD names garbage":
        (tmp_path / ".git/HEAD").write_text("ref: ../../../etc/passwd\n")
    return report


@pytest.mark.parametrize(
    "how",
    [
        "missing object",
        "truncated object",
        "fifo object",
        "fifo HEAD",
        "packed, truncated",
        "packed, garbage",
        "packed, fifo pack",
        "HEAD names garbage",
    ],
)
def test_a_broken_repository_gives_none(tmp_path, how):
    report = _broken(tmp_path, how)
    started = time.monotonic()
    assert first_version(report) is None
    assert time.monotonic() - started < 5  # a FIFO is never opened: nothing blocks
