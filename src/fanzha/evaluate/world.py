"""A statistics report of a generated world, so a reader can judge its realism (`fanzha sim --stats DIR`)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fanzha.errors import InputError
from fanzha.records.arrow import decimal_to_fen

LOOKALIKE_KINDS = (
    "call",
    "sms",
    "chat_message",
    "app_install",
    "screen_share_start",
    "reserve_fund_opened",
    "loan",
    "credit_limit_change",
    "payee_added",
    "transfer",
)


def world_stats(root: str | Path, *, detector_sample: int = 0, seed: int = 0) -> dict[str, Any]:
    """Figures of the world at `root`. With `detector_sample` > 0, also the share of scam and look-alike message
    texts the detector flags (on a sample of that many texts of each)."""
    root = Path(root)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise InputError("E400", where=str(manifest_path))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {"manifest": manifest}
    people = manifest["config"]["people"]
    vic = pq.read_table(root / "truth/victims.parquet")
    lost = decimal_to_fen(vic["amount_lost"])
    variants = vic["variant"].to_pylist()
    outcomes = vic["outcome"].to_pylist()
    stages = vic["stage_reached"].to_pylist()
    moves = vic["last_move"].to_pylist()
    n = vic.num_rows  # campaigns: a repeat victim has two
    pids = vic["person_id"].to_pylist()
    contacted_people = len(set(pids))
    n_lost = int((lost > 0).sum())
    lost_people = len({p for p, a in zip(pids, lost.tolist(), strict=True) if a > 0})
    out["campaigns"] = {
        "people": people,
        "contacted": contacted_people,
        "campaigns": n,
        "repeat_victims": n - contacted_people,
        "contacted_share_of_people": contacted_people / people,
        "lost_money": n_lost,
        "victim_rate_of_contacted": n_lost / n if n else 0.0,
        "victim_rate_of_people": lost_people / people,
        "outcomes": dict(sorted(Counter(outcomes).items())),
        "stage_reached": {str(k): v for k, v in sorted(Counter(stages).items())},
        "last_move": dict(Counter(moves).most_common()),
        "reported": int(sum(vic["reported"].to_pylist())),
    }
    per: dict[str, list[int]] = defaultdict(list)
    contacted: Counter[str] = Counter(variants)
    for v, a in zip(variants, lost.tolist(), strict=True):
        if a > 0:
            per[v].append(a)
    loss_table = {}
    for v in sorted(contacted):
        arr = np.array(per.get(v, []), dtype=np.int64) / 100
        loss_table[v] = {
            "contacted": contacted[v],
            "lost": len(arr),
            "median": float(np.median(arr)) if len(arr) else 0.0,
            "p90": float(np.percentile(arr, 90)) if len(arr) else 0.0,
            "max": float(arr.max()) if len(arr) else 0.0,
            "total": float(arr.sum()),
        }
    out["loss_by_variant"] = loss_table
    # events: scam vs benign look-alike vs ordinary, per kind
    labels = pq.read_table(root / "truth/event_labels.parquet", columns=["label"])["label"]
    kinds = pq.read_table(root / "events.parquet", columns=["kind"])["kind"]
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    combo = pc.binary_join_element_wise(kinds, labels, "|")
    vc = pc.value_counts(combo).to_pylist()
    for item in vc:
        k, lab = item["values"].split("|")
        per_kind[k][lab] += item["counts"]
    ev_table = {}
    for k in sorted(per_kind):
        c = per_kind[k]
        total = sum(c.values())
        suspicious_looking = c["scam"] + c["lookalike"]
        ev_table[k] = {
            "total": total,
            "scam": c["scam"],
            "lookalike": c["lookalike"],
            "ordinary": c["ordinary"],
            "intervention": c["intervention"],
            "lookalike_share_of_scamlike": c["lookalike"] / suspicious_looking if suspicious_looking else 0.0,
        }
    out["events_by_kind"] = ev_table
    tot = Counter[str]()
    for c in per_kind.values():
        tot.update(c)
    out["events"] = {"total": sum(tot.values()), **dict(sorted(tot.items()))}
    # ledger
    tr = pq.ParquetFile(root / "transfers.parquet")
    ch_counts: Counter[str] = Counter()
    ch_amount: Counter[str] = Counter()
    for batch in tr.iter_batches(columns=["channel", "amount"], batch_size=1 << 20):
        amt = decimal_to_fen(batch.column("amount"))
        chans = batch.column("channel")
        for item in pc.value_counts(chans).to_pylist():
            ch_counts[item["values"]] += item["counts"]
        codes = pc.dictionary_encode(chans)
        dict_vals = codes.dictionary.to_pylist()
        idx = np.asarray(codes.indices)
        sums = np.bincount(idx, weights=amt.astype(np.float64), minlength=len(dict_vals))
        for name, s in zip(dict_vals, sums.tolist(), strict=True):
            ch_amount[name] += s / 100
    out["ledger"] = {
        "transfers": sum(ch_counts.values()),
        "by_channel": {
            k: {"count": ch_counts[k], "amount_yuan": round(ch_amount[k], 2)} for k in sorted(ch_counts)
        },
    }
    lin = pq.read_table(root / "truth/lineage.parquet")
    mules = pq.read_table(root / "truth/mules.parquet")
    out["money_trail"] = {
        "lineage_rows": lin.num_rows,
        "transfers_carrying_victim_money": len(set(lin["transfer_id"].to_pylist())),
        "mule_accounts_by_layer": {str(k): v for k, v in sorted(Counter(mules["layer"].to_pylist()).items())},
        "victim_money_yuan": float(lost.sum()) / 100,
    }
    if detector_sample > 0:
        out["detector"] = _detector_rates(root, detector_sample, seed)
    return out


def _detector_rates(root: Path, sample: int, seed: int) -> dict[str, Any]:
    from fanzha.detect import Detector

    ev = pq.read_table(
        root / "events.parquet", columns=["event_id", "person_id", "kind", "text", "direction"]
    )
    lab = pq.read_table(root / "truth/event_labels.parquet", columns=["label", "family"])
    has_text = np.asarray(ev["text"].is_valid())
    labels = np.asarray(lab["label"].to_pylist(), dtype=object)
    families = np.asarray(lab["family"].to_pylist(), dtype=object)
    texts = ev["text"].to_pylist()
    rng = np.random.default_rng(seed)
    det = Detector()
    result: dict[str, Any] = {}
    for group in ("scam", "lookalike", "ordinary"):
        idx = np.flatnonzero(has_text & (labels == group))
        if group == "scam":  # the victim's own replies are not scam texts
            idx = idx[families[idx] != "victim.refuse"]
        if len(idx) > sample:
            idx = np.sort(rng.choice(idx, size=sample, replace=False))
        flagged = 0
        by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for i in idx.tolist():
            v = det.analyze(texts[i])
            hit = v.label != "safe"
            flagged += hit
            by_family[families[i]][0] += hit
            by_family[families[i]][1] += 1
        result[group] = {
            "texts": len(idx),
            "flagged": flagged,
            "flagged_share": flagged / len(idx) if len(idx) else 0.0,
            "by_family": {f: {"flagged": a, "texts": b} for f, (a, b) in sorted(by_family.items())},
        }
    # whole scam conversations: every text of one campaign, as turns (the person's own words marked as 我)
    persons = ev["person_id"].to_pylist()
    directions = ev["direction"].to_pylist()
    convs: dict[str, list[dict[str, str]]] = defaultdict(list)
    for i in np.flatnonzero(has_text & (labels == "scam")).tolist():
        convs[persons[i]].append({"speaker": "我" if directions[i] == "out" else "对方", "text": texts[i]})
    keys = sorted(convs)
    if len(keys) > sample:
        keys = sorted(rng.choice(keys, size=sample, replace=False).tolist())
    flagged = sum(det.analyze(convs[k]).label != "safe" for k in keys)
    result["scam_conversations"] = {
        "texts": len(keys),
        "flagged": flagged,
        "flagged_share": flagged / len(keys) if keys else 0.0,
        "by_family": {},
    }
    return result


def render_markdown(stats: dict[str, Any]) -> str:
    """The report as Markdown tables (what docs/sim.md publishes)."""
    m = stats["manifest"]
    c = stats["campaigns"]
    cfg = m["config"]
    lines = [
        f"World: {cfg['people']:,} people, {cfg['days']} days from {cfg['start']}, seed {cfg['seed']} "
        f"(schema {m['schema_version']}).",
        "",
        "| files | rows |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v:,} |" for k, v in m["rows"].items()]
    lines += [
        "",
        "**Campaigns**",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| people contacted by a gang | {c['contacted']:,} ({c['contacted_share_of_people']:.2%} of people) |",
        f"| campaigns (a repeat victim's second counted apart) | {c['campaigns']:,} "
        f"({c['repeat_victims']:,} repeat victims) |",
        f"| campaigns that took money | {c['lost_money']:,} ({c['victim_rate_of_contacted']:.1%} of campaigns; "
        f"the people who lost, {c['victim_rate_of_people']:.3%} of people) |",
        f"| reported to the police | {c['reported']:,} |",
    ]
    lines += [f"| outcome: {k} | {v:,} |" for k, v in c["outcomes"].items()]
    lines += [f"| furthest stage reached: {k} | {v:,} |" for k, v in c["stage_reached"].items()]
    lines += [
        "",
        "**Where timelines stopped** (last move of the scam)",
        "",
        "| last move | campaigns |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v:,} |" for k, v in c["last_move"].items()]
    lines += [
        "",
        "**Loss per variant** (yuan, over those who lost money)",
        "",
        "| variant | contacted | lost money | median | p90 | max | total |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for v, r in stats["loss_by_variant"].items():
        lines.append(
            f"| {v} | {r['contacted']:,} | {r['lost']:,} | {r['median']:,.2f} | {r['p90']:,.2f} | {r['max']:,.2f} | {r['total']:,.2f} |"
        )
    lines += [
        "",
        "**Events by kind**: scam events against their benign look-alikes",
        "",
        "| kind | total | scam | benign look-alike | ordinary | look-alike share of scam-like |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k, r in stats["events_by_kind"].items():
        lines.append(
            f"| {k} | {r['total']:,} | {r['scam']:,} | {r['lookalike']:,} | {r['ordinary']:,} | {r['lookalike_share_of_scamlike']:.1%} |"
        )
    lg = stats["ledger"]
    lines += ["", "**Ledger by channel**", "", "| channel | transfers | amount (yuan) |", "|---|---:|---:|"]
    lines += [f"| {k} | {r['count']:,} | {r['amount_yuan']:,.2f} |" for k, r in lg["by_channel"].items()]
    mt = stats["money_trail"]
    lines += [
        "",
        "**Money trail**",
        "",
        f"- victims' money: {mt['victim_money_yuan']:,.2f} yuan; {mt['transfers_carrying_victim_money']:,} transfers "
        f"carry some of it ({mt['lineage_rows']:,} lineage rows)",
        "- mule accounts by layer: "
        + ", ".join(f"layer {k}: {v}" for k, v in mt["mule_accounts_by_layer"].items()),
    ]
    if "detector" in stats:
        d = stats["detector"]
        lines += [
            "",
            "**Detector on the world's texts** (`fanzha.detect.Detector`, label ≠ safe counts as flagged)",
            "",
            "| texts | sampled | flagged |",
            "|---|---:|---:|",
        ]
        names = {
            "scam": "scam messages, one at a time",
            "scam_conversations": "scam conversations (all texts of a campaign)",
            "lookalike": "benign look-alike messages",
            "ordinary": "ordinary messages",
        }
        for g in ("scam", "scam_conversations", "lookalike", "ordinary"):
            lines.append(f"| {names[g]} | {d[g]['texts']:,} | {d[g]['flagged_share']:.1%} |")
        lines += ["", "| family | group | flagged / texts |", "|---|---|---:|"]
        for g in ("scam", "lookalike"):
            for f, r in d[g]["by_family"].items():
                lines.append(f"| {f} | {g} | {r['flagged']} / {r['texts']} |")
    return "\n".join(lines) + "\n"
