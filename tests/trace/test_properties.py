"""Property tests on random ledgers: conservation, time order, freezable ≤ lowest balance, and FIFO equal
to a naive whole-ledger queue simulation (so restricting the pass to the closure changes nothing)."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.trace import ColumnMap, Ledger, Seed, get_backend, load_ledger, trace
from fanzha.trace.model import Limits
from fanzha.trace.report import build_report

ACCOUNTS = ["A", "B", "C", "D", "E", "F"]
SINK = "ATM"


@dataclass
class World:
    rows: list[tuple[str, str, str, int, int, str]]  # (tid, src, dst, fen, minute, channel)
    opening: dict[str, int]
    seeds: list[tuple[str, str]]  # (victim, tid)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    opening = {a: draw(st.integers(0, 50_000)) for a in ACCOUNTS}
    opening["V1"] = 200_000
    opening["V2"] = 200_000
    balance = dict(opening)
    balance[SINK] = 0
    rows: list[tuple[str, str, str, int, int, str]] = []
    minute = 0
    seeds: list[tuple[str, str]] = []
    n = draw(st.integers(3, 30))
    for i in range(n):
        minute += draw(st.sampled_from([0, 0, 1, 5, 30]))  # equal times are ordered by transfer_id
        tid = f"T{i:03d}"
        if i < 2 or draw(st.integers(0, 9)) == 0:  # a victim's loss into a random account
            victim = draw(st.sampled_from(["V1", "V2"]))
            src, dst = victim, draw(st.sampled_from(ACCOUNTS))
            amount = draw(st.integers(1, 20_000))
            seeds.append((victim.lower(), tid))
            channel = "bank_transfer"
        else:
            funded = [a for a in ACCOUNTS if balance[a] > 0]
            if not funded:
                continue
            src = draw(st.sampled_from(funded))
            cash = draw(st.integers(0, 5)) == 0
            dst = SINK if cash else draw(st.sampled_from([a for a in ACCOUNTS if a != src]))
            amount = draw(st.integers(1, balance[src]))
            channel = "cash_withdrawal" if cash else "bank_transfer"
        balance[src] -= amount
        balance[dst] += amount
        rows.append((tid, src, dst, amount, minute, channel))
    return World(rows, opening, seeds)


def _tables(w: World) -> tuple[pa.Table, pa.Table]:
    ledger = pa.table(
        {
            "transfer_id": [r[0] for r in w.rows],
            "src": [r[1] for r in w.rows],
            "dst": [r[2] for r in w.rows],
            "amount": pa.array([r[3] for r in w.rows], pa.int64()),
            "time": [f"2024-03-06 {8 + r[4] // 60:02d}:{r[4] % 60:02d}:00" for r in w.rows],
            "channel": [r[5] for r in w.rows],
        }
    )
    ids = sorted(w.opening) + [SINK]
    accounts = pa.table(
        {
            "account_id": ids,
            "kind": ["cash" if a == SINK else "bank_card" for a in ids],
            "opening_balance": [f"{w.opening.get(a, 0) / 100:.2f}" for a in ids],
        }
    )
    return ledger, accounts


def naive_fifo(w: World) -> dict[tuple[str, str], int]:
    """Every account's queue over the whole ledger, in (time, transfer_id) order."""
    queues: dict[str, deque[list[object]]] = defaultdict(deque)
    for a, fen in w.opening.items():
        if fen:
            queues[a].append(["", fen])
    seed_of = {t: v for v, t in w.seeds}
    out: dict[tuple[str, str], int] = defaultdict(int)
    for tid, src, dst, amount, _, _ in sorted(w.rows, key=lambda r: (r[4], r[0])):
        q = queues[src]
        left = amount
        taken: list[tuple[str, int]] = []
        while left and q:
            label, fen = q[0]
            assert isinstance(fen, int) and isinstance(label, str)
            k = min(fen, left)
            taken.append((label, k))
            left -= k
            if k == fen:
                q.popleft()
            else:
                q[0][1] = fen - k
        assert left == 0  # the generator never overdraws
        if tid in seed_of:
            taken = [(seed_of[tid] if label == "" else label, k) for label, k in taken]
        for label, k in taken:
            if label:
                out[(tid, label)] += k
        if dst != SINK:
            queues[dst].extend([label, k] for label, k in taken)
    return dict(out)


def _load(w: World) -> Ledger:
    ledger, accounts = _tables(w)
    cmap = ColumnMap.identity()
    cmap.amount_unit = "fen"  # the ledger's amounts are integer fen (the accounts' are yuan)
    return load_ledger(ledger, accounts=accounts, mapping=cmap)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(worlds())
def test_fifo_equals_a_naive_queue_simulation_on_both_backends(w: World) -> None:
    led = _load(w)
    want = naive_fifo(w)
    ids = dict(led.con.execute("SELECT pos, transfer_id FROM ledger").fetchall())
    for name in ("duckdb", "numpy"):
        r = trace(get_backend(name, led), [Seed(v, t) for v, t in w.seeds], "fifo")
        got: dict[tuple[str, str], int] = defaultdict(int)
        for p, v, f in zip(r.flow_pos, r.flow_victim, r.flow_fen, strict=True):
            got[(ids[p], r.victims[v])] += f
        assert dict(got) == want, name


@SETTINGS
@given(
    worlds(), st.sampled_from(["fifo", "lifo", "proportional", "poison"]), st.sampled_from([None, 1, 2, 3])
)
def test_conservation_time_order_and_lowest_balance(w: World, policy: str, max_hops: int | None) -> None:
    led = _load(w)
    r = trace(get_backend("duckdb", led), [Seed(v, t) for v, t in w.seeds], policy, Limits(max_hops=max_hops))
    rep = build_report(r, led)
    # time order: every flow leaves the account its parent flow entered, later in the ledger
    for p, pp in zip(r.flow_pos, r.flow_parent, strict=True):
        if pp >= 0:
            assert pp < p
            assert r.rows[pp][3] <= r.rows[p][3]  # time
            assert r.rows[pp][1] == r.rows[p][0]  # the parent's destination is this flow's source
    if max_hops is not None:
        assert max(r.flow_hop, default=0) <= max_hops
    # freezable ≤ lowest intermediate balance ≤ balance
    for item in rep.freeze:
        assert 0 < item.amount <= item.lib_bound <= item.balance
    if policy != "poison":
        # conservation: each victim's seeded money is held, cashed out, exited or beyond the hop limit
        for v in rep.victims:
            assert v["conserved"], v
        # the victims' pieces in an account never exceed its lowest-intermediate-balance bound
        for a, pieces in r.holdings.items():
            assert sum(pc[3] for pc in pieces) <= r.lib[a] <= r.balances[a]
        # per transfer, attributed amounts never exceed the transfer
        per_tx: dict[int, int] = defaultdict(int)
        for p, f in zip(r.flow_pos, r.flow_fen, strict=True):
            per_tx[p] += f
        for p, f in per_tx.items():
            assert f <= r.rows[p][2]


@SETTINGS
@given(
    worlds(),
    st.sampled_from(["fifo", "lifo", "proportional", "poison"]),
    st.lists(st.sampled_from(["2015-01-01 00:00:00", "2024-03-01 00:00:00", None]), min_size=6, max_size=6),
    st.sets(st.sampled_from(ACCOUNTS)),
)
def test_setting_recipients_aside_moves_accounts_whole_and_keeps_money_conserved(
    w: World, policy: str, opened: list[str | None], suspects: set[str]
) -> None:
    from fanzha.trace.report import set_aside_recipients

    ledger, accounts = _tables(w)
    dates = dict(zip(ACCOUNTS, opened, strict=True))
    accounts = accounts.append_column(
        "opened", pa.array([dates.get(a) for a in accounts["account_id"].to_pylist()])
    )
    cmap = ColumnMap.identity()
    cmap.amount_unit = "fen"
    led = load_ledger(ledger, accounts=accounts, mapping=cmap)
    r = trace(get_backend("duckdb", led), [Seed(v, t) for v, t in w.seeds], policy)
    rep = build_report(r, led)
    before = {x.account_id: x for x in rep.freeze}
    victims = [dict(v) for v in rep.victims]
    moved = set_aside_recipients(rep, led, suspects)
    after = {x.account_id: x.amount for x in rep.freeze}
    # an account is either still frozen, whole, or moved whole to the request list; suspects never move
    assert set(after) | set(moved) == set(before) and not set(after) & set(moved)
    assert all(after[a] == before[a].amount for a in after)
    assert not set(moved) & suspects
    asked = {q["account_id"]: q for q in rep.requests if q["why"].startswith(("recipient", "payee"))}
    assert set(asked) == set(moved)
    for a in moved:
        x = before[a]
        assert asked[a]["victims_fen"] == sum(x.victims.values())
        # it had money of its own: its balance before the victims' money first arrived covers what it holds of it
        order = sorted(w.rows, key=lambda row: (row[4], row[0]))
        tids = [row[0] for row in order]
        arrived = {
            t
            for t, d in zip(rep.flows["transfer_id"].to_pylist(), rep.flows["dst"].to_pylist(), strict=True)
            if d == a
        }
        first = min(tids.index(t) for t in arrived)
        own = w.opening.get(a, 0)
        own += sum(r[3] for r in order[:first] if r[2] == a) - sum(r[3] for r in order[:first] if r[1] == a)
        assert own >= sum(x.victims.values())
        if asked[a]["why"].startswith("payee"):
            assert dates[a] == "2015-01-01 00:00:00"  # established: its opening date known and old
            # kept what it was paid: nothing leaves it after the victims' money first arrived (all in one day)
            assert all(row[1] != a for row in order[first + 1 :])
    # nothing of the victims' accounting changes: the money is conserved, held where it was
    assert rep.victims == victims
    if policy != "poison":
        assert all(v["conserved"] for v in rep.victims)
    assert rep.summary["freeze_accounts"] == len(rep.freeze)
