"""The server's entry point: a server with every feature of ``features.FEATURES`` set up, and
``run`` (``mlops-report serve``)."""

from __future__ import annotations

import logging
import sys

from .features import FEATURES
from .server import ReportServer

GC_YOUNG = 10_000  # new objects between two collections of the youngest generation


def create_server() -> ReportServer:
    server = ReportServer()
    for setup in FEATURES:
        setup(server)
    return server


def _logging(log_file: str | None, verbose: bool) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler(sys.stderr)
    )  # never stdout: it carries the protocol
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # editors show a server's stderr as errors, so by default only real problems go there
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("pygls").setLevel(logging.WARNING)
        # every request the client cancels would otherwise log a warning
        logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)


def run(tcp: str | None = None, log_file: str | None = None, verbose: bool = False) -> int:
    """Serve over stdio, or on ``HOST:PORT`` for debugging."""
    _logging(log_file, verbose)
    server = create_server()
    import gc

    gc.freeze()  # the long-lived start-up objects need no more collecting: steadier latency
    # An analysis after an edit makes and drops thousands of small objects (more in a large
    # report), almost none in a cycle: collected every 700 new objects (Python's default), the
    # young ones are traced several times and promoted into full collections; at every
    # GC_YOUNG, most are gone before the collector looks (a keystroke in a report 100 times the
    # template's size: about twice as fast, bench/RESULTS.md).
    gc.set_threshold(GC_YOUNG, 10, 10)
    gc.enable()  # ``mlops-report serve`` imports the server with the collector off
    if tcp:
        host, _, port = tcp.rpartition(":")
        try:
            number = int(port)
        except ValueError:
            print(f"mlops-report: --tcp wants HOST:PORT, not {tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", number)
    else:
        from .stdio import serve

        serve(server)
    return server.exit_code or 0
