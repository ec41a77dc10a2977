"""The bars on a synthetic world (`fanzha sim`): the tracer against the world's ground truth.

- **lineage**: with every victim's loss transfers as seeds and no limits, `fifo` attribution per
  (transfer, victim) equals `truth/lineage.parquet` exactly (both backends);
- **conservation and time order**: for every conserving policy, each victim's money is held, cashed out,
  exited or beyond a limit, to the fen; every flow leaves the account its parent flow entered, later;
- **freeze list** at cut times (the investigator's "now"): precision (listed accounts that really hold
  victims' money at that time) and coverage (the share of the victims' remaining money it lists), for all
  victims and for the reported ones only, under every policy (the truth is FIFO);
- **mules**: precision and recall of the flagged accounts against `truth/mules.parquet`;
- **gangs**: how the gang graph's parts match `truth/mules.parquet`'s gangs;
- **third parties** (issue 19, part C; `check_third_parties`): the investigators' seeds
  (investigation/seeds.csv) traced as `fanzha trace` does, third parties recognised from what a bank knows, and the
  freeze list scored against truth/mules.parquet and truth/third_parties.parquet — true mules by count and amount,
  innocent balance listed against the victims' traced loss, every third party the money reached on the request
  list, forwards continued into true mules, freeze amounts within what the policy attributes — and the mule scores
  with every device id removed.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from fanzha.errors import InputError
from fanzha.trace.api import innocent_accounts
from fanzha.trace.backends import get_backend
from fanzha.trace.engine import TraceResult, trace
from fanzha.trace.gangs import gang_graph
from fanzha.trace.ingest import Ledger, load_ledger
from fanzha.trace.model import Limits, Seed
from fanzha.trace.mules import MuleParams, score_mules
from fanzha.trace.parties import recognise
from fanzha.trace.policies import POLICIES
from fanzha.trace.report import build_report, set_aside_recipients

US_PER_DAY = 86_400 * 1_000_000


def _truth(world: Path, name: str) -> str:
    p = world / "truth" / name
    if not p.is_file():
        raise InputError("E540", where=str(world), file=f"truth/{p.name}")
    return str(p).replace("'", "''")


def world_seeds(
    world: Path, *, reported_only: bool = False, until_us: int | None = None, per_campaign: bool = False
) -> list[Seed]:
    """Every loss transfer of every victim (from truth/timelines.parquet), in ledger order; `reported_only`: of
    the campaigns reported. A repeat victim's two campaigns are told apart by their first contact; with
    `per_campaign` the second is its own victim, `P…#2` (two cases, as the investigators' seeds have them: a
    different gang's), else both are the person's (as truth/lineage.parquet counts them)."""
    con = duckdb.connect()
    campaigns = (
        "SELECT person_id, reported, first_contact_time AS start, "
        "lead(first_contact_time) OVER (PARTITION BY person_id ORDER BY first_contact_time) AS next, "
        "row_number() OVER (PARTITION BY person_id ORDER BY first_contact_time) AS k "
        f"FROM '{_truth(world, 'victims.parquet')}'"
    )
    victim = "t.person_id || CASE WHEN v.k > 1 THEN '#' || v.k ELSE '' END" if per_campaign else "t.person_id"
    sql = (
        f"SELECT {victim}, t.transfer_id FROM '{_truth(world, 'timelines.parquet')}' t "
        f"JOIN ({campaigns}) v ON v.person_id = t.person_id AND t.time >= v.start "
        "AND (v.next IS NULL OR t.time < v.next) WHERE t.move = 'loss_transfer'"
    )
    params: list[Any] = []
    if reported_only:
        sql += " AND v.reported"
    if until_us is not None:
        sql += " AND epoch_us(t.time) <= ?"
        params.append(until_us)
    rows = con.execute(sql + " ORDER BY t.transfer_id", params).fetchall()
    return [Seed(str(v), str(t), "truth/timelines.parquet") for v, t in rows]


def _flows_by_tx(result: TraceResult, ids: dict[int, str]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for p, v, f in zip(result.flow_pos, result.flow_victim, result.flow_fen, strict=True):
        out[(ids[p], result.victims[v])] += f
    return out


def check_lineage(world: Path, ledger: Ledger, backend: str = "duckdb") -> dict[str, Any]:
    """FIFO with all loss transfers as seeds against truth/lineage.parquet, row by row."""
    con = duckdb.connect()
    truth = {
        (str(t), str(v)): int(a)
        for t, v, a in con.execute(
            f"SELECT transfer_id, victim_id, CAST(amount * 100 AS BIGINT) FROM '{_truth(world, 'lineage.parquet')}'"
        ).fetchall()
    }
    seeds = world_seeds(world)
    t0 = _time.perf_counter()
    r = trace(get_backend(backend, ledger), seeds, "fifo")
    seconds = _time.perf_counter() - t0
    ids = dict(ledger.con.execute("SELECT pos, transfer_id FROM ledger").fetchall())
    mine = _flows_by_tx(r, ids)
    keys = set(mine) | set(truth)
    diff = sorted(k for k in keys if mine.get(k) != truth.get(k))
    return {
        "backend": backend,
        "seeds": len(seeds),
        "victims": len(r.victims),
        "truth_rows": len(truth),
        "traced_rows": len(mine),
        "mismatches": len(diff),
        "first_mismatches": [[k[0], k[1], mine.get(k), truth.get(k)] for k in diff[:5]],
        "exact": not diff,
        "seconds": round(seconds, 3),
    }


class _Lineage:
    """The world's lineage joined to the ledger, in ledger order, for truth at any time."""

    def __init__(self, world: Path, ledger: Ledger) -> None:
        lin = _truth(world, "lineage.parquet")
        rows = ledger.con.execute(
            f"SELECT l.pos, l.t, sa.account_id, da.account_id, l.terminal, x.victim_id, CAST(x.amount * 100 AS BIGINT) "
            f"FROM '{lin}' x JOIN ledger l USING (transfer_id) JOIN accounts sa ON sa.aid = l.src "
            "JOIN accounts da ON da.aid = l.dst ORDER BY l.pos"
        ).fetchall()
        self.rows = [
            (int(p), int(t), str(s), str(d), bool(term), str(v), int(f)) for p, t, s, d, term, v, f in rows
        ]

    def remaining(self, until_us: int, victims: set[str] | None = None) -> dict[str, int]:
        """Victims' money in each account after the transfers up to `until_us` (FIFO truth)."""
        acc: dict[str, int] = defaultdict(int)
        for _, t, src, dst, term, v, f in self.rows:
            if t > until_us:
                break
            if victims is not None and v not in victims:
                continue
            acc[src] -= f
            if not term:
                acc[dst] += f
        return {a: f for a, f in acc.items() if f > 0}


def _score_freeze(
    listed: dict[str, int], truth_all: dict[str, int], truth_traced: dict[str, int]
) -> dict[str, int]:
    return {
        "listed": len(listed),
        "hits": sum(1 for a in listed if truth_all.get(a, 0) > 0),
        "truth_fen": sum(truth_all.values()),
        "in_listed_fen": sum(truth_all.get(a, 0) for a in listed),
        "traced_truth_fen": sum(truth_traced.values()),
        "covered_fen": sum(min(f, truth_traced.get(a, 0)) for a, f in listed.items()),
        "listed_fen": sum(listed.values()),
    }


def _ratios(acc: dict[str, int]) -> dict[str, Any]:
    return {
        "listed": acc["listed"],
        "precision": round(acc["hits"] / acc["listed"], 4) if acc["listed"] else None,
        # share of the traced victims' remaining money (FIFO truth) that the listed amounts cover
        "coverage": round(acc["covered_fen"] / acc["traced_truth_fen"], 4)
        if acc["traced_truth_fen"]
        else None,
        # share of all victims' remaining money sitting in the listed accounts
        "account_coverage": round(acc["in_listed_fen"] / acc["truth_fen"], 4) if acc["truth_fen"] else None,
        "truth_remaining_yuan": round(acc["truth_fen"] / 100, 2),
        "traced_remaining_yuan": round(acc["traced_truth_fen"] / 100, 2),
        "listed_yuan": round(acc["listed_fen"] / 100, 2),
    }


def freeze_daily(
    world: Path, ledger: Ledger, lineage: _Lineage, cuts: list[int], policy: str, reported_only: bool
) -> dict[str, Any]:
    """The freeze list traced each evening from the seeds known by then, summed over the evenings."""
    acc: dict[str, int] = defaultdict(int)
    be = get_backend("duckdb", ledger)
    victims = 0
    for cut in cuts:
        seeds = world_seeds(world, reported_only=reported_only, until_us=cut)
        if not seeds:
            continue
        r = trace(be, seeds, policy, Limits(until_us=cut))
        rep = build_report(r, ledger)
        listed = {x.account_id: x.amount for x in rep.freeze}
        truth_all = lineage.remaining(cut)
        truth_traced = lineage.remaining(cut, set(r.victims))
        for k, v in _score_freeze(listed, truth_all, truth_traced).items():
            acc[k] += v
        victims = max(victims, len(r.victims))
    return {
        "policy": policy,
        "seeds": "reported" if reported_only else "all",
        "cuts": len(cuts),
        "victims_at_end": victims,
        **_ratios(acc),
    }


def freeze_at_reports(world: Path, ledger: Ledger, lineage: _Lineage, policy: str) -> dict[str, Any]:
    """Each reported victim traced alone when the report arrives: the case an investigator opens."""
    import orjson

    from fanzha.records.units import parse_time

    reports = world / "reports.jsonl"
    if not reports.is_file():
        raise InputError("E540", where=str(world), file="reports.jsonl")
    when: dict[str, int] = {}
    for line in reports.read_bytes().splitlines():
        obj = orjson.loads(line)
        t = parse_time(str(obj["time"]), where="reports.jsonl", tz="Asia/Shanghai")
        pid = str(obj["person_id"])
        when[pid] = min(when.get(pid, t), t)
    seeds_by: dict[str, list[Seed]] = defaultdict(list)
    for sd in world_seeds(world, reported_only=True):
        seeds_by[sd.victim_id].append(sd)
    be = get_backend("duckdb", ledger)
    acc: dict[str, int] = defaultdict(int)
    cases = with_money = 0
    for victim, cut in sorted(when.items()):
        seeds = seeds_by.get(victim, [])
        if not seeds:
            continue
        cases += 1
        r = trace(be, seeds, policy, Limits(until_us=cut))
        rep = build_report(r, ledger)
        listed = {x.account_id: x.amount for x in rep.freeze}
        truth = lineage.remaining(cut, {victim})
        with_money += int(bool(truth))
        for k, v in _score_freeze(listed, truth, truth).items():
            acc[k] += v
    return {
        "policy": policy,
        "seeds": "each report",
        "cases": cases,
        "cases_with_money_left": with_money,
        **_ratios(acc),
    }


def check_policies(world: Path, ledger: Ledger) -> list[dict[str, Any]]:
    """Conservation (conserving policies), time order and the lowest-balance bound for every policy."""
    seeds = world_seeds(world)
    out = []
    for name in POLICIES:
        t0 = _time.perf_counter()
        r = trace(get_backend("duckdb", ledger), seeds, name)
        seconds = _time.perf_counter() - t0
        rep = build_report(r, ledger)
        order_ok = all(
            pp < p and r.rows[pp][3] <= r.rows[p][3] and r.rows[pp][1] == r.rows[p][0]
            for p, pp in zip(r.flow_pos, r.flow_parent, strict=True)
            if pp >= 0
        )
        lib_ok = all(0 < x.amount <= x.lib_bound <= x.balance for x in rep.freeze)
        out.append(
            {
                "policy": name,
                "flows": r.n_flows,
                "conserved": all(v.get("conserved", True) for v in rep.victims)
                if POLICIES[name].conserving
                else None,
                "time_ordered": order_ok,
                "freezable_le_lowest_balance": lib_ok,
                "seconds": round(seconds, 3),
            }
        )
    return out


def check_mules(world: Path, ledger: Ledger, params: MuleParams | None = None) -> tuple[dict[str, Any], Any]:
    """Precision / recall of flagged mules (against truth accounts that appear in the ledger)."""
    be = get_backend("duckdb", ledger)
    t0 = _time.perf_counter()
    table = score_mules(be, ledger, params)
    seconds = _time.perf_counter() - t0
    con = duckdb.connect()
    truth = {
        str(a): str(g)
        for a, g in con.execute(
            f"SELECT account_id, gang_id FROM '{_truth(world, 'mules.parquet')}'"
        ).fetchall()
    }
    scored = set(table["account_id"].to_pylist())
    flagged = {
        a for a, f in zip(table["account_id"].to_pylist(), table["flagged"].to_pylist(), strict=True) if f
    }
    present = {a for a in truth if a in scored}
    tp = len(flagged & present)
    return {
        "threshold": (params or MuleParams()).threshold,
        "truth_mules": len(truth),
        "truth_in_ledger": len(present),
        "flagged": len(flagged),
        "precision": round(tp / len(flagged), 4) if flagged else None,
        "recall": round(tp / len(present), 4) if present else None,
        "false_positives": sorted(flagged - set(truth))[:10],
        "seconds": round(seconds, 3),
    }, table


def check_gangs(world: Path, ledger: Ledger, mules: Any) -> dict[str, Any]:
    """Gang graph parts against the truth gangs: best match per gang and pairwise precision / recall (the reported
    victims traced under FIFO with third parties recognised, as `fanzha trace` does)."""
    be = get_backend("duckdb", ledger)
    parties = recognise(ledger)
    r = trace(be, world_seeds(world, reported_only=True, per_campaign=True), "fifo", parties=parties)
    rep = build_report(r, ledger)
    innocent = innocent_accounts(rep, ledger, parties, mules)
    g = gang_graph(be, ledger, mules, rep.flows, third_parties=innocent)
    con = duckdb.connect()
    truth = {
        str(a): str(gid)
        for a, gid in con.execute(
            f"SELECT account_id, gang_id FROM '{_truth(world, 'mules.parquet')}'"
        ).fetchall()
    }
    part = g.gang_of()
    members: dict[str, set[str]] = defaultdict(set)
    for a, gid in truth.items():
        if a in part:
            members[gid].add(a)
    per_gang: list[dict[str, Any]] = []
    for gid in sorted(set(truth.values())):
        mine = members.get(gid, set())
        if not mine:
            per_gang.append({"gang": gid, "found_accounts": 0, "best_part_share": 0.0, "purity": None})
            continue
        counts: dict[int, int] = defaultdict(int)
        for a in mine:
            counts[part[a]] += 1
        best, n = max(counts.items(), key=lambda kv: kv[1])
        size = len(g.gangs[best])
        same = sum(1 for a in g.gangs[best] if truth.get(a) == gid)
        per_gang.append(
            {
                "gang": gid,
                "found_accounts": len(mine),
                "best_part_share": round(n / len(mine), 4),
                "purity": round(same / size, 4),
            }
        )
    # pairwise: pairs of truth mules in the graph, same part vs same gang
    nodes = [a for a in truth if a in part]
    by_part: dict[int, list[str]] = defaultdict(list)
    for a in nodes:
        by_part[part[a]].append(a)
    same_part = sum(len(v) * (len(v) - 1) // 2 for v in by_part.values())
    by_gang: dict[str, list[str]] = defaultdict(list)
    for a in nodes:
        by_gang[truth[a]].append(a)
    same_gang = sum(len(v) * (len(v) - 1) // 2 for v in by_gang.values())
    both = 0
    for v in by_part.values():
        c: dict[str, int] = defaultdict(int)
        for a in v:
            c[truth[a]] += 1
        both += sum(k * (k - 1) // 2 for k in c.values())
    recovered = sum(1 for x in per_gang if x["best_part_share"] >= 0.9 and (x["purity"] or 0) >= 0.9)
    return {
        "truth_gangs": len(set(truth.values())),
        "parts": len(g.gangs),
        "recovered": recovered,
        "pair_precision": round(both / same_part, 4) if same_part else None,
        "pair_recall": round(both / same_gang, 4) if same_gang else None,
        "per_gang": per_gang,
    }


def investigation_seeds(world: Path) -> list[Seed]:
    """The investigators' seeds (investigation/seeds.csv: the reported victims' loss transfers), else every loss
    transfer of the truth."""
    path = world / "investigation" / "seeds.csv"
    if not path.is_file():
        return world_seeds(world)
    from fanzha.trace.seeds import read_seeds

    return [s for s in read_seeds(path) if isinstance(s, Seed)]


def check_third_parties(
    world: Path, ledger: Ledger, policy: str = "fifo", *, third_parties: bool = True
) -> dict[str, Any]:
    """The bars of issue 19 part C on one world under `policy` (with `third_parties` off: the tracer as before)."""
    con = duckdb.connect()
    mules = {
        str(a)
        for (a,) in con.execute(f"SELECT account_id FROM '{_truth(world, 'mules.parquet')}'").fetchall()
    }
    tp = world / "truth" / "third_parties.parquet"
    role: dict[str, str] = {}
    if tp.is_file():
        role = {
            str(a): str(r)
            for a, r in con.execute(f"SELECT account_id, role FROM '{_truth(world, tp.name)}'").fetchall()
        }
    seeds = investigation_seeds(world)
    parties = recognise(ledger) if third_parties else None
    be = get_backend("duckdb", ledger)
    r = trace(be, seeds, policy, parties=parties)
    rep = build_report(r, ledger)
    moved: list[str] = []
    if third_parties:  # as run_trace does: innocent-looking recipients requested, not frozen
        table = score_mules(be, ledger)
        flagged = {
            a for a, f in zip(table["account_id"].to_pylist(), table["flagged"].to_pylist(), strict=True) if f
        }
        moved = set_aside_recipients(rep, ledger, flagged)
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for x in rep.freeze:
        k = "mule" if x.account_id in mules else role.get(x.account_id, "ordinary")
        by[k][0] += 1
        by[k][1] += x.amount
    n, fen = len(rep.freeze), sum(x.amount for x in rep.freeze)
    seeded = sum(int(v["seeded"]) for v in rep.victims)
    innocent = fen - by["mule"][1]
    # third parties the victims' money reached (the destination of a flow), against the request list
    reached = {
        str(d)
        for d, term in zip(rep.flows["dst"].to_pylist(), rep.flows["terminal"].to_pylist(), strict=True)
        if not term and str(d) in role
    }
    asked = {q["account_id"] for q in rep.requests}
    forwards = [q for q in rep.requests if q["forward_transfer_id"]]
    attributed_ok = all(
        x.amount <= min(x.lib_bound, x.balance)
        and (not r.policy.conserving or x.amount <= sum(x.victims.values()))
        for x in rep.freeze
    )
    return {
        "policy": policy,
        "third_parties_on": third_parties,
        "seeds": len(seeds),
        "recognised": len(r.parties),
        "recognised_mules": sum(1 for a in ledger.account_info(list(r.parties)).values() if a[0] in mules),
        "listed": n,
        "listed_yuan": round(fen / 100, 2),
        "mule_share_count": round(by["mule"][0] / n, 4) if n else None,
        "mule_share_amount": round(by["mule"][1] / fen, 4) if fen else None,
        "innocent_yuan": round(innocent / 100, 2),
        "traced_loss_yuan": round(seeded / 100, 2),
        "innocent_share_of_loss": round(innocent / seeded, 6) if seeded else None,
        "by": {k: [v[0], round(v[1] / 100, 2)] for k, v in sorted(by.items())},
        "third_parties_reached": len(reached),
        "on_request_list": len(reached & asked),
        "not_on_request_list": sorted(reached - asked)[:10],
        "requests": len(rep.requests),
        "request_accounts_mules": len(asked & mules),
        "set_aside": len(moved),
        "set_aside_mules": sum(1 for a in moved if a in mules),
        "set_aside_by": {
            k: sum(1 for q in rep.requests if q["account_id"] in moved and q["why"].startswith(k))
            for k in ("recipient", "payee")
        },
        "forwards_continued": len(forwards),
        "forwards_to_mules": sum(1 for q in forwards if q["forward_to"] in mules),
        "at_third_parties_yuan": round(sum(r.at_parties.values()) / 100, 2),
        "freeze_within_attributed": attributed_ok,
    }


def check_mules_without_devices(world: Path, params: MuleParams | None = None) -> dict[str, Any]:
    """`check_mules` on the world's ledger with every device id removed (what a bank without device data sees)."""
    ledger = load_ledger(world)
    ledger.con.execute("UPDATE ledger SET device = NULL")
    mules, _ = check_mules(world, ledger, params)
    return mules


def _world_start(world: Path, ledger: Ledger) -> int:
    """Midnight (Shanghai) of the world's first day, from manifest.json (else of the first transfer)."""
    import orjson

    from fanzha.records.units import parse_time

    manifest = world / "manifest.json"
    if manifest.is_file():
        start = orjson.loads(manifest.read_bytes()).get("config", {}).get("start")
        if start:
            return parse_time(str(start) + " 00:00", where=str(manifest), tz="Asia/Shanghai")
    t_min = int(ledger.con.execute("SELECT min(t) FROM ledger").fetchall()[0][0])
    return t_min - (t_min + 8 * 3_600_000_000) % US_PER_DAY


def evaluate_world(
    world: str | Path, *, cuts_every_days: int = 1, threads: int | None = None
) -> dict[str, Any]:
    """Every bar on one world; the dict that bench/bench_trace.py writes and docs/trace.md reports."""
    w = Path(world)
    t0 = _time.perf_counter()
    ledger = load_ledger(w, threads=threads)
    load_s = _time.perf_counter() - t0
    out: dict[str, Any] = {
        "world": str(w),
        "transfers": ledger.report.rows_loaded,
        "load_seconds": round(load_s, 2),
    }
    out["lineage"] = [check_lineage(w, ledger, b) for b in ("duckdb", "numpy")]
    out["policies"] = check_policies(w, ledger)
    start = _world_start(w, ledger)
    t_max = int(ledger.con.execute("SELECT max(t) FROM ledger").fetchall()[0][0])
    cuts = []
    d = 1
    while start + d * US_PER_DAY - 4 * 3_600_000_000 <= t_max:
        cuts.append(start + d * US_PER_DAY - 4 * 3_600_000_000)  # 20:00 Shanghai each day
        d += cuts_every_days
    lineage = _Lineage(w, ledger)
    out["freeze_daily"] = [
        freeze_daily(w, ledger, lineage, cuts, p, rep) for p in POLICIES for rep in (False, True)
    ]
    out["freeze_at_reports"] = [freeze_at_reports(w, ledger, lineage, p) for p in POLICIES]
    mules, table = check_mules(w, ledger)
    out["mules"] = mules
    out["gangs"] = check_gangs(w, ledger, table)
    out["third_parties"] = [check_third_parties(w, ledger, p) for p in POLICIES]
    out["mules_without_devices"] = check_mules_without_devices(w)
    return out
