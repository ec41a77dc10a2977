"""A real PostgreSQL server for the tests: Debian's binaries (`/usr/lib/postgresql/*/bin`, installed by
scripts/system-deps.sh), `initdb` in a temporary folder, `pg_ctl start` on 127.0.0.1 on a free port, stopped at
the end. As root, the server runs as the `postgres` user (initdb refuses root).

A watchdog process, in a session of its own, holds the read end of a pipe whose write end only the test process
holds: when the test process ends in any way (a normal stop, Ctrl-C, `kill -9` of the pytest run), the pipe closes
and the watchdog stops the server and removes its folder, so an interrupted run leaves no server behind."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fanzha.service.process import free_port


def binaries() -> Path | None:
    """The folder of initdb / pg_ctl (the newest Debian version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


class PgServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="fanzha-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
                self.user = "postgres"
            except KeyError:
                self.user = "nobody"
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.user)
        self._names = itertools.count(1)
        self._watchdog: subprocess.Popen[bytes] | None = None

    def _command(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return cmd

    def _run(self, *args: str) -> None:
        subprocess.run(self._command(*args), check=True, capture_output=True, timeout=120)

    def _start_watchdog(self) -> None:
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.root), *stop],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def start(self) -> PgServer:
        self._start_watchdog()
        self._run("initdb", "-D", str(self.data), "-U", "fanzha", "--auth=trust", "-E", "UTF8", "--no-locale")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://fanzha@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(
            self.url().replace("postgresql://", "postgresql://", 1), autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)
        if self._watchdog is not None and self._watchdog.stdin is not None:
            self._watchdog.stdin.close()  # the watchdog finds the server stopped and the folder gone, and exits
            self._watchdog.wait(timeout=120)


# the watchdog: wait until the test process's end of the pipe closes, then stop the server and remove its folder
_WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.buffer.read()
subprocess.run(sys.argv[2:], capture_output=True, timeout=120)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""
