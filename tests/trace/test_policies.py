"""Each policy on small hand-made ledgers whose answers are worked out here, on every backend.

The ledger (amounts in yuan, all on 2024-03-06):

    T1 09:00  V  → M1  1000   victim v1's loss (seed)
    T2 09:10  X  → M1   500   clean money mixes in
    T3 09:20  W  → M1   300   victim v2's loss (seed)
    T4 10:00  M1 → M2  1200
    T5 11:00  M1 → ATM  400   cash withdrawal in 广州
    T6 12:00  M2 → M3   700

M1 opens with 100 of its own; M2, M3 with nothing. Before T4, M1 holds (in arrival order)
clean 100, v1 1000, clean 500, v2 300 = 1900.
"""

from __future__ import annotations

import pytest

from fanzha.trace.model import Limits
from fanzha.trace.report import build_report

from .conftest import Case, make_case

ROWS = [
    ("T1", "V", "M1", "1000.00", "09:00", "bank_transfer"),
    ("T2", "X", "M1", "500.00", "09:10", "bank_transfer"),
    ("T3", "W", "M1", "300.00", "09:20", "payment_account"),
    ("T4", "M1", "M2", "1200.00", "10:00", "bank_transfer"),
    ("T5", "M1", "ATM", "400.00", "11:00", "cash_withdrawal"),
    ("T6", "M2", "M3", "700.00", "12:00", "bank_transfer"),
]
OPENING = {"V": "5000", "W": "2000", "X": "10000", "M1": "100", "M2": "0", "M3": "0"}
KINDS = {"ATM": "cash"}
SEEDS = [("v1", "T1"), ("v2", "T3")]
Y = 100  # fen per yuan


@pytest.fixture
def case(backend_name: str) -> Case:
    return make_case(ROWS, OPENING, KINDS, backend_name)


def test_fifo(case: Case) -> None:
    r = case.run(SEEDS, "fifo")
    # T4 takes the head: clean 100, v1 1000, clean 100 → M2; M1 keeps clean 400, v2 300
    # T5 takes clean 400 (nothing of the victims is withdrawn); M1 keeps v2 300
    # T6 takes M2's head: clean 100, v1 600 → M3; M2 keeps v1 400, clean 100
    assert case.flows(r) == {
        ("T1", "v1"): 1000 * Y,
        ("T3", "v2"): 300 * Y,
        ("T4", "v1"): 1000 * Y,
        ("T6", "v1"): 600 * Y,
    }
    assert case.held(r) == {("M1", "v2"): 300 * Y, ("M2", "v1"): 400 * Y, ("M3", "v1"): 600 * Y}
    # lowest intermediate balance of the victims' money: M1 1000 → 1300 (T3) → 700 (after T4) → 300
    # (after T5); M2 1000 → 500 (after T6); M3 receives 600 of it
    assert case.lib(r) == {"M1": 300 * Y, "M2": 500 * Y, "M3": 600 * Y}


def test_lifo(case: Case) -> None:
    r = case.run(SEEDS, "lifo")
    # T4 takes the tail: v2 300, clean 500, v1 400 → M2; M1 keeps clean 100, v1 600
    # T5 takes v1 400 → cash in 广州; M1 keeps clean 100, v1 200
    # T6 takes M2's tail: v1 400, clean 300 → M3; M2 keeps v2 300, clean 200
    assert case.flows(r) == {
        ("T1", "v1"): 1000 * Y,
        ("T3", "v2"): 300 * Y,
        ("T4", "v1"): 400 * Y,
        ("T4", "v2"): 300 * Y,
        ("T5", "v1"): 400 * Y,
        ("T6", "v1"): 400 * Y,
    }
    assert case.held(r) == {("M1", "v1"): 200 * Y, ("M2", "v2"): 300 * Y, ("M3", "v1"): 400 * Y}


def test_proportional(case: Case) -> None:
    r = case.run(SEEDS, "proportional")
    # T4: 120000 fen of M1's 190000 (v1 100000, v2 30000, clean 60000), each share floored then the
    # left-over fen go to the largest remainders:
    #   v1 100000*120000/190000 = 63157 r 170000;  v2 30000*120000/190000 = 18947 r 70000;
    #   clean 60000*120000/190000 = 37894 r 140000; floors sum to 119998 → +1 to v1, +1 to clean
    v1_t4, v2_t4, clean_t4 = 63158, 18947, 37895
    assert v1_t4 + v2_t4 + clean_t4 == 120000
    # M1 keeps v1 36842, v2 11053, clean 22105 = 70000; T5 takes 40000 of it:
    #   v1 36842*4/7 = 21052 r 40000; v2 11053*4/7 = 6316 r 0; clean 22105*4/7 = 12631 r 30000 → +1 to v1
    v1_t5, v2_t5 = 21053, 6316
    # M2 holds v1 63158, v2 18947, clean 37895 = 120000; T6 takes 70000:
    #   v1 36842 r 20000; v2 11052 r 50000; clean 22105 r 50000 → one fen left, tie → the older piece (v2)
    v1_t6, v2_t6 = 36842, 11053
    assert case.flows(r) == {
        ("T1", "v1"): 100000,
        ("T3", "v2"): 30000,
        ("T4", "v1"): v1_t4,
        ("T4", "v2"): v2_t4,
        ("T5", "v1"): v1_t5,
        ("T5", "v2"): v2_t5,
        ("T6", "v1"): v1_t6,
        ("T6", "v2"): v2_t6,
    }
    assert case.held(r) == {
        ("M1", "v1"): 36842 - v1_t5,
        ("M1", "v2"): 11053 - v2_t5,
        ("M2", "v1"): v1_t4 - v1_t6,
        ("M2", "v2"): v2_t4 - v2_t6,
        ("M3", "v1"): v1_t6,
        ("M3", "v2"): v2_t6,
    }


def test_poison(case: Case) -> None:
    r = case.run(SEEDS, "poison")
    # every transfer out of a poisoned account is marked in full for every victim whose money entered
    assert case.flows(r) == {
        ("T1", "v1"): 1000 * Y,
        ("T3", "v2"): 300 * Y,
        ("T4", "v1"): 1200 * Y,
        ("T4", "v2"): 1200 * Y,
        ("T5", "v1"): 400 * Y,
        ("T5", "v2"): 400 * Y,
        ("T6", "v1"): 700 * Y,
        ("T6", "v2"): 700 * Y,
    }
    # the freezable amount is the lowest-intermediate-balance bound: M1 1000 → 1300 → 700 → 300;
    # M2 1200 → 500; M3 700
    rep = build_report(r, case.ledger)
    assert {x.account_id: x.amount for x in rep.freeze} == {"M1": 300 * Y, "M2": 500 * Y, "M3": 700 * Y}
    assert rep.summary["policy"]["name"] == "poison" and "note" in rep.summary


def test_fifo_report_freeze_list_cash_outs_and_paths(case: Case) -> None:
    r = case.run(SEEDS, "lifo")
    rep = build_report(r, case.ledger)
    assert [(x.account_id, x.amount, list(x.victims)) for x in rep.freeze] == [
        ("M3", 400 * Y, ["v1"]),
        ("M2", 300 * Y, ["v2"]),
        ("M1", 200 * Y, ["v1"]),
    ]
    m3 = rep.freeze[0]
    assert m3.path == ["T1", "T4", "T6"] and m3.hops == 3
    assert [(c["transfer_id"], c["kind"], c["location"], c["fen"]) for c in rep.cash_outs] == [
        ("T5", "cash_withdrawal", "广州", 400 * Y)
    ]
    assert all(v["conserved"] for v in rep.victims)
    assert rep.flows["policy"].to_pylist() == ["lifo"] * rep.flows.num_rows
    assert rep.shared[0]["account_id"] == "M1" and rep.shared[0]["victims"] == 2


def test_hop_limit_stops_following_and_accounts_for_the_rest(case: Case) -> None:
    r = case.run(SEEDS, "fifo", Limits(max_hops=2))
    # T6 would be v1's third hop: its 600 are counted as beyond the limit, M3 is never reached
    assert case.flows(r) == {("T1", "v1"): 1000 * Y, ("T3", "v2"): 300 * Y, ("T4", "v1"): 1000 * Y}
    assert case.held(r) == {("M1", "v2"): 300 * Y, ("M2", "v1"): 400 * Y}
    assert r.beyond_hops == {0: 600 * Y}
    rep = build_report(r, case.ledger)
    assert all(v["conserved"] for v in rep.victims)


def test_time_window_freezes_what_is_there_at_its_end(case: Case) -> None:
    from fanzha.records.units import parse_time

    r = case.run(
        SEEDS, "fifo", Limits(until_us=parse_time("2024-03-06 10:30", where="t", tz="Asia/Shanghai"))
    )
    assert case.held(r) == {("M1", "v2"): 300 * Y, ("M2", "v1"): 1000 * Y}
    r2 = case.run(SEEDS, "fifo", Limits(window_us=90 * 60 * 1_000_000))  # 09:00 + 90 minutes
    assert case.held(r2) == case.held(r)


def test_a_single_victim_is_traced_alone_with_the_same_amounts(case: Case) -> None:
    both = case.flows(case.run(SEEDS, "fifo"))
    alone = case.flows(case.run([("v1", "T1")], "fifo"))
    assert alone == {k: v for k, v in both.items() if k[1] == "v1"}


def test_overdraft_is_clean_money_from_outside_the_ledger(backend_name: str) -> None:
    # M sends 800 but the ledger only shows 500 arriving (a partial export): the 300 missing are clean
    rows = [
        ("T1", "V", "M", "500.00", "09:00", "bank_transfer"),
        ("T2", "M", "N", "800.00", "10:00", "bank_transfer"),
    ]
    case = make_case(rows, {"V": "1000"}, None, backend_name)
    r = case.run([("v", "T1")], "fifo")
    assert case.flows(r) == {("T1", "v"): 500 * Y, ("T2", "v"): 500 * Y}
    assert r.overdrafts == 1
    assert case.held(r) == {("N", "v"): 500 * Y}


def test_seed_from_an_account_already_holding_another_victims_money(backend_name: str) -> None:
    # M holds v1's money when v2's loss leaves M: v2's transfer is v2's money except v1's share stays v1's
    rows = [
        ("T1", "V1", "M", "100.00", "09:00", "bank_transfer"),
        ("T2", "M", "N", "150.00", "10:00", "bank_transfer"),
    ]
    case = make_case(rows, {"V1": "1000", "M": "100"}, None, backend_name)
    r = case.run([("v1", "T1"), ("v2", "T2")], "fifo")
    # FIFO at M: clean 100 (opening), v1 100; T2 takes clean 100 (→ v2) and v1 50
    assert case.flows(r) == {("T1", "v1"): 100 * Y, ("T2", "v2"): 100 * Y, ("T2", "v1"): 50 * Y}
    assert case.held(r) == {("M", "v1"): 50 * Y, ("N", "v2"): 100 * Y, ("N", "v1"): 50 * Y}


def test_unknown_policy_lists_the_valid_ones() -> None:
    from fanzha.errors import InputError
    from fanzha.trace import get_policy

    with pytest.raises(InputError) as exc:
        get_policy("lifo2")
    assert exc.value.code == "E507" and "fifo" in (exc.value.hint() or "")
    assert get_policy("haircut").name == "proportional"


def test_a_seed_that_leaves_the_ledger_at_once_is_a_cash_out_and_its_sink_is_not_followed(
    backend_name: str,
) -> None:
    rows = [
        ("T1", "V", "EXT", "800.00", "09:00", "bank_transfer"),  # straight to a bank outside the ledger
        ("T2", "Y", "EXT", "50.00", "09:30", "bank_transfer"),
    ]
    case = make_case(rows, {"V": "1000", "Y": "100"}, {"EXT": "external"}, backend_name)
    r = case.run([("v", "T1")], "fifo")
    assert case.flows(r) == {("T1", "v"): 800 * Y}
    assert r.first == {} and r.holdings == {}
    rep = build_report(r, case.ledger)
    assert [(c["transfer_id"], c["kind"]) for c in rep.cash_outs] == [("T1", "exit")]
    assert rep.victims[0]["exited"] == 800 * Y and rep.victims[0]["conserved"]
