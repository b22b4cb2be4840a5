"""The hand-in in the editor: what the course will see, beside what the editor shows.

- Git files are watched (``.git/index``, ``HEAD``, ``refs/**``, ``packed-refs``, ``config``,
  ``info/exclude``, a worktree's ``index`` and ``HEAD``, and every ``.gitignore``): a change
  refreshes the open reports, once per burst (``Reports.files_changed`` takes them).
- After each analysis of a report, in the analysis thread, the report as committed on the
  remote-tracking branch of the default branch (``origin/main``) is analysed too, once per
  commit there: its verdict goes into the status (``handin.pushed``) and answers the command
  ``mlopsReport.checkPushed`` (``[uri]`` -> ``{uri, working, pushed, reason}``).
- The status carries the deadline and what is not yet committed or pushed (``handin``), for
  the countdown of the last 48 hours; the reports are analysed again when the deadline comes
  near and when it passes.

Nothing here runs in an untrusted workspace: the analysis then has no repository context.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections import OrderedDict

from ..analysis import Analysis, Analyzer
from ..rules import codes
from ..rules.handin import NEAR, phase
from .reports import Analysed
from .server import ReportServer

log = logging.getLogger(__name__)

COMMAND = "mlopsReport.checkPushed"
WATCH_ID = "mlops-report-git"
GIT_GLOBS = (
    "**/.git/index",
    "**/.git/HEAD",
    "**/.git/packed-refs",
    "**/.git/config",
    "**/.git/info/exclude",
    "**/.git/refs/**",
    "**/.git/worktrees/*/index",
    "**/.git/worktrees/*/HEAD",
    "**/.gitignore",
)


def verdict(analysis: Analysis) -> dict:
    """How a report stands, in a few numbers and one line."""
    crashes = analysis.crash is not None
    errors, warnings = analysis.count("error"), analysis.count("warning")
    line = "report.py check will crash" if crashes else f"pass {analysis.passing}/{analysis.total}"
    line += f", {errors} error{'s' if errors != 1 else ''}"
    return {
        "passing": analysis.passing,
        "total": analysis.total,
        "errors": errors,
        "warnings": warnings,
        "crashes": crashes,
        "summary": line,
    }


class Pushed:
    """The verdict at the upstream of each open report, computed in the analysis thread."""

    def __init__(self, server: ReportServer) -> None:
        self.server = server
        self.analyzer = Analyzer()  # its own: the server's keeps the working copies
        self.by_uri: dict[str, dict] = {}
        self._cache: OrderedDict[tuple, dict] = OrderedDict()

    def prepare(self, analysed: Analysed) -> None:
        doc, analysis = analysed.doc, analysed.analysis
        context = analysis.repo
        if not analysis.is_report or doc.path is None or context is None:
            self.by_uri.pop(doc.uri, None)
            return
        self.by_uri[doc.uri] = self.at_upstream(doc.path, context)

    def at_upstream(self, path, context) -> dict:
        if context.upstream is None:
            reason = (
                "no remote"
                if not context.remotes
                else f"{context.default or 'the default branch'} has no remote-tracking branch"
            )
            return {"ref": None, "reason": reason}
        settings = self.server.reports.settings
        key = (str(path), context.upstream, settings.key)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        from ..repo.committed import NotCommitted, at_ref

        try:
            committed = at_ref(path, context.upstream_ref)
        except NotCommitted as exc:
            found = {"ref": context.upstream_name, "commit": context.upstream, "reason": str(exc)}
        else:
            analysis = self.analyzer.analyse(committed.text, path, settings, committed.disk, repo=None)
            found = {
                "ref": context.upstream_name,
                "commit": committed.commit,
                "time": committed.time,
                "message": committed.summary,
                **verdict(analysis),
            }
        self._cache[key] = found
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return found


_PUSHED: weakref.WeakKeyDictionary[ReportServer, Pushed] = weakref.WeakKeyDictionary()  # each server's


def pushed_at(server: ReportServer, uri: str) -> dict | None:
    """The verdict at the upstream of an open report, as last computed (``status`` reads it)."""
    pushed = _PUSHED.get(server)
    return pushed.by_uri.get(uri) if pushed is not None else None


def status_of(uri: str, analysis: Analysis, pushed: dict | None, deadline: int | None) -> dict | None:
    """The ``handin`` part of a report's status: the deadline, what is not yet committed or
    pushed, and the verdict at the upstream."""
    if analysis.repo is None and deadline is None:
        return None
    pending = []
    for f in analysis.document_findings:
        if f.code == codes.REPORT_UNCOMMITTED:
            n = len(f.data.get("paths", ()))
            pending.append(f"{n} file{'s' if n != 1 else ''} not committed")
        elif f.code == codes.REPORT_UNPUSHED:
            reason = f.data.get("reason")
            if reason == "ahead":
                n = len(f.data.get("commits", ()))
                pending.append(f"{n} commit{'s' if n != 1 else ''} not pushed")
            elif reason == "no-remote":
                pending.append("no remote")
            elif reason == "no-upstream":
                pending.append("the default branch never pushed")
        elif f.code == codes.REPORT_OTHER_BRANCH:
            pending.append(f"branch {f.data.get('branch')} not merged")
    return {
        "deadline": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(deadline)) if deadline is not None else None,
        "deadlineMs": deadline * 1000 if deadline is not None else None,
        "phase": phase(deadline, time.time()),
        "pending": pending,
        "pushed": pushed,
    }


def setup(server: ReportServer) -> None:
    pushed = _PUSHED[server] = Pushed(server)
    timers: dict[int, object] = {}

    def prepare(analysed: Analysed) -> None:  # in the analysis thread
        try:
            pushed.prepare(analysed)
        except Exception:
            log.exception("the pushed version of %s was not analysed", analysed.doc.uri)
            pushed.by_uri.pop(analysed.doc.uri, None)

    def turns(_analysed: Analysed) -> None:
        """Analyse again when the deadline comes near and when it passes."""
        deadline = server.reports.settings.deadline_at
        if deadline is None:
            return
        now = time.time()
        for moment in (deadline - NEAR, deadline):
            if moment > now and moment not in timers and moment - now < 30 * 86400:
                loop = server.scheduler._loop()
                timers[moment] = loop.call_later(moment - now + 0.5, server.refresh)

    def initialized() -> None:
        if server.capability("workspace.did_change_watched_files.dynamic_registration", False):
            server.watch_files(WATCH_ID, GIT_GLOBS, "the git files")

    server.prepare(prepare)
    server.on("analysed", turns)
    server.on("initialized", initialized)
    server.on("closed", lambda doc: pushed.by_uri.pop(doc.uri, None))

    @server.command(COMMAND)
    async def check_pushed(*args):
        try:
            return await _check(server, pushed, args)
        except Exception:
            log.exception("%s failed", COMMAND)
            return None


async def _check(server: ReportServer, pushed: Pushed, args: tuple) -> dict | None:
    uri = args[0] if args and isinstance(args[0], str) else None
    if uri is None:  # the first open report
        uri = next(
            (
                d.uri
                for d in server.documents
                if (a := server.reports.latest(d.uri)) is not None and a.analysis.is_report
            ),
            None,
        )
    if uri is None:
        return None
    found = await server.analysed(uri)
    if found is None or not found.analysis.is_report:
        return None
    result = {"uri": uri, "working": verdict(found.analysis), "pushed": None, "reason": None}
    if found.analysis.repo is None:
        result["reason"] = "no repository (or the workspace is not trusted)"
        return result
    at = pushed.by_uri.get(uri)
    if at is not None and at.get("ref") is not None and "summary" in at:
        result["pushed"] = at
    else:
        result["reason"] = (at or {}).get("reason") or "not analysed"
    return result
