"""The command ``mlopsReport.figureLink``: the link a client inserts for a figure file, written
by the core's ``links`` the way every fix and completion writes one.

Arguments: ``{"path": "figures/loss curve.png"}`` (the file relative to the report, as named on
disk) and optionally ``"alt"``; or the two strings ``figuresDir, relative``. The answer is the
link, ``![loss curve](figures/loss%20curve.png)``, or None for arguments it cannot read.
"""

from __future__ import annotations

import logging
import posixpath

from .. import links
from .params import member as _field
from .server import ReportServer

log = logging.getLogger(__name__)

COMMAND = "mlopsReport.figureLink"


def figure_link(*args: object) -> str | None:
    alt = None
    if len(args) == 1 and not isinstance(args[0], (str, int, float, list, type(None))):
        path, alt = _field(args[0], "path"), _field(args[0], "alt")
    elif len(args) == 2 and all(isinstance(a, str) for a in args):
        folder = links.folder(str(args[0]))
        path = posixpath.join(folder, str(args[1])) if folder else args[1]
    else:
        return None
    if not isinstance(path, str) or not path.strip() or not isinstance(alt, (str, type(None))):
        return None
    return links.figure_link(alt if alt is not None else links.stem(path), path)


def setup(server: ReportServer) -> None:
    @server.command(COMMAND)
    def figure_link_command(*args) -> str | None:
        try:
            return figure_link(*args)
        except Exception:
            log.exception("%s failed", COMMAND)
            return None
