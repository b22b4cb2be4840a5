"""The shapes of a checker's syntax tree: its constraint table, answer count, cut and numbering.

Only ``ast.parse`` and ``ast.literal_eval`` on single nodes; nothing is compiled or run. Every
walk is one pass over the tree of a file of at most 256 KB.
"""

from __future__ import annotations

import ast

from .local import MAX_BYTES
from .model import CheckerSpec, Limits

_MAX_ENTRIES = 1000
_MAX_DEPTH = 4


def read_source(source: str, checker_id: str = "local") -> CheckerSpec | str:
    """The checker ``source`` describes, or why it cannot be read as one."""
    if len(source) > MAX_BYTES:
        return f"it is larger than {MAX_BYTES // 1024} KB"
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return f"it is not valid Python ({where}{exc.msg})"
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    except (RecursionError, MemoryError) as exc:
        return f"it cannot be parsed ({type(exc).__name__})"
    try:
        return _checker(tree, checker_id)
    except (RecursionError, MemoryError):
        return "it is nested too deeply to be read"


def _checker(tree: ast.AST, checker_id: str) -> CheckerSpec | str:
    check = next(
        (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "check"),
        None,
    )
    if check is None:
        return "it has no check function"
    nodes = list(ast.walk(check))
    table = _table(nodes)
    if table is None:
        return "its check function has no constraint table of a known shape"
    expected = _expected(nodes)
    if expected is not None and expected > _MAX_ENTRIES:
        return f"it expects {expected} answers, more than a report can hold"
    cut = _cut(nodes)
    note = "" if cut in (None, 43) else f"it cuts {cut} characters where the course's checkers cut 43"
    return CheckerSpec(
        id=checker_id,
        family="A" if cut is not None else "C",
        expected=expected,
        limits={n: lim for n, lim in enumerate(table, start=1) if lim},
        zero_based=_start(nodes) == 0,
        note=note,
    )


def _table(nodes: list[ast.AST]) -> list[Limits] | None:
    """The largest list or dict literal assigned in ``check`` whose every entry is a constraint."""
    best: list[Limits] | None = None
    for node in nodes:
        if isinstance(node, ast.Assign) or (isinstance(node, ast.AnnAssign) and node.value is not None):
            value = node.value
        else:
            continue
        if isinstance(value, ast.Dict):
            entries = value.values
        elif isinstance(value, (ast.List, ast.Tuple)):
            entries = value.elts
        else:
            continue
        if len(entries) < 3 or len(entries) > _MAX_ENTRIES or any(e is None for e in entries):
            continue
        read = [_constraint(e, 0) for e in entries]
        if any(r is None for r in read):
            continue
        if best is None or len(read) > len(best):
            best = read  # type: ignore[assignment]
    return best


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _kind(name: str) -> str | None:
    n = name.lower()
    if "multi" in n:
        return "multi"
    if n.startswith("no") and "constr" in n:
        return "none"
    if "length" in n or "word" in n:
        return "words"
    if "image" in n or "screenshot" in n or "figure" in n:
        return "images"
    return None


def _constraint(node: ast.AST, depth: int) -> Limits | None:
    """The limits one table entry sets; None: not a constraint we can read."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        return Limits() if _kind(_name(node)) == "none" else None
    if not isinstance(node, ast.Call):
        return None
    fn, args, keywords = _name(node.func), list(node.args), node.keywords
    if fn.lower() == "partial":
        if not args:
            return None
        fn, args = _name(args[0]), args[1:]
    kind = _kind(fn)
    if kind == "none":
        return Limits()
    if kind == "multi":
        parts = [k.value for k in keywords if k.arg and "constr" in k.arg.lower()] or args[:1]
        if len(parts) != 1 or not isinstance(parts[0], (ast.List, ast.Tuple)):
            return None
        words = images = None
        for part in parts[0].elts:
            sub = _constraint(part, depth + 1)
            if sub is None:
                return None
            words = words or sub.words
            images = images or sub.images
        return Limits(words, images)
    if kind in ("words", "images"):
        bounds = _bounds(args, keywords)
        if bounds is None:
            return None
        return Limits(words=bounds) if kind == "words" else Limits(images=bounds)
    return None


def _bounds(args: list[ast.expr], keywords: list[ast.keyword]) -> tuple[int, int] | None:
    lo = hi = None
    for k in keywords:
        name = (k.arg or "").lower()
        if "min" in name:
            lo = _int(k.value)
        elif "max" in name:
            hi = _int(k.value)
    if lo is None and hi is None and len(args) == 2:
        lo, hi = _int(args[0]), _int(args[1])
    if lo is None or hi is None:
        return None
    return (lo, hi)


def _int(node: ast.AST) -> int | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 10**9:
        return None
    return value


def _expected(nodes: list[ast.AST]) -> int | None:
    """N of ``len(answers) != N``: the answer count the checker insists on."""
    for node in nodes:
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Call)
            and _name(node.left.func) == "len"
            and len(node.comparators) == 1
            and isinstance(node.ops[0], (ast.NotEq, ast.Eq))
        ):
            n = _int(node.comparators[0])
            if n is not None and n > 0:
                return n
    return None


def _cut(nodes: list[ast.AST]) -> int | None:
    """N of ``text = text[N:]`` on the text read from the file: what the checker drops first."""
    read = {
        t.id
        for n in nodes
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and _name(n.value.func) == "read"
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    for node in nodes:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            s = node.slice
            if (
                s.lower is not None
                and s.upper is None
                and s.step is None
                and isinstance(node.value, ast.Name)
                and node.value.id in read
            ):
                n = _int(s.lower)
                if n is not None and n > 0:
                    return n
    return None


def _start(nodes: list[ast.AST]) -> int:
    """The first number ``enumerate`` gives the answers (1 when there is no enumerate)."""
    for node in nodes:
        if isinstance(node, ast.Call) and _name(node.func) == "enumerate":
            for k in node.keywords:
                if k.arg == "start":
                    return _int(k.value) if _int(k.value) is not None else 1  # type: ignore[return-value]
            if len(node.args) >= 2:
                n = _int(node.args[1])
                return 1 if n is None else n
            return 0
    return 1
