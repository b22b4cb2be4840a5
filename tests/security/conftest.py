"""The language server fixtures of ``tests/lsp/conftest.py`` (and the markers they read) for the
security tests that drive the server over stdio; a module's own ``client``, as in
``test_git.py``, takes precedence."""

from tests.lsp.conftest import client, pytest_configure, session  # noqa: F401 - pytest finds these by name here
