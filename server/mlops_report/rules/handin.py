"""The hand-in as the course scrapes it: findings about what is committed, pushed and on the
right branch. They read the analysis's ``repo`` context (``repo.handin.Handin``) and are
silent without one (no repository, an untrusted workspace, a version read at a ref).

Levels follow the deadline when one is set: information until the last 48 hours, a warning
within them, an error after it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from ..disk import Disk
from ..findings import Finding
from ..parse import Report, parse
from ..text import Span
from .context import DocumentContext
from .rule import Rule

if TYPE_CHECKING:
    from ..repo.handin import Handin

NEAR = 48 * 3600  # seconds before the deadline when it is near


def phase(deadline: int | None, now: float) -> str | None:
    """Where ``now`` stands against the deadline: None (none set), "early", "near", "after"."""
    if deadline is None:
        return None
    if now >= deadline:
        return "after"
    return "near" if deadline - now <= NEAR else "early"


def _level(stage: str | None) -> str:
    return {"near": "warning", "after": "error"}.get(stage or "", "information")


def when(t: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t))


def _top(report: Report) -> Span:
    """The report's first line: where findings about the whole hand-in stand."""
    end = report.text.find("\n")
    end = len(report.text) if end < 0 else end
    return Span(0, end - (1 if end and report.text[end - 1] == "\r" else 0))


def linked_files(report: Report, disk: Disk | None, folder: str) -> list[tuple[int, Span, str, str]]:
    """(question, span, the target as written, the path relative to the work tree) of every
    figure that names a file on disk under the report's folder."""
    if disk is None:
        return []
    out = []
    for q in report.questions:
        for fig in q.answer.figures:
            target = (
                fig.target
                if fig.kind != "reference"
                else report.references.get(fig.target.lower() or fig.alt.lower(), "")
            )
            if not target:
                continue
            r = disk.resolve(target)
            if r.state in ("exists", "case") and r.relative and disk.inside(r.relative):
                out.append((q.number, fig.span, target, f"{folder}/{r.relative}" if folder else r.relative))
    return out


def findings(
    report: Report, context: Handin | None, disk: Disk | None, deadline: int | None, now: float | None = None
) -> list[Finding]:
    if context is None or not report.is_report:
        return []
    now = time.time() if now is None else now
    stage = phase(deadline, now)
    figures = linked_files(report, disk, context.folder)
    paths = [context.report, *sorted({p for *_, p in figures})]
    states = context.states(paths)
    out: list[Finding] = []
    out += _images(figures, states, context, stage)
    out += _uncommitted(report, states, context, stage, deadline)
    committed = [p for p in paths if p in states and states[p].state not in ("untracked", "ignored", "added")]
    out += _unpushed(report, committed, context, stage, deadline)
    out += _other_branches(report, context)
    return out


def _images(figures, states, context: Handin, stage: str | None) -> list[Finding]:
    out = []
    for number, span, _target, path in figures:
        s = states.get(path)
        if s is None:
            continue
        shown = path[len(context.folder) + 1 :] if context.folder else path
        data: dict = {"path": path, "state": s.state}
        if s.state == "untracked":
            message = f"Question {number}: {shown} is not committed (git does not track it): the course will not see it"
            level = "error"
        elif s.state == "added":
            # staged: the next commit takes it (a pre-commit hook runs right then); report-uncommitted
            # lists it until that commit is made
            continue
        elif s.state == "ignored" and s.rule is not None:
            message = (
                f"Question {number}: {shown} is ignored by git ('{s.rule.pattern}' in {s.rule.source}, line "
                f"{s.rule.line}): it cannot be committed as it is, and the course will not see it"
            )
            level = "error"
            data["related"] = [
                (
                    str(context.repo.work_tree / s.rule.source) if not s.rule.source.startswith("/") else s.rule.source,
                    s.rule.line - 1,
                    f"the rule that ignores {shown}",
                )
            ]
        elif s.state == "modified":
            message = (
                f"Question {number}: {shown} differs from its committed version: the course will see the old "
                "image until it is committed and pushed"
            )
            level = "error" if stage == "after" else "warning"
        else:
            continue
        out.append(Finding("image-uncommitted", level, number, span, message, (), data))
    return out


def _uncommitted(report: Report, states, context: Handin, stage: str | None, deadline: int | None) -> list[Finding]:
    changed = [(p, s.state) for p, s in states.items() if s.state in ("modified", "added", "untracked", "ignored")]
    if not changed:
        return []
    names = []
    for path, state in changed:
        shown = (
            "the report" if path == context.report else (path[len(context.folder) + 1 :] if context.folder else path)
        )
        names.append(f"{shown} ({_STATE[state]})")
    message = "not committed: " + ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    message += "; the course sees only what is committed and pushed" + _due(stage, deadline)
    return [
        Finding("report-uncommitted", _level(stage), 0, _top(report), message, (), {"paths": [p for p, _ in changed]})
    ]


_STATE = {"modified": "changed", "added": "staged only", "untracked": "untracked", "ignored": "ignored"}


def _due(stage: str | None, deadline: int | None) -> str:
    if stage == "after":
        return f"; the deadline ({when(deadline)}) has passed"  # type: ignore[arg-type]
    if stage == "near":
        return f"; the deadline is {when(deadline)}"  # type: ignore[arg-type]
    return ""


def _unpushed(
    report: Report, paths: list[str], context: Handin, stage: str | None, deadline: int | None
) -> list[Finding]:
    out = []
    u = context.unpushed(paths)
    where = _head(context)
    if u is not None and u.reason == "no-remote":
        out.append(
            Finding(
                "report-unpushed",
                _level(stage),
                0,
                _top(report),
                "the repository has no remote: the course scrapes the group's GitHub repository, and "
                "nothing of this one is there" + _due(stage, deadline),
                (),
                {"reason": u.reason},
            )
        )
    elif u is not None and u.reason == "no-upstream":
        out.append(
            Finding(
                "report-unpushed",
                _level(stage),
                0,
                _top(report),
                f"the default branch {context.default or '(none)'} has no remote-tracking branch: it was "
                "never pushed, or not fetched since" + _due(stage, deadline),
                (),
                {"reason": u.reason},
            )
        )
    elif u is not None and u.reason == "ahead":
        newest = u.commits[0]
        n = len(u.commits)
        message = (
            f"{n} commit{'s' if n > 1 else ''} changing {_files(u.paths, context)} {'are' if n > 1 else 'is'} "
            f"not on {u.upstream}{where} (newest: '{newest.summary[:60]}', {when(newest.time)})"
        )
        if stage == "after" and deadline is not None and any(c.time > deadline for c in u.commits):
            message = "not graded: committed after the deadline; " + message
        out.append(
            Finding(
                "report-unpushed",
                _level(stage),
                0,
                _top(report),
                message + _due(stage, deadline),
                (),
                {"reason": u.reason, "commits": [c.sha for c in u.commits]},
            )
        )
    if stage == "after" and deadline is not None:
        late = context.late(paths, deadline)
        if late:
            on = context.upstream_name or "HEAD"
            out.append(
                Finding(
                    "report-unpushed",
                    "error",
                    0,
                    _top(report),
                    f"not graded: {len(late)} commit{'s' if len(late) > 1 else ''} on {on} changed the "
                    f"report or its figures after the deadline ({when(deadline)}; newest: "
                    f"'{late[0].summary[:60]}', {when(late[0].time)})",
                    (),
                    {"reason": "late", "commits": [c.sha for c in late]},
                )
            )
    return out


def _head(context: Handin) -> str:
    if context.branch is None and context.head:
        return f" (HEAD is detached at {context.head[:7]})"
    if context.branch and context.default and context.branch != context.default:
        return f" (they are on branch {context.branch}, not merged into {context.default})"
    return ""


def _files(paths: tuple[str, ...], context: Handin) -> str:
    names = [
        "the report" if p == context.report else (p[len(context.folder) + 1 :] if context.folder else p) for p in paths
    ]
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


_diffs: OrderedDict[tuple[bytes, bytes], list[int]] = OrderedDict()


def differing_answers(a: bytes, b: bytes) -> list[int]:
    """The questions whose answers differ between two versions of a report."""
    key = (a, b)
    hit = _diffs.get(key)
    if hit is not None:
        return hit
    ra, rb = (parse(x.decode("utf-8", "replace").lstrip("\ufeff")) for x in (a, b))
    qa = {q.number: q.answer.text.strip() for q in ra.questions}
    qb = {q.number: q.answer.text.strip() for q in rb.questions}
    found = sorted(n for n in set(qa) | set(qb) if qa.get(n) != qb.get(n))
    _diffs[key] = found
    if len(_diffs) > 32:
        _diffs.popitem(last=False)
    return found


def _other_branches(report: Report, context: Handin) -> list[Finding]:
    others = context.other_branches()
    if not others:
        return []
    base = context.upstream or context.heads.get(f"refs/heads/{context.default}") or context.head
    base_text = context.blob(base, context.report) if base else None
    base_name = context.upstream_name or context.default or "HEAD"
    out = []
    for other in others:
        differ = differing_answers(base_text or b"", other.text)
        if len(differ) == 1:
            said = f"the answer to question {differ[0]} differs"
        elif differ:
            said = (
                "the answers to questions "
                + ", ".join(map(str, differ[:12]))
                + (f" and {len(differ) - 12} more" if len(differ) > 12 else "")
                + " differ"
            )
        else:
            said = "no answer differs (other text does)"
        at = next((q.heading.span for q in report.questions if differ and q.number == differ[0]), _top(report))
        out.append(
            Finding(
                "report-other-branch",
                "information",
                0,
                at,
                f"branch {other.name} holds a newer version of the report than {base_name} (its commit "
                f"'{other.newest.summary[:60]}', {when(other.newest.time)}): {said}",
                (),
                {"branch": other.name, "questions": differ},
            )
        )
    return out


def hand_in(c: DocumentContext) -> list[Finding]:
    return findings(c.report, c.repo, c.disk, c.settings.deadline_at)


IMAGE_UNCOMMITTED = Rule(
    "image-uncommitted",
    "error",
    "document",
    check=hand_in,
    reads=("report", "repo", "disk", "settings"),
    summary="A linked figure is on disk but git does not track it: untracked, or ignored (the message names "
    "the rule, its file and line). A warning when the committed figure differs from the file on disk.",
    why="The course scrapes the group's GitHub repository at the deadline. A figure that is not committed is missing "
    "from the hand-in although the report shows it on the author's machine; a figure changed since its commit "
    "shows its old version. A `.gitignore` line such as `reports/figures/**` hides every figure at once.",
    example="`![loss](figures/loss.png)` while `.gitignore` has `reports/figures/**`, or `loss.png` was never added.",
    fix="Commit and push the figure (`git add reports/figures/loss.png`). When it is ignored, the diagnostic points "
    "at the rule (its related location): remove it, or add a negation such as `!reports/figures/**` below it.",
)


REPORT_UNCOMMITTED = Rule(
    "report-uncommitted",
    "information",
    "document",
    check=hand_in,
    reads=("report", "repo", "disk", "settings"),
    summary="The report or one of its linked figures has changes that are not committed. A warning in the last 48 "
    "hours before the deadline (`deadline` setting or `--deadline`), an error after it.",
    why="Only committed and pushed files reach the course: changes left in the working copy at the deadline are not "
    "graded.",
    example="The report saved with a new answer that was never committed.",
    fix="Commit the report and its figures, then push.",
)


REPORT_UNPUSHED = Rule(
    "report-unpushed",
    "information",
    "document",
    check=hand_in,
    reads=("report", "repo", "disk", "settings"),
    summary="Commits that change the report or its figures are not on the remote-tracking branch of the default branch "
    "(`origin/main` as of the last fetch), the repository has no remote, or the default branch was never pushed. "
    "A warning in the last 48 hours before the deadline, an error after it; after the deadline a commit made "
    'later is named "not graded", pushed or not.',
    why="The course reads the default branch of the group's GitHub repository. Commits on the author's machine, on "
    "another branch or pushed after the deadline are not what it grades.",
    example="Two commits to `reports/README.md` on `main` that `git push` never sent, or edits committed on a branch "
    "`report` never merged into `main`.",
    fix="Push the default branch (`git push`); merge a side branch into it first. `mlops-report check --ref "
    "origin/main` shows what the course will see.",
)


REPORT_OTHER_BRANCH = Rule(
    "report-other-branch",
    "information",
    "document",
    check=hand_in,
    reads=("report", "repo", "disk", "settings"),
    summary="Another local or remote-tracking branch holds a newer version of the report than the default branch: the "
    "message names the branch, its newest commit to the report and the questions whose answers differ.",
    why="Groups write the report on a branch and forget to merge it: the course grades the default branch's version.",
    example="A branch `report` whose commits changed the answers to questions 3 and 7 after it left `main`.",
    fix="Merge the branch into the default branch and push, or delete it if its version is obsolete.",
)


RULES = (IMAGE_UNCOMMITTED, REPORT_UNCOMMITTED, REPORT_UNPUSHED, REPORT_OTHER_BRANCH)  # the hand-in's codes
