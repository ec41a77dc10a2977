"""The tracer: forward, time-respecting, hop by hop, with amount attribution under a policy.

`trace(backend, seeds, policy, limits)` is a pure function of the ledger (through the backend) and its
arguments. It works in three steps, each a backend question, then one pass:

1. resolve the seeds to ledger positions;
2. the time-respecting forward closure from the seeds' destinations (the only accounts that can ever
   hold the victims' money) and, for each, the first position at which it can;
3. the transfers touching those accounts from then on, and each one's balance just before;
4. a single pass in ledger order: every tracked account keeps its money as pieces under the policy;
   seed transfers carry the victim's money, every other transfer out of a tracked account carries the
   pieces the policy takes, and terminal transfers (cash, POS, sinks) end the trail.

The lowest intermediate balance bound is tracked for every account under every policy: victims' money
that entered, cut down to the balance whenever the balance falls below it (clean deposits never raise it).
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.trace.backends.base import Backend
from fanzha.trace.model import CLEAN, MAX_US, MIN_US, AccountSeed, Limits, Seed
from fanzha.trace.parties import ForwardRule
from fanzha.trace.policies import AccountState, Piece, Policy, get_policy

_CHUNK = 1 << 16  # transfers of the pass between two reports of progress


@dataclass(frozen=True, slots=True)
class ResolvedSeed:
    """A seed as a ledger row: the victim's label, position, accounts, amount, time and origin."""

    victim: int  # label
    pos: int
    src: int
    dst: int
    amount: int
    t: int
    where: str
    terminal: bool = False


@dataclass
class TraceResult:
    """Everything a trace found, in ledger terms (positions and account codes); `fanzha.trace.report`
    turns it into the freeze list, cash-outs, hop times and files."""

    policy: Policy
    limits: Limits
    victims: list[str]
    seeds: list[ResolvedSeed]
    # flows: one row per (transfer, victim, hop, parent) — money of `victim` moved by transfer `pos`
    flow_pos: list[int] = field(default_factory=list)
    flow_victim: list[int] = field(default_factory=list)
    flow_hop: list[int] = field(default_factory=list)
    flow_parent: list[int] = field(default_factory=list)
    flow_fen: list[int] = field(default_factory=list)
    # the rows the pass went through: pos → (src, dst, amount, t, terminal)
    rows: dict[int, tuple[int, int, int, int, bool]] = field(default_factory=dict)
    holdings: dict[int, list[Piece]] = field(default_factory=dict)  # account → victims' pieces at the end
    balances: dict[int, int] = field(default_factory=dict)  # tracked account → balance at the end
    lib: dict[int, int] = field(default_factory=dict)  # tracked account → lowest-intermediate-balance bound
    first: dict[int, int] = field(default_factory=dict)  # the closure: account → first position
    beyond_hops: dict[int, int] = field(default_factory=dict)  # victim → fen no longer followed (hop limit)
    untracked: dict[int, int] = field(default_factory=dict)  # victim → fen sent where tracing could not go
    overdrafts: int = 0  # transfers that sent more than the tracked balance (partial ledgers)
    # third parties (`fanzha.trace.parties`): account → why; victims' money that arrived at one, per transfer:
    # (pos, account, {victim: fen}, the position of the forward that carried it on or −1, {victim: fen carried})
    parties: dict[int, str] = field(default_factory=dict)
    handed: list[tuple[int, int, dict[int, int], int, dict[int, int]]] = field(default_factory=list)
    at_parties: dict[int, int] = field(default_factory=dict)  # victim → fen left with third parties
    until_pos: int = -1
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_flows(self) -> int:
        """Number of flow rows (transfer, victim, hop, parent)."""
        return len(self.flow_pos)


def resolve_seeds(
    backend: Backend, seeds: Sequence[Seed | AccountSeed], account_codes: dict[str, int] | None = None
) -> tuple[list[str], list[ResolvedSeed], list[dict[str, Any]]]:
    """(victims, seeds in ledger order, warnings). Unknown transfers or accounts are errors naming the
    seed's file:row; a transfer claimed twice is kept for its first victim and reported. A warning is a
    catalogue code (W545–W547) with `where` and the message's parameters."""
    victims: list[str] = []
    index: dict[str, int] = {}
    warnings: list[dict[str, Any]] = []

    def label(v: str) -> int:
        if v not in index:
            index[v] = len(victims)
            victims.append(v)
        return index[v]

    wanted = [s.transfer_id for s in seeds if isinstance(s, Seed)]
    accounts = [s.account_id for s in seeds if isinstance(s, AccountSeed)]
    if account_codes is None:
        account_codes = backend_codes(backend, accounts) if accounts else {}
    found = backend.lookup(wanted) if wanted else {}
    out: dict[int, ResolvedSeed] = {}
    for s in seeds:
        if isinstance(s, Seed):
            hit = found.get(s.transfer_id)
            if hit is None:
                raise InputError("E505", where=s.where or "seeds", column="transfer_id", value=s.transfer_id)
            positions = [hit]
        else:
            code = account_codes.get(s.account_id)
            if code is None:
                raise InputError("E505", where=s.where or "seeds", column="account_id", value=s.account_id)
            positions = backend.outgoing(code, s.since_us, s.until_us)
            if not positions:
                warnings.append({"code": "W545", "where": s.where, "seed_account": s.account_id})
        lab = label(s.victim_id)
        for hit in positions:
            pos = hit[0]
            if pos in out:
                if out[pos].victim != lab:
                    warnings.append(
                        {
                            "code": "W546",
                            "where": s.where,
                            "position": pos,
                            "victim": victims[out[pos].victim],
                        }
                    )
                continue
            out[pos] = ResolvedSeed(lab, pos, hit[1], hit[2], hit[3], hit[4], s.where, hit[5])
    return victims, [out[p] for p in sorted(out)], warnings


def trace(
    backend: Backend,
    seeds: Sequence[Seed | AccountSeed],
    policy: Policy | str = "fifo",
    limits: Limits | None = None,
    *,
    account_codes: dict[str, int] | None = None,
    parties: dict[int, str] | None = None,
    forward: ForwardRule | None = None,
    progress: Progress = silent,
) -> TraceResult:
    """Follow the victims' money from `seeds` through the ledger under `policy` within `limits`; `progress` is
    told the transfers of the pass done (stage "transfers").

    `parties` (account code → why, from `fanzha.trace.parties.recognise`) are third parties: victims' money that
    reaches one is not held there (never frozen) but recorded in `result.handed`, and carried on only by a
    forward that `forward` identifies (default `ForwardRule()`)."""
    pol = get_policy(policy) if isinstance(policy, str) else policy
    lim = limits or Limits()
    if lim.max_hops is not None and lim.max_hops < 1:
        raise InputError("E508", where="--max-hops", value=lim.max_hops)
    clock = _time.perf_counter
    t0 = clock()
    victims, resolved, warnings = resolve_seeds(backend, seeds, account_codes)
    until_us = lim.until_us
    if lim.window_us is not None and resolved:  # a window beyond every ledger time ends at the last one
        end = min(s.t for s in resolved) + min(lim.window_us, MAX_US - MIN_US)
        until_us = end if until_us is None else min(until_us, end)
    until_pos = backend.last_pos(until_us)
    in_window = [s for s in resolved if s.pos <= until_pos]
    t1 = clock()
    result = TraceResult(pol, lim, victims, in_window, until_pos=until_pos, parties=dict(parties or {}))
    result.stats["warnings"] = warnings
    result.stats["seeds_after_window"] = len(resolved) - len(in_window)
    if len(resolved) > len(in_window):
        warnings.append({"code": "W547", "where": "seeds", "n": len(resolved) - len(in_window)})
    resolved = in_window
    if not resolved:
        result.stats.update(seconds={"resolve": t1 - t0})
        return result
    seed_at = {s.pos: s for s in resolved}
    # starts: seed destinations (a seed that is itself a cash-out is fetched through its source only)
    starts: dict[int, int] = {}
    src_first: dict[int, int] = {}
    for s in resolved:
        if not s.terminal and s.pos < starts.get(s.dst, 1 << 62):
            starts[s.dst] = s.pos
        src_first[s.src] = min(src_first.get(s.src, 1 << 62), s.pos)
    first = backend.reachable(starts, until_pos, lim.max_hops)
    t2 = clock()
    # seed sources: their seed rows must be in the pass (fetched as "leaving after pos − 1")
    fetch = dict(first)
    for a, p in src_first.items():
        fetch[a] = min(fetch.get(a, 1 << 62), p - 1)
    rows = backend.touching(fetch, until_pos)
    opening = backend.balances_before(first)
    t3 = clock()
    _pass(
        result,
        rows.pos,
        rows.src,
        rows.dst,
        rows.amount,
        rows.t,
        rows.terminal,
        seed_at,
        first,
        opening,
        pol,
        lim,
        forward or ForwardRule(),
        progress,
    )
    progress("transfers", len(rows), len(rows))
    result.first = first
    t4 = clock()
    result.stats.update(
        accounts_reached=len(first),
        rows_scanned=len(rows),
        seconds={"resolve": t1 - t0, "closure": t2 - t1, "fetch": t3 - t2, "attribute": t4 - t3},
    )
    return result


def backend_codes(backend: Backend, account_ids: list[str]) -> dict[str, int]:
    """Codes of `account_ids` through the backend's ledger."""
    ledger = getattr(backend, "ledger", None)
    if ledger is None:
        raise InputError("E538")
    codes: dict[str, int] = ledger.lookup_accounts(account_ids)
    return codes


def _pass(
    result: TraceResult,
    pos_l: list[int],
    src_l: list[int],
    dst_l: list[int],
    amt_l: list[int],
    t_l: list[int],
    term_l: list[bool],
    seed_at: dict[int, ResolvedSeed],
    first: dict[int, int],
    opening: dict[int, int],
    pol: Policy,
    lim: Limits,
    fwd: ForwardRule,
    progress: Progress = silent,
) -> None:
    states: dict[int, AccountState] = {}
    lib: dict[int, int] = {}
    max_hops = lim.max_hops if lim.max_hops is not None else 1 << 30
    unlimited = 1 << 62  # seed transfers carry their pieces whatever their hop
    conserving = pol.conserving
    f_pos, f_victim, f_hop, f_parent, f_fen = (
        result.flow_pos,
        result.flow_victim,
        result.flow_hop,
        result.flow_parent,
        result.flow_fen,
    )
    beyond: dict[int, int] = defaultdict(int)
    untracked: dict[int, int] = defaultdict(int)
    rows = result.rows
    overdrafts = 0
    parties = result.parties
    # third party → victims' arrivals not yet carried on: [t, amount, index in result.handed, pieces]
    pending: dict[int, list[tuple[int, int, int, list[Piece]]]] = defaultdict(list)
    at_parties: dict[int, int] = defaultdict(int)
    handed = result.handed
    n = len(pos_l)
    for lo in range(0, n, _CHUNK):  # progress between chunks: nothing added to the loop itself
        progress("transfers", lo, n)
        for i in range(lo, min(lo + _CHUNK, n)):
            p = pos_l[i]
            s = src_l[i]
            d = dst_l[i]
            amt = amt_l[i]
            terminal = term_l[i]
            rows[p] = (s, d, amt, t_l[i], terminal)
            # -- what leaves the source ------------------------------------------------------------------
            st = states.get(s)
            if st is None and s in first and p > first[s]:
                st = states[s] = pol.new_state(opening.get(s, 0))
                lib[s] = 0
            if st is not None:
                taken = st.take(amt)
                if conserving:
                    got = 0
                    for pc_ in taken:
                        got += pc_[3]
                    if got < amt:
                        overdrafts += 1
                        taken.append((CLEAN, 0, -1, amt - got))
                bal = st.balance
                if lib[s] > bal:
                    lib[s] = bal
            else:
                taken = [(CLEAN, 0, -1, amt)]
            # the pieces that move, as they were held: (label, hop so far, via = the transfer that brought it,
            # fen); a seed transfer's money is its victim's from hop 0, via −1 (it was there before).
            seed = seed_at.get(p)
            if seed is None:
                moving = taken
                limit = max_hops  # beyond it a victim's piece is no longer followed and moves on as clean
            else:  # a loss-making transfer: its clean money becomes the victim's
                v = seed.victim
                limit = unlimited
                moving = []  # plain loops: a comprehension would make max_hops and v closure cells (slower)
                if conserving:
                    for pc in taken:
                        moving.append((v, 0, -1, pc[3]) if pc[0] == CLEAN else pc)
                else:  # poison: the seed transfer is the victim's in full, and keeps the marks it carries
                    moving.append((v, 0, -1, amt))
                    for pc in taken:
                        if pc[0] != CLEAN and pc[0] != v and pc[1] < max_hops:
                            moving.append(pc)
            if s in parties and pending.get(s):
                moving = _forward(pending[s], handed, at_parties, p, t_l[i], amt, moving, fwd)
            # carry them one hop on: each victim's piece is a flow whose parent is the transfer that brought it
            pieces: list[Piece] = []
            for label, hop, via, fen in moving:
                if label == CLEAN:
                    pieces.append((CLEAN, 0, -1, fen))
                elif hop >= limit:
                    beyond[label] += fen
                    pieces.append((CLEAN, 0, -1, fen))
                else:
                    hop += 1
                    pieces.append((label, hop, p, fen))
                    f_pos.append(p)
                    f_victim.append(label)
                    f_hop.append(hop)
                    f_parent.append(via)
                    f_fen.append(fen)
            # -- where it arrives ------------------------------------------------------------------------
            if terminal:
                continue
            if d in parties:  # a third party: the victims' money is recorded there, not held
                mine = [pc for pc in pieces if pc[0] != CLEAN]
                if mine and conserving:
                    per: dict[int, int] = defaultdict(int)
                    for pc in mine:
                        per[pc[0]] += pc[3]
                        at_parties[pc[0]] += pc[3]
                    pending[d].append((t_l[i], amt, len(handed), mine))
                    handed.append((p, d, dict(per), -1, {}))
                elif mine:  # poison: marks, recorded but never carried on
                    handed.append((p, d, {pc[0]: pc[3] for pc in mine}, -1, {}))
                pieces = [(CLEAN, 0, -1, amt)]
            dt = states.get(d)
            if dt is None and d in first and p >= first[d]:
                dt = states[d] = pol.new_state(opening.get(d, 0))
                lib[d] = 0
            if dt is None:
                for label, _, _, fen in pieces:
                    if label != CLEAN:
                        untracked[label] += fen
                continue
            dt.put(amt, pieces)
            tainted_in = 0
            for label, _, _, fen in pieces:
                if label != CLEAN:
                    tainted_in += fen
            if not conserving:
                tainted_in = amt if tainted_in else 0
            if tainted_in:
                lib[d] = min(lib[d] + tainted_in, dt.balance)
    for a, state in states.items():
        result.balances[a] = state.balance
        held = state.held()
        if held:
            result.holdings[a] = held
    result.lib = lib
    result.beyond_hops = dict(beyond)
    result.untracked = dict(untracked)
    result.overdrafts = overdrafts
    result.at_parties = {v: f for v, f in at_parties.items() if f}


def _forward(
    waiting: list[tuple[int, int, int, list[Piece]]],
    handed: list[tuple[int, int, dict[int, int], int, dict[int, int]]],
    at_parties: dict[int, int],
    p: int,
    t: int,
    amt: int,
    moving: list[Piece],
    fwd: ForwardRule,
) -> list[Piece]:
    """A transfer of `amt` out of a third party at `t`: when it is the forward of an arrival of victims' money
    (`fwd`), that money, scaled down to `amt` (the fee stays with the third party), replaces as much clean money
    in `moving`; expired arrivals are dropped from `waiting`."""
    while waiting and t - waiting[0][0] > fwd.window_us:
        waiting.pop(0)
    for k, (_t_in, amount_in, idx, pieces) in enumerate(waiting):
        if not (amount_in * (1.0 - fwd.tolerance) <= amt <= amount_in):
            continue
        del waiting[k]
        carried: list[Piece] = []
        per: dict[int, int] = defaultdict(int)
        got = 0
        for label, hop, via, fen in pieces:
            share = fen * amt // amount_in
            if share > 0:
                carried.append((label, hop, via, share))
                per[label] += share
                at_parties[label] -= share
                got += share
        pos, acc, arrived, _, _ = handed[idx]
        handed[idx] = (pos, acc, arrived, p, dict(per))
        clean = sum(pc[3] for pc in moving if pc[0] == CLEAN) - got
        rest = [pc for pc in moving if pc[0] != CLEAN]
        return [*rest, *carried, *([(CLEAN, 0, -1, clean)] if clean > 0 else [])]
    return moving
