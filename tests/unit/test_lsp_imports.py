"""The server's modules import each other in one direction: ``server.py`` knows no feature,
and no module of ``lsp/`` reaches itself again through its imports (those inside functions
included: a late import is still a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import mlops_report.lsp

LSP = Path(mlops_report.lsp.__file__).parent


def imports(path: Path) -> set[str]:
    """The modules of ``lsp/`` that the module at ``path`` imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:  # from . import x, from .x import y
                out.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif node.level == 0 and (node.module or "").startswith("mlops_report.lsp."):
                out.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[2] for a in node.names if a.name.startswith("mlops_report.lsp."))
    return out


def graph(folder: Path) -> dict[str, set[str]]:
    modules = {p.stem: p for p in folder.glob("*.py")}
    return {name: imports(path) & set(modules) for name, path in modules.items()}


def features(folder: Path) -> set[str]:
    """The modules that define a feature: a top-level ``setup`` function."""
    out = set()
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "setup" for n in tree.body):
            out.add(path.stem)
    return out


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done

    def walk(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = walk(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = walk(start, [start])
            if found:
                return found
    return None


def test_no_module_of_the_server_imports_itself_in_a_circle():
    found = cycle(graph(LSP))
    assert found is None, " -> ".join(found or ())


def test_the_server_imports_no_feature():
    edges = graph(LSP)
    named = features(LSP)
    assert {"hover", "lens", "diagnostics"} <= named  # the features are found
    assert not edges["server"] & (named | {"features", "main"})


def test_every_feature_is_registered():
    """A feature module left out of the registry would never be set up."""
    edges = graph(LSP)
    assert features(LSP) <= edges["features"]


def test_a_circle_is_found(tmp_path):
    """The test above would catch the circle a late import makes."""
    (tmp_path / "server.py").write_text("def create():\n    from . import hover\n")
    (tmp_path / "hover.py").write_text("from .server import ReportServer\n\n\ndef setup(server):\n    pass\n")
    (tmp_path / "lens.py").write_text("import mlops_report.lsp.hover\n")
    edges = graph(tmp_path)
    assert edges == {"server": {"hover"}, "hover": {"server"}, "lens": {"hover"}}
    assert cycle(edges) == ["hover", "server", "hover"]
    assert edges["server"] & features(tmp_path) == {"hover"}
