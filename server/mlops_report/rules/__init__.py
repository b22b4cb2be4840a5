"""Every finding the engine can report. Each rule is one unit in the module of its family (code,
default level, where it runs, what it reads, its check, its fixes, its documentation);
``registry.py`` collects them, and docs/rules.md and ``codes.py`` are generated from them
(``make docs``).
"""

from __future__ import annotations

from .registry import RULES
from .rule import Rule

__all__ = ["RULES", "Rule"]
