"""A tiny JSON-RPC client over a server's stdio, framed by hand so tests can also send bytes
no real client would."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class Server:
    def __init__(self, cwd: Path, log: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
        self.log = open(log, "wb")  # noqa: SIM115 - the server writes to it until close() closes it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mlops_report", "serve"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self.inbox: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        self.config: Any = {}
        threading.Thread(target=self._read, daemon=True).start()

    # -- wire -------------------------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            self.inbox.put(json.loads(out.read(length)))

    # -- messages ---------------------------------------------------------------------------------

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any = None, timeout: float = 20.0) -> dict:
        """Send a request and return the whole response (with "result" or "error")."""
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def wait_for(self, match, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            try:
                msg = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise ConnectionError(f"the server closed its output (exit {self.proc.poll()})")
            if "method" in msg and "id" in msg:  # a request from the server
                self._answer(msg)
                continue
            if "method" in msg:
                self.notifications.append(msg)
            if match(msg):
                return msg

    def drain(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            self.wait_for(lambda m: False, seconds)

    def _answer(self, msg: dict) -> None:
        result: Any = None
        if msg["method"] == "workspace/configuration":
            result = [self.config for _ in msg["params"]["items"]]
        self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # -- end --------------------------------------------------------------------------------------

    def children(self) -> list[int]:
        """Processes the server started that are still running."""
        out = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                out.append(int(pid))
        return out

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()
