"""The pygls language server: creation, the per-feature setup, analysis scheduling and ``run``.

Each feature lives in its own module with a ``setup(server)`` function; every handler is
registered through ``ReportServer.handler`` so that an exception in one feature is logged and
answered with an empty result instead of taking the method (or the server) down.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import sys
from typing import Any, Callable

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from ..analysis import Analysis
from .documents import Document, Documents
from .reports import Reports

log = logging.getLogger("mlops_report.lsp")

DEBOUNCE = 0.075  # seconds between the last keystroke and an analysis of a slow document
# A keystroke inside an answer costs about 2 ms from change to diagnostics on a 27 KB report and
# 7 ms at 264 KB, but an edit that changes structure re-analyses the whole text, about 1 ms per
# 10 KB (bench/RESULTS.md): documents up to this size are analysed at once after each keystroke,
# larger ones after a pause in typing.
AT_ONCE_CHARS = 250_000
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


_ANSWERED = object()  # a request already answered with an error while it was decoded


class ReportProtocol(LanguageServerProtocol):
    """pygls' protocol without its own text store: ``documents.Documents`` keeps the text."""

    def structure_message(self, data: dict[str, Any]):
        """A request whose params do not fit its method (a negative position, a string for a
        number) is answered with InvalidParams; pygls would log it and leave the client waiting."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=exc.to_response_error())
                return _ANSWERED
            raise

    def handle_message(self, message):
        if message is _ANSWERED:
            return
        if not hasattr(message, "jsonrpc"):
            # JSON, but not a JSON-RPC message (no "jsonrpc" member, an array, a number):
            # JSON-RPC 2.0 answers Invalid Request; pygls would fail on it and show an error
            log.warning("ignored a message that is not JSON-RPC: %.200r", message)
            msg_id = message.get("id") if isinstance(message, dict) else None
            if not isinstance(msg_id, (int, str)):
                msg_id = None
            self.reply_error(msg_id, JsonRpcInvalidRequest())
            return
        super().handle_message(message)

    def reply_error(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        """An error response, written out whole: pygls' own drops a null id, which JSON-RPC
        requires when the request's id could not be read."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id,
                         "error": {"code": error.code, "message": error.message}})

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


# Events a feature can listen to (``server.on(event, fn)``):
#   "initialize" (InitializeParams), "initialized" (), "analysed" (Document, Analysis),
#   "closed" (Document), "refreshed" () after settings or files around the reports changed.
EVENTS = ("initialize", "initialized", "analysed", "closed", "refreshed")


class ReportServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("mlops-report", __version__, protocol_cls=ReportProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents = Documents()
        self.reports = Reports()
        self.reports.on_originals = self.refresh  # found in git history after a first analysis
        self._listeners: dict[str, list[Callable[..., Any]]] = {e: [] for e in EVENTS}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Future] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message body that is not JSON (or not UTF-8) gets JSON-RPC's Parse error reply with
        a null id, as the specification asks, and a line in the log; pygls would only show the
        user an error. Other errors go to pygls' default (a message in the editor)."""
        if isinstance(error, ValueError) and not isinstance(error, JsonRpcException):
            log.warning("a message body that is not JSON: %s", error)
            self.protocol.reply_error(None, JsonRpcParseError())
            return
        super().report_server_error(error, source)

    # -- capabilities ---------------------------------------------------------------------------

    def capability(self, path: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, path, default)

    @property
    def pull_diagnostics(self) -> bool:
        """The client pulls diagnostics (``textDocument/diagnostic``): we never push to it."""
        return self.capability("text_document.diagnostic") is not None

    # -- events ---------------------------------------------------------------------------------

    def on(self, event: str, fn: Callable[..., Any]) -> None:
        self._listeners[event].append(fn)

    def emit(self, event: str, *args: Any) -> None:
        """Call every listener; one that fails is logged and the others still run."""
        for fn in self._listeners[event]:
            try:
                fn(*args)
            except Exception:
                log.exception("%s listener %s failed", event, getattr(fn, "__qualname__", fn))

    # -- handlers -------------------------------------------------------------------------------

    def handler(self, method: str, options: Any = None, empty: Any = None):
        """Register ``fn(params)`` for ``method``; an exception is logged and answered with
        ``empty`` (requests) or swallowed (notifications)."""

        def decorator(fn):
            if inspect.iscoroutinefunction(fn):
                @functools.wraps(fn)
                async def wrapped(params):
                    try:
                        return await fn(params)
                    except Exception:
                        log.exception("%s failed", method)
                        return empty
            else:
                @functools.wraps(fn)
                def wrapped(params):
                    try:
                        return fn(params)
                    except Exception:
                        log.exception("%s failed", method)
                        return empty
            self.feature(method, options)(wrapped)
            return fn

        return decorator

    def spawn(self, coro) -> None:
        """Run a coroutine in the background, keeping it alive until it is done."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- analysis -------------------------------------------------------------------------------

    def is_markdown(self, doc: Document) -> bool:
        return doc.language_id == "markdown" or doc.uri.lower().endswith(MARKDOWN_SUFFIXES)

    def analysis(self, uri: str) -> tuple[Document, Analysis] | None:
        """The current analysis of an open markdown document (None for any other)."""
        doc = self.documents.get(uri)
        if doc is None or not self.is_markdown(doc):
            return None
        return doc, self.reports.analysis(doc)

    def analyse(self, uri: str) -> None:
        """Analyse an open document now and tell every listener."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        found = self.analysis(uri)
        if found is None:
            return
        self.emit("analysed", *found)

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyse soon; a later call for the same document replaces this one. By default a
        document of a report's size is analysed on the next turn of the loop, a much larger
        one after a pause in typing."""
        if delay is None:
            doc = self.documents.get(uri)
            delay = 0.0 if doc is None or len(doc.text) <= AT_ONCE_CHARS else DEBOUNCE
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.analyse(uri)
            return
        self._timers[uri] = loop.call_later(delay, self.analyse, uri)

    def refresh(self) -> None:
        """Settings or files changed: analyse every open document again."""
        for doc in self.documents:
            self.analyse(doc.uri)
        self.emit("refreshed")

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.reports.forget(uri)


def create_server() -> ReportServer:
    from . import actions, completion, config, diagnostics, hover, lens, migrate, status, sync

    server = ReportServer()
    for feature in (sync, config, diagnostics, hover, actions, completion, lens, status, migrate):
        feature.setup(server)
    return server


def _logging(log_file: str | None, verbose: bool) -> None:
    handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8") if log_file \
        else logging.StreamHandler(sys.stderr)  # never stdout: it carries the protocol
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # editors show a server's stderr as errors, so by default only real problems go there
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("pygls").setLevel(logging.WARNING)
        # every request the client cancels would otherwise log a warning
        logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)


def run(tcp: str | None = None, log_file: str | None = None, verbose: bool = False) -> int:
    """Serve over stdio, or on ``HOST:PORT`` for debugging."""
    _logging(log_file, verbose)
    server = create_server()
    import gc

    gc.freeze()  # the long-lived start-up objects need no more collecting: steadier latency
    if tcp:
        host, _, port = tcp.rpartition(":")
        try:
            number = int(port)
        except ValueError:
            print(f"mlops-report: --tcp wants HOST:PORT, not {tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", number)
    else:
        server.start_io()
    return 0
