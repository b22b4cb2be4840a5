"""``mlops-report check --ref REF`` and ``--deadline``, as a process, on repositories made by git:
the report and its figures as committed at REF, whatever the working copy holds."""

from __future__ import annotations

import json
import subprocess
import time

from tests.builder import PNG_1PX, ReportBuilder, words
from tests.cli.test_check import one_line, run
from tests.unit.test_repo_handin import T0, commit, git, iso, project, report_of


def questions(result: subprocess.CompletedProcess) -> list[dict]:
    (one,) = json.loads(result.stdout)
    return one["questions"]


def test_ref_counts_equal_the_committed_texts(tmp_path):
    work = project(tmp_path)
    pushed = ReportBuilder("2026").fill_all().answer(4, words(101)).answer(7, words(30))
    report_of(work).write_text(pushed.build())
    commit(work, "pushed version", T0 + 60)
    git(work, "push", "-q")
    committed = ReportBuilder("2026").fill_all().answer(4, words(180)).answer(12, words(10))
    report_of(work).write_text(committed.build())
    commit(work, "committed, not pushed", T0 + 120)
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(5, words(3)).build())  # not committed

    alone = tmp_path / "alone"  # each version checked as a plain file, outside any repository
    for name, builder in (("pushed", pushed), ("committed", committed)):
        builder.write(alone / name)
    for ref, name in (("origin/main", "pushed"), ("HEAD", "committed")):
        at_ref = run("--format", "json", "--ref", ref, report_of(work))
        plain = run("--format", "json", alone / name / "reports/README.md")
        assert at_ref.returncode == plain.returncode, at_ref.stderr
        assert questions(at_ref) == questions(plain)
        (one,) = json.loads(at_ref.stdout)
        assert one["ref"]["ref"] == ref and len(one["ref"]["commit"]) == 40
    words_at = {
        q["number"]: q["words"] for q in questions(run("--format", "json", "--ref", "origin/main", report_of(work)))
    }
    assert words_at[4] == 101 and words_at[7] == 30


def test_ref_figures_come_from_the_tree(tmp_path):
    work = project(tmp_path)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    (work / ".gitignore").write_text("reports/figures/q19_*\n")
    commit(work, "ignore a figure", T0 + 60)
    git(work, "push", "-q")
    here = run(report_of(work))
    assert "image-uncommitted Question 19: figures/q19_0.png is ignored by git" in here.stdout
    assert "image-missing-file" not in here.stdout
    pushed = run("--ref", "origin/main", report_of(work))
    assert pushed.returncode == 1
    assert "image-missing-file Question 19: figures/q19_0.png" in pushed.stdout
    assert f"{report_of(work)}: as committed at origin/main (" in pushed.stdout
    assert "image-uncommitted" not in pushed.stdout  # what the course sees has nothing uncommitted
    # a figure added to the working copy only is missing at the ref too
    (work / "reports/figures/new.png").write_bytes(PNG_1PX)
    b = ReportBuilder("2026").fill_all().figures(21, "figures/q21_0.png", "figures/new.png")
    report_of(work).write_text(b.build())
    commit(work, "a new figure, not added", T0 + 120, add=False)
    git(work, "commit", "-q", "-am", "the link")
    assert "figures/new.png" in run("--ref", "HEAD", report_of(work)).stdout


def test_ref_names_a_tag_a_commit_id_and_an_abbreviation(tmp_path):
    work = project(tmp_path)
    first = git(work, "rev-parse", "HEAD")
    git(work, "tag", "-a", "handed-in", "-m", "the hand-in")
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(4, words(20)).build())
    commit(work, "later", T0 + 60)
    git(work, "gc", "-q")  # packed objects and refs: the abbreviation is found in the pack index
    for ref in ("handed-in", first, first[:8]):
        r = run("--ref", ref, report_of(work))
        assert r.returncode == 0, r.stderr
        assert f"({first[:7]}, 'the report'" in r.stdout and "word-count" not in r.stdout
    assert "word-count" in run("--ref", "HEAD", report_of(work)).stdout


def test_ref_that_names_nothing(tmp_path):
    work = project(tmp_path)
    for ref, why in (("no-such-branch", "names no commit"), ("HEAD~999", "names no commit")):
        r = run("--ref", ref, report_of(work))
        assert r.returncode == 2 and why in one_line(r.stderr)
    outside = ReportBuilder("2026").fill_all().write(tmp_path / "outside")
    r = run("--ref", "HEAD", outside)
    assert r.returncode == 2 and "not in a git repository" in one_line(r.stderr)
    git(work, "rm", "-q", "--cached", "reports/README.md")
    commit(work, "report gone", T0 + 60, add=False)
    r = run("--ref", "HEAD", report_of(work))
    assert r.returncode == 2 and "reports/README.md is not committed at HEAD" in one_line(r.stderr)


def test_deadline_makes_unpushed_work_an_error(tmp_path):
    work = project(tmp_path)
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(4, words(150, start=3)).build())
    assert run(report_of(work)).returncode == 0  # information only
    r = run("--deadline", iso(time.time() - 60), report_of(work))
    assert r.returncode == 1 and "error report-uncommitted" in r.stdout and "has passed" in r.stdout
    r = run("--deadline", iso(time.time() + 3600), report_of(work))
    assert r.returncode == 0 and "warning report-uncommitted" in r.stdout
    r = run("--deadline", "next friday", report_of(work))
    assert r.returncode == 2 and "--deadline" in one_line(r.stderr)


def test_hand_in_checks_start_no_program(tmp_path):
    """The repository armed to run programs (hostile configuration, hooks, a forged signature):
    the hand-in findings and --ref read it under an audit hook that records every process start."""
    from tests.security.test_git import AUDITED, MARKER, hostile_project, started

    path, _ = hostile_project(tmp_path)
    git(tmp_path, "-c", "core.hooksPath=/dev/null", "update-ref", "refs/heads/side", "HEAD")  # its hooks stay off
    MARKER.unlink(missing_ok=True)
    for extra in ((), ("--ref", "HEAD"), ("--deadline", iso(time.time() - 60))):
        done = subprocess.run([*AUDITED, "check", *extra, str(path)], capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 1), done.stderr
        assert "report-unpushed" in done.stdout or extra[:1] == ("--ref",)
    assert started() == ""
