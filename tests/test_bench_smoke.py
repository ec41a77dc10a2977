"""The benchmark script runs (quick mode) and writes the figures docs/benchmarks.md explains.

The benchmarks themselves are not tests: this only checks that `bench/bench_detect.py --quick` works end to end
and that its JSON has the expected keys. It never asserts on the measured times.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchrun import run_bench


@pytest.mark.slow
def test_bench_quick_writes_json_and_markdown(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    proc = run_bench("bench_detect.py", "--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert {
        "quick",
        "meta",
        "sizes",
        "mixes",
        "batch",
        "batch_record",
        "latency",
        "chats",
        "startup",
        "cli_batch",
        "memory",
        "profile",
        "aims",
    } <= data.keys()
    assert data["quick"] is True
    assert {"cpu_model", "python", "git_commit", "pinned_cpu", "date"} <= data["meta"].keys()
    assert set(data["aims"]) == {"batch_sms_per_s", "latency_p99_ms", "startup_s"}
    for aim in data["aims"].values():
        assert {"aim", "measured", "met"} <= aim.keys()
    assert "project" in data["batch"] and "project" in data["latency"]
    assert {"analyze_many", "analyze", "stages"} <= data["batch"]["project"].keys()
    assert data["batch"]["project"]["analyze_many"]["per_s"] > 0
    assert data["batch"]["project"]["analyze"]["per_s"] > 0
    assert {"p50_ms", "p90_ms", "p99_ms", "max_ms", "calls"} <= data["latency"]["project"].keys()
    assert data["chats"]["turns_per_chat"] == 30
    assert {
        "python_bare",
        "fanzha_check_text",
        "python_detector",
        "importtime_top10",
        "detector_breakdown_s",
    } <= (data["startup"].keys())
    assert len(data["startup"]["importtime_top10"]) == 10
    assert data["cli_batch"]["messages"] > 0
    assert {"peak_rss_mb", "detector_rss_delta_mb", "detector_python_heap_mb"} <= data["memory"].keys()
    md = (out / "bench.md").read_text(encoding="utf-8")
    assert "## Aims" in md and "## Batch throughput" in md and "## Memory" in md


@pytest.mark.slow
def test_compare_runs_two_checkouts_interleaved(tmp_path: Path) -> None:
    """bench/compare.py on this checkout twice: a table row per checkout; a folder that is not a checkout is
    refused before any work."""
    doc = tmp_path / "compare.md"
    proc = run_bench(
        "compare.py", "--checkout", "a=.", "--checkout", "b=.", "--rounds", "1", "--texts", "40", "--doc", doc
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    assert set(results) == {"a", "b"}
    assert all(r["texts_per_cpu_s"] > 0 for r in results.values())
    table = doc.read_text(encoding="utf-8")
    assert "| a |" in table and "| b |" in table
    bad = run_bench("compare.py", "--checkout", f"x={tmp_path}")
    assert bad.returncode == 2 and "NAME=FOLDER" in bad.stderr
