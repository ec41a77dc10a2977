"""The DuckDB backend (embedded default): every question is one SQL statement over the `ledger` table.

The statements are module constants with `?` parameters and small registered tables (`q_reach`, `q_frontier`, `q_ids`),
so the SQL that runs is exactly the text a snapshot test compares (`tests/trace/snapshots/`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from fanzha.trace.backends.base import FEATURE_COLUMNS
from fanzha.trace.ingest import Ledger
from fanzha.trace.model import CASH_OUT_CHANNELS, TransferRows

SQL: dict[str, str] = {
    "count": "SELECT count(*) FROM ledger",
    "lookup": (
        "SELECT l.transfer_id, l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_ids i ON l.transfer_id = i.id"
    ),
    "last_pos": "SELECT coalesce(max(pos), -1) FROM ledger WHERE t <= ?",
    "outgoing": "SELECT pos, src, dst, amount, t, terminal FROM ledger WHERE src = ? AND t >= ? AND t <= ? ORDER BY pos",
    "expand": (
        "SELECT l.dst AS aid, min(l.pos) AS pos FROM ledger l JOIN q_frontier f ON l.src = f.aid "
        "WHERE l.pos > f.pos AND l.pos <= ? AND NOT l.terminal GROUP BY l.dst"
    ),
    "touching": (
        "SELECT l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_reach r ON l.src = r.aid "
        "WHERE l.pos > r.pos AND l.pos <= ? "
        "UNION "
        "SELECT l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_reach r ON l.dst = r.aid "
        "WHERE l.pos >= r.pos AND l.pos <= ? "
        "ORDER BY pos"
    ),
    "balances_before": (
        "SELECT r.aid, CAST(a.opening + coalesce(i.s, 0) - coalesce(o.s, 0) AS BIGINT) AS balance "
        "FROM q_reach r JOIN accounts a ON a.aid = r.aid "
        "LEFT JOIN (SELECT l.dst AS aid, sum(l.amount) AS s FROM ledger l JOIN q_reach r ON l.dst = r.aid "
        "WHERE l.pos < r.pos GROUP BY l.dst) i ON i.aid = r.aid "
        "LEFT JOIN (SELECT l.src AS aid, sum(l.amount) AS s FROM ledger l JOIN q_reach r ON l.src = r.aid "
        "WHERE l.pos < r.pos GROUP BY l.src) o ON o.aid = r.aid"
    ),
    "features": (
        "WITH ev AS ("
        "SELECT src AS aid, pos, t, amount, false AS inflow, dst AS other, channel FROM ledger "
        "UNION ALL SELECT dst AS aid, pos, t, amount, true AS inflow, src AS other, channel FROM ledger), "
        "ordered AS (SELECT *, max(CASE WHEN inflow THEN t END) OVER (PARTITION BY aid ORDER BY pos "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_in FROM ev), "
        "agg AS (SELECT aid, "
        "count(*) FILTER (WHERE inflow) AS n_in, count(*) FILTER (WHERE NOT inflow) AS n_out, "
        "coalesce(sum(amount) FILTER (WHERE inflow), 0) AS in_fen, "
        "coalesce(sum(amount) FILTER (WHERE NOT inflow), 0) AS out_fen, "
        "count(DISTINCT other) FILTER (WHERE inflow) AS payers, "
        "count(DISTINCT other) FILTER (WHERE NOT inflow) AS payees, "
        "min(t) AS first_t, max(t) AS last_t, "
        "coalesce(sum(amount) FILTER (WHERE NOT inflow AND channel IN ({cash})), 0) AS cash_out_fen, "
        "coalesce(sum(amount) FILTER (WHERE NOT inflow AND t - last_in <= ?), 0) AS quick_out_fen "
        "FROM ordered GROUP BY aid), "
        "dev AS (SELECT DISTINCT l.device, l.src AS aid, coalesce(a.owner_id, a.account_id) AS who "
        "FROM ledger l JOIN accounts a ON a.aid = l.src WHERE l.device IS NOT NULL), "
        "peers AS (SELECT device, count(DISTINCT who) - 1 AS peers FROM dev GROUP BY device), "
        "devagg AS (SELECT d.aid, count(DISTINCT d.device) AS devices, max(p.peers) AS device_peers "
        "FROM dev d JOIN peers p USING (device) GROUP BY d.aid) "
        "SELECT agg.aid, n_in, n_out, CAST(in_fen AS BIGINT) AS in_fen, CAST(out_fen AS BIGINT) AS out_fen, "
        "payers, payees, first_t, last_t, CAST(cash_out_fen AS BIGINT) AS cash_out_fen, "
        "CAST(quick_out_fen AS BIGINT) AS quick_out_fen, coalesce(devices, 0) AS devices, "
        "coalesce(device_peers, 0) AS device_peers FROM agg LEFT JOIN devagg USING (aid) ORDER BY agg.aid"
    ).replace("{cash}", ", ".join(f"'{c}'" for c in CASH_OUT_CHANNELS)),
    "device_accounts": "SELECT DISTINCT device, src AS aid FROM ledger WHERE device IS NOT NULL ORDER BY device, aid",
}

_I64_MAX = np.iinfo(np.int64).max


class DuckDBBackend:
    """Answers the tracer's questions with SQL on the ledger's DuckDB connection."""

    name = "duckdb"

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.con = ledger.con

    # helpers -------------------------------------------------------------------------------------------
    def _rows(self, sql: str, params: list[Any] | None = None, **tables: pa.Table) -> list[tuple[Any, ...]]:
        for name, table in tables.items():
            self.con.register(name, table)
        try:
            return self.con.execute(sql, params or []).fetchall()
        finally:
            for name in tables:
                self.con.unregister(name)

    @staticmethod
    def _pairs(first: dict[int, int]) -> pa.Table:
        return pa.table(
            {
                "aid": pa.array(list(first.keys()), pa.int32()),
                "pos": pa.array(list(first.values()), pa.int64()),
            }
        )

    # the interface (see `Backend` in base.py for what each method answers) -------------------------------
    def n_transfers(self) -> int:
        return int(self._rows(SQL["count"])[0][0])

    def lookup(self, transfer_ids: list[str]) -> dict[str, tuple[int, int, int, int, int, bool]]:
        ids = pa.table({"id": pa.array(sorted(set(transfer_ids)), pa.string())})
        return {
            r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), bool(r[6]))
            for r in self._rows(SQL["lookup"], q_ids=ids)
        }

    def last_pos(self, until_us: int | None) -> int:
        return int(self._rows(SQL["last_pos"], [_I64_MAX if until_us is None else until_us])[0][0])

    def outgoing(
        self, account: int, since_us: int, until_us: int | None
    ) -> list[tuple[int, int, int, int, int, bool]]:
        params = [account, since_us, _I64_MAX if until_us is None else until_us]
        return [
            (int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), bool(r[5]))
            for r in self._rows(SQL["outgoing"], params)
        ]

    def reachable(self, starts: dict[int, int], until_pos: int, max_hops: int | None) -> dict[int, int]:
        best = {a: p for a, p in starts.items() if p <= until_pos}
        frontier = dict(best)
        hops = 1
        while frontier and (max_hops is None or hops < max_hops):
            found = self._rows(SQL["expand"], [until_pos], q_frontier=self._pairs(frontier))
            frontier = {}
            for aid, pos in found:
                a, p = int(aid), int(pos)
                if p < best.get(a, _I64_MAX):
                    best[a] = p
                    frontier[a] = p
            hops += 1
        return best

    def touching(self, first: dict[int, int], until_pos: int) -> TransferRows:
        out = TransferRows()
        if not first:
            return out
        for r in self._rows(SQL["touching"], [until_pos, until_pos], q_reach=self._pairs(first)):
            out.pos.append(int(r[0]))
            out.src.append(int(r[1]))
            out.dst.append(int(r[2]))
            out.amount.append(int(r[3]))
            out.t.append(int(r[4]))
            out.terminal.append(bool(r[5]))
        return out

    def balances_before(self, first: dict[int, int]) -> dict[int, int]:
        if not first:
            return {}
        return {int(a): int(b) for a, b in self._rows(SQL["balances_before"], q_reach=self._pairs(first))}

    def account_features(self, quick_us: int) -> pa.Table:
        table = self.con.sql(SQL["features"], params=[quick_us]).to_arrow_table()
        return table.select(list(FEATURE_COLUMNS))

    def device_accounts(self) -> pa.Table:
        return self.con.sql(SQL["device_accounts"]).to_arrow_table()
