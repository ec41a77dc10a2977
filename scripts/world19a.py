"""World 19A, before adaptation: today's warn and trace, unchanged, on the world with look-alikes and third parties.

    python scripts/world19a.py --preset small --seed 0 --work /tmp/w19a_small_0

Generates the world (when WORK/world does not exist), writes each telemetry profile (`fanzha sim --telemetry`),
replays each through `fanzha warn` in arrival order (`--order file`, the default 30-minute lateness bound) and
prints, as Markdown: false alerts per 10,000 ordinary people per day (by level), recall before first loss with
the median lead, events set aside as late, episodes alerted per look-alike kind (an alert on the person from the
episode's start to 24 hours after its end); then `fanzha trace` (FIFO, every seed of investigation/seeds.csv)
and its freeze list: the share of true mules by count and amount, and the balance listed in innocent accounts
(third parties, by role, and ordinary accounts).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

FANZHA = str(Path(sys.executable).with_name("fanzha"))
PROFILES = ("full", "bank_telco", "bank_telco@time", "bank")
DAY = timedelta(days=1)


def run(*args: str) -> str:
    # warn exits 1 when it kept rows aside as late: that is a figure here, not a failure
    done = subprocess.run([FANZHA, *args], check=args[0] != "warn", capture_output=True, text=True)
    return done.stdout + done.stderr


def alerts_by_person(path: Path) -> dict[str, list[tuple[datetime, str]]]:
    out: dict[str, dict[str, tuple[datetime, str]]] = defaultdict(dict)
    rank = {"low": 0, "medium": 1, "high": 2}
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        a = orjson.loads(line)
        t = datetime.fromisoformat(a["time"])
        cur = out[a["person_id"]].get(a["alert_id"])
        if cur is None or rank[a["level"]] > rank[cur[1]]:
            out[a["person_id"]][a["alert_id"]] = (min(t, cur[0]) if cur else t, a["level"])
    return {p: sorted(v.values()) for p, v in out.items()}


def lookalikes_alerted(world: Path, alerts: dict[str, list[tuple[datetime, str]]]) -> dict[str, list[int]]:
    """kind → [episodes, alerted, alerted at high]."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ep in pq.read_table(world / "truth/lookalikes.parquet").to_pylist():
        row = out[ep["kind"]]
        row[0] += 1
        hits = [lv for t, lv in alerts.get(ep["person_id"], []) if ep["start"] <= t <= ep["end"] + DAY]
        row[1] += bool(hits)
        row[2] += "high" in hits
    return dict(sorted(out.items()))


def warn_profile(world: Path, work: Path, name: str) -> dict[str, Any]:
    """`name`: a profile, replayed in arrival order; `PROFILE@time`: replayed in event-time order (what the
    profile would give if nothing were late)."""
    from fanzha.evaluate.warn import evaluate_world

    profile, _, order = name.partition("@")
    order = order or "file"
    tel = work / f"tel_{profile}"
    if not tel.is_dir():
        run("sim", "--telemetry", str(world), "--profile", profile, "--out", str(tel))
    tag = name.replace("@", "_")
    alerts, rejects = work / f"alerts_{tag}.jsonl", work / f"rejects_{tag}.jsonl"
    out = run(
        "warn", "--events", str(tel / "events.parquet"), "--out", str(alerts), "--order", order,
        "--fresh", "--rejects", str(rejects),
    )  # fmt: skip
    late = sum(1 for _ in rejects.open("rb")) if rejects.is_file() else 0
    rep = evaluate_world(world, alerts)
    received = pq.read_metadata(tel / "events.parquet").num_rows
    return {
        "profile": name,
        "received": received,
        "set_aside": late,
        "warn_says": out.strip().splitlines()[-1] if out.strip() else "",
        "report": rep,
        "lookalikes": lookalikes_alerted(world, alerts_by_person(alerts)),
    }


def trace_world(world: Path, work: Path) -> dict[str, Any]:
    from fanzha.trace.backends import get_backend
    from fanzha.trace.engine import trace
    from fanzha.trace.ingest import load_ledger
    from fanzha.trace.model import Limits, Seed
    from fanzha.trace.report import build_report

    ledger = load_ledger(world)
    seeds = []
    for line in (world / "investigation/seeds.csv").read_text(encoding="utf-8").splitlines()[1:]:
        victim, tid, _person = line.split(",")
        seeds.append(Seed(victim, transfer_id=tid))
    r = trace(get_backend("duckdb", ledger), seeds, "fifo", Limits())
    rep = build_report(r, ledger)
    mules = set(pq.read_table(world / "truth/mules.parquet")["account_id"].to_pylist())
    parties = pq.read_table(world / "truth/third_parties.parquet").to_pylist()
    role = {p["account_id"]: p["role"] for p in parties}
    listed = {x.account_id: x.amount for x in rep.freeze}
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, f in listed.items():
        k = "mule" if a in mules else role.get(a, "ordinary")
        by[k][0] += 1
        by[k][1] += f
    total_n, total_f = len(listed), sum(listed.values())
    lost = sum(float(v["amount_lost"]) for v in pq.read_table(world / "truth/victims.parquet").to_pylist())
    return {
        "seeds": len(seeds),
        "listed": total_n,
        "listed_yuan": total_f / 100,
        "mule_share_count": by["mule"][0] / total_n if total_n else None,
        "mule_share_amount": by["mule"][1] / total_f if total_f else None,
        "innocent_yuan": (total_f - by["mule"][1]) / 100,
        "victims_lost_yuan": lost,
        "by": {k: (v[0], v[1] / 100) for k, v in sorted(by.items())},
    }


def markdown(world: Path, warn: list[dict[str, Any]], tr: dict[str, Any]) -> str:
    w = warn[0]["report"]["world"]
    lines = [
        f"World: {w['people']:,} people, {w['days']} days, seed {w['seed']}; {w['victims']} contacted.",
        "",
        "| profile | events received | set aside as late | false alerts / 10k ordinary / day | by level "
        "| recall before first loss | median lead (min) |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for x in warn:
        r = x["report"]
        fa, a = r["false_alerts"], r["all"]
        lv = ", ".join(f"{k} {v}" for k, v in fa["by_level"].items()) or "—"
        share = a["alerted_before_loss_share"]
        lead = a["median_lead_min"]
        lines.append(
            f"| {x['profile']} | {x['received']:,} | {x['set_aside']:,} | {fa['per_10k_per_day']:.2f} | {lv} "
            f"| {a['alerted_before_loss']}/{a['with_loss']} ({share:.0%}) | "
            f"{'—' if lead is None else f'{lead:.1f}'} |"
            if share is not None
            else f"| {x['profile']} | {x['received']:,} | {x['set_aside']:,} | {fa['per_10k_per_day']:.2f} | {lv} "
            f"| — | — |"
        )
    lines += ["", "Look-alike episodes alerted (alerted / episodes, at high), per profile:", ""]
    kinds = sorted({k for x in warn for k in x["lookalikes"]})
    lines.append("| kind | " + " | ".join(x["profile"] for x in warn) + " |")
    lines.append("|---|" + "---:|" * len(warn))
    for k in kinds:
        cells = []
        for x in warn:
            n, al, hi = x["lookalikes"].get(k, [0, 0, 0])
            cells.append(f"{al}/{n} ({al / n:.0%}), {hi} high" if n else "—")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"trace (FIFO, {tr['seeds']} seeds): {tr['listed']} accounts listed for ¥{tr['listed_yuan']:,.2f}; "
        f"true mules {tr['mule_share_count']:.1%} by count, {tr['mule_share_amount']:.1%} by amount; "
        f"innocent balance listed ¥{tr['innocent_yuan']:,.2f} (victims lost ¥{tr['victims_lost_yuan']:,.2f}).",
        "",
        "| listed account | count | yuan |",
        "|---|---:|---:|",
    ]
    lines += [f"| {k} | {n} | {f:,.2f} |" for k, (n, f) in tr["by"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--profiles", default=",".join(PROFILES))
    args = ap.parse_args()
    work: Path = args.work
    world = work / "world"
    work.mkdir(parents=True, exist_ok=True)
    if not world.is_dir():
        run("sim", "--preset", args.preset, "--seed", str(args.seed), "--out", str(world), "--quiet")
    warn = [warn_profile(world, work, p) for p in args.profiles.split(",")]
    tr = trace_world(world, work)
    md = markdown(world, warn, tr)
    (work / "report.md").write_text(md, encoding="utf-8")
    (work / "report.json").write_bytes(orjson.dumps({"warn": warn, "trace": tr}, default=str))
    print(md)


if __name__ == "__main__":
    main()
