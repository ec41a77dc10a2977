"""Third parties in the money's path (issue 19, part C), on a hand-made ledger, on every backend.

    T1 09:00  V  → M1   1000   victim v1's loss (seed)
    T2 09:05  M1 → P    1000   the gang pays through a processor's clearing account
    T3 09:10  C  → P     996   a customer of the processor (clean)
    T4 09:20  P  → M2    998   the processor's forward, less its fee: carries the victim's money on
    T5 09:30  P  → S     500   the processor settles a merchant (clean)
    T6 10:00  M2 → Q     300   a peel card buys goods from a seller (a merchant)
    T7 11:00  M2 → Q      50   more goods

P opens with 1,000,000 of other people's money: FIFO would put the victim's money on its freeze list.
"""

from __future__ import annotations

import pytest

from fanzha.trace.ingest import load_ledger
from fanzha.trace.parties import ForwardRule, PartyParams, recognise
from fanzha.trace.report import build_report

from .conftest import Case, accounts_table, ledger_table, make_case

ROWS = [
    ("T1", "V", "M1", "1000.00", "09:00", "bank_transfer"),
    ("T2", "M1", "P", "1000.00", "09:05", "payment_account"),
    ("T3", "C", "P", "996.00", "09:10", "payment_account"),
    ("T4", "P", "M2", "998.00", "09:20", "payment_account"),
    ("T5", "P", "S", "500.00", "09:30", "payment_account"),
    ("T6", "M2", "Q", "300.00", "10:00", "merchant_payment"),
    ("T7", "M2", "Q", "50.00", "11:00", "merchant_payment"),
]
OPENING = {"V": "5000", "C": "5000", "M1": "0", "M2": "0", "P": "1000000", "S": "0", "Q": "100"}
KINDS = {"P": "processor", "S": "merchant", "Q": "merchant"}
Y = 100


@pytest.fixture
def case(backend_name: str) -> Case:
    return make_case(ROWS, OPENING, KINDS, backend_name)


def _run(case: Case, policy: str, on: bool = True, rule: ForwardRule | None = None) -> tuple[dict, object]:
    from fanzha.trace.engine import trace
    from fanzha.trace.model import Seed

    parties = recognise(case.ledger) if on else None
    r = trace(case.backend, [Seed("v1", "T1")], policy, parties=parties, forward=rule)
    rep = build_report(r, case.ledger)
    return {x.account_id: x.amount for x in rep.freeze}, rep


def test_processors_and_merchants_are_recognised_by_kind(case: Case) -> None:
    ids = case.ledger.account_ids()
    got = {ids[a]: why for a, why in recognise(case.ledger).items()}
    assert got == {"P": "kind=processor", "S": "kind=merchant", "Q": "kind=merchant"}


@pytest.mark.parametrize("policy", ["fifo", "lifo", "proportional"])
def test_a_third_party_is_requested_not_frozen_and_its_forward_carries_the_money_on(
    case: Case, policy: str
) -> None:
    listed, rep = _run(case, policy)
    assert "P" not in listed and "Q" not in listed
    # the forward T4 (998 of the 1000 that arrived) carries 998 of the victim's money to M2, which pays 350 to Q
    assert listed == {"M2": 648 * Y}
    rows = {r["transfer_id"]: r for r in rep.requests}  # type: ignore[attr-defined]
    assert rows["T2"]["account_id"] == "P" and rows["T2"]["why"] == "kind=processor"
    assert rows["T2"]["victims_fen"] == 1000 * Y
    assert rows["T2"]["forward_transfer_id"] == "T4" and rows["T2"]["forward_fen"] == 998 * Y
    assert rows["T6"]["account_id"] == "Q" and rows["T6"]["forward_transfer_id"] == ""
    v = rep.victims[0]  # type: ignore[attr-defined]
    assert v["conserved"], v
    assert v["at_third_parties"] == (2 + 300 + 50) * Y  # the fee, and the goods the seller was paid for


def test_no_forward_outside_the_window_or_the_tolerance(case: Case) -> None:
    listed, rep = _run(case, "fifo", rule=ForwardRule(window_us=5 * 60 * 1_000_000))
    assert "M2" not in listed
    assert all(r["forward_transfer_id"] == "" for r in rep.requests)  # type: ignore[attr-defined]
    listed, rep = _run(case, "fifo", rule=ForwardRule(tolerance=0.001))
    assert "M2" not in listed
    assert rep.victims[0]["conserved"]  # type: ignore[attr-defined]


def test_off_the_processor_is_frozen_as_before(case: Case) -> None:
    listed, rep = _run(case, "fifo", on=False)
    assert listed.get("P", 0) > 0 and not rep.requests  # type: ignore[attr-defined]


def test_poison_records_third_parties_but_never_lists_them_nor_goes_through(case: Case) -> None:
    listed, rep = _run(case, "poison")
    assert (
        listed == {}
    )  # M1 sent everything to the processor; poison does not follow forwards (marks, not money)
    assert {r["account_id"] for r in rep.requests} == {"P"}  # type: ignore[attr-defined]


def test_recognised_from_behaviour_when_the_kind_is_not_given() -> None:
    # a shop's account (kind unknown) paid by 40 different customers on 20 of the ledger's 25 days
    rows = [
        (f"C{i}", f"K{i}", "SHOP", "10.00", f"2024-03-{1 + i % 20:02d} 10:00:00", "payment_account")
        for i in range(40)
    ]
    rows += [("Z1", "A", "B", "1.00", "2024-03-25 10:00:00", "bank_transfer")]
    rows += [(f"N{i}", f"K{i}", "NEW", "10.00", "2024-03-02 10:00:00", "payment_account") for i in range(40)]
    led = load_ledger(ledger_table(rows), accounts=accounts_table({"SHOP": "0", "NEW": "0"}))
    ids = led.account_ids()
    got = {ids[a] for a in recognise(led, PartyParams(min_payers=30))}
    assert got == {"SHOP"}  # NEW: 40 payers, but on one day only


def test_an_innocent_looking_recipient_is_requested_not_frozen(backend_name: str) -> None:
    # M2 pays 10 of rent to a landlord L whose own money is 50,000: 0.02 % of L's balance is the victim's
    from fanzha.trace.report import set_aside_recipients

    rows = [*ROWS, ("T8", "M2", "L", "10.00", "12:00", "bank_transfer")]
    case = make_case(rows, {**OPENING, "L": "50000"}, KINDS, backend_name)
    listed, rep = _run(case, "fifo")
    assert listed == {"M2": 638 * Y, "L": 10 * Y}
    moved = set_aside_recipients(rep, case.ledger, suspects={"M2"})  # type: ignore[arg-type]
    assert moved == ["L"]
    assert [x.account_id for x in rep.freeze] == ["M2"]  # type: ignore[attr-defined]
    row = [r for r in rep.requests if r["account_id"] == "L"][0]  # type: ignore[attr-defined]
    assert row["transfer_id"] == "T8" and row["from"] == "M2" and row["victims_fen"] == 10 * Y
    assert rep.summary["freeze_accounts"] == 1  # type: ignore[attr-defined]
    # a suspected mule is frozen whatever its balance
    _, rep2 = _run(case, "fifo")
    assert set_aside_recipients(rep2, case.ledger, suspects={"M2", "L"}) == []  # type: ignore[arg-type]


# -- payees: a landlord paid rent from a mule card (`PayeeParams`) ------------------------------------------------
OLD, NEW = "2019-05-01 00:00:00", "2024-03-01 00:00:00"


def _set_aside(case: Case, suspects: set[str]) -> tuple[list[str], object]:
    from fanzha.trace.report import set_aside_recipients

    _, rep = _run(case, "fifo")
    moved = set_aside_recipients(rep, case.ledger, suspects=suspects)  # type: ignore[arg-type]
    return moved, rep


def test_a_landlord_paid_rent_from_a_mule_card_is_requested_not_frozen(backend_name: str) -> None:
    # M2 (998 of the victim's money, 350 spent on goods) pays 600 of rent to L, an account opened in 2019 holding
    # 5,000 of its own: 10.7 % of L's balance is the victim's (above the 1 % of a shop), and L keeps it
    rows = [*ROWS, ("T8", "M2", "L", "600.00", "12:00", "bank_transfer")]
    opened = {"L": OLD, "M2": NEW}
    case = make_case(rows, {**OPENING, "L": "5000"}, KINDS, backend_name, opened)
    listed, _ = _run(case, "fifo")
    assert listed == {"M2": 48 * Y, "L": 600 * Y}
    moved, rep = _set_aside(case, suspects=set())  # nobody flagged: the payee rule alone decides
    assert moved == ["L"]
    assert {x.account_id: x.amount for x in rep.freeze} == {"M2": 48 * Y}  # type: ignore[attr-defined]
    row = [r for r in rep.requests if r["account_id"] == "L"][0]  # type: ignore[attr-defined]
    assert row["why"].startswith("payee: kept what it was paid") and "victims' money 10.71%" in row["why"]
    assert row["transfer_id"] == "T8" and row["from"] == "M2" and row["victims_fen"] == 600 * Y
    v = rep.victims[0]  # type: ignore[attr-defined]
    assert v["conserved"] and v["held"] == (48 + 600) * Y  # requested, not frozen: still the victim's, held
    assert rep.summary["freeze_accounts"] == 1 and rep.summary["recipients_set_aside"] == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "change",
    [
        "forwards",  # L passes 500 on two hours later: a mule's hop, not a payee
        "new",  # L was opened a week before: a gang's card, not an established account
        "mostly_victims",  # L had 100 of its own before the 600 of the victim's came: not money of its own
        "unknown_age",  # no opening date: the rule cannot say, so L stays frozen
        "suspect",  # L is a flagged mule
    ],
)
def test_a_recipient_that_is_not_clearly_a_payee_stays_frozen(backend_name: str, change: str) -> None:
    rows = [*ROWS, ("T8", "M2", "L", "600.00", "12:00", "bank_transfer")]
    opening = {**OPENING, "L": "5000", "X": "0"}
    opened = {"L": OLD, "M2": NEW}
    if change == "forwards":
        rows.append(("T9", "L", "X", "500.00", "14:00", "bank_transfer"))
    elif change == "new":
        opened["L"] = "2024-02-28 00:00:00"
    elif change == "mostly_victims":
        opening["L"] = "100"
    elif change == "unknown_age":
        del opened["L"]
    case = make_case(rows, opening, KINDS, backend_name, opened)
    moved, rep = _set_aside(case, suspects={"L"} if change == "suspect" else set())
    assert moved == []
    assert "L" in {x.account_id for x in rep.freeze}  # type: ignore[attr-defined]


def test_a_mule_that_also_receives_a_regular_looking_payment_is_still_frozen(backend_name: str) -> None:
    # a rented card (卡农, opened in 2018) gets its holder's salary and the rent-paying landlord's look, but it
    # passes the victim's money on within minutes: its salary makes the victim's money a small share of its
    # balance, yet it is a hop of the trail, not a payee — frozen even when the mule score missed it
    rows = [
        ("S1", "E", "R", "6000.00", "2024-03-05 09:00:00", "salary"),
        ("T1", "V", "R", "1000.00", "09:00", "bank_transfer"),
        ("T2", "R", "M", "900.00", "09:20", "bank_transfer"),
        ("T3", "V", "R", "800.00", "10:00", "bank_transfer"),
    ]
    opening = {"V": "5000", "E": "1000000", "R": "0", "M": "0"}
    case = make_case(rows, opening, {"E": "employer"}, backend_name, {"R": "2018-01-01 00:00:00", "M": NEW})
    from fanzha.trace.engine import trace
    from fanzha.trace.model import Seed
    from fanzha.trace.report import set_aside_recipients

    r = trace(case.backend, [Seed("v1", "T1"), Seed("v1", "T3")], "fifo")
    rep = build_report(r, case.ledger)
    # FIFO: the salary leaves first, so R still holds 1,800 of the victim's money beside 5,100 of its own
    assert {x.account_id: x.amount for x in rep.freeze} == {"R": 1800 * Y}
    assert set_aside_recipients(rep, case.ledger, suspects=set()) == []
    assert [x.account_id for x in rep.freeze] == ["R"]


def test_a_card_with_nothing_of_its_own_is_frozen_however_small_the_victims_share(backend_name: str) -> None:
    # M mixes 100,000 of clean money with the victim's 500 and sends it all to a fresh card K: 0.5 % of K's
    # balance is the victim's (under the 1 % of a shop), but K had nothing before: it is the gang's next hop
    rows = [
        ("T1", "V", "M", "500.00", "09:00", "bank_transfer"),
        ("T2", "M", "K", "100500.00", "09:30", "bank_transfer"),
    ]
    case = make_case(rows, {"V": "5000", "M": "100000", "K": "0"}, None, backend_name, {"K": OLD, "M": OLD})
    from fanzha.trace.engine import trace
    from fanzha.trace.model import Seed
    from fanzha.trace.report import set_aside_recipients

    rep = build_report(trace(case.backend, [Seed("v1", "T1")], "proportional"), case.ledger)
    assert [x.account_id for x in rep.freeze] == ["K"]
    assert set_aside_recipients(rep, case.ledger, suspects=set()) == []
    # the same transfer to an account that held 100,000 of its own before: a recipient
    case = make_case(rows, {"V": "5000", "M": "100000", "K": "100000"}, None, backend_name, {"K": OLD})
    rep = build_report(trace(case.backend, [Seed("v1", "T1")], "proportional"), case.ledger)
    assert set_aside_recipients(rep, case.ledger, suspects=set()) == ["K"]
    assert rep.requests[-1]["why"].startswith("recipient: victims' money 0.25% of its balance")


def test_a_landlord_two_gangs_pay_is_no_bridge_between_them_in_the_gang_graph() -> None:
    """Two gangs of one city pay rent from their rented cards to the same landlord L (old, money of its own): L is
    set aside as an innocent payee — and is no suspect of the gang graph either, so the gangs stay apart."""
    from fanzha.trace.api import run_trace
    from fanzha.trace.model import Seed

    rows = [
        ("T1", "V1", "A1", "1000.00", "09:00", "bank_transfer"),
        ("T2", "A1", "A2", "350.00", "09:10", "bank_transfer"),
        ("T3", "A1", "L", "600.00", "12:00", "bank_transfer"),
        ("T4", "V2", "B1", "1000.00", "09:30", "bank_transfer"),
        ("T5", "B1", "B2", "350.00", "09:40", "bank_transfer"),
        ("T6", "B1", "L", "600.00", "12:30", "bank_transfer"),
    ]
    opening = {"V1": "5000", "V2": "5000", "L": "5000", "A1": "0", "A2": "0", "B1": "0", "B2": "0"}
    opened = {"L": OLD, "A1": NEW, "B1": NEW, "A2": NEW, "B2": NEW}
    led = load_ledger(ledger_table(rows), accounts=accounts_table(opening, None, opened))
    run = run_trace(led, [Seed("v1", "T1"), Seed("v2", "T4")])
    assert [r["account_id"] for r in run.report.requests] == ["L"]  # type: ignore[index]
    assert run.gangs is not None
    parts = sorted(sorted(g) for g in run.gangs.gangs)
    assert ["L"] not in parts and not any("L" in g for g in parts)
    assert not any({"A1", "B1"} <= set(g) for g in parts), parts  # the landlord joins no two gangs
