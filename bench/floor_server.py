"""The protocol floor: a pygls 2 server that keeps each document's text (pygls' own
incremental sync) and finds nothing. It answers a pull with an empty report and, for a client
that cannot pull, pushes an empty set with the document's version after every didOpen and
didChange. What a keystroke costs here is what any pygls server pays before it analyses
anything: reading and parsing the message, applying the change, answering.

    python bench/floor_server.py        # over stdio
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("mlops-report-bench-floor", "1")


def _pulls() -> bool:
    caps = server.client_capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


def _push(uri: str, version: int | None) -> None:
    if not _pulls():
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=version)
        )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    _push(params.text_document.uri, params.text_document.version)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    _push(params.text_document.uri, params.text_document.version)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="floor", inter_file_dependencies=False, workspace_diagnostics=False),
)
def pull(params: types.DocumentDiagnosticParams) -> types.RelatedFullDocumentDiagnosticReport:
    server.workspace.get_text_document(params.text_document.uri)  # the text is there, as it would be to analyse
    return types.RelatedFullDocumentDiagnosticReport(items=[])


if __name__ == "__main__":
    server.start_io()
