"""The generator benchmark runs end to end on a tiny world (it never asserts on the measured times)."""

from __future__ import annotations

import json
from pathlib import Path

from benchrun import run_bench


def test_bench_sim_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = run_bench(
        "bench_sim.py",
        "--preset",
        "small",
        "--people",
        "300",
        "--days",
        "3",
        "--check",
        "--json",
        str(out),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["transfers"] > 0 and figures["check_violations"] == 0
    assert {"transfers_per_s", "rows_per_s", "peak_rss_mb", "wall_s"} <= set(figures)
