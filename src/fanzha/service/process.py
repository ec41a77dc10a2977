"""`fanzha serve` in a child process on 127.0.0.1 and a free port: what the crash test and the service's
benchmark start, kill and restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`fanzha serve --db DB --data DATA` on 127.0.0.1; its output goes to DATA/server.log."""

    def __init__(self, db: str, data: Path, *args: str, cpu: int | None = None) -> None:
        self.db, self.data, self.args, self.cpu = db, data, args, cpu
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> None:
        """Start it and wait until /v1/health answers."""
        import httpx

        self.data.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "fanzha.cli.main", "serve", "--db", self.db, "--data", str(self.data)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *self.args]
        started = time.perf_counter()
        with open(self.data / "server.log", "ab") as log:  # the child has its own copy of the descriptor
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log)
        if self.cpu is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(self.proc.pid, {self.cpu % (os.cpu_count() or 1)})
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError((self.data / "server.log").read_text(encoding="utf-8", errors="replace"))
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=1).status_code == 200:
                    self.started_in = time.perf_counter() - started
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"fanzha serve did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
