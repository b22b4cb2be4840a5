"""pytest-lsp fixtures: the server over stdio, driven with the capabilities of real clients.

``client`` runs every test three times: as VS Code 1.65 (utf-16, pushed diagnostics), as
Neovim 0.11 (utf-8, pulled diagnostics) and as Emacs 29 eglot (utf-32, pushed diagnostics,
no code description links).

The tests under ``tests/lsp/`` share one server per client profile and pytest worker (started
at the first test that wants it, the pytest-lsp ``fixture-scope`` way; the workspace is the session's
temporary folder, which holds every test's ``tmp_path``). Starting a server costs a second or
two, a test tens of milliseconds. Each test gets a fresh ``Session``; the documents it opened are
closed after it and what the client recorded is cleared before it. A test that changes what
the server remembers (settings, trust, a shutdown), or needs its own initialize
(``init_options``, ``capabilities``), is marked ``own_server`` (or has one of those markers) and
gets a server of its own in ``tmp_path``, as do the tests of modules elsewhere that import
this fixture.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.builder import ReportBuilder  # noqa: F401  (re-exported for the test modules)

HERE = Path(__file__).resolve().parent

PROFILES = {"vscode": "visual-studio-code", "neovim": "neovim@v0.11.0", "emacs": "emacs"}
ENCODING = {"vscode": "utf-16", "neovim": "utf-8", "emacs": "utf-32"}


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = {}  # uri -> PublishDiagnosticsParams (with the version)
    client.statuses = []  # every mlopsReport/status, in order
    client.registrations = []
    client.lens_refreshes = 0
    client.lens_refreshed_at = []  # the event loop's time of each refresh asked

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published[params.uri] = params

    def status(client: LanguageClient, params):
        client.statuses.append(_plain(params))

    def register(client: LanguageClient, params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    def lens_refresh(client: LanguageClient, params):
        client.lens_refreshes += 1
        client.lens_refreshed_at.append(asyncio.get_running_loop().time())

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features["mlopsReport/status"] = status
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    features[types.WORKSPACE_CODE_LENS_REFRESH] = lens_refresh
    register_lsp_features(client, features)
    return client


def _plain(obj):
    """A notification's params (an attrs-less object for custom methods) as plain data."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_asdict"):
        return [_plain(v) for v in obj]
    if hasattr(obj, "_asdict"):
        return {k: _plain(v) for k, v in obj._asdict().items()}
    return obj


CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "mlops_report", "serve"], client_factory=make_client)


class Session:
    """A started client plus what the tests need to know of it."""

    def __init__(self, client: LanguageClient, name: str, root: Path) -> None:
        self.client = client
        self.name = name
        self.root = root
        self.encoding = ENCODING[name]
        self.pull = name == "neovim"
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    # -- documents ------------------------------------------------------------------------------

    def open(self, uri: str, text: str, language: str = "markdown") -> str:
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
        )
        return uri

    def open_file(self, path: Path) -> str:
        return self.open(path.as_uri(), path.read_text(encoding="utf-8"))

    def change(self, uri: str, edits: list[types.TextEdit] | None = None, text: str | None = None) -> None:
        """Send edits (as incremental changes) or a whole new text."""
        self.versions[uri] += 1
        if text is not None:
            changes = [types.TextDocumentContentChangeWholeDocument(text=text)]
            self.texts[uri] = text
        else:
            changes = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits]
            for e in edits:
                self.texts[uri] = apply_edits(self.texts[uri], [e], self.encoding)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=changes,
            )
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))

    # -- what the server says -------------------------------------------------------------------

    async def diagnostics(self, uri: str, timeout: float = 10) -> list[types.Diagnostic]:
        """The current diagnostics of ``uri``: pulled, or the pushed set for the latest version."""
        if self.pull:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            return list(report.items)
        want = self.versions.get(uri)
        await until(
            lambda: (p := self.client.published.get(uri)) is not None and p.version == want,
            timeout,
            f"diagnostics for version {want} of {uri}",
        )
        return list(self.client.published[uri].diagnostics)

    async def status(self, uri: str, **expect) -> dict:
        def match():
            return next(
                (
                    s
                    for s in reversed(self.client.statuses)
                    if s["uri"] == uri and all(s.get(k) == v for k, v in expect.items())
                ),
                None,
            )

        await until(lambda: match() is not None, 10, f"a status for {uri} with {expect}")
        return match()

    def position(self, text: str, offset: int) -> types.Position:
        return position(text, offset, self.encoding)

    def range_of(self, uri: str, needle: str, nth: int = 0) -> types.Range:
        text = self.texts[uri]
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        return types.Range(self.position(text, start), self.position(text, start + len(needle)))


async def until(ready, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


# -- positions, independently of the server's code --------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def position(text: str, offset: int, encoding: str) -> types.Position:
    starts = _line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line, _units(text[starts[line] : offset], encoding))


def offset_of(text: str, pos: types.Position, encoding: str) -> int:
    starts = _line_starts(text)
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
    i = start
    while i < end and _units(text[start:i], encoding) < pos.character:
        i += 1
    assert _units(text[start:i], encoding) == pos.character, f"{pos} splits a character"
    return i


def apply_edits(text: str, edits, encoding: str) -> str:
    spans = [
        (offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text) for e in edits
    ]
    for s, e, new in sorted(spans, reverse=True):
        text = text[:s] + new + text[e:]
    return text


def text_edits(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.document_changes:
        return [
            e
            for c in edit.document_changes
            if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri
            for e in c.edits
        ]
    return list((edit.changes or {}).get(uri, []))


OWN = ("own_server", "init_options", "capabilities", "folders")  # markers that need a server of the test's own


def pytest_configure(config):
    config.addinivalue_line("markers", "init_options(obj): initializationOptions for the client fixture")
    config.addinivalue_line("markers", "capabilities(fn): fn(profile, capabilities) adjusts a profile")
    config.addinivalue_line(
        "markers", "folders(*names): the workspace folders, tmp_path/NAME each, instead of tmp_path"
    )
    config.addinivalue_line(
        "markers",
        "own_server: the test changes what the server remembers (settings, "
        "trust, shutdown): it gets a server of its own",
    )


# -- the fixture ------------------------------------------------------------------------------


async def start(name: str, root: Path, node=None) -> LanguageClient:
    """A server started and initialized as client profile ``name``, its workspace ``root``."""
    client = await CONFIG.start()
    folders = [types.WorkspaceFolder(uri=root.as_uri(), name="ws")]
    if node is not None and (m := node.get_closest_marker("folders")) is not None:
        folders = [types.WorkspaceFolder(uri=(root / n).as_uri(), name=n) for n in m.args]
    params = types.InitializeParams(
        capabilities=client_capabilities(PROFILES[name]), root_uri=folders[0].uri, workspace_folders=folders
    )
    if node is not None and (m := node.get_closest_marker("init_options")) is not None:
        params.initialization_options = m.args[0]
    if node is not None and (m := node.get_closest_marker("capabilities")) is not None:
        m.args[0](name, params.capabilities)
    client.init_result = await client.initialize_session(params)
    return client


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()  # nothing when the test shut it down already
    await client.stop()


def _forget(client: LanguageClient) -> None:
    """What the client recorded during earlier tests."""
    client.messages.clear()
    client.published.clear()
    client.diagnostics.clear()
    client.statuses.clear()
    client.lens_refreshes = 0
    client.lens_refreshed_at.clear()
    client.diagnostic_refresh_count = 0


@pytest_asyncio.fixture(params=list(PROFILES))
async def client(request, tmp_path, lsp_servers):
    name = request.param
    shared = HERE in request.node.path.parents and not any(request.node.get_closest_marker(m) for m in OWN)
    if not shared:
        lsp_client = await start(name, tmp_path, request.node)
        lsp_client.session = Session(lsp_client, name, tmp_path)
        try:
            yield lsp_client
        finally:
            await stop(lsp_client)
        return
    if name not in lsp_servers:
        lsp_servers[name] = await start(name, tmp_path.parent)  # the folder of every test's tmp_path
    lsp_client = lsp_servers[name]
    _forget(lsp_client)
    lsp_client.session = session = Session(lsp_client, name, tmp_path)
    yield lsp_client
    for uri in session.versions:
        session.close(uri)


@pytest.fixture
def session(client) -> Session:
    return client.session
