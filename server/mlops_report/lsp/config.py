"""Settings under the ``mlopsReport`` section: from initializationOptions, then from
``workspace/configuration`` and on every ``workspace/didChangeConfiguration``.

Invalid entries fall back to their defaults (``settings.from_dict``) and the user sees one
warning saying what was wrong; the server never stops over a setting.

Workspace trust: ``initializationOptions.trusted`` false says the editor does not trust the
workspace (an editor that says nothing is trusted); the notification ``mlopsReport/workspaceTrust``
``{"trusted": true}`` says it does now. Untrusted, no git history is read and ``templatePath`` and
``figuresDir`` must stay inside the workspace (``settings.confined``).
"""

from __future__ import annotations

import logging

from lsprotocol import types

from ..settings import confined, from_dict
from .params import member as _field
from .server import ReportServer

log = logging.getLogger(__name__)

SECTION = "mlopsReport"
TRUST = "mlopsReport/workspaceTrust"


QUOTED = 80  # characters of a setting's value a warning quotes at most
SHOWN = 5  # problems a warning lists at most


def warning(problems: list[str]) -> str:
    """The problems in one line: each value quoted by its first ``QUOTED`` characters, at
    most ``SHOWN`` problems (a settings object of megabytes gets a warning of a few lines)."""
    out = [p if len(p) <= QUOTED + 60 else p[: QUOTED + 60] + "…" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        out.append(f"and {len(problems) - SHOWN} more")
    return "; ".join(out)


def setup(server: ReportServer) -> None:
    shown: set[str] = set()
    last: list[object] = [None]  # the latest settings as the client sent them

    def apply(raw: object) -> bool:
        """Use the settings ``raw``; True when they changed (and the reports were refreshed)."""
        if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
            raw = raw[SECTION]
        last[0] = raw
        settings, problems = from_dict(raw)
        if not server.reports.trusted:
            settings, outside = confined(settings, server.reports.workspace_root)
            problems += outside
        message = warning(problems)
        if message and message not in shown:
            shown.add(message)
            server.window_show_message(types.ShowMessageParams(
                types.MessageType.Warning, f"MLOps report settings: {message}. Using the defaults for these."))
        if problems:
            log.warning("settings: %s", message)
        if server.reports.use_settings(settings):
            log.info("settings: %s", settings)
            server.refresh()
            return True
        return False

    async def pull() -> None:
        if not server.capability("workspace.configuration", False):
            return
        try:
            values = await server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:
            log.info("workspace/configuration failed: %s", exc)
            return
        if values and values[0] is not None:
            apply(values[0])

    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and options.get("trusted") is False:
            server.reports.trusted = False
            log.info("the workspace is not trusted: no git history, settings confined to it")
        # showMessage is allowed while initializing, so invalid options are reported at once
        if options is not None:
            apply(options)

    def initialized() -> None:
        server.spawn(pull())

    server.on("initialize", initialize)
    server.on("initialized", initialized)

    @server.handler(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if isinstance(raw, dict) and SECTION in raw:
            apply(raw[SECTION])
        else:
            server.spawn(pull())

    @server.handler(TRUST)
    def workspace_trust(params) -> None:  # unannotated: pygls would pass the server for `object`
        trusted = _field(params, "trusted")
        if not isinstance(trusted, bool) or trusted == server.reports.trusted:
            return
        log.info("the workspace is %s", "trusted now" if trusted else "not trusted now")
        server.reports.trust(trusted)
        if not apply(last[0]):  # the settings as sent, confined again or no longer
            server.refresh()


