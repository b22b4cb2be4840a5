"""The registry of the server's features: each one a module with a ``setup(server)`` that
registers its handlers and listeners on the server, in the order they are set up.

The server (``server.py``) knows none of them; ``main.create_server`` sets each one up on a new
server. A feature may import ``server`` (for its type) and the modules it shares with others
(``documents``, ``reports``, ``markdown``…), never in a circle: ``tests/unit/test_lsp_imports.py``
reads the imports of every module here and fails on a cycle.
"""

from __future__ import annotations

from collections.abc import Callable

from . import (
    actions,
    completion,
    config,
    course_view,
    diagnostics,
    figure_names,
    figures,
    handin,
    hover,
    lens,
    migrate,
    outline,
    status,
    symbols,
    sync,
)
from .server import ReportServer

# sync first: every other feature reads the documents it keeps; config before the features
# that read settings at "initialize"
FEATURES: tuple[Callable[[ReportServer], None], ...] = (
    sync.setup,
    config.setup,
    diagnostics.setup,
    hover.setup,
    actions.setup,
    completion.setup,
    figures.setup,
    figure_names.setup,
    lens.setup,
    course_view.setup,
    status.setup,
    handin.setup,
    migrate.setup,
    outline.setup,
    symbols.setup,
)
