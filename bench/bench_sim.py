#!/usr/bin/env python
"""World-generator benchmark: ledger rows per second, total rows per second, wall time and peak memory.

    python bench/bench_sim.py --preset large                   # the aim: 10^7 transfers in ≤ 5 min within 4 GB
    python bench/bench_sim.py --preset small --check           # seconds; also times `fanzha sim --check`
    python bench/bench_sim.py --people 300 --days 3 --json out.json

The world is written to a temporary folder (removed afterwards unless --keep DIR is given). Peak memory is the
process's maximum resident set size (resource.getrusage), measured after generation and again after the check.
The figures in docs/sim.md come from this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from fanzha.sim.config import preset  # noqa: E402
from fanzha.sim.generate import simulate  # noqa: E402
from fanzha.sim.validate import check_world  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="large", choices=["small", "medium", "large"])
    ap.add_argument("--people", type=int)
    ap.add_argument("--days", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--keep", type=Path, help="write the world here and keep it")
    ap.add_argument("--check", action="store_true", help="also run the checker on the world and time it")
    ap.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    args = ap.parse_args(argv)
    cfg = preset(args.preset)
    changes = {
        k: v for k, v in (("people", args.people), ("days", args.days), ("seed", args.seed)) if v is not None
    }
    cfg = cfg.replace(**changes) if changes else cfg
    tmp = None
    if args.keep is not None:
        out = args.keep
    else:
        tmp = tempfile.mkdtemp(prefix="fanzha-bench-sim-")
        out = Path(tmp) / "world"
    try:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        result = simulate(cfg, out)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        rss_gen = peak_rss_mb()
        rows = result.rows
        transfers = rows["transfers.parquet"]
        total = sum(rows.values())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        figures: dict[str, Any] = {
            "config": cfg.to_dict(),
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
            "transfers": transfers,
            "events": rows["events.parquet"],
            "rows_total": total,
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "transfers_per_s": round(transfers / wall),
            "rows_per_s": round(total / wall),
            "peak_rss_mb": round(rss_gen),
            "bytes_on_disk": size,
            "campaigns": len(result.campaigns),
            "victims_with_loss": sum(1 for c in result.campaigns if c.amount_lost),
        }
        if args.check:
            t1 = time.perf_counter()
            violations = check_world(out)
            figures["check_s"] = round(time.perf_counter() - t1, 2)
            figures["check_violations"] = len(violations)
            figures["peak_rss_mb_with_check"] = round(peak_rss_mb())
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        "| preset | people | days | transfers | events | all rows | wall (s) | transfers/s | rows/s | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {args.preset}{' (modified)' if changes else ''} | {cfg.people:,} | {cfg.days} | {transfers:,} | "
        f"{rows['events.parquet']:,} | {total:,} | {wall:.1f} | {figures['transfers_per_s']:,} | "
        f"{figures['rows_per_s']:,} | {figures['peak_rss_mb']:,} |",
    ]
    if args.check:
        lines.append(
            f"\ncheck: {figures['check_s']} s, {figures['check_violations']} violation(s), "
            f"peak RSS {figures['peak_rss_mb_with_check']:,} MB"
        )
    print("\n".join(lines))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
