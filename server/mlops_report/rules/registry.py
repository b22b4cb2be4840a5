"""Every rule, collected from its family module, and the routes the analysis takes through them:
the checks to run once per question, those to run once per document, and the context fields the
question rules read (the parts of the per-question cache key).

A family module is listed once here; its rules are found in it (every ``Rule`` whose check it
defines), in the order it declares them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from .context import DOCUMENT_KEYS, EVERY_EDIT, KEYS, WIDE
from .rule import Check, Rule

FAMILIES = (
    "counts",
    "figures",
    "traps",
    "structure",
    "identity",
    "rendering",
    "checker_differs",
    "template_outdated",
    "handin",
    "figures_files",
    "evidence",
)

RULES: dict[str, Rule] = {}  # by code, in the order of the families and their declarations


class KeyPart(NamedTuple):
    field: str
    key: Callable[[Any], Hashable]
    when: tuple[Callable[[Any], bool], ...] | None  # None: always read; else read where one holds


class Routes(NamedTuple):
    generation: int  # changes with every change of the rules: findings cached before are not reused
    question: tuple[Check, ...]
    document: tuple[Check, ...]
    key: tuple[KeyPart, ...]  # what the question rules read, each field once
    wide: frozenset[str]  # the fields of ``context.WIDE`` among them
    # per document check (in the order of ``document``): the key functions of the fields its
    # rules read, or None when one of them changes with every edit (it runs on every analysis)
    document_key: tuple[tuple[Callable[[Any], Hashable], ...] | None, ...]


def _route(generation: int) -> Routes:
    question: list[Check] = []
    document: list[Check] = []
    reads: dict[str, list[Callable[[Any], bool] | None]] = {}
    document_reads: list[dict[str, None]] = []
    for rule in RULES.values():
        checks = question if rule.scope == "question" else document
        if not any(c is rule.check for c in checks):
            checks.append(rule.check)
            if rule.scope == "document":
                document_reads.append({})
        if rule.scope == "question":
            for r in rule.read:
                reads.setdefault(r.field, []).append(r.when)
        else:
            k = next(k for k, c in enumerate(document) if c is rule.check)
            document_reads[k].update(dict.fromkeys(r.field for r in rule.read))
    key = tuple(
        KeyPart(f, KEYS[f], None if None in whens else tuple(w for w in whens if w is not None))
        for f, whens in reads.items()
    )
    document_key = tuple(
        None if EVERY_EDIT & set(fields) else tuple(DOCUMENT_KEYS[f] for f in fields) for fields in document_reads
    )
    return Routes(generation, tuple(question), tuple(document), key, frozenset(reads) & frozenset(WIDE), document_key)


def _add(rule: Rule) -> None:
    if rule.code in RULES:
        raise ValueError(f"two rules declare the code {rule.code}")
    RULES[rule.code] = rule


def _collect() -> None:
    for name in FAMILIES:
        module = importlib.import_module(f"{__package__}.{name}")
        for value in vars(module).values():
            if isinstance(value, Rule) and value.check.__module__ == module.__name__:
                _add(value)


_collect()
_routes = _route(0)


def routes() -> Routes:
    return _routes


@contextmanager
def registered(*rules: Rule) -> Iterator[None]:
    """The rules in force for the duration of the block (a test's own rule, say), then gone."""
    global _routes
    for rule in rules:
        _add(rule)
    _routes = _route(_routes.generation + 1)
    try:
        yield
    finally:
        for rule in rules:
            if RULES.get(rule.code) is rule:
                del RULES[rule.code]
        _routes = _route(_routes.generation + 1)
