"""Shared test fixtures: where ../shared is, the synthetic report builder, and the language
servers a test module shares (started by ``tests/lsp/conftest.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import settings

# The property tests draw new examples on every run on a developer's machine (`make fuzz` runs
# them long); CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) draws the same examples every time, so a
# red CI is a change in the code, not the luck of the draw.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# a document rule whose findings the analysis takes over after an edit runs again and must say
# the same: a rule declaring too little in ``reads`` fails the test that shows it
os.environ["MLOPS_REPORT_VERIFY_READS"] = "1"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# the git program as the tests run it to build repositories: no user or system configuration,
# a fixed identity
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


@pytest.fixture
def builder():
    from tests.builder import ReportBuilder

    return ReportBuilder


@pytest_asyncio.fixture(scope="session")
async def lsp_servers():
    """Client profile -> a started language server, shared by the tests of a session (of one
    pytest worker); each is shut down at the end. Here, so that a module elsewhere importing the
    ``client`` fixture of ``tests/lsp/conftest.py`` finds it too."""
    started: dict = {}
    yield started
    from tests.lsp.conftest import stop

    for client in started.values():
        await stop(client)


# The long runs, marked `slow` here in one place (`make test-fast` leaves them out; `make test`
# and `.ci/run` run them): every Hypothesis property, the random server sessions, the editors
# driven for real, and whatever a module marks itself (a build, an install).
SLOW_MODULES = ("tests/robust/test_server.py", "tests/editors/", "tests/bench/")


# The tests that measure time against itself (n against 8n): `make test` runs them alone, after
# the parallel part, so that another worker's load cannot skew a ratio. Memory is measured in a
# process of its own (load does not change it), and tests/bench/ asserts no figure: both run in
# the parallel part.
SERIAL_MODULES = ("tests/security/test_linear.py",)


def pytest_collection_modifyitems(config, items):
    for item in items:
        where = item.path.relative_to(ROOT).as_posix() if item.path.is_relative_to(ROOT) else ""
        if (
            getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
            or where.startswith(SLOW_MODULES)
            or item.get_closest_marker("e2e")
        ):
            item.add_marker(pytest.mark.slow)
        if where.startswith(SERIAL_MODULES):
            item.add_marker(pytest.mark.serial)
