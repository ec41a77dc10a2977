"""One suite over every backend: each question gets the same answer; the generated SQL is snapshot-tested.

Set FANZHA_UPDATE_SNAPSHOTS=1 to rewrite the snapshots after an intended change (and review the diff).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pyarrow as pa
import pytest

from fanzha.trace import BACKENDS, ColumnMap, get_backend, load_ledger
from fanzha.trace.backends import Backend
from fanzha.trace.backends.duckdb import SQL
from fanzha.trace.ingest import Ledger, clean_sql

SNAP = Path(__file__).parent / "snapshots"


def _random_ledger(seed: int, n: int = 400) -> Ledger:
    rng = random.Random(seed)
    accts = [f"A{i:02d}" for i in range(25)]
    rows = []
    for i in range(n):
        src = rng.choice(accts)
        dst = rng.choice([a for a in accts if a != src] + ["ATM1", "POS1"])
        channel = "cash_withdrawal" if dst == "ATM1" else "pos" if dst == "POS1" else "bank_transfer"
        device = rng.choice([None, None, "D1", "D2", f"P{src}"])
        rows.append(
            (
                f"T{i:04d}",
                src,
                dst,
                rng.randint(1, 90_000),
                1_709_683_200_000_000 + rng.randint(0, 10**11),
                channel,
                device,
            )
        )
    ledger = pa.table(
        {
            "transfer_id": [r[0] for r in rows],
            "src": [r[1] for r in rows],
            "dst": [r[2] for r in rows],
            "amount": pa.array([r[3] for r in rows], pa.int64()),
            "time": pa.array([r[4] for r in rows], pa.timestamp("us", tz="Asia/Shanghai")),
            "channel": [r[5] for r in rows],
            "device": [r[6] for r in rows],
        }
    )
    accounts = pa.table(
        {
            "account_id": [*accts, "ATM1", "POS1"],
            "kind": ["bank_card"] * len(accts) + ["cash", "pos_merchant"],
            "owner_id": [f"P{i % 20}" for i in range(len(accts))] + [None, None],
            "opening_balance": pa.array([rng.randint(0, 10**7) for _ in accts] + [0, 0], pa.int64()),
        }
    )
    cmap = ColumnMap.identity()
    cmap.amount_unit = "fen"
    return load_ledger(ledger, accounts=accounts, mapping=cmap)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return _random_ledger(7)


@pytest.fixture(scope="module")
def backends(ledger: Ledger) -> dict[str, Backend]:
    return {name: get_backend(name, ledger) for name in BACKENDS}


def _same(backends: dict[str, Backend], call: str, *args: object) -> object:
    answers = {name: getattr(b, call)(*args) for name, b in backends.items()}
    first = next(iter(answers.values()))
    for name, ans in answers.items():
        assert ans == first, f"{name} differs on {call}{args}"
    return first


def test_every_backend_gives_the_same_answers(backends: dict[str, Backend], ledger: Ledger) -> None:
    assert _same(backends, "n_transfers") == 400
    found = _same(backends, "lookup", ["T0005", "T0100", "nope"])
    assert isinstance(found, dict) and set(found) == {"T0005", "T0100"}
    until = _same(backends, "last_pos", 1_709_683_200_000_000 + 5 * 10**10)
    assert isinstance(until, int) and 0 < until < 399
    assert _same(backends, "last_pos", None) == 399
    assert _same(backends, "last_pos", 0) == -1
    _same(backends, "outgoing", 3, 1_709_683_200_000_000, None)
    for start in ({3: 10}, {0: 0, 5: 50}, {7: 200}):
        for hops in (None, 1, 2, 3):
            reach = _same(backends, "reachable", start, until, hops)
            assert isinstance(reach, dict)
            rows = [b.touching(reach, until).pos for b in backends.values()]
            assert all(r == rows[0] for r in rows)
            _same(backends, "balances_before", reach)
    feats = [b.account_features(3_600_000_000) for b in backends.values()]
    assert all(f.equals(feats[0]) for f in feats)
    devs = [b.device_accounts() for b in backends.values()]
    assert all(d.equals(devs[0]) for d in devs)


def test_balances_before_match_the_ledger(backends: dict[str, Backend], ledger: Ledger) -> None:
    b = backends["duckdb"]
    first = dict.fromkeys(range(25), 250)
    got = b.balances_before(first)
    want = dict(
        ledger.con.execute(
            "SELECT a.aid, a.opening + coalesce((SELECT sum(amount) FROM ledger WHERE dst = a.aid AND pos < 250), 0)"
            " - coalesce((SELECT sum(amount) FROM ledger WHERE src = a.aid AND pos < 250), 0) FROM accounts a WHERE aid < 25"
        ).fetchall()
    )
    assert got == {int(k): int(v) for k, v in want.items()}


def _check_snapshot(name: str, text: str) -> None:
    path = SNAP / name
    if os.environ.get("FANZHA_UPDATE_SNAPSHOTS"):
        SNAP.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing snapshot {path}: run with FANZHA_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"generated SQL changed: review and update {path}"


def test_duckdb_sql_snapshot() -> None:
    text = "".join(f"-- {name}\n{sql};\n\n" for name, sql in sorted(SQL.items()))
    _check_snapshot("duckdb_backend.sql", text)


def test_ingest_sql_snapshot() -> None:
    schema = pa.schema(
        [
            ("流水号", pa.string()),
            ("付款", pa.string()),
            ("收款", pa.string()),
            ("金额", pa.string()),
            ("日期", pa.string()),
            ("时间", pa.string()),
            ("渠道", pa.string()),
        ]
    )
    cmap = ColumnMap.identity().with_overrides(
        [
            "transfer_id=流水号",
            "src=付款",
            "dst=收款",
            "amount=金额",
            "time=日期+时间",
            "channel=渠道",
            "location=",
            "device=",
        ]
    )
    cmap.channels = {"ATM跨行": "cash_withdrawal"}
    text = clean_sql("_raw0", "bank.csv", schema, cmap) + ";\n"
    _check_snapshot("ingest_clean.sql", text)
