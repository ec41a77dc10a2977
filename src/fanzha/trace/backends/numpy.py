"""The in-memory backend: the ledger as numpy arrays with per-account indexes (CSR by src and by dst).

It answers the same questions as the DuckDB backend without SQL: a single victim's closure touches only
the index slices of the accounts it reaches, so it is the fast path for interactive tracing once the
ledger is loaded. The shared test suite checks that both backends give identical answers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fanzha.trace.backends.base import FEATURE_COLUMNS
from fanzha.trace.ingest import Ledger
from fanzha.trace.model import CASH_OUT_CHANNELS, TransferRows

I64 = npt.NDArray[np.int64]
_I64_MAX = np.iinfo(np.int64).max


class NumpyBackend:
    """Answers the tracer's questions from numpy arrays held in memory."""

    name = "numpy"

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        cols = ledger.con.execute(
            "SELECT src, dst, amount, t, terminal, channel IN ("
            + ", ".join(f"'{c}'" for c in CASH_OUT_CHANNELS)
            + ") AS cash FROM ledger ORDER BY pos"
        ).fetchnumpy()
        self.src: I64 = np.asarray(cols["src"], dtype=np.int64)
        self.dst: I64 = np.asarray(cols["dst"], dtype=np.int64)
        self.amount: I64 = np.asarray(cols["amount"], dtype=np.int64)
        self.t: I64 = np.asarray(cols["t"], dtype=np.int64)
        self.terminal = np.asarray(cols["terminal"], dtype=np.bool_)
        self.cash = np.asarray(cols["cash"], dtype=np.bool_)
        acc = ledger.con.execute(
            "SELECT aid, opening, coalesce(owner_id, account_id) AS who FROM accounts ORDER BY aid"
        ).fetchnumpy()
        self.opening: I64 = np.asarray(acc["opening"], dtype=np.int64)
        self.n_accounts = len(self.opening)
        _, self.owner = np.unique(np.asarray(acc["who"], dtype=object).astype(str), return_inverse=True)
        self._ids: pa.ChunkedArray = ledger.con.sql(
            "SELECT transfer_id FROM ledger ORDER BY pos"
        ).to_arrow_table()["transfer_id"]
        self._devices: pa.ChunkedArray | None = None
        n = self.n_accounts
        self.out_idx: I64 = np.argsort(self.src, kind="stable").astype(np.int64)
        self.out_ptr: I64 = np.concatenate([[0], np.cumsum(np.bincount(self.src, minlength=n))]).astype(
            np.int64
        )
        self.in_idx: I64 = np.argsort(self.dst, kind="stable").astype(np.int64)
        self.in_ptr: I64 = np.concatenate([[0], np.cumsum(np.bincount(self.dst, minlength=n))]).astype(
            np.int64
        )
        self.in_cum: I64 = np.concatenate([[0], np.cumsum(self.amount[self.in_idx])]).astype(np.int64)
        self.out_cum: I64 = np.concatenate([[0], np.cumsum(self.amount[self.out_idx])]).astype(np.int64)

    def _out(self, a: int) -> I64:
        return self.out_idx[self.out_ptr[a] : self.out_ptr[a + 1]]

    def _in(self, a: int) -> I64:
        return self.in_idx[self.in_ptr[a] : self.in_ptr[a + 1]]

    # the interface (see `Backend` in base.py for what each method answers) -------------------------------
    def n_transfers(self) -> int:
        return len(self.src)

    def lookup(self, transfer_ids: list[str]) -> dict[str, tuple[int, int, int, int, int, bool]]:
        want = pa.array(sorted(set(transfer_ids)), pa.string())
        hit = np.flatnonzero(np.asarray(pc.is_in(self._ids, value_set=want)))
        out: dict[str, tuple[int, int, int, int, int, bool]] = {}
        for p in hit.tolist():
            tid = self._ids[p].as_py()
            out[tid] = (
                p,
                int(self.src[p]),
                int(self.dst[p]),
                int(self.amount[p]),
                int(self.t[p]),
                bool(self.terminal[p]),
            )
        return out

    def last_pos(self, until_us: int | None) -> int:
        if until_us is None:
            return len(self.t) - 1
        return int(np.searchsorted(self.t, until_us, side="right")) - 1

    def outgoing(
        self, account: int, since_us: int, until_us: int | None
    ) -> list[tuple[int, int, int, int, int, bool]]:
        if not 0 <= account < self.n_accounts:
            return []
        idx = self._out(account)
        tt = self.t[idx]
        keep = (tt >= since_us) & (tt <= (_I64_MAX if until_us is None else until_us))
        return [
            (p, account, int(self.dst[p]), int(self.amount[p]), int(self.t[p]), bool(self.terminal[p]))
            for p in idx[keep].tolist()
        ]

    def reachable(self, starts: dict[int, int], until_pos: int, max_hops: int | None) -> dict[int, int]:
        best = {a: p for a, p in starts.items() if p <= until_pos}
        frontier = dict(best)
        hops = 1
        while frontier and (max_hops is None or hops < max_hops):
            parts_d: list[I64] = []
            parts_p: list[I64] = []
            for a, e in frontier.items():
                idx = self._out(a)
                lo = int(np.searchsorted(idx, e, side="right"))
                hi = int(np.searchsorted(idx, until_pos, side="right"))
                sel = idx[lo:hi]
                sel = sel[~self.terminal[sel]]
                if len(sel):
                    parts_d.append(self.dst[sel])
                    parts_p.append(sel)
            frontier = {}
            if parts_d:
                d = np.concatenate(parts_d)
                p = np.concatenate(parts_p)
                order = np.lexsort((p, d))
                d, p = d[order], p[order]
                first = np.r_[True, d[1:] != d[:-1]]
                for a, pos in zip(d[first].tolist(), p[first].tolist(), strict=True):
                    if pos < best.get(a, _I64_MAX):
                        best[a] = pos
                        frontier[a] = pos
            hops += 1
        return best

    def touching(self, first: dict[int, int], until_pos: int) -> TransferRows:
        out = TransferRows()
        if not first:
            return out
        parts: list[I64] = []
        for a, e in first.items():
            o = self._out(a)
            parts.append(o[(o > e) & (o <= until_pos)])
            i = self._in(a)
            parts.append(i[(i >= e) & (i <= until_pos)])
        pos = _distinct(np.concatenate(parts))
        out.pos = pos.tolist()
        out.src = self.src[pos].tolist()
        out.dst = self.dst[pos].tolist()
        out.amount = self.amount[pos].tolist()
        out.t = self.t[pos].tolist()
        out.terminal = self.terminal[pos].tolist()
        return out

    def balances_before(self, first: dict[int, int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for a, e in first.items():
            lo_i, hi_i = int(self.in_ptr[a]), int(self.in_ptr[a + 1])
            k_i = lo_i + int(np.searchsorted(self.in_idx[lo_i:hi_i], e, side="left"))
            lo_o, hi_o = int(self.out_ptr[a]), int(self.out_ptr[a + 1])
            k_o = lo_o + int(np.searchsorted(self.out_idx[lo_o:hi_o], e, side="left"))
            inflow = int(self.in_cum[k_i] - self.in_cum[lo_i])
            outflow = int(self.out_cum[k_o] - self.out_cum[lo_o])
            out[a] = int(self.opening[a]) + inflow - outflow
        return out

    def account_features(self, quick_us: int) -> pa.Table:
        n = self.n_accounts
        src, dst, amount, t = self.src, self.dst, self.amount, self.t
        n_in = np.bincount(dst, minlength=n)
        n_out = np.bincount(src, minlength=n)
        in_fen = np.bincount(dst, weights=amount, minlength=n)
        out_fen = np.bincount(src, weights=amount, minlength=n)
        # exact integer sums (bincount weights are floats)
        in_fen = self._exact_sum(dst, amount, n) if in_fen.max(initial=0) > 2**52 else in_fen.astype(np.int64)
        out_fen = (
            self._exact_sum(src, amount, n) if out_fen.max(initial=0) > 2**52 else out_fen.astype(np.int64)
        )
        payers = self._distinct_count(dst, src, n)
        payees = self._distinct_count(src, dst, n)
        first_t = np.full(n, _I64_MAX, dtype=np.int64)
        last_t = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(first_t, src, t)
        np.minimum.at(first_t, dst, t)
        np.maximum.at(last_t, src, t)
        np.maximum.at(last_t, dst, t)
        cash_out = self._exact_sum(src[self.cash], amount[self.cash], n)
        # quick outflows: the time since the account's previous inflow, along each account's events
        m = len(src)
        acct = np.concatenate([src, dst])
        posv = np.concatenate([np.arange(m), np.arange(m)])
        inflow = np.concatenate([np.zeros(m, np.bool_), np.ones(m, np.bool_)])
        order = np.argsort(
            acct * np.int64(max(m, 1)) + posv
        )  # by account, then ledger position (keys unique)
        acct_o, pos_o, in_o = acct[order], posv[order], inflow[order]
        t_o = t[pos_o]
        # the previous inflow of the same account: forward-fill the index of the last inflow seen
        k = np.arange(len(acct_o))
        last_in = np.maximum.accumulate(np.where(in_o, k, -1))
        prev_in = np.r_[-1, last_in[:-1]]
        group_start = np.maximum.accumulate(np.where(np.r_[True, acct_o[1:] != acct_o[:-1]], k, 0))
        has_prev = prev_in >= group_start
        gap = t_o - t_o[np.maximum(prev_in, 0)]
        quick = ~in_o & has_prev & (gap <= quick_us)
        quick_out = self._exact_sum(acct_o[quick], amount[pos_o[quick]], n)
        devices, peers = self._device_stats(n)
        active = (n_in + n_out) > 0
        aid = np.flatnonzero(active)
        return pa.table(
            {
                "aid": pa.array(aid.astype(np.int32)),
                "n_in": pa.array(n_in[aid].astype(np.int64)),
                "n_out": pa.array(n_out[aid].astype(np.int64)),
                "in_fen": pa.array(np.asarray(in_fen)[aid].astype(np.int64)),
                "out_fen": pa.array(np.asarray(out_fen)[aid].astype(np.int64)),
                "payers": pa.array(payers[aid]),
                "payees": pa.array(payees[aid]),
                "first_t": pa.array(first_t[aid]),
                "last_t": pa.array(last_t[aid]),
                "cash_out_fen": pa.array(cash_out[aid]),
                "quick_out_fen": pa.array(quick_out[aid]),
                "devices": pa.array(devices[aid]),
                "device_peers": pa.array(peers[aid]),
            }
        ).select(list(FEATURE_COLUMNS))

    @staticmethod
    def _exact_sum(keys: I64, values: I64, n: int) -> I64:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, keys, values)
        return out

    @staticmethod
    def _distinct_count(keys: I64, others: I64, n: int) -> I64:
        pairs = _distinct(keys.astype(np.int64) * (2**31) + others.astype(np.int64))
        return np.bincount((pairs // (2**31)).astype(np.int64), minlength=n).astype(np.int64)

    def _device_column(self) -> pa.ChunkedArray:
        if self._devices is None:
            self._devices = self.ledger.con.sql("SELECT device FROM ledger ORDER BY pos").to_arrow_table()[
                "device"
            ]
        return self._devices

    def _device_stats(self, n: int) -> tuple[I64, I64]:
        dev = self._device_column()
        has = np.asarray(dev.is_valid())
        devices = np.zeros(n, dtype=np.int64)
        peers = np.zeros(n, dtype=np.int64)
        if not has.any():
            return devices, peers
        codes = np.asarray(
            pc.dictionary_encode(dev.filter(pa.array(has))).combine_chunks().indices, dtype=np.int64
        )
        acc = self.src[has]
        pairs = _distinct(codes * (2**31) + acc)
        d, a = pairs // (2**31), pairs % (2**31)
        devices += np.bincount(a, minlength=n)
        who = _distinct(d * (2**31) + self.owner[a])
        per_device = np.bincount(who // (2**31), minlength=int(d.max()) + 1) - 1
        np.maximum.at(peers, a, per_device[d])
        return devices, peers

    def device_accounts(self) -> pa.Table:
        dev = self._device_column()
        has = np.asarray(dev.is_valid())
        table = pa.table(
            {"device": dev.filter(pa.array(has)), "aid": pa.array(self.src[has].astype(np.int32))}
        )
        return (
            table.group_by(["device", "aid"])
            .aggregate([])
            .sort_by([("device", "ascending"), ("aid", "ascending")])
        )


def _distinct(values: I64) -> I64:
    """Sorted distinct values (a sort and a diff: faster here than numpy's hash-based unique)."""
    x = np.sort(values)
    if len(x) == 0:
        return x
    return x[np.r_[True, x[1:] != x[:-1]]]
