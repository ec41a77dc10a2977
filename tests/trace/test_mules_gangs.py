"""Mule scores and the gang graph on a hand-made month: three burner cards run from one phone against
five ordinary people."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from fanzha.trace import (
    ColumnMap,
    Seed,
    build_report,
    gang_graph,
    get_backend,
    load_ledger,
    score_mules,
    trace,
)
from fanzha.trace.gangs import read_links
from fanzha.trace.ingest import Ledger

T0 = 1_709_222_400_000_000  # 2024-03-01 00:00 Shanghai
H = 3_600_000_000
D = 24 * H


def _month() -> Ledger:
    rows: list[tuple[str, str, int, int, str | None, str]] = []  # src, dst, fen, t, device, channel
    people = [f"P{i}" for i in range(5)]
    for i, p in enumerate(people):  # salary, a few purchases, now and then a transfer to a relative
        rows.append(("EMP", p, 800_000, T0 + (1 + i) * H, None, "salary"))
        for day in range(2, 28, 3):
            rows.append((p, "SHOP", 5_000 + 100 * day, T0 + day * D + 10 * H, f"D{p}", "merchant_payment"))
        rows.append((p, people[(i + 1) % 5], 20_000, T0 + 15 * D + i * H, f"D{p}", "bank_transfer"))
    victims = [f"V{i}" for i in range(6)]
    for i, v in enumerate(victims):  # losses into M1 / M2 on days 10-12, moved on within the hour
        card = "M1" if i % 2 == 0 else "M2"
        t = T0 + (10 + i // 2) * D + i * H
        rows.append((v, card, 300_000 + i * 1_000, t, f"D{v}", "bank_transfer"))
        rows.append((card, "M3", 290_000, t + 20 * 60_000_000, "DG", "bank_transfer"))
        rows.append(("M3", "ATM", 280_000, t + 50 * 60_000_000, None, "cash_withdrawal"))
    rows.sort(key=lambda r: r[3])
    ids = ["EMP", "SHOP", "ATM", "M1", "M2", "M3", *people, *victims]
    kinds = {"EMP": "employer", "SHOP": "merchant", "ATM": "cash"}
    accounts = pa.table(
        {
            "account_id": ids,
            "kind": [kinds.get(a, "bank_card") for a in ids],
            "owner_id": [None if a.startswith("M") or a in kinds else a for a in ids],
            "opening_balance": ["1000000" if a in ("EMP", *victims) else "0" for a in ids],
        }
    )
    return _ledger(rows, accounts=accounts, id_width=4)


def _ledger(
    rows: list[tuple[str, str, int, int, str | None, str]],
    *,
    accounts: pa.Table | None = None,
    id_width: int = 0,
) -> Ledger:
    """A ledger of (src, dst, fen, time µs, device, channel) rows, ids T0, T1, … (zero-padded to `id_width`) in
    the given order."""
    ledger = pa.table(
        {
            "transfer_id": [f"T{i:0{id_width}d}" for i in range(len(rows))],
            "src": [r[0] for r in rows],
            "dst": [r[1] for r in rows],
            "amount": pa.array([r[2] for r in rows], pa.int64()),
            "time": pa.array([r[3] for r in rows], pa.timestamp("us", tz="Asia/Shanghai")),
            "device": [r[4] for r in rows],
            "channel": [r[5] for r in rows],
        }
    )
    cmap = ColumnMap.identity()
    cmap.amount_unit = "fen"
    return load_ledger(ledger, accounts=accounts, mapping=cmap)


def _transfers(rows: list[tuple[str, str, int, int, str]]) -> Ledger:
    """A ledger of bank transfers (src, dst, fen, time µs, device), ids T0, T1, … in the given order."""
    return _ledger([(*r, "bank_transfer") for r in rows])


@pytest.mark.parametrize("backend", ["duckdb", "numpy"])
def test_burner_cards_are_flagged_and_ordinary_people_are_not(backend: str) -> None:
    led = _month()
    table = score_mules(get_backend(backend, led), led)
    flagged = {
        a for a, f in zip(table["account_id"].to_pylist(), table["flagged"].to_pylist(), strict=True) if f
    }
    assert flagged == {"M1", "M2", "M3"}
    scored = set(table["account_id"].to_pylist())
    assert "EMP" not in scored and "ATM" not in scored and "SHOP" not in scored  # institutions are not scored
    scores = dict(zip(table["account_id"].to_pylist(), table["score"].to_pylist(), strict=True))
    assert max(scores[p] for p in ("P0", "P1", "P2", "P3", "P4")) < min(scores[m] for m in ("M1", "M2", "M3"))


@pytest.mark.parametrize("backend", ["duckdb", "numpy"])
def test_without_device_ids_the_flows_alone_flag_the_burner_cards(backend: str) -> None:
    # issue 19: a bank without device data; the shared device is not a signal then (weights over the rest)
    led = _month()
    led.con.execute("UPDATE ledger SET device = NULL")
    table = score_mules(get_backend(backend, led), led)
    rows = dict(zip(table["account_id"].to_pylist(), table.to_pylist(), strict=True))
    assert {a for a, r in rows.items() if r["flagged"]} == {"M1", "M2", "M3"}
    assert all(r["shared_device"] == 0 for r in rows.values())
    assert rows["M3"]["drained"] == 1.0 and rows["P0"]["drained"] < 0.2


def test_gang_graph_joins_cards_by_device_money_and_links(tmp_path: Path) -> None:
    led = _month()
    be = get_backend("duckdb", led)
    mules = score_mules(be, led)
    seeds = [
        Seed(f"V{i}", tid)
        for i, tid in enumerate(
            t
            for t, s in led.con.execute(
                "SELECT transfer_id, src FROM ledger l JOIN accounts a ON a.aid = l.src "
                "WHERE a.account_id LIKE 'V%' ORDER BY pos"
            ).fetchall()
        )
    ]
    rep = build_report(trace(be, seeds, "fifo"), led)
    g = gang_graph(be, led, mules, rep.flows)
    assert g.gangs == [["M1", "M2", "M3"]]
    kinds = set().union(*g.edges.values())
    assert {"device", "money"} <= kinds
    # a phone bound to two ordinary people's cards links nothing: links only join suspects
    links = tmp_path / "links.csv"
    links.write_text(
        "account_id,kind,value\nP0,phone,13800000000\nP1,phone,13800000000\nM3,phone,170123\nM1,phone,170123\n",
        encoding="utf-8",
    )
    g2 = gang_graph(be, led, mules, None, read_links(links))
    assert g2.gangs == [["M1", "M2", "M3"]]
    assert "phone" in g2.edges[("M1", "M3")]


def test_cards_of_one_gang_on_two_phones_meet_through_their_own_transfers() -> None:
    """The gang graph joins suspects by every transfer between them in the ledger, not only by the traced victims'
    money: a gang's phone whose cards never carried a reported victim's money still pays the gang's other cards
    (cover traffic). Two suspects of other gangs that never paid each other stay apart; an ordinary account that
    paid both joins nothing."""
    rows = [  # src, dst, fen, t, device
        ("A1", "X", 10_000, T0 + H, "DA"),
        ("A2", "X", 10_000, T0 + 2 * H, "DA"),
        ("B1", "Y", 10_000, T0 + 3 * H, "DB"),
        ("B2", "Y", 10_000, T0 + 4 * H, "DB"),
        ("A2", "B1", 5_000, T0 + 5 * H, "DA"),  # the gang's cover traffic between its two phones' cards
        ("C1", "Y", 10_000, T0 + 6 * H, "DC"),
        ("C2", "Y", 10_000, T0 + 7 * H, "DC"),
        ("P", "A1", 3_000, T0 + 8 * H, "DP"),  # an ordinary person paid both gangs' cards
        ("P", "C1", 3_000, T0 + 9 * H, "DP"),
    ]
    led = _transfers(rows)
    suspects = ["A1", "A2", "B1", "B2", "C1", "C2"]
    mules = pa.table({"account_id": suspects, "score": [0.9] * 6, "flagged": [True] * 6})
    g = gang_graph(get_backend("duckdb", led), led, mules)
    assert g.gangs == [["A1", "A2", "B1", "B2"], ["C1", "C2"]]
    assert "money" in g.edges[("A2", "B1")]


def test_a_victim_robbed_by_two_gangs_joins_neither() -> None:
    """A repeat victim: one gang took V's money in March, another a fortnight later, the second from its own phone
    (V's card taken over). The mule score flags V's drained card; still, V's account is where the traced losses
    leave from — a victim's, never a suspect — so the two gangs stay apart."""
    rows = [  # src, dst, fen, t, device
        ("V", "A1", 300_000, T0 + H, "DV"),  # the first gang's card
        ("A1", "A2", 290_000, T0 + 2 * H, "DA"),
        ("V", "B1", 200_000, T0 + 14 * D, "DB"),  # the second gang drives V's account from its phone
        ("B1", "B2", 190_000, T0 + 14 * D + H, "DB"),
    ]
    led = _transfers(rows)
    be = get_backend("duckdb", led)
    suspects = ["V", "A1", "A2", "B1", "B2"]  # V flagged too, as the score can
    mules = pa.table({"account_id": suspects, "score": [0.9] * 5, "flagged": [True] * 5})
    rep = build_report(trace(be, [Seed("case1", "T0"), Seed("case2", "T2")], "fifo"), led)
    g = gang_graph(be, led, mules, rep.flows)
    assert g.gangs == [["A1", "A2"], ["B1", "B2"]]
    assert "V" not in g.nodes
