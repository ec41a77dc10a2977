"""Linking (串并案): cases that share an identifier, a reporter or a mule account become one cluster; an
identifier shared by too many unrelated cases (a platform's hotline, a courier outlet's landline, 96110) is a hub
and links nothing; the modus operandi is weak evidence, suggested and never merged.

Evidence, each a *key* that two or more cases share:

- an identifier of `fanzha.text.identifiers` (phone, QQ, WeChat id, meeting id, bank card, payment account,
  domain, order number), exact after normalisation; the reporter's own identifiers link only reports of the same
  reporter, and the service numbers the entity lexicon names (96110, 95188 …) link nothing;
- a partial number (尾号8831) resolved to the one full number of its kind that ends so among the cases within
  `window` of it — when exactly one fits; otherwise it links nothing;
- the reporter (person_id) about one contact: the same victim reporting twice, or a victim and an officer (their
  cases whose contact times are within `same_reporter_days` of each other; a contact weeks apart is another
  matter);
- a mule account from `fanzha trace`'s output (flows): two victims whose money met in one account;
- a device from the same flows: two victims whose money was moved on from one phone (the device the bank recorded
  for a transfer out of an account their money reached — gangs run many cards from a few phones, and rotate the
  cards faster than the phones).

The clustering is single linkage with a veto. Keys are taken from the most specific (fewest cases) to the most
shared; a key joins its cases' clusters unless it is a *hub*: shared by at least `hub_min_cases` cases that already
fall into `hub_clusters` or more clusters of two or more cases each — it would merge investigations that the
specific evidence keeps apart. The rule is decided from the data (document frequency against how many separate
clusters the key touches), not from a list; docs/cases.md shows how its two numbers were chosen.

Every merging key is a reason: a link (from the earliest case of the key to each other case) names it. A cluster
comes with its tying keys and a strength: the share of its cases tied to it by two or more keys.

The data work is SQL over DuckDB (module constants `SQL`, parameters as ``?``); the veto pass is a union-find over
the keys in order, in Python over arrays.

Codes (docs/errors.md, "Cases"): E820 not a case folder (cases.parquet / identifiers.parquet missing), E007 one
that cannot be read; E821 a trace output folder without flows (flows.parquet / flows.csv), E822 flows without the
columns linking needs (victim_id, dst); E823 / E824 an invalid option (a window, the hub numbers).
"""

from __future__ import annotations

import time as _time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fanzha.cases.model import CASES_FILE, IDENTIFIERS_FILE
from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.units import US_PER_DAY

I64 = npt.NDArray[np.int64]

#: the order of kinds among keys shared by as many cases: the most specific evidence first
KIND_RANK: dict[str, int] = {
    "person": 0,
    "account": 1,
    "device": 2,
    "bank_card": 3,
    "payment_account": 4,
    "qq": 5,
    "wechat_id": 6,
    "meeting_id": 7,
    "phone": 8,
    "domain": 9,
    "order_number": 10,
}
#: the kinds the ledger gives (through trace's flows), not the reports
LEDGER_KINDS = ("account", "device")
LINK_KINDS = tuple(k for k in KIND_RANK if k != "person" and k not in LEDGER_KINDS)
#: kinds whose values anyone may call, visit or be given (a hotline, a courier outlet's landline, a popular site, a
#: meeting room the app hands out again), and a partial number's match: taken after the accounts a gang controls
#: (tier 1), and set aside as soon as they would join two established clusters
OPEN_KINDS = ("meeting_id", "phone", "domain", "order_number")
PARTIAL = "partial:"

SQL: dict[str, str] = {
    "cases": (
        "CREATE OR REPLACE TABLE cases AS SELECT CAST(row_number() OVER (ORDER BY case_id) - 1 AS BIGINT) AS idx, "
        "case_id, report_id, person_id, epoch_us(coalesce(contact_time, time)) AS t, epoch_us(time) AS reported, "
        "label, variant, mo FROM read_parquet(?)"
    ),
    "ids": (
        "CREATE OR REPLACE TABLE ids AS SELECT c.idx, i.kind, i.value, i.role, i.of, c.t "
        "FROM read_parquet(?) i JOIN cases c USING (case_id) WHERE i.value IS NOT NULL"
    ),
    # every (case, key) pair: identifiers (not the public numbers), reporters, partials resolved, accounts
    "inc_ids": (
        "CREATE OR REPLACE TABLE inc AS SELECT DISTINCT idx, kind, value, CAST(NULL AS VARCHAR) AS via FROM ids "
        "WHERE kind IN ({kinds}) AND role <> 'public'"
    ),
    # the same reporter about the same contact: their cases whose contact times follow each other within the
    # window are one key (a second report of a case), a contact far apart is another matter
    "inc_person": (
        "INSERT INTO inc SELECT idx, 'person', person_id || '#' || CAST(sum(new) OVER (PARTITION BY person_id "
        "ORDER BY t, idx) AS VARCHAR), NULL FROM (SELECT idx, person_id, t, CASE WHEN t - lag(t) OVER "
        "(PARTITION BY person_id ORDER BY t, idx) > ? THEN 1 ELSE 0 END AS new FROM cases "
        "WHERE person_id IS NOT NULL AND person_id <> '')"
    ),
    # a partial number: the one full number of a kind it may end that ends with its digits, within the window
    "inc_partial": (
        "INSERT INTO inc "
        "WITH p AS (SELECT DISTINCT idx, value AS digits, of, t FROM ids WHERE kind = 'partial_number'), "
        "f AS (SELECT DISTINCT i.kind, i.value, i.t, right(i.value, n.len) AS tail, n.len FROM ids i, "
        "(SELECT DISTINCT length(value) AS len FROM ids WHERE kind = 'partial_number') n "
        "WHERE i.kind IN ('phone', 'bank_card', 'order_number', 'qq') AND i.role <> 'public' AND length(i.value) > n.len), "
        "m AS (SELECT p.idx, p.digits, f.kind, f.value FROM p JOIN f ON f.tail = p.digits AND f.len = length(p.digits) "
        "AND abs(f.t - p.t) <= ? AND (f.kind = p.of OR (p.of IS NULL AND f.kind IN ('phone', 'bank_card')))), "
        "u AS (SELECT idx, digits, min(kind) AS kind, min(value) AS value, count(DISTINCT kind || ':' || value) AS n "
        "FROM m GROUP BY idx, digits) "
        "SELECT idx, 'partial:' || kind, value, 'partial:' || digits FROM u WHERE n = 1"
    ),
    # … and the cases that have that full number join the partial's key
    "inc_partial_holders": (
        "INSERT INTO inc SELECT DISTINCT i.idx, p.kind, i.value, NULL FROM inc i JOIN "
        "(SELECT DISTINCT kind, value FROM inc WHERE kind LIKE 'partial:%') p "
        "ON p.kind = 'partial:' || i.kind AND p.value = i.value"
    ),
    "partial_unresolved": (
        "SELECT count(*) FROM (SELECT DISTINCT idx, value FROM ids WHERE kind = 'partial_number') p "
        "WHERE NOT EXISTS (SELECT 1 FROM inc WHERE inc.idx = p.idx AND inc.via = 'partial:' || p.value)"
    ),
    # a trace victim is a case, a report or a reporter: the first of these its id names; its flows' accounts and
    # devices are keys
    "inc_ledger": (
        "INSERT INTO inc WITH v AS (SELECT DISTINCT victim_id FROM q_flows), "
        "m AS (SELECT v.victim_id, c.idx, 1 AS pri FROM v JOIN cases c ON c.case_id = v.victim_id "
        "UNION ALL SELECT v.victim_id, c.idx, 2 FROM v JOIN cases c ON c.report_id = v.victim_id "
        "UNION ALL SELECT v.victim_id, c.idx, 3 FROM v JOIN cases c ON c.person_id = v.victim_id), "
        "b AS (SELECT victim_id, min(pri) AS pri FROM m GROUP BY victim_id) "
        "SELECT DISTINCT m.idx, f.kind, f.value, 'ledger' FROM q_flows f JOIN m USING (victim_id) "
        "JOIN b USING (victim_id) WHERE m.pri = b.pri"
    ),
    # the keys two or more cases share, from the most specific to the most shared
    "keys": (
        "CREATE OR REPLACE TABLE keys AS SELECT CAST(row_number() OVER (ORDER BY tier, df, rank, kind, value) - 1 "
        "AS BIGINT) AS key, kind, value, df, tier FROM (SELECT kind, value, count(DISTINCT idx) AS df, "
        "CASE kind {ranks} ELSE 99 END AS rank, CASE WHEN kind IN ({open}) OR kind LIKE 'partial:%' THEN 1 ELSE 0 END "
        "AS tier FROM inc GROUP BY kind, value HAVING count(DISTINCT idx) >= 2)"
    ),
    "incidence": (
        "SELECT k.key, i.idx FROM (SELECT DISTINCT idx, kind, value FROM inc) i JOIN keys k USING (kind, value) "
        "ORDER BY k.key, i.idx"
    ),
    "vias": (
        "SELECT k.key, i.idx, i.via FROM inc i JOIN keys k USING (kind, value) WHERE i.via IS NOT NULL "
        "AND i.via LIKE 'partial:%' ORDER BY k.key, i.idx"
    ),
}


@dataclass
class LinkParams:
    """The linker's numbers: the window of a partial number's match, and the hub rule."""

    window_days: float = 30.0
    same_reporter_days: float = 14.0
    hub_min_cases: int = 3
    hub_clusters: int = 2
    hub_cluster_size: int = 5
    suggest_min: float = 0.5

    def validate(self) -> None:
        """E823 for a window that is no window, E824 for a hub number below 2 (a hub is shared by at least 2
        cases and touches at least 2 clusters of at least 2 cases)."""
        if not self.window_days > 0:
            raise InputError("E823", where="--window", option="--window", bound="> 0", value=self.window_days)
        if not self.same_reporter_days >= 0:
            option = "--same-reporter"
            raise InputError("E823", where=option, option=option, bound="≥ 0", value=self.same_reporter_days)
        for option, value in (
            ("--hub-min-cases", self.hub_min_cases),
            ("--hub-clusters", self.hub_clusters),
            ("--hub-cluster-size", self.hub_cluster_size),
        ):
            if value < 2:
                raise InputError("E824", where=option, option=option, min=2, value=value)


@dataclass
class LinkResult:
    """Clusters, the keys that tie them, the hubs, and the weak suggestions."""

    case_ids: list[str]
    cluster_of: I64  # per case: cluster number (0 …) or -1 for a case linked to nothing
    clusters: list[dict[str, Any]]
    keys: pa.Table  # key, kind, value, df, status (merged | hub | public), clusters touched, reason
    links: pa.Table  # case_a, case_b, kind, value, via
    suggestions: pa.Table
    summary: dict[str, Any] = field(default_factory=dict)
    #: every (key, case) of the shared keys: the key's row in `keys` and the case's index in `case_ids`
    inc_key: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    inc_case: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    case_t: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def cluster_labels(self) -> dict[str, int]:
        """case_id → cluster number (-1: alone)."""
        return dict(zip(self.case_ids, self.cluster_of.tolist(), strict=True))


# -- reading --------------------------------------------------------------------------------------------------


def _path_sql(p: Path) -> str:
    return str(p)


def case_folder(case_dir: str | Path, *names: str) -> Path:
    """`case_dir`, a case folder holding the files `names` (E820 naming the first one missing)."""
    d = Path(case_dir)
    for name in names:
        if not (d / name).is_file():
            raise InputError("E820", where=str(d), file=name)
    return d


def connect(
    case_dir: str | Path, db: str | Path | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the case folder's `cases` and `ids` tables."""
    d = case_folder(case_dir, CASES_FILE, IDENTIFIERS_FILE)
    con = duckdb.connect(str(db) if db is not None else ":memory:")
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    try:
        con.execute(SQL["cases"], [_path_sql(d / CASES_FILE)])
        con.execute(SQL["ids"], [_path_sql(d / IDENTIFIERS_FILE)])
    except duckdb.Error as exc:
        con.close()
        raise InputError("E007", where=str(d), reason=str(exc).splitlines()[0]) from None
    return con


def read_flows(trace_out: str | Path) -> pa.Table:
    """(victim_id, kind, value) of the ledger's evidence about each victim's money, from the output folder of
    `fanzha trace` (flows.parquet, else flows.csv): `account`, the accounts it reached (not the cash-out points);
    `device`, the devices that moved it (a flow's `device`, when the flows have that column and the bank recorded
    one). The third parties trace recognised (its `request_records.csv`: payment processors, merchants, landlords
    …) are left out, as accounts and as the senders whose devices count: that two victims' money passed one
    processor says nothing about who took it."""
    d = Path(trace_out)
    p = d / "flows.parquet" if (d / "flows.parquet").is_file() else d / "flows.csv"
    if not p.is_file():
        raise InputError("E821", where=str(d))
    try:
        if p.suffix == ".parquet":
            table = pq.read_table(p)
        else:
            table = pacsv.read_csv(
                p,
                convert_options=pacsv.ConvertOptions(
                    column_types={
                        "victim_id": pa.string(),
                        "src": pa.string(),
                        "dst": pa.string(),
                        "device": pa.string(),
                    }
                ),
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError("E007", where=str(p), reason=str(exc).splitlines()[0]) from None
    missing = [c for c in ("victim_id", "dst") if c not in table.column_names]
    if missing:
        raise InputError("E822", where=str(p), columns=missing)
    con = duckdb.connect()
    con.register("f", table)
    accounts = ["NOT coalesce(CAST(terminal AS BOOLEAN), false)"] if "terminal" in table.column_names else []
    devices = ["device IS NOT NULL", "CAST(device AS VARCHAR) <> ''"]
    third = _third_parties(d)
    if third is not None:
        con.register("third", third)
        accounts.append("CAST(dst AS VARCHAR) NOT IN (SELECT account_id FROM third)")
        devices.append("CAST(src AS VARCHAR) NOT IN (SELECT account_id FROM third)")
    parts = [
        "SELECT CAST(victim_id AS VARCHAR) AS victim_id, 'account' AS kind, CAST(dst AS VARCHAR) AS value FROM f"
        + (" WHERE " + " AND ".join(accounts) if accounts else "")
    ]
    if "device" in table.column_names and "src" in table.column_names:
        parts.append(
            "SELECT CAST(victim_id AS VARCHAR), 'device', CAST(device AS VARCHAR) FROM f WHERE "
            + " AND ".join(devices)
        )
    out = con.sql("SELECT DISTINCT * FROM (" + " UNION ALL ".join(parts) + ")").to_arrow_table()
    con.close()
    return out


def _third_parties(trace_out: Path) -> pa.Table | None:
    """The accounts of trace's `request_records.csv` (account_id), or None when the folder has none."""
    p = trace_out / "request_records.csv"
    if not p.is_file():
        return None
    try:
        table = pacsv.read_csv(
            p, convert_options=pacsv.ConvertOptions(column_types={"account_id": pa.string()})
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError("E007", where=str(p), reason=str(exc).splitlines()[0]) from None
    if "account_id" not in table.column_names:
        raise InputError("E822", where=str(p), columns=["account_id"])
    return table.select(["account_id"])


# -- linking --------------------------------------------------------------------------------------------------


def link(
    case_dir: str | Path,
    *,
    trace_out: str | Path | None = None,
    params: LinkParams | None = None,
    db: str | Path | None = None,
    threads: int | None = None,
    progress: Progress = silent,
) -> LinkResult:
    """Link the cases of a case folder (and the victims' money of a trace output folder); `threads` bounds
    DuckDB's."""
    started = _time.perf_counter()
    prm = params or LinkParams()
    prm.validate()
    flows = read_flows(trace_out) if trace_out is not None else None
    con = connect(case_dir, db, threads)
    try:
        return _link(con, prm, flows, started, progress)
    finally:
        con.close()


def _link(
    con: duckdb.DuckDBPyConnection,
    prm: LinkParams,
    flows: pa.Table | None,
    started: float,
    progress: Progress,
) -> LinkResult:
    steps: dict[str, float] = {}
    clock = [started]

    def step(name: str) -> None:
        now = _time.perf_counter()
        steps[name] = round(now - clock[0], 2)
        clock[0] = now

    step("read the case folder")
    kinds = ", ".join(f"'{k}'" for k in LINK_KINDS)
    con.execute(SQL["inc_ids"].format(kinds=kinds))
    con.execute(SQL["inc_person"], [int(prm.same_reporter_days * US_PER_DAY)])
    con.execute(SQL["inc_partial"], [int(prm.window_days * US_PER_DAY)])
    con.execute(SQL["inc_partial_holders"])
    accounts_linked = 0
    if flows is not None:
        con.register("q_flows", flows)
        con.execute(SQL["inc_ledger"])
        con.unregister("q_flows")
        row = con.execute("SELECT count(DISTINCT idx) FROM inc WHERE via = 'ledger'").fetchone()
        accounts_linked = int(row[0]) if row else 0
    ranks = " ".join(f"WHEN '{k}' THEN {r}" for k, r in KIND_RANK.items())
    open_kinds = ", ".join(f"'{k}'" for k in OPEN_KINDS)
    con.execute(SQL["keys"].format(ranks=ranks, open=open_kinds))
    cases = con.sql("SELECT idx, case_id, t FROM cases ORDER BY idx").to_arrow_table()
    n = cases.num_rows
    case_ids = cases["case_id"].to_pylist()
    t = np.asarray(cases["t"].fill_null(0), dtype=np.int64)
    keys = con.sql("SELECT key, kind, value, df, tier FROM keys ORDER BY key").to_arrow_table()
    inc = con.sql(SQL["incidence"]).to_arrow_table()
    key_of = np.asarray(inc["key"], dtype=np.int64)
    member = np.asarray(inc["idx"], dtype=np.int64)
    n_keys = keys.num_rows
    unresolved_row = con.execute(SQL["partial_unresolved"]).fetchone()
    vias: dict[tuple[int, int], str] = {}
    for k, i, via in con.execute(SQL["vias"]).fetchall():
        vias[(int(k), int(i))] = str(via)
    step("keys and partial numbers (SQL)")
    df = np.asarray(keys["df"], dtype=np.int64)
    tier = np.asarray(keys["tier"], dtype=np.int64)
    status = ["merged"] * n_keys
    reason = [""] * n_keys
    touched = [0] * n_keys
    # 1. what a gang controls (mule accounts, cards, payment accounts, QQ, WeChat) and the reporter join freely
    base_inc = tier[key_of] == 0
    base = _components(n, key_of[base_inc], member[base_inc])
    # 2. a number anyone may call or a site anyone may visit is a hub when its cases fall in two or more
    #    clusters of `hub_cluster_size` cases or more that the accounts made: it would merge them
    size = np.bincount(base, minlength=n)
    open_key, open_case = key_of[~base_inc], member[~base_inc]
    label = base[open_case]
    est = size[label] >= prm.hub_cluster_size
    if est.any():
        pairs = np.unique(np.stack([open_key[est], label[est]]), axis=1)
        n_big = np.bincount(pairs[0], minlength=n_keys)
    else:
        n_big = np.zeros(n_keys, dtype=np.int64)
    for k in np.flatnonzero((tier == 1) & (n_big >= prm.hub_clusters)).tolist():
        status[k] = "hub"
        touched[k] = int(n_big[k])
        reason[k] = (
            f"its {df[k]} cases fall in {n_big[k]} clusters of ≥ {prm.hub_cluster_size} cases that the accounts made"
        )
    # 3. everything else joins
    merged_now = np.array([x == "merged" for x in status], dtype=np.bool_)[key_of]
    root = _components(n, key_of[merged_now], member[merged_now])
    progress("keys", n_keys, n_keys)
    step("accounts, then the open kinds with the hub rule")
    # the second look: within each cluster, a key that only holds apart pieces together is a hub too
    root = _bridges(root, key_of, member, status, reason, touched, df, tier, prm)
    step("cut vertices (bridges)")
    # clusters of two or more cases, largest first (then earliest)
    counts = np.bincount(root, minlength=n)
    first_t = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_t, root, t)
    multi = np.flatnonzero(counts >= 2)
    order = multi[np.lexsort((multi, first_t[multi], -counts[multi]))]
    number = np.full(n, -1, dtype=np.int64)
    number[order] = np.arange(len(order))
    cluster_of = number[root]
    merged = np.array([s == "merged" for s in status], dtype=np.bool_)
    clusters = _clusters(cluster_of, len(order), case_ids, t, keys, key_of, member, merged)
    links = _links(keys, key_of, member, merged, case_ids, t, vias)
    key_table = _key_table(keys, status, reason, touched, cluster_of, key_of, member, con)
    step("clusters, links, keys")
    suggestions = _suggestions(con, cluster_of, case_ids, prm)
    step("suggestions (modus operandi)")
    seconds = _time.perf_counter() - started
    in_clusters = int((cluster_of >= 0).sum())
    summary = {
        "cases": n,
        "clusters": len(order),
        "cases_in_clusters": in_clusters,
        "cases_alone": n - in_clusters,
        "largest_cluster": int(counts.max()) if n else 0,
        "keys_shared": n_keys,
        "keys_merged": int(merged.sum()),
        "hubs": int(sum(1 for s in status if s == "hub")),
        "partials_unresolved": int(unresolved_row[0]) if unresolved_row else 0,
        "cases_with_ledger_evidence": accounts_linked,
        "suggestions": suggestions.num_rows,
        "params": {
            "window_days": prm.window_days,
            "hub_min_cases": prm.hub_min_cases,
            "hub_clusters": prm.hub_clusters,
            "hub_cluster_size": prm.hub_cluster_size,
        },
        "seconds": round(seconds, 3),
        "steps": steps,
    }
    return LinkResult(
        case_ids, cluster_of, clusters, key_table, links, suggestions, summary, key_of, member, t
    )


def _bridges(
    root: I64,
    key_of: I64,
    member: I64,
    status: list[str],
    reason: list[str],
    touched: list[int],
    df: I64,
    tier: I64,
    prm: LinkParams,
) -> I64:
    """Within each cluster, the keys that the rest of the cluster's evidence does not back: removing such a key
    leaves its cases in pieces that share nothing else, and it is a hub when two or more pieces hold
    `hub_cluster_size` cases each (it bridges investigations, however few cases it has), or when it has
    `hub_min_cases` cases or more and no piece holds half of them (its cases have nothing else in common). Found
    as cut vertices of the cluster's case–key graph (Tarjan, linear); repeated until nothing changes. Returns the
    new root of every case."""
    n = len(root)
    while True:
        merged = np.array([s == "merged" for s in status], dtype=np.bool_)
        use = merged[key_of]
        k_all, c_all = key_of[use], member[use]
        found = False
        order = np.argsort(root[c_all], kind="stable")
        k_sorted, c_sorted, r_sorted = k_all[order], c_all[order], root[c_all[order]]
        cuts = np.flatnonzero(np.diff(r_sorted)) + 1
        for lo, hi in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(r_sorted)].tolist(), strict=True):
            if hi - lo < 2:
                continue
            for k, pieces in _cut_keys(k_sorted[lo:hi], c_sorted[lo:hi]):
                big = sum(1 for p in pieces if p[0] >= prm.hub_cluster_size)
                most = max(p[1] for p in pieces)
                if big >= 2:
                    reason[k] = f"it alone holds together {big} pieces of ≥ {prm.hub_cluster_size} cases"
                elif tier[k] == 1 and df[k] >= prm.hub_min_cases and 2 * most < df[k]:
                    reason[k] = f"no other evidence joins half of its {df[k]} cases"
                else:
                    continue
                status[k] = "hub"
                touched[k] = big
                found = True
        if not found:
            return root
        # the clusters again, without the new hubs
        merged = np.array([s == "merged" for s in status], dtype=np.bool_)
        root = _components(n, key_of[merged[key_of]], member[merged[key_of]])


def _components(n: int, key_of: I64, member: I64) -> I64:
    """The root (smallest case) of each case's component when the cases sharing a key are joined (vectorised
    label propagation with pointer jumping)."""
    label = np.arange(n, dtype=np.int64)
    if len(key_of) == 0:
        return label
    starts = np.flatnonzero(np.r_[True, key_of[1:] != key_of[:-1]])
    while True:
        low = np.minimum.reduceat(label[member], starts)
        per = np.repeat(low, np.diff(np.r_[starts, len(member)]))
        new = label.copy()
        np.minimum.at(new, member, per)
        while True:  # pointer jumping
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        if np.array_equal(new, label):
            return label
        label = new


def _cut_keys(keys: I64, cases: I64) -> list[tuple[int, list[tuple[int, int]]]]:
    """The keys of one cluster (incidences `keys`–`cases`) that are cut vertices of its case–key graph, each with
    the pieces its removal leaves: (cases in the piece, cases of the key in the piece)."""
    case_ids, c_local = np.unique(cases, return_inverse=True)
    key_ids, k_local = np.unique(keys, return_inverse=True)
    nc, nk = len(case_ids), len(key_ids)
    nodes = nc + nk
    adj: list[list[int]] = [[] for _ in range(nodes)]
    for c, k in zip(c_local.tolist(), k_local.tolist(), strict=True):
        adj[c].append(nc + k)
        adj[nc + k].append(c)
    disc = [-1] * nodes
    low = [0] * nodes
    fin = [0] * nodes
    sub = [0] * nodes  # cases in the DFS subtree
    parent = [-1] * nodes
    clock = 0
    disc[0] = low[0] = 0
    sub[0] = 1
    stack = [(0, 0)]
    order: list[int] = [0]
    while stack:
        v, i = stack[-1]
        if i < len(adj[v]):
            stack[-1] = (v, i + 1)
            u = adj[v][i]
            if disc[u] < 0:
                clock += 1
                disc[u] = low[u] = clock
                parent[u] = v
                sub[u] = 1 if u < nc else 0
                stack.append((u, 0))
                order.append(u)
            elif u != parent[v]:
                low[v] = min(low[v], disc[u])
        else:
            stack.pop()
            fin[v] = clock
            p = parent[v]
            if p >= 0:
                low[p] = min(low[p], low[v])
                sub[p] += sub[v]
    children: list[list[int]] = [[] for _ in range(nodes)]
    for u in order[1:]:
        children[parent[u]].append(u)
    out: list[tuple[int, list[tuple[int, int]]]] = []
    for k in range(nk):
        v = nc + k
        split = [c for c in children[v] if low[c] >= disc[v]]
        if not split:
            continue
        own = adj[v]
        pieces: list[tuple[int, int]] = []
        inside = 0
        for c in split:
            mine = sum(1 for u in own if disc[c] <= disc[u] <= fin[c])
            pieces.append((sub[c], mine))
            inside += mine
        rest_cases = nc - sum(p[0] for p in pieces)
        if rest_cases:
            pieces.append((rest_cases, len(own) - inside))
        if len(pieces) >= 2:
            out.append((int(key_ids[k]), pieces))
    return out


def _clusters(
    cluster_of: I64,
    n_clusters: int,
    case_ids: list[str],
    t: I64,
    keys: pa.Table,
    key_of: I64,
    member: I64,
    merged: npt.NDArray[np.bool_],
) -> list[dict[str, Any]]:
    """Each cluster: its cases (in time order), the keys that tie it (with how many of its cases share each) and
    its strength (the share of its cases tied by two or more keys)."""
    kinds = keys["kind"].to_pylist()
    values = keys["value"].to_pylist()
    use = merged[key_of]
    m_key, m_case = key_of[use], member[use]
    per_case = np.bincount(m_case, minlength=len(case_ids))
    by_cluster: dict[int, Counter[int]] = defaultdict(Counter)
    for k, c in zip(m_key.tolist(), m_case.tolist(), strict=True):
        by_cluster[int(cluster_of[c])][k] += 1
    cases_of: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(cluster_of >= 0).tolist():
        cases_of[int(cluster_of[i])].append(i)
    out: list[dict[str, Any]] = []
    for c in range(n_clusters):
        members = sorted(cases_of[c], key=lambda i: (int(t[i]), i))
        tying = [
            {"kind": kinds[k], "value": values[k], "cases": cnt}
            for k, cnt in sorted(
                by_cluster[c].items(), key=lambda kv: (-kv[1], KIND_RANK.get(kinds[kv[0]], 99), kv[0])
            )
        ]
        strong = sum(1 for i in members if per_case[i] >= 2)
        out.append(
            {
                "cluster": c,
                "size": len(members),
                "strength": round(strong / len(members), 4),
                "first": int(t[members[0]]),
                "last": int(t[members[-1]]),
                "cases": [case_ids[i] for i in members],
                "tying": tying,
            }
        )
    return out


def _links(
    keys: pa.Table,
    key_of: I64,
    member: I64,
    merged: npt.NDArray[np.bool_],
    case_ids: list[str],
    t: I64,
    vias: dict[tuple[int, int], str],
) -> pa.Table:
    """For every merging key, a link from its earliest case to each of its other cases, naming the key."""
    kinds = keys["kind"].to_pylist()
    values = keys["value"].to_pylist()
    a_col: list[str] = []
    b_col: list[str] = []
    k_col: list[str] = []
    v_col: list[str] = []
    via_col: list[str] = []
    bounds = np.searchsorted(key_of, np.arange(keys.num_rows + 1)).tolist()
    for k in np.flatnonzero(merged).tolist():
        cs = member[bounds[k] : bounds[k + 1]].tolist()
        first = min(cs, key=lambda i: (int(t[i]), i))
        for c in cs:
            if c == first:
                continue
            a_col.append(case_ids[first])
            b_col.append(case_ids[c])
            k_col.append(kinds[k])
            v_col.append(values[k])
            via = vias.get((k, c)) or vias.get((k, first))
            via_col.append(via or ("ledger" if kinds[k] in LEDGER_KINDS else "same"))
    return pa.table(
        {"case_a": a_col, "case_b": b_col, "kind": k_col, "value": v_col, "via": via_col},
        schema=pa.schema([(n, pa.string()) for n in ("case_a", "case_b", "kind", "value", "via")]),
    )


def _key_table(
    keys: pa.Table,
    status: list[str],
    reason: list[str],
    touched: list[int],
    cluster_of: I64,
    key_of: I64,
    member: I64,
    con: duckdb.DuckDBPyConnection,
) -> pa.Table:
    """Every shared key: its status (merged / hub), how many cases share it, how many clusters of two or more it
    touched when its turn came, and, for a hub, why; then the public numbers (never used)."""
    final = np.zeros(keys.num_rows, dtype=np.int64)
    if keys.num_rows:
        pairs = np.unique(np.stack([key_of, cluster_of[member]]), axis=1)
        pairs = pairs[:, pairs[1] >= 0]
        final = np.bincount(pairs[0], minlength=keys.num_rows)
    public = con.execute(
        "SELECT kind, value, count(DISTINCT idx) AS df FROM ids WHERE role = 'public' GROUP BY kind, value ORDER BY df DESC, value"
    ).fetchall()
    return pa.table(
        {
            "kind": keys["kind"].to_pylist() + [p[0] for p in public],
            "value": keys["value"].to_pylist() + [p[1] for p in public],
            "cases": keys["df"].to_pylist() + [int(p[2]) for p in public],
            "status": status + ["public"] * len(public),
            "clusters_touched": touched + [0] * len(public),
            "clusters_now": final.tolist() + [0] * len(public),
            "reason": reason + ["a service number the lexicon names"] * len(public),
        }
    )


def _suggestions(
    con: duckdb.DuckDBPyConnection, cluster_of: I64, case_ids: list[str], prm: LinkParams
) -> pa.Table:
    """Weak evidence: for a case linked to nothing, the cluster whose modus operandi its own resembles most (the
    mean, over the case's features, of the share of the cluster's cases that have it), when at least
    `suggest_min`. Suggested, never merged."""
    rows = con.execute("SELECT idx, mo FROM cases ORDER BY idx").fetchall()
    feats: dict[str, int] = {}
    case_f: list[list[int]] = []
    for _, mo in rows:
        case_f.append([feats.setdefault(f, len(feats)) for f in (mo or [])])
    n_clusters = int(cluster_of.max()) + 1 if len(cluster_of) else 0
    empty = pa.table(
        {
            "case_id": pa.array([], pa.string()),
            "cluster": pa.array([], pa.int64()),
            "score": pa.array([], pa.float64()),
            "shared": pa.array([], pa.string()),
        }  # fmt: skip
    )
    if n_clusters == 0 or not feats:
        return empty
    shown = min(n_clusters, 500)  # the largest clusters
    profile = np.zeros((shown, len(feats)), dtype=np.float64)
    sizes = np.zeros(shown, dtype=np.float64)
    for i, fs in enumerate(case_f):
        c = int(cluster_of[i])
        if 0 <= c < shown:
            sizes[c] += 1
            profile[c, fs] += 1
    profile /= np.maximum(sizes, 1)[:, None]
    names = list(feats)
    out_case: list[str] = []
    out_cluster: list[int] = []
    out_score: list[float] = []
    out_shared: list[str] = []
    for i in np.flatnonzero(cluster_of < 0).tolist():
        fs = case_f[i]
        if len(fs) < 3:
            continue
        scores = profile[:, fs].mean(axis=1)
        best = int(np.argmax(scores))
        if scores[best] >= prm.suggest_min and sizes[best] >= 3:
            out_case.append(case_ids[i])
            out_cluster.append(best)
            out_score.append(round(float(scores[best]), 4))
            out_shared.append(";".join(names[f] for f in fs if profile[best, f] >= 0.5))
    if not out_case:
        return empty
    return pa.table({"case_id": out_case, "cluster": out_cluster, "score": out_score, "shared": out_shared})


def clusters_of(result: LinkResult) -> dict[int, list[str]]:
    """cluster number → its case ids."""
    out: dict[int, list[str]] = defaultdict(list)
    for cid, c in zip(result.case_ids, result.cluster_of.tolist(), strict=True):
        if c >= 0:
            out[c].append(cid)
    return dict(out)


def pairs(labels: Sequence[int]) -> int:
    """The number of pairs of items with the same label (≥ 0)."""
    counts = Counter(x for x in labels if x >= 0)
    return sum(n * (n - 1) // 2 for n in counts.values())
