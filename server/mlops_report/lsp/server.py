"""The pygls language server: the protocol's lifecycle, events, guarded handlers and the
analysis of open documents.

It knows no feature: each feature lives in its own module with a ``setup(server)`` function,
listed in ``features.FEATURES`` and set up by ``main.create_server``. Every handler is registered
through ``ReportServer.handler`` so that an exception in one feature is logged and answered with
an empty result instead of taking the method (or the server) down. Analyses run in a thread of
their own (``schedule``); handlers read their results.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError, JsonRpcServerNotInitialized
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from ..analysis import Analysis
from .documents import Document, Documents, Earlier
from .reports import Analysed, Reports
from .schedule import Scheduler

log = logging.getLogger("mlops_report.lsp")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


_ANSWERED = object()  # a request already answered with an error while it was decoded
_ABSENT = object()  # no such member
_WRITES: set[asyncio.Future] = set()  # writes of a socket's writer on their way


class Encoded:
    """A result or notification's params already written as JSON (``text``), sent as it is:
    a diagnostics report is mostly diagnostics sent before, kept as text (``lsp.diagnostics``),
    which pygls would unstructure and encode again, every one of them."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class ReportProtocol(LanguageServerProtocol):
    """pygls' protocol without its own text store: ``documents.Documents`` keeps the text."""

    _initialize_seen = False

    def encode(self, value: Any) -> str:
        """``value`` (an lsprotocol object, or plain JSON data) as JSON text, without spaces."""
        return json.dumps(value, default=self._serialize_message, separators=(",", ":"))

    def _send_response(self, msg_id, result=None, error=None):
        if error is None and isinstance(result, Encoded):
            self._result_types.pop(msg_id, None)
            self._send_text(f'{{"id":{json.dumps(msg_id)},"jsonrpc":"2.0","result":{result.text}}}')
            return
        super()._send_response(msg_id, result, error)

    def notify(self, method: str, params: Any = None):
        if isinstance(params, Encoded):
            self._send_text(f'{{"method":{json.dumps(method)},"jsonrpc":"2.0","params":{params.text}}}')
            return
        super().notify(method, params)

    def _send_text(self, body: str) -> None:
        """One message whose JSON is ``body``, framed as pygls frames the messages it encodes."""
        if self.writer is None:
            return
        data = body.encode(self.CHARSET)
        if self._include_headers:
            header = f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            data = header.encode("ascii") + data
        res = self.writer.write(data)
        if inspect.isawaitable(res):  # a socket's writer: kept until written
            task = asyncio.ensure_future(res)
            _WRITES.add(task)
            task.add_done_callback(_WRITES.discard)

    def structure_message(self, data: dict[str, Any]):
        """A request whose params do not fit its method (a negative position, a string for a
        number) is answered with InvalidParams; pygls would log it and leave the client waiting.
        A message the lifecycle does not allow now is answered (or dropped) here."""
        if isinstance(data, dict) and "jsonrpc" in data and isinstance(data.get("method"), str):
            refusal = self._refusal(data["method"])
            if refusal is not None:
                if "id" in data:
                    msg_id = data["id"]
                    self.reply_error(msg_id if isinstance(msg_id, (int, str)) else None, refusal)
                return _ANSWERED
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=exc.to_response_error())
                return _ANSWERED
            raise

    def _refusal(self, method: str) -> JsonRpcException | None:
        """The LSP lifecycle: before ``initialize`` a request gets ServerNotInitialized, after
        ``shutdown`` InvalidRequest; a notification then is dropped (but ``exit`` always runs).
        pygls would serve the first and leave the second unanswered."""
        if method == types.EXIT:
            return None
        if self._shutdown:
            return JsonRpcInvalidRequest("the server is shutting down: only exit is accepted")
        if not self._initialize_seen:
            if method == types.INITIALIZE:
                self._initialize_seen = True
                return None
            return JsonRpcServerNotInitialized()
        return None

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
        method = getattr(message, "method", None)
        params = getattr(message, "params", _ABSENT)
        if not isinstance(method, str) or params is _ABSENT or message.jsonrpc != "2.0" or self._shutdown:
            super().handle_message(message)  # a response, or a message pygls refuses
            return
        # pygls tells a request from a notification by isinstance on runtime protocols, which
        # looks up every member of each protocol: a tenth of a millisecond per keystroke
        if hasattr(message, "id"):
            contextvars.copy_context().run(self._handle_request, message.id, method, params)
        else:
            contextvars.copy_context().run(self._handle_notification, method, params)

    def reply_error(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        """An error response, written out whole: pygls' own drops a null id, which JSON-RPC
        requires when the request's id could not be read."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": error.code, "message": error.message}})

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


# Events a feature can listen to (``server.on(event, fn)``), all on the event loop:
#   "initialize" (InitializeParams), "initialized" (), "analysed" (Analysed: the analysis of the
#   current text, in order), "closed" (Document), "refreshed" () once per burst of settings or
#   file changes, "files" (list of Path: files changed on disk, saved or watched).
#   ``server.prepare(fn)`` adds fn(Analysed), run in the analysis thread after each analysis (to
#   convert what will be sent, off the loop).
EVENTS = ("initialize", "initialized", "analysed", "closed", "refreshed", "files")


class ReportServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "mlops-report",
            __version__,
            protocol_cls=ReportProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.documents = Documents()
        self.reports = Reports()
        self.reports.on_originals = self._originals_found  # in git history after a first analysis
        self.scheduler = Scheduler(self)
        self._listeners: dict[str, list[Callable[..., Any]]] = {e: [] for e in EVENTS}
        self.preparers: list[Callable[[Analysed], None]] = []
        self._tasks: set[asyncio.Future] = set()
        self.exit_code: int | None = None
        self._capabilities: tuple[Any, dict[str, Any]] = (None, {})  # the client's, and paths looked up

        @self.feature(types.EXIT)
        def on_exit(params: Any) -> None:  # pygls exits with this code, but start_io swallows it
            self.exit_code = 0 if self.protocol._shutdown else 1

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message body that is not JSON (or not UTF-8) gets JSON-RPC's Parse error reply with
        a null id, as the specification asks, and a line in the log; pygls would only show the
        user an error. Other errors go to pygls' default (a message in the editor)."""
        if isinstance(error, ValueError) and not isinstance(error, JsonRpcException):
            log.warning("a message body that is not JSON: %s", error)
            cast(ReportProtocol, self.protocol).reply_error(None, JsonRpcParseError())
            return
        super().report_server_error(error, source)

    # -- capabilities ---------------------------------------------------------------------------

    def encode(self, value: Any) -> str:
        """``value`` as the JSON text the client would receive (``Encoded`` sends it as it is)."""
        return cast(ReportProtocol, self.protocol).encode(value)

    def capability(self, path: str, default: Any = None) -> Any:
        """The client's capability at ``path`` (``"text_document.diagnostic"``), looked up once
        per path: features ask on every keystroke and the capabilities do not change."""
        caps = self.client_capabilities
        if self._capabilities[0] is not caps:
            self._capabilities = (caps, {})
        found = self._capabilities[1]
        value = found.get(path, _ABSENT)
        if value is _ABSENT:
            value = found[path] = get_capability(caps, path, _ABSENT)
        return default if value is _ABSENT else value

    @property
    def pull_diagnostics(self) -> bool:
        """The client pulls diagnostics (``textDocument/diagnostic``): we never push to it."""
        return self.capability("text_document.diagnostic") is not None

    # -- events ---------------------------------------------------------------------------------

    def on(self, event: str, fn: Callable[..., Any]) -> None:
        self._listeners[event].append(fn)

    def prepare(self, fn: Callable[[Analysed], None]) -> None:
        self.preparers.append(fn)

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
        ``empty`` (requests) or swallowed (notifications). ``fn`` may be a generator function
        in pygls' way: it answers at once when it can, and yields ``(handler, args, kwargs)``
        to wait for an async ``handler``'s result (no task when it need not wait)."""

        def decorator(fn):
            if inspect.isgeneratorfunction(fn):

                @functools.wraps(fn)
                def wrapped(params):
                    try:
                        return (yield from fn(params))
                    except Exception:
                        log.exception("%s failed", method)
                        return empty

            elif inspect.iscoroutinefunction(fn):

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

    def watch_files(self, registration_id: str, globs: Sequence[str], what: str) -> None:
        """Ask the client to report changes to files matching ``globs`` (didChangeWatchedFiles),
        in the background; a client that says no is logged (``what`` names the files)."""
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in globs]
        registration = types.Registration(
            id=registration_id,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )

        async def register() -> None:
            try:
                await self.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception as exc:  # the client said no: saving still refreshes
                log.info("could not watch %s: %s", what, exc)

        self.spawn(register())

    # -- analysis -------------------------------------------------------------------------------

    def is_markdown(self, doc: Document) -> bool:
        return doc.language_id == "markdown" or doc.uri.lower().endswith(MARKDOWN_SUFFIXES)

    def ready(self, uri: str) -> Analysed | None:
        """The analysis of the document's current text when it is finished (None: not yet,
        or not a markdown document: ask ``analysed``)."""
        doc = self.documents.get(uri)
        found = self.reports.latest(uri)
        if doc is None or found is None or not self.is_markdown(doc):
            return None
        return found if found.stamp == self.reports.stamp(doc) else None

    async def analysed(self, uri: str, wait: float | None = None) -> Analysed | None:
        """The analysis of an open markdown document's current text (None for any other
        document); after ``wait`` seconds the last finished one, which may be older."""
        return await self.scheduler.current(uri, wait)

    async def analysis(self, uri: str, wait: float | None = None) -> tuple[Document | Earlier, Analysis] | None:
        """``analysed`` as (document, analysis): the document answers positions of the current
        text for offsets of the analysed one."""
        found = await self.analysed(uri, wait)
        if found is None:
            return None
        return self.view(found), found.analysis

    def view(self, found: Analysed) -> Document | Earlier:
        """The analysed document, answering positions of the current text."""
        now = self.documents.get(found.doc.uri)
        return found.doc if now is None or now.revision == found.doc.revision else Earlier(found.doc, now)

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyse soon (now for a document of a report's size, after a pause in typing for a
        larger one)."""
        self.scheduler.want(uri, delay)

    def files_changed(self, paths: list) -> None:
        """Files changed on disk: analyse again, in one pass per burst, the open reports whose
        folder holds one of them."""
        self.emit("files", paths)
        folders: dict = {}
        for doc in self.documents:
            if doc.path is not None:
                folders.setdefault(doc.path.parent, []).append(doc.uri)
        hit = self.reports.files_changed(paths, folders)
        if hit:
            self.scheduler.refresh([uri for folder in hit for uri in folders.get(folder, ())])

    def refresh(self) -> None:
        """Settings changed: analyse every open document again (once per burst)."""
        self.scheduler.refresh()

    def _originals_found(self, report) -> None:
        self.scheduler.refresh([d.uri for d in self.documents if d.path == report])

    def forget(self, uri: str) -> None:
        self.scheduler.forget(uri)
        self.reports.forget(uri)
