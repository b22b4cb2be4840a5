"""Settings under the ``mlopsReport`` section: from initializationOptions, then from
``workspace/configuration`` and on every ``workspace/didChangeConfiguration``.

Invalid entries fall back to their defaults (``settings.from_dict``) and the user sees one
warning saying what was wrong; the server never stops over a setting.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from ..settings import from_dict
from .server import ReportServer

log = logging.getLogger(__name__)

SECTION = "mlopsReport"


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

    def apply(raw: object) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
            raw = raw[SECTION]
        settings, problems = from_dict(raw)
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
        # showMessage is allowed while initializing, so invalid options are reported at once
        if params.initialization_options is not None:
            apply(params.initialization_options)

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
