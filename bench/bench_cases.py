"""Linking at scale: 10^6 reports linked with DuckDB on one core, time and memory.

    .venv/bin/python bench/bench_cases.py --out /tmp/bench-cases --doc docs/cases.md      # 10^6 cases
    .venv/bin/python bench/bench_cases.py --cases 20000 --out /tmp/bench-cases            # a quick run

The case folder is synthetic, written straight as `fanzha cases intake` writes it (cases.parquet,
identifiers.parquet) with a trace output folder (flows.parquet), so the run measures linking, not the detector:
gangs run all year, rotating callers, QQ and WeChat ids, rooms and mule cards as `fanzha sim`'s gangs do (each in
use for days to weeks); a case notes down some of them (a full card or only 尾号), the reporter's own phone, now
and then a hotline or a courier outlet's landline shared by thousands of cases; one case in eight is a second
report of the same victim; one in six is another fraud with identifiers of its own. The losses' mule accounts
come as flows, each with the phone that made it (the victim's own, then one of the gang's six). Then `fanzha.cases.api.run_link` (DuckDB with one thread, Python for the union-find) links it
all and writes the link folder — run as `fanzha cases link … --threads 1` in a process of its own; the figures —
wall time of the command and of each step, peak memory of the linking process, and the pairwise precision and
recall against the generator's gangs — go to `cases_bench.json` / `.md` in `--out`, and
with `--doc` between `<!-- cases-bench:start -->` and `<!-- cases-bench:end -->`. Times are wall-clock on this
machine; nothing here is a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
DAY = 86_400 * 10**6
T0 = 1_709_222_400 * 10**6  # 2024-03-01 00:00 +08:00
BEGIN, END = "<!-- cases-bench:start -->", "<!-- cases-bench:end -->"


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _luhn(body: np.ndarray) -> np.ndarray:
    """Check digits of 18-digit bodies (int64 array) so that body·10 + digit passes the Luhn test."""
    total = np.zeros(len(body), dtype=np.int64)
    x = body.copy()
    for i in range(18):
        d = x % 10
        x //= 10
        if i % 2 == 0:
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += d
    return (10 - total % 10) % 10


def _rotating(
    rng: np.random.Generator, gangs: int, days: int, life: tuple[int, int], start: int
) -> list[np.ndarray]:
    """Per gang: the start days of its successive identifiers of one role (a new one every life[0]–life[1] days);
    an identifier's number is start + its index among all."""
    out = []
    n = start
    for _ in range(gangs):
        starts = np.cumsum(rng.integers(life[0], life[1] + 1, size=days // life[0] + 2)) - rng.integers(
            0, life[0] + 1
        )
        starts = starts[starts < days]
        out.append(np.r_[0, starts] + 0)
        n += len(out[-1])
    return out


def synthesize(n: int, out: Path, *, gangs: int, days: int, seed: int) -> dict[str, Any]:
    """Write the case folder and the trace folder; return the truth (gang per case) and the counts."""
    rng = np.random.default_rng(seed)
    cases_dir, trace_dir = out / "cases", out / "trace"
    cases_dir.mkdir(parents=True, exist_ok=True)
    trace_dir.mkdir(parents=True, exist_ok=True)
    unrelated = rng.random(n) < 1 / 6
    gang = np.where(unrelated, -1, rng.integers(0, gangs, n))
    t = T0 + rng.integers(0, days * DAY, n)
    day = (t - T0) // DAY
    # the same victim reporting twice: a case copies an earlier one's person, gang and time
    person = np.arange(n, dtype=np.int64)
    dup = (rng.random(n) < 1 / 8) & ~unrelated
    dup[0] = False
    src = (np.flatnonzero(dup) * rng.random(dup.sum())).astype(np.int64)
    keep = ~unrelated[src]  # a second report repeats a report of this scam
    dup[np.flatnonzero(dup)[~keep]] = False
    src = src[keep]
    person[dup] = person[src]
    gang[dup] = gang[src]
    day[dup] = day[src]
    t[dup] = t[src] + rng.integers(1, 5 * DAY, dup.sum())
    rows: dict[str, list[np.ndarray]] = {"case": [], "kind": [], "value": [], "role": [], "of": []}

    def add(
        mask: np.ndarray, kind: str, values: np.ndarray, role: str = "reported", of: str | None = None
    ) -> None:
        idx = np.flatnonzero(mask)
        rows["case"].append(idx)
        rows["kind"].append(np.full(len(idx), kind, dtype=object))
        rows["value"].append(values[idx].astype(str).astype(object))
        rows["role"].append(np.full(len(idx), role, dtype=object))
        rows["of"].append(np.full(len(idx), of, dtype=object))

    scam = ~unrelated
    g = np.maximum(gang, 0)
    # rotating gang identifiers: (role, concurrent slots, shortest and longest use in days, base number)
    for kind, slots, life, base, share in (
        ("phone", 3, (5, 14), 17_000_000_000, 0.7),
        ("qq", 2, (7, 21), 1_000_000_000, 0.4),
        ("wechat_id", 2, (6, 18), 0, 0.3),
        ("meeting_id", 2, (3, 8), 100_000_000, 0.3),
    ):
        slot = rng.integers(0, slots, n)
        period = (day + slot * 3) // ((life[0] + life[1]) // 2)
        number = base + (g * slots + slot) * 1000 + period
        values = np.array([f"kf_{x:012d}" for x in number]) if kind == "wechat_id" else number
        add(scam & (rng.random(n) < share), kind, values)
    # mule cards (a new one every 3–7 days): the full number or only its last four digits
    card_period = day // 5
    card_slot = rng.integers(0, 4, n)
    body = 622_202_000_000_000_000 + (g * 4 + card_slot) * 10_000_000 + card_period * 7919 % 10_000_000
    card = body * 10 + _luhn(body)
    u = rng.random(n)
    add(scam & (u < 0.25), "bank_card", card)
    add(scam & (u >= 0.25) & (u < 0.4), "partial_number", card % 10_000, of="bank_card")
    add(scam & (rng.random(n) < 0.1), "payment_account", np.array([f"pay{x:06d}@163.com" for x in g]))
    # the reporter's own phone (a duplicate repeats it), and the ids of other frauds (their own)
    add(rng.random(n) < 0.3, "phone", 13_800_000_000 + person, role="victim")
    add(unrelated, "phone", 15_000_000_000 + np.arange(n))
    add(unrelated & (rng.random(n) < 0.5), "qq", 3_000_000_000 + np.arange(n))
    # hotlines (50) and courier outlets' landlines (5,000): innocent numbers that cases of every group share
    hot = rng.random(n)
    add(hot < 0.1, "phone", 9_510_000 + rng.integers(0, 50, n))
    add((hot >= 0.1) & (hot < 0.2), "phone", 57_150_000_000 + rng.integers(0, 5000, n))
    ids = [f"C{i:08d}" for i in range(n)]
    case_idx = np.concatenate(rows["case"])
    pq.write_table(
        pa.table(
            {
                "case_id": pa.array(np.array(ids, dtype=object)[case_idx].tolist(), pa.string()),
                "kind": pa.array(np.concatenate(rows["kind"]).tolist(), pa.string()),
                "value": pa.array(np.concatenate(rows["value"]).tolist(), pa.string()),
                "role": pa.array(np.concatenate(rows["role"]).tolist(), pa.string()),
                "of": pa.array(np.concatenate(rows["of"]).tolist(), pa.string()),
                "start": pa.nulls(len(case_idx), pa.int32()),
                "end": pa.nulls(len(case_idx), pa.int32()),
                "text": pa.nulls(len(case_idx), pa.string()),
            }
        ),
        cases_dir / "identifiers.parquet",
    )
    from fanzha.cases.model import CASES

    ts = pa.array(t, pa.timestamp("us", tz="Asia/Shanghai"))
    table = pa.table(
        {
            "case_id": ids,
            "report_id": [f"R{i:08d}" for i in range(n)],
            "source": pa.nulls(n, pa.string()),
            "person_id": [f"P{p:08d}" for p in person],
            "reporter": pa.nulls(n, pa.string()),
            "time": ts,
            "contact_time": ts,
            "label": pa.nulls(n, pa.string()),
            "category": pa.nulls(n, pa.string()),
            "variant": pa.nulls(n, pa.string()),
            "stage": pa.nulls(n, pa.int8()),
            "score": pa.nulls(n, pa.float32()),
            "loss": pa.array([None] * n, pa.decimal128(18, 2)),
            "platforms": pa.nulls(n, pa.list_(pa.string())),
            "apps": pa.nulls(n, pa.list_(pa.string())),
            "mo": pa.array(
                [
                    ["variant:quality_refund", "app:TIM", "test_transfer"] if s else None
                    for s in scam.tolist()
                ],
                pa.list_(pa.string()),
            ),
            "origin": pa.array(["report"] * n, pa.string()),
        }
    ).cast(CASES)
    pq.write_table(table, cases_dir / "case.tmp.parquet")
    os.replace(cases_dir / "case.tmp.parquet", cases_dir / "cases.parquet")
    # flows: each loss (first reports of scams, 70 %) reaches three layers of its gang's mule accounts, as in
    # `fanzha sim`: cards bought in batches and used for days, layer 1 for 4, layer 2 for 8, layer 3 for 16,
    # the batches of a layer overlapping the next one's
    lost = scam & ~dup & (rng.random(n) < 0.7)
    li = np.flatnonzero(lost)
    layers = [
        (g[li] * 100_000 + layer * 10_000 + (day[li] + offset) // span) * 4 + rng.integers(0, 2, len(li))
        for layer, (span, offset) in enumerate(((4, 0), (8, 4), (16, 8)))
    ]
    # … each hop made from a phone, as trace's flows say (`device`): the victim's own for the first, then one of
    # the gang's six phones that run its cards (the card's), for as long as the gang runs
    victims = np.concatenate([li, li, li])
    accounts = np.concatenate(layers)
    sources = [f"V{i:08d}" for i in li] + [f"A{a:010d}" for a in np.concatenate(layers[:2])]
    phones = [f"DV{i:08d}" for i in li] + [f"D{g_ * 6 + a % 6:06d}" for g_, a in
                                            zip(np.concatenate([g[li], g[li]]), np.concatenate(layers[:2]), strict=True)]  # fmt: skip
    pq.write_table(
        pa.table(
            {
                "victim_id": pa.array([f"R{i:08d}" for i in victims], pa.string()),
                "src": pa.array(sources, pa.string()),
                "dst": pa.array([f"A{a:010d}" for a in accounts], pa.string()),
                "device": pa.array(phones, pa.string()),
                "terminal": pa.array(np.zeros(len(victims), dtype=bool)),
            }
        ),
        trace_dir / "flows.parquet",
    )
    return {"gang": gang, "identifiers": int(len(case_idx)), "flows": int(len(victims)), "duplicates": int(dup.sum()),
            "unrelated": int(unrelated.sum())}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--gangs", type=int, default=400)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="DuckDB threads (one core: 1)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--doc", type=Path)
    a = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from fanzha.evaluate.cases import pair_scores

    a.out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    truth = synthesize(a.cases, a.out, gangs=a.gangs, days=a.days, seed=a.seed)
    gen_s = time.perf_counter() - t0
    # the command an investigator runs, in a process of its own: its time and its peak memory
    cmd = [sys.executable, "-m", "fanzha.cli.main", "cases", "link", str(a.out / "cases"), "--trace-out",
           str(a.out / "trace"), "--threads", str(a.threads), "--json", "--quiet"]  # fmt: skip
    t1 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO)
    link_s = time.perf_counter() - t1
    if done.returncode != 0:
        raise SystemExit(f"fanzha cases link failed:\n{done.stderr}")
    summary = json.loads(done.stdout)
    rss_link = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    gang = truth["gang"]
    groups = [f"G{x}" if x >= 0 else f"none:{i}" for i, x in enumerate(gang.tolist())]
    with open(a.out / "cases" / "link" / "case_clusters.csv", encoding="utf-8", newline="") as fh:
        labels = {r["case_id"]: int(r["cluster"]) if r["cluster"] else -1 for r in csv.DictReader(fh)}
    scores = pair_scores([labels[f"C{i:08d}"] for i in range(a.cases)], groups)
    figures = {
        "cases": a.cases,
        "gangs": a.gangs,
        "days": a.days,
        "identifiers": truth["identifiers"],
        "flows": truth["flows"],
        "duplicates": truth["duplicates"],
        "unrelated": truth["unrelated"],
        "generate_seconds": round(gen_s, 1),
        "link_seconds": round(link_s, 1),
        "link_steps": summary.get("steps", {}),
        "link_peak_rss_mb": round(rss_link, 0),
        "generator_peak_rss_mb": round(rss_peak_mb(), 0),
        "summary": summary,
        "pairwise": scores,
        "meta": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "duckdb_threads": a.threads,
            "load_start": round(load, 2),
            "load_end": round(os.getloadavg()[0], 2),
        },
    }
    (a.out / "cases_bench.json").write_text(
        json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    md = markdown(figures)
    (a.out / "cases_bench.md").write_text(md, encoding="utf-8")
    print(md)
    if a.doc is not None:
        from fanzha.errors import InputError
        from fanzha.evaluate.blocks import replace_block

        try:
            replace_block(a.doc, md, BEGIN, END)
        except InputError as exc:
            raise SystemExit(str(exc)) from None


def markdown(f: dict[str, Any]) -> str:
    s = f["summary"]
    steps = f["link_steps"]
    lines = [
        f"Measured with `python bench/bench_cases.py --cases {f['cases']} --out DIR` (DuckDB threads: "
        f"{f['meta']['duckdb_threads']}; Python {f['meta']['python']}, {f['meta']['cpus']} CPUs, load average "
        f"{f['meta']['load_start']} at the start and {f['meta']['load_end']} at the end).",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| cases (reports) | {f['cases']:,} |",
        f"| identifiers noted down / ledger flows | {f['identifiers']:,} / {f['flows']:,} |",
        f"| gangs / days / duplicates / unrelated | {f['gangs']} / {f['days']} / {f['duplicates']:,} / {f['unrelated']:,} |",
        f"| **`fanzha cases link`, wall time** (start-up, reading, linking, writing the link folder) | **{f['link_seconds']} s** |",
        *(f"| … {k} | {v} s |" for k, v in steps.items()),
        f"| **peak memory of the link process (RSS)** | **{f['link_peak_rss_mb']:,.0f} MB** |",
        f"| clusters / largest / hubs | {s['clusters']:,} / {s['largest_cluster']:,} / {s['hubs']:,} |",
        f"| pairwise precision / recall against the generator's gangs | {f['pairwise']['precision']} / {f['pairwise']['recall']} |",
        f"| (writing the synthetic folder, not part of linking) | {f['generate_seconds']} s |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
