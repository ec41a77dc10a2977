"""The trace benchmark runs (quick mode: the bars on a small world) and writes its JSON and Markdown.

Never asserts on times; the bars themselves are checked in test_sim_world.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchrun import run_bench


@pytest.mark.slow
def test_bench_trace_quick(tmp_path: Path) -> None:
    proc = run_bench(
        "bench_trace.py",
        "--quick",
        "--cuts-every",
        "7",
        "--out",
        str(tmp_path / "out"),
        "--worlds",
        str(tmp_path / "worlds"),
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads((tmp_path / "out" / "trace_bench.json").read_text(encoding="utf-8"))
    bars = data["bars"]["small"]
    assert {"lineage", "policies", "freeze_daily", "freeze_at_reports", "mules", "gangs"} <= bars.keys()
    assert all(x["exact"] for x in bars["lineage"])
    md = (tmp_path / "out" / "trace_bench.md").read_text(encoding="utf-8")
    assert "Bars on the `small` world" in md and "| fifo | all |" in md
