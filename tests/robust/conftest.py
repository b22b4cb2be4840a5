"""Hypothesis profiles for the robustness tests.

``default``: a short run inside the normal suite (the same examples every time under CI's
``HYPOTHESIS_PROFILE=ci``). ``fuzz``: what ``tests/fuzz.py`` selects
(many examples, no deadline); its size comes from ROBUST_EXAMPLES.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("ROBUST_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=_SLOW_OK,
    derandomize=os.environ.get("HYPOTHESIS_PROFILE") == "ci",  # CI draws the same examples (tests/conftest.py)
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("ROBUST_EXAMPLES", 2000)),
    deadline=None,
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.load_profile(os.environ.get("ROBUST_PROFILE", "default"))

CASES: Counter[str] = Counter()


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("ROBUST_CASES_FILE")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(dict(CASES), fh)
