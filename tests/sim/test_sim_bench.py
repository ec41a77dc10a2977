"""The generator benchmark runs end to end on a tiny world (it never asserts on the measured times)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_sim_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "bench_sim.py"),
            "--preset",
            "small",
            "--people",
            "300",
            "--days",
            "3",
            "--check",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["transfers"] > 0 and figures["check_violations"] == 0
    assert {"transfers_per_s", "rows_per_s", "peak_rss_mb", "wall_s"} <= set(figures)
