"""Helpers for the tracer's tests: hand-made ledgers as Arrow tables, loaded once per backend."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
import pytest

from fanzha.trace import Seed, get_backend, load_ledger, trace
from fanzha.trace.backends import BACKENDS, Backend
from fanzha.trace.engine import TraceResult
from fanzha.trace.ingest import Ledger
from fanzha.trace.model import Limits

DAY = "2024-03-06"


def ledger_table(rows: list[tuple[str, str, str, str, str, str]]) -> pa.Table:
    """(transfer_id, src, dst, amount in yuan, time HH:MM on DAY or a full ISO time, channel) rows."""
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 6
    times = [t if "T" in t or " " in t else f"{DAY} {t}:00" for t in cols[4]]
    return pa.table(
        {
            "transfer_id": pa.array(cols[0], pa.string()),
            "src": pa.array(cols[1], pa.string()),
            "dst": pa.array(cols[2], pa.string()),
            "amount": pa.array(cols[3], pa.string()),
            "time": pa.array(times, pa.string()),
            "channel": pa.array(cols[5], pa.string()),
            "location": pa.array(["广州"] * len(rows), pa.string()),
            "device": pa.array([None] * len(rows), pa.string()),
        }
    )


def accounts_table(
    opening: dict[str, str], kinds: dict[str, str] | None = None, opened: dict[str, str] | None = None
) -> pa.Table:
    """The accounts file; with `opened` (account → date), an `opened` column (null for the others)."""
    kinds = kinds or {}
    ids = sorted(set(opening) | set(kinds) | set(opened or {}))
    cols = {
        "account_id": pa.array(ids, pa.string()),
        "kind": pa.array([kinds.get(a, "bank_card") for a in ids], pa.string()),
        "opening_balance": pa.array([opening.get(a, "0") for a in ids], pa.string()),
    }
    if opened is not None:
        cols["opened"] = pa.array([opened.get(a) for a in ids], pa.string())
    return pa.table(cols)


@dataclass
class Case:
    ledger: Ledger
    backend: Backend

    def run(self, seeds: list[tuple[str, str]], policy: str, limits: Limits | None = None) -> TraceResult:
        return trace(self.backend, [Seed(v, t) for v, t in seeds], policy, limits)

    def flows(self, result: TraceResult) -> dict[tuple[str, str], int]:
        """(transfer_id, victim) → fen."""
        ids = dict(self.ledger.con.execute("SELECT pos, transfer_id FROM ledger").fetchall())
        out: dict[tuple[str, str], int] = defaultdict(int)
        for p, v, f in zip(result.flow_pos, result.flow_victim, result.flow_fen, strict=True):
            out[(ids[p], result.victims[v])] += f
        return dict(out)

    def held(self, result: TraceResult) -> dict[tuple[str, str], int]:
        """(account_id, victim) → fen still there at the end."""
        ids = self.ledger.account_ids()
        out: dict[tuple[str, str], int] = defaultdict(int)
        for a, pieces in result.holdings.items():
            for label, _, _, fen in pieces:
                out[(ids[a], result.victims[label])] += fen
        return dict(out)

    def lib(self, result: TraceResult) -> dict[str, int]:
        ids = self.ledger.account_ids()
        return {ids[a]: v for a, v in result.lib.items()}


@pytest.fixture(params=sorted(BACKENDS))
def backend_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def make_case(
    rows: list[tuple[str, str, str, str, str, str]],
    opening: dict[str, str],
    kinds: dict[str, str] | None,
    backend: str,
    opened: dict[str, str] | None = None,
) -> Case:
    led = load_ledger(ledger_table(rows), accounts=accounts_table(opening, kinds, opened))
    return Case(led, get_backend(backend, led))
