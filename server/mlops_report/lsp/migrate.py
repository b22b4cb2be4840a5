"""``mlopsReport.migrate``: an open report written on a newer template, as a workspace edit.

Arguments: the report's URI, then the template: a path (absolute, or relative to the report's
folder or the workspace), or ``{"text": ..., "source": ...}`` for a template the editor fetched
from a URL; the server itself never goes online. The result is ``{"edit": WorkspaceEdit,
"changes": [line, ...]}``, the lines saying what changed (limits, prompts, new checklist items,
what was kept at the end); the editor applies the edit, so undo works as for any edit. A refusal
is a JSON-RPC error (RequestFailed) with the reason in one line.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pygls.exceptions import JsonRpcException

from .. import migrate as core
from ..findings import Edit, Fix
from ..text import Span, changed_range, decode
from .actions import workspace_edit
from .reports import path_of
from .server import ReportServer

log = logging.getLogger(__name__)

COMMAND = "mlopsReport.migrate"


class MigrationFailed(JsonRpcException):
    CODE = -32803  # RequestFailed: the request was valid, the migration is refused
    MESSAGE = "Migration failed"


def template_text(server: ReportServer, report: Path | None, template: Any) -> str:
    """The template's text from the command's second argument."""
    if isinstance(template, dict) and isinstance(template.get("text"), str):
        text = template["text"]
        if len(text) > core.TEMPLATE_LIMIT:
            raise MigrationFailed("the template is larger than a report template")
        return text
    if not isinstance(template, str) or not template.strip():
        raise MigrationFailed("no template given: pass a file path, or the text the editor fetched")
    if core.is_url(template):
        raise MigrationFailed("the server does not fetch templates: fetch the URL in the editor and pass its text")
    raw = Path(template).expanduser()
    candidates = (
        [raw]
        if raw.is_absolute()
        else [folder / raw for folder in (report.parent if report else None, server.reports.workspace_root) if folder]
    )
    for path in candidates:
        try:
            if not path.is_file():  # a FIFO or device would block the server
                continue
            with open(path, "rb") as f:
                data = f.read(core.TEMPLATE_LIMIT * 4 + 1)
        except OSError as exc:
            raise MigrationFailed(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if len(data) > core.TEMPLATE_LIMIT * 4:
            raise MigrationFailed(f"{path}: larger than a report template")
        try:
            return decode(data).lstrip("\ufeff")
        except ValueError as exc:
            raise MigrationFailed(f"{path}: {exc}") from None
    raise MigrationFailed(f"{template}: no such file")


def migrate_document(server: ReportServer, uri: Any, template: Any) -> dict:
    if not isinstance(uri, str):
        raise MigrationFailed("the first argument is the report's URI")
    doc = server.documents.get(uri)
    if doc is None:
        raise MigrationFailed("open the report first: only an open document is migrated")
    text = template_text(server, path_of(uri), template)
    try:
        result = core.migrate(doc.text, text)
    except core.MigrationError as exc:
        raise MigrationFailed(str(exc)) from None
    edits: tuple[Edit, ...] = ()
    found = changed_range(doc.text, result.text)
    if found is not None:
        start, old_end, new_end = found
        edits = (Edit(Span(start, old_end), result.text[start:new_end]),)
    edit = workspace_edit(server, doc, [Fix("Migrate to the template", "migrate", edits)])
    return {"edit": _converter().unstructure(edit), "changes": core.summary(result)}


_CONVERTER: list = []


def _converter():
    if not _CONVERTER:
        from pygls.protocol import default_converter

        _CONVERTER.append(default_converter())
    return _CONVERTER[0]


def setup(server: ReportServer) -> None:
    @server.command(COMMAND)
    def migrate(*arguments: Any) -> dict:
        if len(arguments) != 2:
            raise MigrationFailed("mlopsReport.migrate takes the report's URI and a template")
        try:
            return migrate_document(server, *arguments)
        except JsonRpcException:
            raise
        except Exception:  # one broken feature must not take the server down
            log.exception("%s failed", COMMAND)
            raise MigrationFailed("the migration failed; the server's log says why") from None
