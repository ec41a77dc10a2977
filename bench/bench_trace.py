"""Fund tracing: the bars on synthetic worlds and the performance on a 10^7-transfer ledger.

    .venv/bin/python bench/bench_trace.py --out /tmp/bench-trace --doc docs/trace.md    # everything (~30 min)
    .venv/bin/python bench/bench_trace.py --quick --out /tmp/bench-trace                 # small world only

Worlds come from `fanzha sim` (presets small, medium and large, seed 0), generated into `--worlds` when
missing. `bars` runs `fanzha.evaluate.trace.evaluate_world` on small and medium; `perf` loads the large
ledger and times: the load, one victim's trace (alone, FIFO, several victims), all reported victims at once,
mule scoring over the whole ledger, peak memory, and the same traces done naively (a time-respecting
breadth-first search in networkx over the whole ledger, then a Python FIFO pass over it; and a plain
Python FIFO pass over every transfer for all victims). Writes `trace_bench.json` and `trace_bench.md` in
`--out`; with `--doc`, replaces the text between `<!-- bench:start -->` and `<!-- bench:end -->` there.
Times are wall-clock on this machine; nothing here is a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_world(worlds: Path, preset: str) -> Path:
    out = worlds / preset
    if (out / "manifest.json").is_file():
        return out
    print(f"generating the {preset} world into {out} …", file=sys.stderr)
    cmd = [
        sys.executable,
        "-c",
        "from fanzha.cli.main import main; main()",
        "sim",
        "--preset",
        preset,
        "--out",
        str(out),
        "--force",
        "--quiet",
    ]
    subprocess.run(cmd, check=True, cwd=REPO)
    return out


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


# -- the naive way ---------------------------------------------------------------------------------------
def naive_graph(ledger: Any) -> Any:
    import networkx as nx

    g = nx.MultiDiGraph()
    cur = ledger.con.execute("SELECT src, dst, pos FROM ledger WHERE NOT terminal ORDER BY pos")
    while True:
        rows = cur.fetchmany(1_000_000)
        if not rows:
            break
        g.add_edges_from((s, d, {"pos": p}) for s, d, p in rows)
    return g


def naive_bfs(g: Any, start: dict[int, int]) -> dict[int, int]:
    """Time-respecting BFS in networkx: account → earliest position money can arrive."""
    best = dict(start)
    queue = deque(start.items())
    while queue:
        a, e = queue.popleft()
        if best.get(a, 1 << 62) < e or a not in g:
            continue
        for _, d, data in g.out_edges(a, data=True):
            p = data["pos"]
            if p > e and p < best.get(d, 1 << 62):
                best[d] = p
                queue.append((d, p))
    return best


def naive_fifo_scan(
    arrays: dict[str, Any], seeds: dict[int, int], opening: Any, tracked: set[int] | None
) -> dict[int, int]:
    """A Python FIFO pass over every transfer: running balances for every account, queues for the `tracked`
    ones (every account when None). Returns victim → fen moved (a checksum of the attribution)."""
    src, dst = arrays["src"].tolist(), arrays["dst"].tolist()
    amount, terminal = arrays["amount"].tolist(), arrays["terminal"].tolist()
    bal = opening.tolist()
    queues: dict[int, deque[list[int]]] = {}
    moved: dict[int, int] = defaultdict(int)
    for i in range(len(src)):
        s, d, amt = src[i], dst[i], amount[i]
        v = seeds.get(i)
        q = queues.get(s)
        if v is not None:
            taken = [[v, amt]]
        elif q is not None:
            taken = []
            left = amt
            while left and q:
                head = q[0]
                k = min(head[1], left)
                taken.append([head[0], k])
                left -= k
                if k == head[1]:
                    q.popleft()
                else:
                    head[1] -= k
            if left:
                taken.append([-1, left])
        else:
            taken = [[-1, amt]]
        for label, k in taken:
            if label >= 0:
                moved[label] += k
        bal[s] -= amt
        if not terminal[i] and (tracked is None or d in tracked):
            qd = queues.get(d)
            if qd is None:
                qd = queues[d] = deque([[-1, bal[d]]] if bal[d] > 0 else [])
            qd.extend([lab, k] for lab, k in taken)
        bal[d] += amt
    return dict(moved)


def _balances_opening(ledger: Any) -> Any:
    import numpy as np

    acc = ledger.con.execute("SELECT opening FROM accounts ORDER BY aid").fetchnumpy()
    return np.asarray(acc["opening"], dtype=np.int64)


def trace_and_report(be: Any, seeds: list[Any], ledger: Any) -> tuple[Any, Any]:
    from fanzha.trace import trace
    from fanzha.trace.report import build_report

    r = trace(be, seeds, "fifo")
    return r, build_report(r, ledger)


# -- perf ------------------------------------------------------------------------------------------------
def profile(path: Path, be: Any, ledger: Any, one: list[Any], seeds: list[Any]) -> None:
    """pyinstrument profiles of one victim's trace and of all reported victims (duckdb backend)."""
    from pyinstrument import Profiler

    parts = []
    for label, sd in (("one victim", one), ("all reported victims", seeds)):
        prof = Profiler(interval=0.0005)
        prof.start()
        trace_and_report(be, sd, ledger)
        prof.stop()
        parts.append(f"## {label}\n\n" + prof.output_text(unicode=True, color=False, show_all=False))
    path.write_text("\n".join(parts), encoding="utf-8")


def perf(
    world: Path, victims_k: int, naive_k: int, with_naive: bool, profile_to: Path | None = None
) -> dict[str, Any]:
    from fanzha.evaluate.trace import world_seeds
    from fanzha.trace import get_backend, load_ledger, score_mules

    out: dict[str, Any] = {"world": str(world)}
    gc.collect()
    ledger, s = timed(load_ledger, world)
    out["transfers"] = ledger.report.rows_loaded
    out["accounts"] = ledger.report.accounts
    out["load_s"] = round(s, 2)
    out["rss_after_load_mb"] = round(rss_peak_mb())
    backends = {}
    for name in ("duckdb", "numpy"):
        be, s = timed(get_backend, name, ledger)
        backends[name] = be
        out[f"{name}_backend_build_s"] = round(s, 2)
    seeds = world_seeds(world, reported_only=True)
    by_victim: dict[str, list[Any]] = defaultdict(list)
    for sd in seeds:
        by_victim[sd.victim_id].append(sd)
    rng = random.Random(0)
    chosen = rng.sample(sorted(by_victim), min(victims_k, len(by_victim)))
    out["reported_victims"] = len(by_victim)
    out["reported_seeds"] = len(seeds)
    one: dict[str, Any] = {}
    for name, be in backends.items():
        times, stages = [], defaultdict(list)
        for v in chosen:
            (r, rep), sec = timed(trace_and_report, be, by_victim[v], ledger)
            times.append(sec)
            for k, x in r.stats["seconds"].items():
                stages[k].append(x)
        one[name] = {
            "victims": len(times),
            "median_s": round(statistics.median(times), 4),
            "p90_s": round(sorted(times)[int(0.9 * (len(times) - 1))], 4),
            "max_s": round(max(times), 4),
            "stage_median_s": {k: round(statistics.median(x), 4) for k, x in stages.items()},
        }
    out["one_victim"] = one
    allv: dict[str, Any] = {}
    for name, be in backends.items():
        (r, rep), sec = timed(trace_and_report, be, seeds, ledger)
        allv[name] = {
            "seconds": round(sec, 2),
            "victims": len(r.victims),
            "flows": r.n_flows,
            "accounts_reached": len(r.first),
            "rows_scanned": r.stats["rows_scanned"],
            "stages_s": {k: round(x, 3) for k, x in r.stats["seconds"].items()},
        }
    out["all_reported_victims"] = allv
    mules: dict[str, Any] = {}
    for name, be in backends.items():
        table, sec = timed(score_mules, be, ledger)
        mules[name] = {
            "seconds": round(sec, 2),
            "accounts_scored": table.num_rows,
            "flagged": int(sum(table["flagged"].to_pylist())),
        }
    out["mule_scoring"] = mules
    out["rss_peak_mb_before_naive"] = round(rss_peak_mb())
    if profile_to is not None:
        profile(profile_to, backends["duckdb"], ledger, by_victim[chosen[0]], seeds)
    if with_naive:
        out["naive"] = naive(ledger, backends["numpy"], by_victim, chosen[:naive_k], seeds)
    out["rss_peak_mb"] = round(rss_peak_mb())
    return out


def naive(
    ledger: Any, np_backend: Any, by_victim: dict[str, list[Any]], chosen: list[str], seeds: list[Any]
) -> dict[str, Any]:
    import numpy as np

    res: dict[str, Any] = {}
    g, sec = timed(naive_graph, ledger)
    res["networkx_build_s"] = round(sec, 1)
    res["networkx_edges"] = g.number_of_edges()
    res["rss_with_networkx_mb"] = round(rss_peak_mb())
    arrays = {
        "src": np_backend.src,
        "dst": np_backend.dst,
        "amount": np_backend.amount,
        "terminal": np_backend.terminal,
    }
    opening = _balances_opening(ledger)
    lookups = np_backend.lookup([s.transfer_id for s in seeds])
    per = []
    for v in chosen:
        t0 = time.perf_counter()
        start: dict[int, int] = {}
        seed_pos: dict[int, int] = {}
        for s in by_victim[v]:
            p, _, d, _, _, _ = lookups[s.transfer_id]
            start[d] = min(start.get(d, 1 << 62), p)
            seed_pos[p] = 0
        reach = naive_bfs(g, start)
        t1 = time.perf_counter()
        naive_fifo_scan(arrays, seed_pos, opening, set(reach))
        t2 = time.perf_counter()
        per.append((t1 - t0, t2 - t0))
    res["one_victim_bfs_s"] = round(statistics.median(x for x, _ in per), 3) if per else None
    res["one_victim_bfs_plus_fifo_scan_s"] = round(statistics.median(y for _, y in per), 2) if per else None
    res["one_victim_victims"] = len(per)
    del g
    gc.collect()
    label = {v: i for i, v in enumerate(sorted(by_victim))}
    seed_pos_all = {lookups[s.transfer_id][0]: label[s.victim_id] for s in seeds}
    _, sec = timed(naive_fifo_scan, arrays, seed_pos_all, opening, None)
    res["all_victims_full_fifo_scan_s"] = round(sec, 1)
    del np
    return res


# -- report ----------------------------------------------------------------------------------------------
def meta() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    import duckdb

    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "git_commit": commit,
        "date": time.strftime("%Y-%m-%d"),
        "load_average_start": os.getloadavg()[0],
    }


def pct(x: Any) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def markdown(data: dict[str, Any]) -> str:
    lines: list[str] = []
    m = data["meta"]
    lines.append(
        f"Measured {m['date']} at commit `{m['git_commit']}` on {m['cpu_model']} ({m['cores']} cores), "
        f"Python {m['python']}, DuckDB {m['duckdb']}; load average {m.get('load_average_start', 0):.1f} at the "
        f"start and {m.get('load_average_end', 0):.1f} at the end (other work shared the machine)."
    )
    lines.append("")
    for name, bars in data.get("bars", {}).items():
        lines.append(f"### Bars on the `{name}` world ({bars['transfers']:,} transfers)")
        lines.append("")
        lines.append("| check | result |")
        lines.append("|---|---|")
        for lin in bars["lineage"]:
            lines.append(
                f"| FIFO = lineage ({lin['backend']}), {lin['seeds']} seeds, {lin['truth_rows']} rows | "
                f"{'exact' if lin['exact'] else str(lin['mismatches']) + ' mismatches'} |"
            )
        for p in bars["policies"]:
            cons = {True: "conserved", False: "NOT conserved", None: "not a conserving policy"}[
                p["conserved"]
            ]
            lines.append(
                f"| {p['policy']}: {cons}; time order {'ok' if p['time_ordered'] else 'BROKEN'}; "
                f"freezable ≤ lowest balance {'ok' if p['freezable_le_lowest_balance'] else 'BROKEN'} | {p['flows']:,} flows |"
            )
        mu = bars["mules"]
        lines.append(
            f"| mules (threshold {mu['threshold']}): precision / recall | {mu['precision']} / {mu['recall']} "
            f"({mu['flagged']} flagged, {mu['truth_in_ledger']} true) |"
        )
        ga = bars["gangs"]
        lines.append(
            f"| gangs recovered (≥ 90 % of a gang's found accounts in one part, ≥ 90 % pure) | "
            f"{ga['recovered']} of {ga['truth_gangs']} ({ga['parts']} parts); pairs precision / recall "
            f"{ga['pair_precision']} / {ga['pair_recall']} |"
        )
        lines.append("")
        lines.append(
            "Freeze list, traced each evening (20:00) from the seeds known by then, summed over the evenings:"
        )
        lines.append("")
        lines.append(
            "| policy | seeds | listed | precision | coverage of the traced victims' remaining money | "
            "share of all victims' remaining money in listed accounts |"
        )
        lines.append("|---|---|---|---|---|---|")
        for f in bars["freeze_daily"]:
            lines.append(
                f"| {f['policy']} | {f['seeds']} | {f['listed']:,} | {pct(f['precision'])} | {pct(f['coverage'])} | "
                f"{pct(f['account_coverage'])} |"
            )
        lines.append("")
        lines.append("Each reported victim traced alone at the time of the report:")
        lines.append("")
        lines.append(
            "| policy | cases | with money left | listed | precision | coverage | remaining at report (yuan) |"
        )
        lines.append("|---|---|---|---|---|---|---|")
        for f in bars["freeze_at_reports"]:
            lines.append(
                f"| {f['policy']} | {f['cases']} | {f['cases_with_money_left']} | {f['listed']} | {pct(f['precision'])} | "
                f"{pct(f['coverage'])} | {f['traced_remaining_yuan']:,.2f} |"
            )
        lines.append("")
    p = data.get("perf")
    if p:
        lines.append(
            f"### Performance on the `large` world ({p['transfers']:,} transfers, {p['accounts']:,} accounts)"
        )
        lines.append("")
        lines.append("| measure | duckdb backend | numpy backend |")
        lines.append("|---|---|---|")
        lines.append(
            f"| load (Parquet → DuckDB, cleaned, sorted) | {p['load_s']} s | + {p['numpy_backend_build_s']} s to build its arrays |"
        )
        o = p["one_victim"]
        lines.append(
            f"| one victim's trace, FIFO + report: median / p90 / max over {o['duckdb']['victims']} reported victims | "
            f"{o['duckdb']['median_s']} / {o['duckdb']['p90_s']} / {o['duckdb']['max_s']} s | "
            f"{o['numpy']['median_s']} / {o['numpy']['p90_s']} / {o['numpy']['max_s']} s |"
        )
        a = p["all_reported_victims"]
        lines.append(
            f"| all {a['duckdb']['victims']} reported victims at once ({p['reported_seeds']} seeds) | "
            f"{a['duckdb']['seconds']} s | {a['numpy']['seconds']} s |"
        )
        mu = p["mule_scoring"]
        lines.append(
            f"| mule scoring over the whole ledger ({mu['duckdb']['accounts_scored']:,} accounts) | "
            f"{mu['duckdb']['seconds']} s | {mu['numpy']['seconds']} s |"
        )
        lines.append(
            f"| peak memory of the process (RSS) | {p['rss_peak_mb_before_naive']:,} MB before the naive runs | |"
        )
        n = p.get("naive")
        if n:
            lines.append("")
            lines.append("The same traces done naively:")
            lines.append("")
            lines.append("| naive measure | time | ratio to the duckdb / numpy backend |")
            lines.append("|---|---|---|")
            lines.append(
                f"| build a networkx MultiDiGraph of the ledger ({n['networkx_edges']:,} edges) | {n['networkx_build_s']} s | "
                f"(load: {p['load_s']} s) |"
            )
            if n["one_victim_bfs_s"] is not None:
                r1 = n["one_victim_bfs_plus_fifo_scan_s"] / o["duckdb"]["median_s"]
                r2 = n["one_victim_bfs_plus_fifo_scan_s"] / o["numpy"]["median_s"]
                lines.append(
                    f"| one victim: time-respecting BFS in networkx ({n['one_victim_bfs_s']} s) + Python FIFO pass over "
                    f"the ledger, median of {n['one_victim_victims']} | {n['one_victim_bfs_plus_fifo_scan_s']} s | "
                    f"{r1:,.0f}× / {r2:,.0f}× |"
                )
            ra = n["all_victims_full_fifo_scan_s"] / a["duckdb"]["seconds"]
            rb = n["all_victims_full_fifo_scan_s"] / a["numpy"]["seconds"]
            lines.append(
                f"| all reported victims: Python FIFO pass over every transfer, every account | "
                f"{n['all_victims_full_fifo_scan_s']} s | {ra:,.0f}× / {rb:,.0f}× |"
            )
            lines.append(f"| peak memory with the networkx graph | {n['rss_with_networkx_mb']:,} MB | |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("/tmp/bench-trace"))
    ap.add_argument(
        "--worlds", type=Path, default=Path("/tmp/fanzha-worlds"), help="where the sim worlds live"
    )
    ap.add_argument("--quick", action="store_true", help="bars on the small world only (a minute)")
    ap.add_argument("--bars", nargs="*", default=None, help="presets for the bars (default: small medium)")
    ap.add_argument("--perf", default="large", help="preset for the performance run ('' to skip)")
    ap.add_argument("--victims", type=int, default=30, help="victims timed alone")
    ap.add_argument("--naive-victims", type=int, default=3)
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument(
        "--cuts-every",
        type=int,
        default=None,
        help="days between freeze-list evenings (default 1 small, 3 others)",
    )
    ap.add_argument("--doc", type=Path, default=None, help="Markdown file whose bench section to replace")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from fanzha.evaluate.trace import evaluate_world

    args.out.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"meta": meta(), "quick": args.quick, "bars": {}}
    presets = ["small"] if args.quick else (args.bars if args.bars is not None else ["small", "medium"])
    for preset in presets:
        w = ensure_world(args.worlds, preset)
        every = args.cuts_every or (1 if preset == "small" else 3)
        data["bars"][preset], sec = timed(evaluate_world, w, cuts_every_days=every)
        data["bars"][preset]["seconds"] = round(sec, 1)
        print(f"bars on {preset}: {sec:.0f} s", file=sys.stderr)
    if args.perf and not args.quick:
        w = ensure_world(args.worlds, args.perf)
        data["perf"] = perf(w, args.victims, args.naive_victims, not args.no_naive, args.out / "profile.txt")
    data["meta"]["load_average_end"] = os.getloadavg()[0]
    (args.out / "trace_bench.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    md = markdown(data)
    (args.out / "trace_bench.md").write_text(md, encoding="utf-8")
    if args.doc is not None:
        text = args.doc.read_text(encoding="utf-8")
        a, b = "<!-- bench:start -->", "<!-- bench:end -->"
        if a in text and b in text:
            head, rest = text.split(a, 1)
            _, tail = rest.split(b, 1)
            args.doc.write_text(f"{head}{a}\n{md}{b}{tail}", encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
