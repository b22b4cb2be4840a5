"""The command ``mlopsReport.figureName``: where a pasted or dropped image goes and how it is
linked.

``{uri, position?, extension?, count?}`` -> ``{question, names, relative, files, links}`` (or
``{error}``): ``count`` new names in the report's figures folder named after the question at
``position`` (``q14-1.png``, ``q14-2.png``; ``figure-1.png`` outside every question), none
taken by a file there (compared without case), with each one's path from the report, its
``file:`` URI and the link to insert (``![q14-1](figures/q14-1.png)``: counted by the checker,
rendered by CommonMark). The editor writes the files; a name is only a proposal, so it must
create them without overwriting. The folder must lie inside the workspace (or, without one,
the report's project) once symbolic links are resolved.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from lsprotocol import types

from .. import links
from ..figure_names import figure_name, link
from ..moves import resolved_inside
from .documents import path_of
from .params import member as _field
from .server import ReportServer

log = logging.getLogger(__name__)

COMMAND = "mlopsReport.figureName"
MAX_COUNT = 20  # images in one paste or drop
MAX_LISTED = 20_000  # names of the figures folder read


def _taken(folder: Path) -> list[str]:
    names: list[str] = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                names.append(entry.name)
                if len(names) >= MAX_LISTED:
                    break
    except OSError:
        pass
    return names


def setup(server: ReportServer) -> None:
    @server.command(COMMAND)
    async def figure_names(*args) -> dict | None:
        params = args[0] if args else None
        if isinstance(params, (list, tuple)) and params and not hasattr(params, "_asdict"):
            params = params[0]  # pygls hands the arguments over as one list
        uri = _field(params, "uri") if params is not None else None
        if not isinstance(uri, str):
            return {"error": "no document given"}
        path = path_of(uri)
        if path is None:
            return {"error": "save the report first: figures are saved beside it"}
        question = None
        position = _field(params, "position")
        found = await server.analysed(uri, 0.3)
        if found is not None and found.analysis.is_report and position is not None:
            line, character = _field(position, "line"), _field(position, "character")
            if isinstance(line, int) and isinstance(character, int):
                doc = server.view(found)
                q = found.analysis.report.question_at(doc.offset(types.Position(max(line, 0), max(character, 0))))
                question = q.number if q is not None else None
        extension = _field(params, "extension")
        extension = extension if isinstance(extension, str) and extension else "png"
        count = _field(params, "count")
        count = min(max(count, 1), MAX_COUNT) if isinstance(count, int) and not isinstance(count, bool) else 1
        figures_dir = links.folder(server.reports.settings.figures_dir) or "."
        folder = path.parent / figures_dir
        within = server.reports.workspace_root or path.parent.parent
        if resolved_inside(folder, within) is None:
            return {"error": f"the figures folder {figures_dir} is outside the workspace"}
        taken = _taken(folder)
        names: list[str] = []
        for _ in range(count):
            name = figure_name(question, extension, taken + names)
            if name is None:
                return {"error": f"no free name in {figures_dir}"}
            names.append(name)
        relative = [f"{figures_dir}/{n}" if figures_dir != "." else n for n in names]
        return {
            "question": question,
            "names": names,
            "relative": relative,
            "files": [(folder / n).as_uri() for n in names],
            "links": [link(n.rsplit(".", 1)[0], r) for n, r in zip(names, relative, strict=True)],
        }
