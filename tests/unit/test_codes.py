"""Code that tells findings apart compares them through ``rules.codes`` (generated from the
rules' declarations; ``test_docs`` keeps it in step), never through a code written as a string."""

from __future__ import annotations

import ast
from pathlib import Path

from mlops_report.rules import RULES, codes


def _compared_codes(path: Path) -> list[str]:
    """Rule codes written as strings where a code is compared (``==``, ``in``) or listed."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                for c in ast.walk(side):
                    if isinstance(c, ast.Constant) and c.value in RULES:
                        found.append(f"{path.name}:{c.lineno} {c.value}")
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.Set, ast.List)):
            strings = [c for c in node.value.elts if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if strings and all(c.value in RULES for c in strings):  # a list of codes, not of statuses
                found += [f"{path.name}:{c.lineno} {c.value}" for c in strings]
    return found


def test_readers_compare_codes_through_the_constants():
    package = Path(codes.__file__).parent.parent
    readers = [
        *sorted((package / "lsp").glob("*.py")),
        package / "cli.py",
        package / "analysis.py",
        package / "evidence.py",
        *sorted((package / "dashboard").glob("*.py")),
    ]
    assert [hit for p in readers for hit in _compared_codes(p)] == []
