"""Caches sized in bytes, not in entries.

A cache of 8192 parsed questions is small for answers of a few hundred words and 8 GB for a
pasted 1 MB image: every keystroke in that answer makes a new entry. Here every cache has a
budget in bytes, every entry a weight (the sizes of the strings it keeps, plus an allowance for
the small objects around them), and the least recently used entries go when the budget is
exceeded. An entry heavier than its cache's whole budget is simply not kept.

The budgets add up to ``TOTAL`` (64 MB) for the caches of the module and of one ``Analyzer``.
"""

from __future__ import annotations

import functools
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MB = 1 << 20
TOTAL = 64 * MB
# the split of TOTAL: parsed questions, checker chunk counts and fingerprints (module-wide),
# then the findings per question and the last analysis per document (per Analyzer)
SEGMENTS = 16 * MB
CHUNKS = 4 * MB
FINGERPRINTS = 4 * MB
FINDINGS = 16 * MB
DOCUMENTS = 24 * MB  # the analysis of a 3,100-question report (100 times the template) weighs ~22 MB

OBJECT = 256  # the allowance for one small object (a tuple, a span, a finding) and its fields

_MISSING = object()


def size_of(text: str | None) -> int:
    """The bytes a string takes (its length times 1, 2 or 4, plus its header)."""
    return 0 if text is None else sys.getsizeof(text)


class ByteCache(Generic[K, V]):
    """A least-recently-used map whose entries together weigh at most ``budget`` bytes."""

    def __init__(self, name: str, budget: int) -> None:
        self.name = name
        self.budget = budget
        self.bytes = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V, weight: int) -> None:
        self.discard(key)
        if weight > self.budget:
            return
        self._entries[key] = (value, weight)
        self.bytes += weight
        while self.bytes > self.budget:
            _, (_, w) = self._entries.popitem(last=False)
            self.bytes -= w

    def discard(self, key: K) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


CACHES: list[ByteCache] = []  # the module-wide ones, for tests and statistics


def memoised(name: str, budget: int, weigh: Callable[..., int]):
    """Cache a function of hashable arguments in a ``ByteCache``; ``weigh(*args, result)``
    gives an entry's weight. The wrapper keeps ``cache`` and ``cache_clear`` like
    ``functools.lru_cache``."""

    def wrap(fn: Callable[..., V]) -> Callable[..., V]:
        cache: ByteCache = ByteCache(name, budget)
        CACHES.append(cache)

        @functools.wraps(fn)
        def cached(*args):
            hit = cache.get(args, _MISSING)
            if hit is not _MISSING:
                return hit
            value = fn(*args)
            cache.put(args, value, weigh(*args, value))
            return value

        cached.cache = cache  # type: ignore[attr-defined]
        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        return cached

    return wrap
