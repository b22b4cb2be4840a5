"""Code actions: the engine's fixes as workspace edits.

Every ``Fix`` becomes one action of kind ``quickfix.mlopsReport.<kind>``; its text edits are
converted with the negotiated position encoding and its file moves become ``RenameFile``
operations that never overwrite and never leave the report's project or the workspace (symbolic
links resolved). A fix that would cost a question its checker verdict says so in its title and is
never preferred; ``source.fixAll.mlopsReport`` applies the safe fixes that, together, cost none.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..analysis import Analysis
from ..findings import Fix
from ..moves import movable
from ..rules import consequences
from .diagnostics import to_diagnostic
from .documents import Document, Earlier
from .reports import path_of
from .server import ReportServer

QUICKFIX = "quickfix.mlopsReport"
FIX_ALL = "source.fixAll.mlopsReport"


def _uri(path: str) -> str:
    return Path(path).as_uri()


def workspace_edit(server: ReportServer, doc: Document | Earlier, fixes: list[Fix]) -> types.WorkspaceEdit | None:
    """One edit for ``fixes``; None when the client cannot carry it out (a move without
    rename support)."""
    edits = [types.TextEdit(range=doc.range(e.span), new_text=e.new_text) for fix in fixes for e in fix.edits]
    moves = [m for fix in fixes for m in fix.moves]
    versioned = bool(server.capability("workspace.workspace_edit.document_changes", False))
    if moves:
        operations = server.capability("workspace.workspace_edit.resource_operations", None) or []
        report = path_of(doc.uri)
        if types.ResourceOperationKind.Rename not in operations or report is None:
            return None
        # looked at again now, links resolved: inside the report's project and the workspace
        folders = [report.parent.parent] + [r for r in [server.reports.workspace_root] if r is not None]
        if not all(movable(m.source, m.target, f) for m in moves for f in folders):
            return None
        versioned = True  # a rename travels in documentChanges only
    if not versioned:
        return types.WorkspaceEdit(changes={doc.uri: edits})
    changes: list = [
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version), edits=edits
        )
    ]
    changes += [
        types.RenameFile(
            old_uri=_uri(m.source),
            new_uri=_uri(m.target),
            options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False),
        )
        for m in moves
    ]
    return types.WorkspaceEdit(document_changes=changes)


def _wanted(kind: str, only: list[str] | None) -> bool:
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


def safe_fixes(analysis: Analysis) -> list[Fix]:
    """The fixes "fix all" applies: safe, touching no other chosen fix, and together costing
    no question its verdict (``rules.consequences``)."""
    return consequences.fix_all(analysis)


def code_actions(
    server: ReportServer, doc: Document | Earlier, analysis: Analysis, params: types.CodeActionParams
) -> list[types.CodeAction]:
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    wanted = doc.span(params.range)
    asked = {
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in params.context.diagnostics
    }
    out: list[types.CodeAction] = []
    for f in analysis.findings:
        if not f.fixes:
            continue
        diagnostic = to_diagnostic(doc, f)
        r = diagnostic.range
        key = (f.code, r.start.line, r.start.character, r.end.line, r.end.character)
        touches = f.span.start <= wanted.end and wanted.start <= f.span.end
        if not touches and key not in asked:
            continue
        preferred = True  # the first fix that costs no verdict
        for fix in f.fixes:
            kind = f"{QUICKFIX}.{fix.kind}"
            if not _wanted(kind, only):
                continue
            found = consequences.consequence(analysis, fix)
            fix = consequences.judged(fix, found)
            edit = workspace_edit(server, doc, [fix])
            if edit is None:
                continue
            out.append(
                types.CodeAction(
                    title=fix.title,
                    kind=kind,
                    diagnostics=[diagnostic],
                    edit=edit,
                    is_preferred=preferred and not found.harmful,
                )
            )
            preferred = preferred and found.harmful
    if _wanted(FIX_ALL, only):
        fixes = safe_fixes(analysis)
        if fixes:
            edit = workspace_edit(server, doc, fixes)
            if edit is not None:
                n = len(fixes)
                out.append(types.CodeAction(title=f"Fix all safe MLOps report problems ({n})", kind=FIX_ALL, edit=edit))
    return out


def setup(server: ReportServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL])

    @server.handler(types.TEXT_DOCUMENT_CODE_ACTION, options, empty=[])
    async def actions(params: types.CodeActionParams) -> list[types.CodeAction]:
        found = await server.analysis(params.text_document.uri)
        if found is None or not found[1].is_report:
            return []
        return code_actions(server, *found, params)
