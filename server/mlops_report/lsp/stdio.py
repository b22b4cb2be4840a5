"""Serving over stdio with stdin read on the event loop.

pygls' own stdio server reads every header line and every message body in a worker thread
(``run_in_executor``): three thread hand-overs per message, each waking the event loop through
its self-pipe. A keystroke is two messages (the change and the pull), so those hand-overs were a
third of what the server spent per keystroke beyond its analysis (bench/README.md, "Reading
stdin on the event loop"). Here stdin is an asyncio pipe: the loop is woken once when bytes
arrive and reads the header and body from its buffer. pygls' message loop (``run_async``) and
protocol are used as they are; only the reader differs.

Only a pipe or a socket is read this way (what an editor starts us with). asyncio makes the
descriptor non-blocking, which for a terminal would outlive us and change the shell's
terminal; a terminal, a regular file and Windows keep pygls' own reader.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
import threading
from typing import BinaryIO

from pygls.io_ import StdoutWriter, run_async

from .server import ReportServer

log = logging.getLogger(__name__)

# The buffer's soft limit: reading pauses above twice this and a header line longer than this
# is dropped (a message body is read whole, whatever its length).
LIMIT = 1 << 20


def readable_on_loop(stdin: BinaryIO) -> bool:
    """Whether ``stdin`` is a pipe or a socket that the event loop can read (not on Windows)."""
    if sys.platform == "win32":
        return False
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


class _Reader:
    """What pygls' message loop reads from: lines and exact lengths, ``b""`` at the end."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    async def readline(self) -> bytes:
        try:
            return await self.stream.readline()
        except ValueError:
            # a line longer than LIMIT: asyncio has dropped it; a line that is not a header
            # leaves the message loop waiting for the next header, as for any other junk
            log.warning("dropped a header line longer than %d bytes", LIMIT)
            return b"-\r\n"

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self.stream.readexactly(n)
        except asyncio.IncompleteReadError:
            return b""  # the client closed stdin in the middle of a message


def serve(server: ReportServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Serve ``server`` over stdio until the client says exit or closes stdin."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    if not readable_on_loop(stdin):
        server.start_io(stdin, stdout)
        return
    stop = server._stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout))

    async def loop() -> None:
        stream = asyncio.StreamReader(limit=LIMIT)
        await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), stdin)
        await run_async(
            stop_event=stop,
            reader=_Reader(stream),
            protocol=server.protocol,
            logger=log,
            error_handler=server.report_server_error,
        )

    try:
        asyncio.run(loop())
    except BrokenPipeError:
        log.error("the client closed the connection")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
