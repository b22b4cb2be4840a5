"""Settings: the editor's (section ``mlopsReport``) over the report's project file over the
defaults, per report.

The editor's settings come from initializationOptions, then from ``workspace/configuration``,
asked once per workspace folder (``scopeUri``: VS Code declares them with resource scope, so
two folders may differ), and again on every ``workspace/didChangeConfiguration`` or change of
folders. The project file (``[tool.mlops-report]`` in a ``pyproject.toml`` or a
``.mlops-report.toml``; see ``mlops_report.config``) is the nearest to each report; the server
watches those files (``workspace/didChangeWatchedFiles``, registered where the client allows
it; a save of one in the editor counts too) and applies a change at once. A setting the editor
leaves at its default does not override the file.

Invalid entries fall back to their defaults and the user sees one warning saying what was
wrong (the file and the key); the server never stops over a setting.

Workspace trust: ``initializationOptions.trusted`` false says the editor does not trust the
workspace (an editor that says nothing is trusted); the notification ``mlopsReport/workspaceTrust``
``{"trusted": true}`` says it does now. Untrusted, no git history is read and ``templatePath`` and
``figuresDir`` (from the editor or the file) must stay inside the workspace (``settings.confined``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types

from ..config import NAMES, Project, explicit, merge, nearest
from ..settings import Settings, build, confined, from_dict, validate
from .documents import path_of
from .params import member as _field
from .server import ReportServer

log = logging.getLogger(__name__)

SECTION = "mlopsReport"
TRUST = "mlopsReport/workspaceTrust"
CONFIG_GLOB = "**/{pyproject.toml,.mlops-report.toml}"
WATCH_ID = "mlops-report-config"


QUOTED = 80  # characters of a setting's value a warning quotes at most
SHOWN = 5  # problems a warning lists at most


def warning(problems: list[str]) -> str:
    """The problems in one line: each value quoted by its first ``QUOTED`` characters, at
    most ``SHOWN`` problems (a settings object of megabytes gets a warning of a few lines)."""
    out = [p if len(p) <= QUOTED + 120 else p[: QUOTED + 120] + "…" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        out.append(f"and {len(problems) - SHOWN} more")
    return "; ".join(out)


class Layers:
    """The editor's settings per workspace folder and the project file of each report folder,
    merged into the settings of a report. ``settings_of`` runs in the analysis thread: its cache
    is keyed by ``Reports.generation``, which every change of a source bumps."""

    def __init__(self, server: ReportServer) -> None:
        self.server = server
        self.editor: dict[str | None, dict] = {}  # folder URI (None: any document) -> its values
        self.folders: dict[str | None, Path | None] = {None: None}
        self._projects: dict[Path, tuple[int, Project | None]] = {}  # report folder -> (generation, file)
        self._settings: dict[tuple, Settings] = {}
        self._lock = threading.Lock()
        self.shown: set[str] = set()
        self._folders_seen: dict | None = None  # the folders _folder_of was found for
        self._folder_of: dict[Path | None, str | None] = {}

    def folder_of(self, path: Path | None) -> str | None:
        """The workspace folder holding ``path`` (the innermost), by its URI; None for none.
        Remembered per path for the current folders: every stamp of an analysis asks."""
        if self._folders_seen is not self.folders:
            self._folders_seen, self._folder_of = self.folders, {}
        if path in self._folder_of:
            return self._folder_of[path]
        best, depth = None, -1
        if path is not None:
            for uri, root in self.folders.items():
                if root is not None and len(root.parts) > depth and path.is_relative_to(root):
                    best, depth = uri, len(root.parts)
        if len(self._folder_of) > 1000:
            self._folder_of.clear()
        self._folder_of[path] = best
        return best

    def settings_of(self, path: Path | None) -> Settings:
        reports = self.server.reports
        generation = reports.generation
        uri = self.folder_of(path)
        key = (generation, uri, None if path is None else path.parent, reports.trusted)
        found = self._settings.get(key)
        if found is not None:
            return found
        project = self.project(path, generation) if path is not None else None
        values = merge(project.values if project else {}, explicit(self.editor.get(uri, self.editor.get(None, {}))))
        settings = build(values)
        problems: list[str] = []
        if not reports.trusted:
            settings, problems = confined(settings, self.folders.get(uri) or reports.workspace_root)
        if project is not None:
            problems = project.problems + problems
            if project.notes:
                self.warn(project.notes, "")
        if problems:
            self.warn(problems)
        with self._lock:
            if len(self._settings) > 1000:
                self._settings.clear()
            self._settings[key] = settings
        return settings

    def project(self, report: Path, generation: int) -> Project | None:
        """The project file of ``report``, read once per generation (a change of any file bumps
        it: a read that started before cannot be kept after)."""
        folder = report.parent
        with self._lock:
            hit = self._projects.get(folder)
            if hit is not None and hit[0] == generation:
                return hit[1]
        found = nearest(report, self.shown_path)
        with self._lock:
            self._projects[folder] = (generation, found)
        if found is not None:
            log.info("settings of %s: %s", report, found.path)
        return found

    def shown_path(self, path: Path) -> str:
        """A project file as a message names it: relative to its workspace folder."""
        root = self.folders.get(self.folder_of(path))
        return str(path.relative_to(root)) if root is not None else str(path)

    def forget_projects(self) -> None:
        with self._lock:
            self._projects.clear()
            self._settings.clear()

    def warn(self, problems: list[str], then: str = " Using the defaults for these.") -> None:
        """Show the problems (or notes) not shown before in one warning; from any thread."""
        fresh = [p for p in dict.fromkeys(problems) if p not in self.shown]
        if not fresh:
            return
        self.shown.update(fresh)
        message = warning(fresh)
        log.warning("settings: %s", message)
        show = types.ShowMessageParams(types.MessageType.Warning, f"MLOps report settings: {message}.{then}")
        try:
            asyncio.get_running_loop()
            self.server.window_show_message(show)
        except RuntimeError:  # the analysis thread: the loop sends it
            loop = self.server.reports.loop
            if loop is not None:
                loop.call_soon_threadsafe(self.server.window_show_message, show)


def setup(server: ReportServer) -> None:
    layers = Layers(server)
    server.reports.settings_of = layers.settings_of
    last: dict[str | None, object] = {}  # the latest settings as the client sent them, per folder

    def apply(raw: dict[str | None, object]) -> bool:
        """Use the editor's settings ``raw`` (per folder URI); True when they changed (and the
        reports were refreshed)."""
        values: dict[str | None, dict] = {}
        for uri, one in raw.items():
            if isinstance(one, dict) and isinstance(one.get(SECTION), dict):
                one = one[SECTION]
            last[uri] = one
            settings, problems = from_dict(one)
            if not server.reports.trusted:
                settings, outside = confined(settings, layers.folders.get(uri) or server.reports.workspace_root)
                problems += outside
            if problems:
                layers.warn(problems)
            values[uri] = validate(one).values if isinstance(one, dict) else {}
        merged = {**layers.editor, **values}
        if merged == layers.editor:
            return False
        layers.editor = merged
        server.reports.settings = build(explicit(merged.get(None) or next(iter(merged.values()), {})))
        server.reports.settings_changed()
        log.info("settings: %s", merged)
        server.refresh()
        return True

    async def pull() -> None:
        if not server.capability("workspace.configuration", False):
            return
        scopes: list[str | None] = [uri for uri in layers.folders if uri is not None] or [None]
        try:
            answers = await server.workspace_configuration_async(
                types.ConfigurationParams(
                    items=[types.ConfigurationItem(scope_uri=uri, section=SECTION) for uri in scopes]
                )
            )
        except Exception as exc:
            log.info("workspace/configuration failed: %s", exc)
            return
        got = {uri: value for uri, value in zip(scopes, answers or [], strict=False) if value is not None}
        if got:
            apply(got)

    def set_folders(folders: Sequence[types.WorkspaceFolder] | None, root: str | None) -> None:
        layers.folders = {None: None}
        for f in folders or ([types.WorkspaceFolder(uri=root, name="root")] if root else []):
            layers.folders[f.uri] = path_of(f.uri)

    def initialize(params: types.InitializeParams) -> None:
        set_folders(params.workspace_folders, params.root_uri)
        options = params.initialization_options
        if isinstance(options, dict) and options.get("trusted") is False:
            server.reports.trusted = False
            log.info("the workspace is not trusted: no git history, settings confined to it")
        # showMessage is allowed while initializing, so invalid options are reported at once
        if options is not None:
            apply({None: options})

    def initialized() -> None:
        if server.capability("workspace.did_change_watched_files.dynamic_registration", False):
            server.watch_files(WATCH_ID, [CONFIG_GLOB], "project files")
        server.spawn(pull())

    def files(paths: list[Path]) -> None:
        if any(p.name in NAMES for p in paths):
            log.info("a project file changed: settings read again")
            layers.forget_projects()
            server.reports.settings_changed()
            server.refresh()

    server.on("initialize", initialize)
    server.on("initialized", initialized)
    server.on("files", files)

    @server.handler(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if not (isinstance(raw, dict) and SECTION in raw):
            server.spawn(pull())
            return
        # pushed settings carry no folder: they apply everywhere; with several folders, each
        # folder's own are asked for again (VS Code pushes the window's)
        apply(dict.fromkeys(layers.folders, raw[SECTION]))
        if len(layers.folders) > 2:
            server.spawn(pull())

    @server.handler(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        # pygls has updated its workspace already
        set_folders([f for f in server.workspace.folders.values()], None)
        server.spawn(pull())

    @server.handler(TRUST)
    def workspace_trust(params) -> None:  # unannotated: pygls would pass the server for `object`
        trusted = _field(params, "trusted")
        if not isinstance(trusted, bool) or trusted == server.reports.trusted:
            return
        log.info("the workspace is %s", "trusted now" if trusted else "not trusted now")
        server.reports.trust(trusted)  # every report's settings are confined again, or no longer
        apply(dict(last))
        server.refresh()
