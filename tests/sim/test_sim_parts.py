"""Units: FIFO queues, exact money conversion, ids, capping ordinary payments, the intervention hook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from simworlds import TINY

from fanzha.records.arrow import decimal_to_fen, fen_to_decimal, fixed_ids
from fanzha.sim.benign import cap_outflows
from fanzha.sim.fifo import CLEAN, Fifo, by_victim
from fanzha.sim.generate import simulate
from fanzha.sim.intervene import intervene
from fanzha.sim.validate import check_world


def test_fifo_takes_from_the_head_and_merges_neighbours() -> None:
    q = Fifo(100)
    q.put([(7, 50), (7, 25), (CLEAN, 10), (8, 40)])
    assert [tuple(c) for c in q.chunks] == [(CLEAN, 100), (7, 75), (CLEAN, 10), (8, 40)]
    assert q.take(120) == [(CLEAN, 100), (7, 20)]
    assert by_victim(q.take(100)) == [(7, 55), (8, 35)]
    assert q.total() == 5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(-1, 4), st.integers(1, 10_000)), max_size=60))
def test_fifo_conserves_every_victims_money(ops: list[tuple[bool, int, int]]) -> None:
    q = Fifo(500)
    held: dict[int, int] = {CLEAN: 500}
    for put, victim, amount in ops:
        if put:
            q.put([(victim, amount)])
            held[victim] = held.get(victim, 0) + amount
        else:
            amount = min(amount, q.total())
            for v, a in q.take(amount):
                held[v] -= a
        assert sum(held.values()) == q.total()
        assert all(a >= 0 for a in held.values())


@given(st.lists(st.integers(-(10**15), 10**15), max_size=50))
def test_money_round_trips_exactly(fen: list[int]) -> None:
    arr = fen_to_decimal(fen)
    assert decimal_to_fen(arr).tolist() == fen
    assert [None if x is None else int(x * 100) for x in arr.to_pylist()] == fen


def test_fixed_ids_are_zero_padded_and_sort_like_numbers() -> None:
    ids = fixed_ids("T", [3, 12, 1234], 6, mask=np.array([False, True, False])).to_pylist()
    assert ids == ["T000003", None, "T001234"]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 100)), max_size=40))
def test_capped_payments_never_exceed_the_cap(rows: list[tuple[int, int]]) -> None:
    src = np.array([r[0] for r in rows], dtype=np.int64)
    amount = np.array([r[1] for r in rows], dtype=np.int64)
    cap = np.array([0, 50, 120, 10_000], dtype=np.int64)
    keep = cap_outflows(src, amount, cap)
    for a in range(4):
        mine = np.flatnonzero(src == a)
        assert amount[mine][keep[mine]].sum() <= cap[a]
        # a prefix in the given order
        k = keep[mine]
        assert not (np.diff(k.astype(int)) > 0).any()


def test_intervention_saves_money_and_keeps_the_world_valid(tmp_path: Path) -> None:
    base = simulate(TINY)
    lost = [c for c in base.campaigns if c.amount_lost > 0]
    assert lost
    alerts = [(f"P{c.person:08d}", c.first_contact) for c in lost]
    report = intervene(TINY, alerts, delay=60.0, baseline=base, out=tmp_path / "w")
    assert report.alerts == len(lost)
    assert report.saved > 0
    assert all(s.lost_with <= s.lost_without for s in report.per_person)
    # dissuaded a minute after the first contact, before any money moved: nobody alerted loses anything, and
    # the rest of the world (who is targeted, when) is unchanged
    assert all(s.lost_with == 0 for s in report.per_person)
    after = simulate(TINY, interventions=[(p, t + 60_000_000) for p, t in alerts])
    assert {c.person for c in after.campaigns} == {c.person for c in base.campaigns}
    assert after.amount_lost == 0
    assert sum(s.saved for s in report.per_person) == report.saved  # nobody else's loss changed here
    assert check_world(tmp_path / "w") == []
    ev = pq.read_table(tmp_path / "w" / "events.parquet", columns=["kind"])
    assert ev["kind"].to_pylist().count("intervention") == report.dissuaded
    # the same alerts with a long delay save less
    late = intervene(TINY, alerts, delay=6 * 3600.0, baseline=base)
    assert late.saved <= report.saved
    assert report.to_dict()["saved_yuan"] == report.saved / 100
