#!/usr/bin/env python
"""Before and after in one run: the detector's speed in several checkouts of fanzha, interleaved.

    python bench/compare.py --checkout before=/path/to/old/worktree --checkout now=. --doc docs/bench/compare.md

Each checkout is a folder with its own `src/fanzha` (and, when it has one, its own `.venv`); its code is run in a
fresh process pinned to one CPU, so every checkout sees the same core. The rounds are interleaved (A B A B …) so
that a change in the machine's load during the run falls on every checkout alike; the figures are medians over
the rounds, and CPU time (what the process itself spent) is reported beside wall time, because on a shared machine
wall time measures the neighbours as much as the code.

What is measured, on the same texts for every checkout (the TF5 mix of bench/bench_detect.py when ../shared/data
is present, else the project mix):
- `Detector.analyze_many` over the texts (texts per CPU second and per wall second);
- `Detector()` construction (CPU seconds) and `import fanzha.detect` (CPU seconds) in a fresh process;
- `fanzha check TEXT` end to end as a subprocess (wall seconds, its start-up included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_detect import CHECK_TEXT, cpu_model, project_pool, tf5_mix  # noqa: E402

CHILD = r"""
import gc, json, sys, time
t0 = time.process_time()
import fanzha.detect
t_import = time.process_time() - t0
t0 = time.process_time()
d = fanzha.detect.Detector()
t_build = time.process_time() - t0
texts = json.load(open(sys.argv[1], encoding="utf-8"))
list(d.analyze_many(texts[:500]))
gc.collect()
c0, w0 = time.process_time(), time.perf_counter()
list(d.analyze_many(texts))
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
print(json.dumps({"import_cpu_s": t_import, "detector_cpu_s": t_build, "cpu_s": cpu, "wall_s": wall}))
"""


def python_of(folder: Path) -> list[str]:
    """The interpreter that runs a checkout: its own .venv when it has one, else this one with its src first."""
    own = folder / ".venv" / "bin" / "python"
    return [str(own if own.is_file() else Path(sys.executable))]


def env_of(folder: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(folder / "src"), "PYTHONHASHSEED": "0"}


def commit_of(folder: Path) -> str:
    proc = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return proc.stdout.strip() or "?"


def pinned(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def one_round(folder: Path, texts_file: Path) -> dict[str, float]:
    proc = subprocess.run(
        [*python_of(folder), "-c", CHILD, str(texts_file)],
        capture_output=True,
        text=True,
        env=env_of(folder),
        cwd=folder,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{folder}: the detector run failed:\n{proc.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    fanzha = [*python_of(folder), "-c", "from fanzha.cli.main import main; main()", "check", CHECK_TEXT]
    t0 = time.perf_counter()
    run = subprocess.run(fanzha, capture_output=True, env=env_of(folder), cwd=folder, check=False)
    figures["check_cli_wall_s"] = time.perf_counter() - t0
    if run.returncode not in (0, 1):
        raise SystemExit(f"{folder}: fanzha check failed:\n{run.stderr.decode(errors='replace')[-2000:]}")
    return figures


def summarise(rounds: list[dict[str, float]], count: int) -> dict[str, float]:
    med = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    return {
        "texts_per_cpu_s": round(count / med["cpu_s"], 1),
        "texts_per_wall_s": round(count / med["wall_s"], 1),
        "detector_cpu_s": round(med["detector_cpu_s"], 3),
        "import_cpu_s": round(med["import_cpu_s"], 3),
        "check_cli_wall_s": round(med["check_cli_wall_s"], 3),
    }


def render(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        "# Before and after, one run",
        "",
        f"Made by `{meta['command']}` on {meta['date']} ({meta['machine']}); {meta['rounds']} interleaved rounds, "
        f"each checkout in a fresh process pinned to CPU {meta['cpu']}; medians. Texts: {meta['texts']}.",
        "",
        "| checkout | commit | texts / CPU s | texts / wall s | Detector() CPU s | import CPU s | `fanzha check` wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | `{r['commit']}` | {r['texts_per_cpu_s']:,} | {r['texts_per_wall_s']:,} | "
            f"{r['detector_cpu_s']} | {r['import_cpu_s']} | {r['check_cli_wall_s']} |"
        )
    lines += ["", f"Load average at start / end: {meta['load_start']} / {meta['load_end']}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkout", action="append", required=True, metavar="NAME=FOLDER")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--texts", type=int, default=5000, help="how many texts of the mix (default 5000)")
    parser.add_argument("--cpu", type=int, default=(os.cpu_count() or 1) - 1)
    parser.add_argument("--doc", type=Path, help="write the table as Markdown here")
    args = parser.parse_args()
    checkouts: dict[str, Path] = {}
    for spec in args.checkout:
        name, _, folder = spec.partition("=")
        if not folder or not (Path(folder) / "src" / "fanzha").is_dir():
            parser.error(f"--checkout {spec!r}: expected NAME=FOLDER with FOLDER/src/fanzha")
        checkouts[name] = Path(folder).resolve()
    pinned(args.cpu)
    mix = tf5_mix(args.texts)
    texts, label = (mix[0], "TF5 mix") if mix else (project_pool()[: args.texts], "project mix")
    load_start = os.getloadavg()
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for i in range(args.rounds):
            for name, folder in checkouts.items():
                rounds[name].append(one_round(folder, texts_file))
            print(f"round {i + 1}/{args.rounds} done", file=sys.stderr)
    results = {
        name: {"commit": commit_of(folder), **summarise(rounds[name], len(texts))}
        for name, folder in checkouts.items()
    }
    meta = {
        "command": "python bench/compare.py " + " ".join(f"--checkout {c}" for c in args.checkout),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": cpu_model(),
        "rounds": args.rounds,
        "cpu": args.cpu,
        "texts": f"{len(texts):,} of the {label}",
        "load_start": " ".join(f"{x:.2f}" for x in load_start),
        "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2))
    if args.doc:
        args.doc.parent.mkdir(parents=True, exist_ok=True)
        tmp_doc = args.doc.with_name(args.doc.name + ".tmp")
        tmp_doc.write_text(render(results, meta), encoding="utf-8")
        tmp_doc.replace(args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
