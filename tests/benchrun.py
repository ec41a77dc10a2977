"""Run a script of `bench/` as its own process from the repository root, as the bench smoke tests do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_bench(script: str, *args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python bench/SCRIPT ARGS…` with the test's interpreter; output captured as text."""
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )
