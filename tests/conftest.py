"""Shared test fixtures: where ../shared is, the synthetic report builder, and the language
servers a test module shares (started by ``tests/lsp/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def builder():
    from tests.builder import ReportBuilder

    return ReportBuilder


@pytest_asyncio.fixture(scope="module")
async def lsp_servers():
    """Client profile -> a started language server, shared by the tests of one module; each is
    shut down when the module is done. Here, so that a module elsewhere importing the
    ``client`` fixture of ``tests/lsp/conftest.py`` finds it too."""
    started: dict = {}
    yield started
    from tests.lsp.conftest import stop

    for client in started.values():
        await stop(client)
