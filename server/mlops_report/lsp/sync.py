"""Document synchronisation and the files around the reports.

Text arrives incrementally and is applied with our own line index (``documents``); every
change asks for an analysis (``schedule``). A saved report, or an image that appears,
disappears or is renamed (``workspace/didChangeWatchedFiles``, registered dynamically where the
client allows it), makes the server walk again the report folders holding it, once per burst.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from .reports import path_of
from .server import ReportServer

log = logging.getLogger(__name__)

IMAGE_GLOB = "**/*.{png,jpg,jpeg,PNG,JPG,JPEG,Png,Jpg,Jpeg}"
WATCH_ID = "mlops-report-figures"


def setup(server: ReportServer) -> None:
    @server.handler(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        encoding = server.protocol.workspace.position_encoding or "utf-16"
        server.documents.encoding = getattr(encoding, "value", encoding)
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        server.reports.workspace_root = path_of(root) if root else None
        log.info(
            "client %s; positions in %s; diagnostics %s",
            params.client_info.name if params.client_info else "unknown",
            server.documents.encoding,
            "pulled" if server.pull_diagnostics else "pushed",
        )
        server.emit("initialize", params)

    @server.handler(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        if server.capability("workspace.did_change_watched_files.dynamic_registration", False):
            server.watch_files(WATCH_ID, [IMAGE_GLOB], "image files")
        server.emit("initialized")

    @server.handler(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.documents.open(params.text_document)
        server.schedule(params.text_document.uri, 0.0)

    @server.handler(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        if server.documents.change(params) is not None:
            server.schedule(params.text_document.uri)

    @server.handler(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            server.files_changed([path])

    @server.handler(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        doc = server.documents.close(params.text_document.uri)
        server.forget(params.text_document.uri)
        if doc is not None:
            server.emit("closed", doc)

    @server.handler(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [p for p in (path_of(c.uri) for c in params.changes) if p is not None]
        if paths:
            server.files_changed(paths)
