"""The hand-in as the course scrapes it, on repositories made by git in the tests: figures
untracked, staged, ignored (nested ``.gitignore``, negation, an excluded folder,
``info/exclude``) or changed since their commit; reports uncommitted, unpushed, pushed, pushed
after the deadline; a side branch with a newer report; packed refs, a detached HEAD, no remote,
a shallow clone, a worktree, and no repository at all (every git finding silent).

The rule that ignores a file and the index itself are checked against what git says
(``git check-ignore -v``, ``git ls-files -s``).
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.repo.handin import Handin
from mlops_report.repo.ignore import Ignores
from mlops_report.repo.index import read_index
from mlops_report.settings import Settings
from tests.builder import PNG_1PX, ReportBuilder, words
from tests.conftest import GIT_ENV
from tests.unit.test_repo import git

GIT_CODES = ("image-uncommitted", "report-uncommitted", "report-unpushed", "report-other-branch")
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def commit(folder: Path, message: str, when: int = T0, add: bool = True) -> str:
    if add:
        git(folder, "add", "-A")
    git(folder, "commit", "-q", "--allow-empty", "-m", message, when=when)
    return git(folder, "rev-parse", "HEAD")


def project(tmp_path: Path, builder: ReportBuilder | None = None, name: str = "work") -> Path:
    """A clone of a bare ``origin`` whose ``main`` holds a complete report and its figures,
    committed and pushed (``origin/HEAD`` set as a clone from GitHub has it); the work tree."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    work = tmp_path / name
    git(tmp_path, "clone", "-q", str(origin), str(work))
    (builder or ReportBuilder("2026").fill_all()).write(work)
    commit(work, "the report")
    git(work, "push", "-q", "-u", "origin", "main")
    git(work, "remote", "set-head", "origin", "main")
    return work


def report_of(work: Path) -> Path:
    return work / "reports" / "README.md"


def analyse(work: Path, deadline: str = "", now: float | None = None, text: str | None = None):
    path = report_of(work)
    settings = Settings(deadline=deadline)
    text = path.read_text(encoding="utf-8") if text is None else text
    if now is None:
        return Analyzer().analyse(text, path, settings)
    from mlops_report.rules import handin

    saved = handin.time.time
    handin.time.time = lambda: now  # the deadline's clock, for this analysis only
    try:
        return Analyzer().analyse(text, path, settings)
    finally:
        handin.time.time = saved


def git_findings(analysis) -> list:
    return [f for f in analysis.findings if f.code in GIT_CODES]


def only(analysis, code: str):
    found = [f for f in analysis.findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in git_findings(analysis)]
    return found[0]


def iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


# -- pushed, and no repository --------------------------------------------------------------------


def test_a_pushed_report_has_no_git_finding(tmp_path):
    work = project(tmp_path)
    assert git_findings(analyse(work)) == []


def test_without_a_repository_every_git_finding_is_silent(tmp_path):
    path = ReportBuilder("2026").fill_all().figures(19, "figures/q19_0.png", "figures/new.png").write(tmp_path)
    (path.parent / "figures" / "new.png").write_bytes(PNG_1PX)
    a = Analyzer().analyse(path.read_text(), path, Settings(deadline="2020-01-01T00:00:00Z"))
    assert Handin.open(path) is None
    assert git_findings(a) == []


# -- figures --------------------------------------------------------------------------------------


def test_an_untracked_figure(tmp_path):
    work = project(tmp_path)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    commit(work, "forget a figure", add=False)
    git(work, "push", "-q")
    a = analyse(work)
    f = only(a, "image-uncommitted")
    assert f.severity == "error" and f.question == 19
    assert "figures/q19_0.png is not committed" in f.message
    assert a.report.text[f.span.start : f.span.end] == "![figure 0](figures/q19_0.png)"
    assert "figures/q19_0.png (untracked)" in only(a, "report-uncommitted").message


def test_a_staged_figure_is_listed_as_uncommitted_not_as_an_error(tmp_path):
    """A staged figure goes with the next commit (a pre-commit hook runs right then): it is no
    error of its own, and report-uncommitted names it until the commit is made."""
    work = project(tmp_path)
    (work / "reports/figures/q19_0.png").unlink()
    commit(work, "no figure")
    (work / "reports/figures/q19_0.png").write_bytes(PNG_1PX)
    git(work, "add", "reports/figures/q19_0.png")
    found = analyse(work)
    assert not [f for f in found.findings if f.code == "image-uncommitted"]
    assert "figures/q19_0.png (staged only)" in only(found, "report-uncommitted").message


def _ignore_files(work: Path, files: dict[str, str]) -> None:
    """Un-track the figures and write ignore files."""
    git(work, "rm", "-q", "-r", "--cached", "reports/figures")
    for rel, text in files.items():
        p = work / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    git(work, "add", *[rel for rel in files if not rel.startswith(".git/")])
    commit(work, "ignore files", add=False)


IGNORED = {
    "root .gitignore": ({".gitignore": "*.log\nreports/figures/**\n"}, ".gitignore:2"),
    "nested .gitignore": ({"reports/.gitignore": "# figures stay local\nfigures/q19_*\n"}, "reports/.gitignore:2"),
    "excluded folder, negation cannot bring back": (
        {".gitignore": "reports/figures/\n!reports/figures/q19_0.png\n"},
        ".gitignore:1",
    ),
    "info/exclude": ({".git/info/exclude": "q19_0.png\n"}, ".git/info/exclude:1"),
    "deeper file wins": (
        {".gitignore": "!*.png\n", "reports/figures/.gitignore": "*.png\n"},
        "reports/figures/.gitignore:1",
    ),
}


@pytest.mark.parametrize("case", sorted(IGNORED))
def test_an_ignored_figure_names_the_rule_git_names(tmp_path, case):
    files, where = IGNORED[case]
    work = project(tmp_path)
    _ignore_files(work, files)
    said = git(work, "check-ignore", "-v", "reports/figures/q19_0.png")
    assert said.split("\t")[0].rsplit(":", 1)[0] == where  # git agrees with the case
    f = next(f for f in analyse(work).findings if f.code == "image-uncommitted" and f.question == 19)
    source, line = where.rsplit(":", 1)
    assert f"in {source}, line {line}" in f.message and "is ignored by git" in f.message
    ((path, line0, _),) = f.data["related"]
    assert Path(path) == work / source and line0 == int(line) - 1


def test_a_negation_brings_one_figure_back(tmp_path):
    work = project(tmp_path)
    _ignore_files(work, {".gitignore": "reports/figures/*\n!reports/figures/q19_0.png\n"})
    found = {f.question: f.message for f in analyse(work).findings if f.code == "image-uncommitted"}
    assert "is not committed (git does not track it)" in found[19]  # untracked, not ignored
    assert "'reports/figures/*' in .gitignore, line 1" in found[14]


def test_a_figure_changed_since_its_commit(tmp_path):
    work = project(tmp_path)
    figure = work / "reports/figures/q19_0.png"
    os.utime(figure, (T0, T0))  # same bytes, other time: git would hash it and find no change
    assert git_findings(analyse(work)) == []
    figure.write_bytes(PNG_1PX + b"\0")
    a = analyse(work)
    f = only(a, "image-uncommitted")
    assert f.severity == "warning" and "differs from its committed version" in f.message
    assert "figures/q19_0.png (changed)" in only(a, "report-uncommitted").message


def test_a_report_with_crlf_checked_out_is_not_changed(tmp_path):
    work = project(tmp_path)
    path = report_of(work)
    data = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)  # core.autocrlf=true on Windows checks it out so
    assert not [f for f in git_findings(analyse(work)) if f.code == "report-uncommitted"]


def test_a_figure_in_git_lfs_matches_its_pointer(tmp_path):
    import hashlib

    work = project(tmp_path)
    figure = work / "reports/figures/q19_0.png"
    data = b"\x89PNG large figure" * 100
    pointer = (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(data).hexdigest()}\nsize {len(data)}\n"
    )
    figure.write_text(pointer)
    commit(work, "the figure in LFS")
    git(work, "push", "-q")
    figure.write_bytes(data)  # what git lfs checks out
    assert git_findings(analyse(work)) == []


# -- the report: uncommitted, unpushed, pushed, late ---------------------------------------------


def _edit_report(work: Path, n: int = 4, start: int = 7) -> None:
    path = report_of(work)
    b = ReportBuilder("2026").fill_all().answer(n, words(150, start=start))
    path.write_text(b.build())


@pytest.mark.parametrize(
    "hours, level", [(None, "information"), (24 * 5, "information"), (24, "warning"), (-1, "error")]
)
def test_an_uncommitted_report_and_the_deadline(tmp_path, hours, level):
    work = project(tmp_path)
    _edit_report(work)
    now = time.time()
    deadline = "" if hours is None else iso(now + hours * 3600)
    f = only(analyse(work, deadline), "report-uncommitted")
    assert f.severity == level and f.question == 0 and f.span.start == 0
    assert f.message.startswith("not committed: the report (changed)")
    assert ("has passed" in f.message) == (level == "error")


def test_unpushed_then_pushed(tmp_path):
    work = project(tmp_path)
    _edit_report(work)
    commit(work, "answer question 4", T0 + 60)
    a = analyse(work)
    f = only(a, "report-unpushed")
    assert f.severity == "information"
    assert "1 commit changing the report is not on origin/main" in f.message
    assert "'answer question 4', 2026-01-01 00:01 UTC" in f.message
    assert not [x for x in a.findings if x.code == "report-uncommitted"]
    git(work, "push", "-q")
    assert git_findings(analyse(work)) == []


def test_a_commit_that_does_not_touch_the_report_is_not_unpushed(tmp_path):
    work = project(tmp_path)
    (work / "train.py").write_text("print('hello')\n")
    commit(work, "code only", T0 + 60)
    assert git_findings(analyse(work)) == []


def test_commits_after_the_deadline_are_not_graded(tmp_path):
    work = project(tmp_path)
    deadline = T0 + 3600
    _edit_report(work)
    commit(work, "too late", deadline + 32)
    f = only(analyse(work, iso(deadline)), "report-unpushed")
    assert f.severity == "error" and f.message.startswith("not graded: committed after the deadline")
    git(work, "push", "-q")
    f = only(analyse(work, iso(deadline)), "report-unpushed")
    assert f.severity == "error" and f.data["reason"] == "late"
    assert "not graded: 1 commit on origin/main changed the report or its figures after the deadline" in f.message
    # the same history judged against a later deadline: in time
    assert git_findings(analyse(work, iso(deadline + 3600))) == []


def test_a_report_committed_on_a_side_branch_is_unpushed_to_the_default(tmp_path):
    work = project(tmp_path)
    git(work, "checkout", "-q", "-b", "report")
    _edit_report(work)
    commit(work, "report on a branch", T0 + 60)
    git(work, "push", "-q", "-u", "origin", "report")
    f = only(analyse(work), "report-unpushed")
    assert "not on origin/main (they are on branch report, not merged into main)" in f.message


# -- other branches -----------------------------------------------------------------------------


def test_a_side_branch_with_a_newer_report(tmp_path):
    work = project(tmp_path)
    git(work, "checkout", "-q", "-b", "report")
    b = ReportBuilder("2026").fill_all().answer(3, words(120, start=3)).answer(7, words(60, start=5))
    report_of(work).write_text(b.build())
    commit(work, "answers 3 and 7", T0 + 7200)
    git(work, "push", "-q", "-u", "origin", "report")
    git(work, "checkout", "-q", "main")
    git(work, "checkout", "-q", "-b", "old-idea")  # a branch with no report commit of its own
    (work / "notes.txt").write_text("notes\n")
    commit(work, "notes", T0 + 9000)
    git(work, "checkout", "-q", "main")
    a = analyse(work)
    f = only(a, "report-other-branch")  # report and origin/report are one finding; old-idea none
    assert f.data["branch"] == "report" and f.data["questions"] == [3, 7]
    assert f.message == (
        "branch report holds a newer version of the report than origin/main (its commit 'answers 3 and 7', "
        "2026-01-01 02:00 UTC): the answers to questions 3, 7 differ"
    )
    assert a.report.text[f.span.start : f.span.end] == "### Question 3"
    git(work, "merge", "-q", "report")
    git(work, "push", "-q")
    assert git_findings(analyse(work)) == []


def test_a_remote_branch_alone(tmp_path):
    work = project(tmp_path)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(other))
    git(other, "checkout", "-q", "-b", "brandon-branch")
    _edit_report(other, 12)
    commit(other, "q12", T0 + 60)
    git(other, "push", "-q", "origin", "brandon-branch")
    git(work, "fetch", "-q")
    f = only(analyse(work), "report-other-branch")
    assert f.data == {"branch": "origin/brandon-branch", "questions": [12]}


# -- how the repository is stored --------------------------------------------------------------


def test_packed_refs_and_objects(tmp_path):
    work = project(tmp_path)
    _edit_report(work)
    commit(work, "unpushed", T0 + 60)
    git(work, "gc", "-q")
    git(work, "pack-refs", "--all")
    assert not (work / ".git/refs/remotes/origin/main").exists() and (work / ".git/packed-refs").is_file()
    assert "1 commit changing the report" in only(analyse(work), "report-unpushed").message
    git(work, "push", "-q")
    git(work, "pack-refs", "--all")
    assert git_findings(analyse(work)) == []


def test_a_detached_head(tmp_path):
    work = project(tmp_path)
    git(work, "checkout", "-q", "--detach")
    assert git_findings(analyse(work)) == []
    _edit_report(work)
    sha = commit(work, "detached work", T0 + 60)
    f = only(analyse(work), "report-unpushed")
    assert f"(HEAD is detached at {sha[:7]})" in f.message


def test_a_repository_without_a_remote(tmp_path):
    ReportBuilder("2026").fill_all().write(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "local only")
    a = analyse(tmp_path)
    f = only(a, "report-unpushed")
    assert f.data["reason"] == "no-remote" and "has no remote" in f.message
    assert [x.code for x in git_findings(a)] == ["report-unpushed"]


def test_a_default_branch_never_pushed(tmp_path):
    work = project(tmp_path)
    git(work, "checkout", "-q", "-b", "master")
    git(work, "branch", "-q", "-D", "main")
    git(work, "remote", "set-head", "origin", "-d")
    f = only(analyse(work), "report-unpushed")
    assert f.data["reason"] == "no-upstream" and "master has no remote-tracking branch" in f.message


def test_a_shallow_clone(tmp_path):
    origin_work = project(tmp_path)
    for k in range(3):
        _edit_report(origin_work, 4, k)
        commit(origin_work, f"v{k}", T0 + 60 * (k + 1))
    git(origin_work, "push", "-q")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", (tmp_path / "origin.git").as_uri(), str(clone))
    assert (clone / ".git/shallow").is_file()
    assert git_findings(analyse(clone)) == []
    _edit_report(clone, 9)
    commit(clone, "from the shallow clone", T0 + 600)
    assert "1 commit changing the report" in only(analyse(clone), "report-unpushed").message


def test_a_worktree(tmp_path):
    work = project(tmp_path)
    git(work, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    wt = tmp_path / "wt"
    assert (wt / ".git").is_file()
    _edit_report(wt)
    git(wt, "rm", "-q", "--cached", "reports/figures/q19_0.png")  # untracked in the worktree only
    git(wt, "add", "reports/README.md")
    commit(wt, "edit on a side branch", T0 + 60, add=False)
    (work / ".git/info/exclude").write_text("q14_0.png\n")  # the common folder's rules apply
    a = analyse(wt)
    assert "figures/q19_0.png is not committed" in next(
        f.message for f in a.findings if f.code == "image-uncommitted" and f.question == 19
    )
    assert "on branch side, not merged into main" in only(a, "report-unpushed").message
    # the main work tree sees the worktree's branch
    assert only(analyse(work), "report-other-branch").message.endswith("the answer to question 4 differs")


def test_an_unborn_repository(tmp_path):
    path = ReportBuilder("2026").fill_all().write(tmp_path)
    git(tmp_path, "init", "-q")
    a = Analyzer().analyse(path.read_text(), path)
    figures = [f for f in a.findings if f.code == "image-uncommitted"]
    assert len(figures) == len(ReportBuilder("2026").needed_figures())
    assert only(a, "report-uncommitted").message.startswith("not committed: the report (untracked)")


# -- the index and the ignore rules against git -----------------------------------------------------


@pytest.mark.parametrize("version", [2, 3, 4])
def test_the_index_reads_as_git_lists_it(tmp_path, version):
    work = project(tmp_path)
    for k in range(40):
        p = work / "src" / f"pkg{k % 5}" / f"module_{k}_{'x' * (k % 11)}.py"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"# {k}\n")
    git(work, "add", "-A")
    (work / "later.txt").write_text("later\n")
    git(work, "add", "-N", "later.txt")  # intent to add: an extended entry
    git(work, "update-index", "--index-version", str(version))
    index = read_index(work / ".git/index")
    listed = {}
    for line in git(work, "ls-files", "-s").splitlines():
        meta, path = line.split("\t", 1)
        mode, sha, _ = meta.split()
        listed[path] = (int(mode, 8), sha)
    assert {p: (e.mode, e.sha) for p, e in index.items()} == listed
    assert index.entry("later.txt").intent_to_add and "later.txt" in index


@pytest.mark.parametrize("seed", [2, 5, 14, 26])
def test_ignore_rules_agree_with_git_check_ignore(tmp_path, seed):
    """Random patterns over a small alphabet (``*``, ``**``, ``?``, brackets, ``!``, trailing and
    leading ``/``) against random paths, in nested files: every answer equals git's."""
    rng = random.Random(seed)
    pieces = ["a", "b", "fig", "*", "**", "?", "[ab]", "[!a]", "x.png", "*.png", "q1?_0.png"]
    git(tmp_path, "init", "-q")
    folders = ["", "reports", "reports/figures", "reports/figures/a"]
    files = {}
    for folder in folders:
        lines = []
        for _ in range(8):
            parts = [rng.choice(pieces) for _ in range(rng.randint(1, 3))]
            line = "/".join(parts) if rng.random() < 0.6 else "".join(parts)
            if rng.random() < 0.2:
                line = "/" + line
            if rng.random() < 0.2:
                line += "/"
            if rng.random() < 0.3:
                line = "!" + line
            lines.append(line)
        rel = f"{folder}/.gitignore" if folder else ".gitignore"
        files[rel] = "\n".join(lines) + "\n"
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(files[rel])
    names = ["a", "b", "fig", "x.png", "q19_0.png", "ab.png", "b.png", "fig.png"]
    paths = sorted(
        {
            "/".join(rng.choice(["reports", "figures", "a", "b", "fig"]) for _ in range(rng.randint(0, 3)))
            + "/"
            + rng.choice(names)
            for _ in range(300)
        }
    )
    paths = [p.lstrip("/") for p in paths if not (tmp_path / p.lstrip("/")).is_dir()]  # files only
    done = subprocess.run(
        ["git", "check-ignore", "-v", "-n", "--no-index", "--stdin"],
        cwd=tmp_path,
        env=GIT_ENV,
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
    )
    said = {}
    for line in done.stdout.splitlines():
        meta, path = line.split("\t", 1)
        source, number, pattern = meta.split(":", 2)
        said[path] = None if not source or pattern.startswith("!") else f"{source}:{number}"
    ignores = Ignores(tmp_path, tmp_path / ".git")
    ours = {p: (r.where() if (r := ignores.ignored_by(p)) else None) for p in paths}
    assert ours == {p: said.get(p) for p in paths}
    assert sum(v is not None for v in ours.values()) > 20  # the patterns did ignore things


def test_a_hostile_pattern_costs_linear_time(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*x*c\n" * 50)
    ignores = Ignores(tmp_path, tmp_path / ".git")
    started = time.monotonic()
    assert ignores.ignored_by("a/" + "a" * 1000 + "c") is None
    assert time.monotonic() - started < 5  # milliseconds; a backtracking match would take hours


# -- the cases tests/unit/test_rules.py runs for every code ------------------------------------------


def _case(work: Path) -> tuple[str, Path, object]:
    path = report_of(work)
    text = path.read_text(encoding="utf-8")
    return text, path, Analyzer().analyse(text, path)


def _untracked_figure(t: Path) -> Path:
    work = project(t)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    commit(work, "forget a figure", add=False)
    git(work, "push", "-q")
    return work


def _edited(t: Path) -> Path:
    work = project(t)
    _edit_report(work)
    return work


def _committed(t: Path) -> Path:
    work = _edited(t)
    commit(work, "answer 4", T0 + 60)
    return work


def _side_branch(t: Path, touch_report: bool = True) -> Path:
    work = project(t)
    git(work, "checkout", "-q", "-b", "side")
    if touch_report:
        _edit_report(work)
    else:
        (work / "notes.txt").write_text("notes\n")
    commit(work, "side work", T0 + 60)
    git(work, "checkout", "-q", "main")
    return work


def _touched_figure(t: Path) -> Path:
    work = project(t)
    os.utime(work / "reports/figures/q19_0.png", (T0, T0))
    return work


def _crlf(t: Path) -> Path:
    work = project(t)
    path = report_of(work)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return work


def _code_only(t: Path) -> Path:
    work = project(t)
    (work / "train.py").write_text("print('hello')\n")
    commit(work, "code only", T0 + 60)
    return work


# code -> (tmp_path) -> (text, path, analysis) showing exactly one finding of the code, and one
# close to it that must not show it
SHOW_HANDIN = {
    "image-uncommitted": lambda t: _case(_untracked_figure(t)),
    "report-uncommitted": lambda t: _case(_edited(t)),
    "report-unpushed": lambda t: _case(_committed(t)),
    "report-other-branch": lambda t: _case(_side_branch(t)),
}
NEAR_HANDIN = {
    "image-uncommitted": lambda t: _case(_touched_figure(t)),
    "report-uncommitted": lambda t: _case(_crlf(t)),
    "report-unpushed": lambda t: _case(_code_only(t)),
    "report-other-branch": lambda t: _case(_side_branch(t, touch_report=False)),
}


def test_the_configuration_reads_as_git_lists_it(tmp_path):
    from mlops_report.repo.refs import parse_config

    text = (
        '[core]\n\tbare = false # a comment\n\texcludesFile = "my ignore" ; another\n\tignoreCase\n'
        '[remote "origin"]\n\turl = https://example.org/group/project.git\n'
        '[branch "Report-Branch"]\n\tremote = origin\n\tmerge = refs/heads/Report-Branch\n'
        "[include]\n\tpath = ~/.gitconfig\n[Alias.Sub]\n\tlong = one \\\n two\n"
        '[weird "quo\\"te"]\n\tvalue = "tab\\there" \n'
    )
    (tmp_path / "config").write_text(text)
    listed = git(tmp_path, "config", "--file", "config", "--list", "--no-includes").splitlines()
    ours = parse_config(text).values
    flat = {f"{section}.{sub + '.' if sub else ''}{key}": value for (section, sub, key), value in ours.items()}
    assert flat == dict(line.split("=", 1) if "=" in line else (line, "true") for line in listed)


def test_an_excludes_file_outside_the_repository_is_never_read(tmp_path):
    work = project(tmp_path)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    commit(work, "forget a figure", add=False)
    outside = tmp_path / "global-ignore"
    outside.write_text("q19_0.png\n")
    git(work, "config", "core.excludesFile", str(outside))
    assert git(work, "check-ignore", "reports/figures/q19_0.png")  # git itself reads it
    f = next(f for f in analyse(work).findings if f.code == "image-uncommitted")
    assert "is not committed (git does not track it)" in f.message  # we do not: untracked, not ignored
    inside = work / ".git" / "team-ignore"
    inside.write_text("q19_0.png\n")
    git(work, "config", "core.excludesFile", str(inside))
    f = next(f for f in analyse(work).findings if f.code == "image-uncommitted")
    assert "'q19_0.png' in .git/team-ignore, line 1" in f.message
