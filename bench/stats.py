"""Medians and percentiles of timings, shown in milliseconds."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass
class Sample:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max(self) -> float:
        return max(self.seconds)

    def percentile(self, p: float) -> float:
        xs = sorted(self.seconds)
        return xs[min(len(xs) - 1, max(0, math.ceil(p / 100 * len(xs)) - 1))]

    def __len__(self) -> int:
        return len(self.seconds)


def ms(seconds: float) -> str:
    v = seconds * 1000
    return f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms" if v < 1000 else f"{seconds:.2f} s"


def growth(sizes: list[float], times: list[float]) -> float:
    """The exponent k of time ~ size^k between the smallest and the largest size."""
    return math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
