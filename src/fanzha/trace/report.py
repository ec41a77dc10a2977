"""From a `TraceResult` to what an investigator reads: the flow graph, the freeze list, cash-out points,
hop times, per-victim accounting, accounts shared by several victims; and the files that hold them.

Every table and the summary state the policy they were computed under.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from fanzha.records.units import US_PER_SECOND, fen_to_yuan
from fanzha.trace.engine import TraceResult
from fanzha.trace.ingest import Ledger
from fanzha.trace.model import CASH_OUT_CHANNELS, CHANNEL_ZH


@dataclass
class FreezeItem:
    """An account now holding victims' money: how much can be frozen, whose it is, and how it got there."""

    account_id: str
    amount: int  # fen attributable to the victims under the policy, capped by the lowest intermediate balance
    lib_bound: int  # lowest-intermediate-balance bound of the victims' money in the account
    balance: int  # the account's balance at the end of the window
    victims: dict[str, int]  # victim → fen (for poison: the marks, each up to `amount`)
    hops: int  # fewest transfers from a victim's seed to this account
    path: list[str]  # evidence: transfer ids from the seed to the account, for the largest piece
    kind: str | None = None
    bank: str | None = None
    city: str | None = None

    def row(self, policy: str) -> dict[str, Any]:
        """The freeze_list.csv row (amounts as yuan strings)."""
        return {
            "account_id": self.account_id,
            "amount": fen_to_yuan(self.amount),
            "victims": ";".join(self.victims),
            "hops": self.hops,
            "lib_bound": fen_to_yuan(self.lib_bound),
            "balance": fen_to_yuan(self.balance),
            "kind": self.kind or "",
            "bank": self.bank or "",
            "city": self.city or "",
            "path": ">".join(self.path),
            "policy": policy,
        }


@dataclass
class Report:
    """Tables of one trace (amounts in fen inside, yuan strings in files)."""

    policy: str
    flows: pa.Table
    freeze: list[FreezeItem]
    cash_outs: list[dict[str, Any]]
    hops: list[dict[str, Any]]
    victims: list[dict[str, Any]]
    shared: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    #: victims' money that reached a third party: one row per transfer, with the forward that carried it on
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: the last ledger position the trace saw (its window's end; −1: not known)
    until_pos: int = -1


#: request_records.csv: a third party, the transfer that brought victims' money to it (when, from whom, how much
#: of it the victims'), and the forward that carried it on when one was identified (`fanzha.trace.parties`)
REQUEST_COLUMNS: list[str] = [
    "account_id",
    "kind",
    "city",
    "why",
    "transfer_id",
    "time",
    "from",
    "transfer_amount",
    "victims_amount",
    "victims",
    "forward_transfer_id",
    "forward_time",
    "forward_to",
    "forward_amount",
]


#: an account that is not a suspected mule, had money of its own and holds victims' money of at most this share of
#: its balance is an innocent recipient: requested, not frozen (`set_aside_recipients`, `PayeeParams`)
RECIPIENT_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class PayeeParams:
    """When an account on the freeze list that is not a suspected mule is an innocent recipient
    (`set_aside_recipients`). Every such account must have had **money of its own**: its balance just before the
    victims' money first arrived (opening balance + inflows − outflows before) at least `min_own` times the
    victims' money it holds — a mule card is kept nearly empty between hops, and a card whose only money is the
    gang's transfer is not a recipient however the policy splits that transfer. Then it is

    - a **recipient** when the victims' money is at most `share` of its balance (a shop paid for goods), or
    - a **payee** (paid by the gang for something: a landlord paid rent from a rented card) when it **kept** what it
      was paid — no transfer out of it within `quick_hours` after any arrival of victims' money, up to the end of
      the trace's window (a mule passes the money on within hours: the mule score's `pass_through` window) — and
      is **established**: opened at least `min_age_days` before the victims' money first arrived (known only when
      the accounts file gives `opened`; without it the rule does not apply), the age
      `fanzha.trace.parties.PartyParams.min_age_days` uses: a gang uses each card for days.
    """

    share: float = RECIPIENT_SHARE
    min_own: float = 1.0
    quick_hours: float = 24.0
    min_age_days: float = 180.0


#: victims.csv: the amounts of a victim's money, each where it is at the end (they add up to `seeded`)
VICTIM_AMOUNTS: tuple[str, ...] = (
    "seeded",
    "held",
    "cashed_out",
    "exited",
    "beyond_hops",
    "untracked",
    "at_third_parties",
)


def _time_str(us: int) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(us / US_PER_SECOND, tz=ZoneInfo("Asia/Shanghai")).isoformat(
        timespec="seconds"
    )


def build_report(result: TraceResult, ledger: Ledger) -> Report:
    """Assemble the tables of `result` (account and transfer ids resolved through `ledger`)."""
    pol = result.policy
    info = ledger.account_info(list(result.holdings) + [h[1] for h in result.handed])
    positions = set(result.flow_pos) | {p for p in result.flow_parent if p >= 0}
    positions.update(h[0] for h in result.handed)
    positions.update(h[3] for h in result.handed if h[3] >= 0)
    for pieces in result.holdings.values():
        positions.update(pc[2] for pc in pieces if pc[2] >= 0)
    tx = ledger.transfers_at(sorted(positions))
    col = {name: tx[name].to_pylist() for name in tx.column_names}
    at = {p: i for i, p in enumerate(col["pos"])}

    def tid(p: int) -> str:
        return str(col["transfer_id"][at[p]])

    # -- flows ------------------------------------------------------------------------------------------
    n = result.n_flows
    f_rows = [at[p] for p in result.flow_pos]
    parent_t = [col["t"][at[pp]] if pp >= 0 else None for pp in result.flow_parent]
    t_list = [col["t"][i] for i in f_rows]
    dwell = [
        (t - pt) / US_PER_SECOND if pt is not None else 0.0 for t, pt in zip(t_list, parent_t, strict=True)
    ]
    victims = result.victims
    flows = pa.table(
        {
            "transfer_id": pa.array([col["transfer_id"][i] for i in f_rows], pa.string()),
            "parent_transfer_id": pa.array(
                [tid(pp) if pp >= 0 else None for pp in result.flow_parent], pa.string()
            ),
            "victim_id": pa.array([victims[v] for v in result.flow_victim], pa.string()),
            "hop": pa.array(result.flow_hop, pa.int32()),
            "amount": _fen_decimal(result.flow_fen),
            "src": pa.array([col["src"][i] for i in f_rows], pa.string()),
            "dst": pa.array([col["dst"][i] for i in f_rows], pa.string()),
            "time": pa.array(t_list, pa.int64()).cast(pa.timestamp("us", tz="Asia/Shanghai")),
            "channel": pa.array([col["channel"][i] for i in f_rows], pa.string()),
            "location": pa.array([col["location"][i] for i in f_rows], pa.string()),
            "device": pa.array([col["device"][i] for i in f_rows], pa.string()),
            "terminal": pa.array([bool(col["terminal"][i]) for i in f_rows], pa.bool_()),
            "dwell_s": pa.array(dwell, pa.float64()),
            "policy": pa.array([pol.name] * n, pa.string()),
        }
    )
    # -- evidence paths -----------------------------------------------------------------------------------
    parent_of: dict[tuple[int, int], tuple[int, int]] = {}
    for p, v, pp, f in zip(
        result.flow_pos, result.flow_victim, result.flow_parent, result.flow_fen, strict=True
    ):
        old = parent_of.get((p, v))
        if old is None or f > old[1]:
            parent_of[(p, v)] = (pp, f)

    def path(via: int, v: int) -> list[str]:
        out: list[str] = []
        cur = via
        seen: set[int] = set()
        while cur >= 0 and cur not in seen:
            seen.add(cur)
            out.append(tid(cur))
            cur = parent_of.get((cur, v), (-1, 0))[0]
        return out[::-1]

    # -- freeze list -------------------------------------------------------------------------------------
    freeze: list[FreezeItem] = []
    for a, pieces in result.holdings.items():
        per: dict[int, int] = defaultdict(int)
        best: tuple[int, int, int] | None = None  # (fen, label, via)
        hops = min(pc[1] for pc in pieces)
        for label, _, via, fen in pieces:
            if pol.conserving:
                per[label] += fen
            else:
                per[label] = max(per[label], fen)
            if best is None or fen > best[0]:
                best = (fen, label, via)
        balance = result.balances.get(a, 0)
        lib = result.lib.get(a, 0)
        held = sum(per.values()) if pol.conserving else balance
        amount = min(held, lib, balance)
        if amount <= 0:
            continue
        account_id, k, b, c = info[a]
        assert best is not None
        vic = dict(
            sorted(((victims[v], min(f, amount)) for v, f in per.items()), key=lambda x: (-x[1], x[0]))
        )
        freeze.append(
            FreezeItem(account_id, amount, lib, balance, vic, hops, path(best[2], best[1]), k, b, c)
        )
    freeze.sort(key=lambda x: (-x.amount, x.account_id))
    # -- cash-outs ---------------------------------------------------------------------------------------
    by_tx: dict[int, dict[str, Any]] = {}
    for p, v, h, f in zip(result.flow_pos, result.flow_victim, result.flow_hop, result.flow_fen, strict=True):
        i = at[p]
        if not col["terminal"][i]:
            continue
        item = by_tx.get(p)
        if item is None:
            ch = str(col["channel"][i])
            item = by_tx[p] = {
                "transfer_id": col["transfer_id"][i],
                "time": _time_str(int(col["t"][i])),
                "account_id": col["src"][i],
                "sink": col["dst"][i],
                "kind": ch if ch in CASH_OUT_CHANNELS else "exit",
                "channel": ch,
                "location": col["location"][i] or "",
                "fen": 0,
                "victims": {},
                "hop": h,
                "_t": int(col["t"][i]),
            }
        item["fen"] += f
        item["victims"][victims[v]] = item["victims"].get(victims[v], 0) + f
        item["hop"] = min(item["hop"], h)
    cash_outs = [by_tx[p] for p in sorted(by_tx)]
    # -- hop times ---------------------------------------------------------------------------------------
    per_hop: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for h, d, f in zip(result.flow_hop, dwell, result.flow_fen, strict=True):
        per_hop[h].append((d, f))
    hops_rows = []
    for h in sorted(per_hop):
        ds = sorted(d for d, _ in per_hop[h])
        hops_rows.append(
            {
                "hop": h,
                "flows": len(ds),
                "fen": sum(f for _, f in per_hop[h]),
                "median_minutes": round(statistics.median(ds) / 60, 1),
                "p90_minutes": round(ds[min(len(ds) - 1, int(0.9 * len(ds)))] / 60, 1),
                "max_minutes": round(ds[-1] / 60, 1),
            }
        )
    # -- per victim accounting ---------------------------------------------------------------------------
    seeded: dict[int, int] = defaultdict(int)
    cashed: dict[int, int] = defaultdict(int)
    exited: dict[int, int] = defaultdict(int)
    first_t: dict[int, int] = {}
    first_cash: dict[int, int] = {}
    for p, v, pp, f in zip(
        result.flow_pos, result.flow_victim, result.flow_parent, result.flow_fen, strict=True
    ):
        i = at[p]
        if pp < 0:
            seeded[v] += f
            first_t[v] = min(first_t.get(v, 1 << 62), int(col["t"][i]))
        if col["terminal"][i]:
            if col["channel"][i] in CASH_OUT_CHANNELS:
                cashed[v] += f
                first_cash[v] = min(first_cash.get(v, 1 << 62), int(col["t"][i]))
            else:
                exited[v] += f
    held_v: dict[int, int] = defaultdict(int)
    accounts_v: dict[int, set[int]] = defaultdict(set)
    for a, pieces in result.holdings.items():
        for label, _, _, fen in pieces:
            held_v[label] += fen
            accounts_v[label].add(a)
    victims_rows = []
    for v, name in enumerate(victims):
        row: dict[str, Any] = {
            "victim_id": name,
            "seeded": seeded[v],
            "held": held_v[v] if pol.conserving else None,
            "cashed_out": cashed[v] if pol.conserving else None,
            "exited": exited[v] if pol.conserving else None,
            "beyond_hops": result.beyond_hops.get(v, 0),
            "untracked": result.untracked.get(v, 0),
            "at_third_parties": result.at_parties.get(v, 0) if pol.conserving else None,
            "accounts_holding": len(accounts_v[v]),
            "hours_to_first_cash_out": round((first_cash[v] - first_t[v]) / US_PER_SECOND / 3600, 2)
            if v in first_cash and v in first_t
            else None,
        }
        if pol.conserving:
            rest = row["held"] + row["cashed_out"] + row["exited"] + row["beyond_hops"] + row["untracked"]
            rest += row["at_third_parties"]
            row["conserved"] = rest == row["seeded"]
        victims_rows.append(row)
    # -- accounts shared by several victims ----------------------------------------------------------------
    recv: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p, v, f in zip(result.flow_pos, result.flow_victim, result.flow_fen, strict=True):
        i = at[p]
        if not col["terminal"][i]:
            recv[col["dst"][i]][v] += f
    shared: list[dict[str, Any]] = [
        {
            "account_id": a,
            "victims": len(vs),
            "victim_ids": ";".join(victims[v] for v in sorted(vs)),
            "fen_in": sum(vs.values()),
        }
        for a, vs in recv.items()
        if len(vs) >= 2
    ]
    shared.sort(key=lambda r: (-int(r["victims"]), -int(r["fen_in"]), str(r["account_id"])))
    # -- third parties: request their records --------------------------------------------------------------
    requests: list[dict[str, Any]] = []
    for p, a, arrived, fp, carried in result.handed:
        i = at[p]
        account_id, k, _, c = info[a]
        row = {
            "account_id": account_id,
            "kind": k or "",
            "city": c or "",
            "why": result.parties.get(a, ""),
            "transfer_id": col["transfer_id"][i],
            "time": _time_str(int(col["t"][i])),
            "from": col["src"][i],
            "transfer_fen": int(col["amount"][i]),
            "victims_fen": sum(arrived.values()) if pol.conserving else max(arrived.values()),
            "victims": ";".join(victims[v] for v in sorted(arrived, key=lambda v: (-arrived[v], v))),
            "forward_transfer_id": "",
            "forward_time": "",
            "forward_to": "",
            "forward_fen": 0,
        }
        if fp >= 0:
            j = at[fp]
            row.update(
                forward_transfer_id=col["transfer_id"][j],
                forward_time=_time_str(int(col["t"][j])),
                forward_to=col["dst"][j],
                forward_fen=sum(carried.values()),
            )
        requests.append(row)
    rep = Report(
        pol.name,
        flows,
        freeze,
        cash_outs,
        hops_rows,
        victims_rows,
        shared,
        requests=requests,
        until_pos=result.until_pos,
    )
    rep.summary = _summary(result, rep, ledger)
    return rep


def set_aside_recipients(
    rep: Report, ledger: Ledger, suspects: set[str], params: PayeeParams | None = None
) -> list[str]:
    """Move from the freeze list to the request list every account that looks like an innocent recipient: not
    in `suspects` (the flagged mules), with money of its own, and a recipient or a payee (`PayeeParams`; None
    means the defaults). The account ids moved; `why` says which rule moved each; the summary follows."""
    pp = params or PayeeParams()
    cand = [x for x in rep.freeze if x.account_id not in suspects and x.balance > 0]
    facts = _recipient_facts(cand, rep, ledger, pp)
    why: dict[str, str] = {}
    for x in cand:
        held = sum(x.victims.values())
        own, age, kept = facts.get(x.account_id, (0, None, False))
        if own < pp.min_own * held:
            continue
        tail = f"victims' money {held / x.balance:.2%} of its balance, its own before ¥{own / 100:,.2f}"
        if held <= pp.share * x.balance:
            why[x.account_id] = f"recipient: {tail}; not a suspected mule"
        elif kept and age is not None and age >= pp.min_age_days:
            why[x.account_id] = (
                f"payee: kept what it was paid (nothing out within {pp.quick_hours:g} h of the victims' money "
                f"arriving), account {age:,} days old then, {tail}; not a suspected mule"
            )
    moved = [x for x in rep.freeze if x.account_id in why]
    if not moved:
        return []
    keep = [x for x in rep.freeze if x.account_id not in why]
    tids = [x.path[-1] for x in moved if x.path]
    info: dict[str, tuple[int, str, int]] = {}
    if tids:
        want = pa.table({"transfer_id": pa.array(tids, pa.string())})
        ledger.con.register("_aside", want)
        try:
            for tid, t, src, amount in ledger.con.execute(
                "SELECT l.transfer_id, l.t, a.account_id, l.amount FROM ledger l JOIN _aside USING (transfer_id) "
                "JOIN accounts a ON a.aid = l.src"
            ).fetchall():
                info[str(tid)] = (int(t), str(src), int(amount))
        finally:
            ledger.con.unregister("_aside")
    for x in moved:
        held = sum(x.victims.values())
        tid = x.path[-1] if x.path else ""
        t, src, amount = info.get(tid, (None, "", 0))
        rep.requests.append(
            {
                "account_id": x.account_id,
                "kind": x.kind or "",
                "city": x.city or "",
                "why": why[x.account_id],
                "transfer_id": tid,
                "time": _time_str(t) if t is not None else "",
                "from": src,
                "transfer_fen": amount,
                "victims_fen": held,
                "victims": ";".join(x.victims),
                "forward_transfer_id": "",
                "forward_time": "",
                "forward_to": "",
                "forward_fen": 0,
            }
        )
    rep.freeze = keep
    s = rep.summary
    s["freezable_yuan"] = fen_to_yuan(sum(x.amount for x in keep))
    s["freeze_accounts"] = len(keep)
    s["request_records"] = len(rep.requests)
    s["request_accounts"] = len({r["account_id"] for r in rep.requests})
    s["recipients_set_aside"] = len(moved)
    return [x.account_id for x in moved]


def _recipient_facts(
    items: list[FreezeItem], rep: Report, ledger: Ledger, pp: PayeeParams
) -> dict[str, tuple[int, int | None, bool]]:
    """For the accounts of `items`: (its balance just before the victims' money first arrived, its age in days
    then or None without `opened`, whether it kept what arrived — nothing out within `pp.quick_hours` after any
    arrival, up to the end of the trace's window). Arrivals are the flows into the account (`rep.flows`)."""
    if not items:
        return {}
    import pyarrow.compute as pc

    ids = pa.array([x.account_id for x in items], pa.string())
    f = rep.flows.filter(pc.and_(pc.is_in(rep.flows["dst"], value_set=ids), pc.invert(rep.flows["terminal"])))
    arrivals = pa.table({"transfer_id": pc.unique(f["transfer_id"])})
    until = rep.until_pos if rep.until_pos >= 0 else (1 << 62)
    quick = int(pp.quick_hours * 3600 * US_PER_SECOND)
    ledger.con.register("_arrivals", arrivals)
    try:
        rows = ledger.con.execute(
            "WITH arr AS (SELECT l.dst AS aid, l.pos, l.t FROM ledger l JOIN _arrivals USING (transfer_id)), "
            "first AS (SELECT aid, min(pos) AS p0, min(t) AS t0 FROM arr GROUP BY aid), "
            "fwd AS (SELECT DISTINCT arr.aid FROM arr JOIN ledger o ON o.src = arr.aid "
            "AND o.pos > arr.pos AND o.pos <= ? AND o.t <= arr.t + ?), "
            "moved AS (SELECT aid, sum(net) AS net FROM ("
            "SELECT first.aid, l.amount AS net FROM first JOIN ledger l ON l.dst = first.aid AND l.pos < first.p0 "
            "UNION ALL SELECT first.aid, -l.amount FROM first JOIN ledger l ON l.src = first.aid AND l.pos < first.p0"
            ") GROUP BY aid) "
            "SELECT a.account_id, a.opening + coalesce(m.net, 0), first.t0 - a.opened, fwd.aid IS NULL "
            "FROM first JOIN accounts a ON a.aid = first.aid LEFT JOIN moved m ON m.aid = first.aid "
            "LEFT JOIN fwd ON fwd.aid = first.aid",
            [until, quick],
        ).fetchall()
    finally:
        ledger.con.unregister("_arrivals")
    day = 86_400 * US_PER_SECOND
    return {
        str(a): (int(own), None if age is None else int(age) // day, bool(kept)) for a, own, age, kept in rows
    }


def _fen_decimal(fen: list[int]) -> pa.Array:
    """Integer fen → decimal128(18, 2) exactly (the unscaled value is the fen count)."""
    import numpy as np

    values = np.asarray(fen, dtype=np.int64)
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(values), [None, pa.py_buffer(words.tobytes())])


def _summary(result: TraceResult, rep: Report, ledger: Ledger) -> dict[str, Any]:
    pol = result.policy
    seeded = sum(r["seeded"] for r in rep.victims)
    freezable = sum(x.amount for x in rep.freeze)
    cashed = sum(c["fen"] for c in rep.cash_outs if c["kind"] != "exit")
    exited = sum(c["fen"] for c in rep.cash_outs if c["kind"] == "exit")
    cities: dict[str, int] = defaultdict(int)
    for c in rep.cash_outs:
        if c["kind"] != "exit":
            cities[c["location"] or "?"] += c["fen"]
    out: dict[str, Any] = {
        "policy": {"name": pol.name, "zh": pol.zh, "en": pol.en, "conserving": pol.conserving},
        "limits": result.limits.describe(),
        "ledger": ledger.report.to_dict(),
        "victims": len(result.victims),
        "seeds": len(result.seeds),
        "seeded_yuan": fen_to_yuan(seeded),
        "freezable_yuan": fen_to_yuan(freezable),
        "freeze_accounts": len(rep.freeze),
        "cash_out_points": len(rep.cash_outs),
        "accounts_reached": len(result.first),
        "flows": result.n_flows,
        "shared_accounts": len(rep.shared),
        "third_parties": len(result.parties),
        "request_records": len(rep.requests),
        "request_accounts": len({r["account_id"] for r in rep.requests}),
        "overdrafts": result.overdrafts,
        "warnings": result.stats.get("warnings", []),
        "seconds": {k: round(v, 4) for k, v in result.stats.get("seconds", {}).items()},
        "hops": rep.hops,
    }
    if pol.conserving:
        out["cashed_out_yuan"] = fen_to_yuan(cashed)
        out["exited_yuan"] = fen_to_yuan(exited)
        out["beyond_hops_yuan"] = fen_to_yuan(sum(result.beyond_hops.values()))
        out["untracked_yuan"] = fen_to_yuan(sum(result.untracked.values()))
        out["at_third_parties_yuan"] = fen_to_yuan(sum(result.at_parties.values()))
        out["conserved"] = all(r.get("conserved", True) for r in rep.victims)
        out["cash_out_by_city_yuan"] = {
            k: fen_to_yuan(v) for k, v in sorted(cities.items(), key=lambda x: -x[1])
        }
    else:
        out["note"] = (
            "poison marks whole transfers for every victim whose money entered: amounts are not conserved"
        )
    return out


# -- writing ----------------------------------------------------------------------------------------------
def _write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _json(path: Path, obj: Any) -> None:
    path.write_bytes(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")


def write_report(rep: Report, out: Path) -> list[str]:
    """Write the tables of `rep` into `out`; the file names written."""
    names: list[str] = []
    pol = rep.policy
    freeze_rows = [x.row(pol) for x in rep.freeze]
    _write_csv(
        out / "freeze_list.csv",
        [
            "account_id",
            "amount",
            "victims",
            "hops",
            "lib_bound",
            "balance",
            "kind",
            "bank",
            "city",
            "path",
            "policy",
        ],
        freeze_rows,
    )
    _json(
        out / "freeze_list.json",
        {
            "policy": pol,
            "accounts": [
                {**x.row(pol), "victims": {v: fen_to_yuan(f) for v, f in x.victims.items()}, "path": x.path}
                for x in rep.freeze
            ],
        },
    )
    pq.write_table(rep.flows, out / "flows.parquet")
    _write_csv(
        out / "flows.csv",
        [*rep.flows.column_names],
        [
            {**r, "amount": str(r["amount"]), "time": r["time"].isoformat() if r["time"] is not None else ""}
            for r in rep.flows.to_pylist()
        ],
    )
    cash_rows = [
        {
            **{k: v for k, v in c.items() if not k.startswith("_")},
            "amount": fen_to_yuan(c["fen"]),
            "channel_zh": CHANNEL_ZH.get(c["channel"], c["channel"]),
            "victims": ";".join(c["victims"]),
            "policy": pol,
        }
        for c in rep.cash_outs
    ]
    _write_csv(
        out / "cash_outs.csv",
        [
            "transfer_id",
            "time",
            "account_id",
            "kind",
            "channel",
            "channel_zh",
            "location",
            "amount",
            "victims",
            "hop",
            "sink",
            "policy",
        ],
        cash_rows,
    )
    _json(out / "cash_outs.json", {"policy": pol, "cash_outs": cash_rows})
    hop_rows = [{**h, "amount": fen_to_yuan(h["fen"]), "policy": pol} for h in rep.hops]
    _write_csv(
        out / "hops.csv",
        ["hop", "flows", "amount", "median_minutes", "p90_minutes", "max_minutes", "policy"],
        hop_rows,
    )
    vic_rows = [
        {
            **r,
            **{k: fen_to_yuan(r[k]) for k in VICTIM_AMOUNTS if r.get(k) is not None},
            "policy": pol,
        }
        for r in rep.victims
    ]
    _write_csv(
        out / "victims.csv",
        [
            "victim_id",
            *VICTIM_AMOUNTS,
            "conserved",
            "accounts_holding",
            "hours_to_first_cash_out",
            "policy",
        ],
        vic_rows,
    )
    _write_csv(
        out / "shared_accounts.csv",
        ["account_id", "victims", "victim_ids", "amount", "policy"],
        [{**r, "amount": fen_to_yuan(r["fen_in"]), "policy": pol} for r in rep.shared],
    )
    _write_csv(
        out / "request_records.csv",
        [*REQUEST_COLUMNS, "policy"],
        [
            {
                **r,
                "transfer_amount": fen_to_yuan(r["transfer_fen"]),
                "victims_amount": fen_to_yuan(r["victims_fen"]),
                "forward_amount": fen_to_yuan(r["forward_fen"]) if r["forward_transfer_id"] else "",
                "policy": pol,
            }
            for r in rep.requests
        ],
    )
    _json(out / "summary.json", rep.summary)
    names += [
        "freeze_list.csv",
        "freeze_list.json",
        "flows.parquet",
        "flows.csv",
        "cash_outs.csv",
        "cash_outs.json",
        "hops.csv",
        "victims.csv",
        "shared_accounts.csv",
        "request_records.csv",
        "summary.json",
    ]
    return names
