"""The hand-in in the server, over stdio, as VS Code, Neovim and Emacs: a git-ignored figure
with its rule as related information, the refresh when git files change, the status's
deadline and pushed verdict, the command ``mlopsReport.checkPushed``, and an untrusted
workspace, where no git data is read."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types

from tests.builder import ReportBuilder, words
from tests.unit.test_repo_handin import T0, commit, git, iso, project, report_of

from .conftest import Session, until

CODES = ("image-uncommitted", "report-uncommitted", "report-unpushed", "report-other-branch")


async def settled(session: Session, uri: str, predicate, what: str, timeout: float = 10) -> list:
    """The diagnostics of ``uri`` once ``predicate`` holds for them (pulled again, or the
    latest pushed set)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    found: list = []
    while loop.time() < end:
        found = await session.diagnostics(uri)
        if predicate(found):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"never {what}: {[(d.code, d.message) for d in found]}")


def changed(client, *paths) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=p.as_uri(), type=types.FileChangeType.Changed) for p in paths]
        )
    )


def git_codes(found) -> list[str]:
    return sorted(d.code for d in found if d.code in CODES)


async def test_an_ignored_figure_then_committed(client, session: Session, tmp_path):
    work = project(tmp_path)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    (work / ".gitignore").write_text("# local files\nreports/figures/q19_*\n")
    commit(work, "ignore a figure", T0 + 60)
    git(work, "push", "-q")
    uri = session.open_file(report_of(work))
    found = await settled(session, uri, lambda f: "image-uncommitted" in git_codes(f), "image-uncommitted")
    d = next(d for d in found if d.code == "image-uncommitted")
    assert d.severity == types.DiagnosticSeverity.Error
    assert "'reports/figures/q19_*' in .gitignore, line 2" in d.message
    (related,) = d.related_information
    assert related.location.uri == (work / ".gitignore").as_uri() and related.location.range.start.line == 1

    (work / ".gitignore").write_text("# local files\n")
    changed(client, work / ".gitignore")
    await settled(
        session,
        uri,
        lambda f: any(
            "is not committed (git does not track it)" in d.message for d in f if d.code == "image-uncommitted"
        ),
        "untracked",
    )
    commit(work, "the figure", T0 + 120)
    changed(client, work / ".git/index", work / ".git/refs/heads/main")
    found = await settled(session, uri, lambda f: "image-uncommitted" not in git_codes(f), "committed")
    assert git_codes(found) == ["report-unpushed"]
    git(work, "push", "-q")
    changed(client, work / ".git/refs/remotes/origin/main")
    await settled(session, uri, lambda f: git_codes(f) == [], "pushed")


async def test_the_git_files_are_watched(client, session: Session, tmp_path):
    uri = session.open_file(report_of(project(tmp_path)))
    await session.diagnostics(uri)
    if session.name == "neovim":  # its profile cannot register watchers: saving still refreshes
        assert not client.registrations
        return
    await until(lambda: any(r.id == "mlops-report-git" for r in client.registrations), 5, "the git watchers")
    (registration,) = [r for r in client.registrations if r.id == "mlops-report-git"]
    options = registration.register_options  # custom options arrive as plain data
    globs = [w["globPattern"] for w in options["watchers"]]
    for glob in ("**/.git/index", "**/.git/HEAD", "**/.git/refs/**", "**/.git/packed-refs", "**/.gitignore"):
        assert glob in globs


DEADLINE = int(time.time()) + 24 * 3600  # when the tests are collected: a day later


@pytest.mark.init_options({"deadline": iso(DEADLINE)})
async def test_the_status_counts_down_and_names_what_is_pending(client, session: Session, tmp_path):
    work = project(tmp_path)
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(4, words(20)).build())
    uri = session.open_file(report_of(work))
    found = await settled(session, uri, lambda f: "report-uncommitted" in git_codes(f), "report-uncommitted")
    assert next(d for d in found if d.code == "report-uncommitted").severity == types.DiagnosticSeverity.Warning
    status = await session.status(uri, passing=30)
    handin = status["handin"]
    assert handin["phase"] == "near" and handin["pending"] == ["1 file not committed"]
    assert handin["deadlineMs"] == DEADLINE * 1000
    pushed = handin["pushed"]
    assert pushed["ref"] == "origin/main" and pushed["passing"] == 31 and pushed["summary"] == "pass 31/31, 0 errors"


async def test_check_the_pushed_version(client, session: Session, tmp_path):
    work = project(tmp_path)
    committed = ReportBuilder("2026").fill_all().answer(7, words(20))
    report_of(work).write_text(committed.build())
    commit(work, "a short answer", T0 + 60)
    git(work, "push", "-q")
    report_of(work).write_text(ReportBuilder("2026").fill_all().build())  # fixed here, not yet pushed
    uri = session.open_file(report_of(work))
    assert "mlopsReport.checkPushed" in client.init_result.capabilities.execute_command_provider.commands
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="mlopsReport.checkPushed", arguments=[uri])
    )
    assert result["working"]["summary"] == "pass 31/31, 0 errors"
    pushed = result["pushed"]
    assert pushed["ref"] == "origin/main" and pushed["summary"] == "pass 30/31, 0 errors"
    assert pushed["commit"] == git(work, "rev-parse", "origin/main") and pushed["message"] == "a short answer"


async def test_check_the_pushed_version_without_a_remote(client, session: Session, tmp_path):
    path = ReportBuilder("2026").fill_all().write(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "local")
    uri = session.open_file(path)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="mlopsReport.checkPushed", arguments=[uri])
    )
    assert result["pushed"] is None and result["reason"] == "no remote"
    assert result["working"]["passing"] == 31


@pytest.mark.init_options({"trusted": False, "deadline": "2020-01-01T00:00:00Z"})
async def test_untrusted_no_git_data_is_read(client, session: Session, tmp_path):
    work = project(tmp_path)
    git(work, "rm", "-q", "--cached", "reports/figures/q19_0.png")
    (work / ".gitignore").write_text("reports/figures/q19_*\n")
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(4, words(150, start=2)).build())
    uri = session.open_file(report_of(work))
    assert git_codes(await session.diagnostics(uri)) == []
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="mlopsReport.checkPushed", arguments=[uri])
    )
    assert result["pushed"] is None and "not trusted" in result["reason"]
    client.protocol.notify("mlopsReport/workspaceTrust", {"trusted": True})
    found = await settled(session, uri, lambda f: "image-uncommitted" in git_codes(f), "trusted")
    assert "report-uncommitted" in git_codes(found)


async def test_a_newer_report_on_a_branch_then_merged(client, session: Session, tmp_path):
    work = project(tmp_path)
    git(work, "checkout", "-q", "-b", "report")
    report_of(work).write_text(ReportBuilder("2026").fill_all().answer(9, words(70, start=4)).build())
    commit(work, "question 9", T0 + 60)
    git(work, "checkout", "-q", "main")
    uri = session.open_file(report_of(work))
    found = await settled(session, uri, lambda f: "report-other-branch" in git_codes(f), "report-other-branch")
    d = next(d for d in found if d.code == "report-other-branch")
    assert d.severity == types.DiagnosticSeverity.Information and d.message.endswith("the answer to question 9 differs")
    assert session.texts[uri].split("\n")[d.range.start.line] == "### Question 9"
    git(work, "merge", "-q", "report")
    report_text = report_of(work).read_text()
    session.change(uri, text=report_text)  # the editor reloads the merged file
    changed(client, work / ".git/HEAD", work / ".git/refs/heads/main", work / ".git/index")
    found = await settled(session, uri, lambda f: "report-other-branch" not in git_codes(f), "merged")
    assert git_codes(found) == ["report-unpushed"]
