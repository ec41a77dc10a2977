"""The test PostgreSQL server does not outlive an interrupted test run (tests/pgserver.py's watchdog)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

_HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pgserver import PgServer, binaries
server = PgServer(binaries()).start()
print(server.port, server.root, flush=True)
time.sleep(3600)
"""


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_killed_test_process_leaves_no_server_behind() -> None:
    from pgserver import binaries

    if binaries() is None:
        pytest.skip("PostgreSQL binaries not found (scripts/system-deps.sh installs them)")
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        port_text, root = holder.stdout.readline().split()
        port = int(port_text)
        assert _accepts(port) and Path(root).is_dir()
        os.kill(holder.pid, signal.SIGKILL)  # as `kill -9` of a pytest run would
    # the watchdog stops the server and removes its folder; wait for it, bounded (not a timing assertion)
    for _ in range(240):
        if not _accepts(port) and not Path(root).exists():
            break
        time.sleep(0.5)
    assert not _accepts(port), "the server still listens after its test process was killed"
    assert not Path(root).exists(), "the server's folder was left behind"
