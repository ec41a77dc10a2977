"""The transfers planned one by one: campaigns' transfers, the mule network that moves the money on, and the
mules' cover traffic. Executed in time order from one heap, with FIFO lineage on every mule account.

Mule rules: money arriving on a layer-1 card is split within minutes to hours into 2–4 layer-2 cards or
payment accounts of the same gang; layer 2 forwards it (sometimes via another layer-2 hop) to layer-3 cards
held by cash-out operators in other cities, who withdraw it in cash (≤ 20,000 yuan a time) or spend it at
POS terminals there. Each mule account also has ordinary-looking traffic in and out while active.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fanzha.records.units import US_PER_DAY, US_PER_SECOND
from fanzha.sim import rng as streams
from fanzha.sim.fifo import CLEAN, Fifo, by_victim
from fanzha.sim.scam import COVER, LOSS, MULE, Tx, _active
from fanzha.sim.world import MuleCard, World

MIN = 60 * US_PER_SECOND


@dataclass(frozen=True, slots=True)
class _CoverOut:
    """A mule's ordinary-looking payment: up to `amount`, from what is not committed to planned hops."""

    account: int
    amount: int
    sink: int
    channel: str | None


HOUR = 60 * MIN
_TX, _DRAIN, _COVER_OUT = 0, 1, 2


class SpecialEngine:
    """A heap of planned transfers and mule actions; `run_until(t)` executes everything before `t`."""

    def __init__(self, world: World, balances: npt.NDArray[np.int64], seed: int) -> None:
        self.world = world
        self.balances = balances
        self.seed = seed
        self.heap: list[tuple[int, int, int, object]] = []
        self.seq = 0
        self.queues: dict[int, Fifo] = {}
        self.reserved: dict[int, int] = {}
        self.pending: set[int] = set()
        self.drains: dict[int, int] = {}
        self.card_of: dict[int, MuleCard] = {}
        for gang in world.gangs:
            for card in gang.cards:
                self.card_of[card.account] = card
        self._schedule_cover()

    # -- planning --------------------------------------------------------------------------------------
    def push(self, tx: Tx) -> None:
        self._push(tx.time, _TX, tx)
        if tx.role == MULE:
            self.reserved[tx.src] = self.reserved.get(tx.src, 0) + tx.amount

    def _push(self, t: int, kind: int, obj: object) -> None:
        heapq.heappush(self.heap, (t, self.seq, kind, obj))
        self.seq += 1

    def _is_mule(self, account: int) -> bool:
        return account in self.card_of

    def _schedule_cover(self) -> None:
        w = self.world
        ext_src = w.base["ext_src"]
        ext_sink = w.base["ext_sink"]
        for gang in w.gangs:
            rng = streams.stream(self.seed, streams.COVER, gang.index)
            for card in gang.cards:
                days = (card.active_to - card.active_from) / US_PER_DAY
                for _ in range(int(rng.poisson(1.2 * days))):
                    t = card.active_from + int(rng.integers(0, card.active_to - card.active_from))
                    amount = int(rng.lognormal(np.log(600), 0.9) * 100)
                    src = ext_src + int(rng.integers(24))
                    self._push(
                        t,
                        _TX,
                        Tx(
                            t,
                            src,
                            card.account,
                            amount,
                            _channel(w, src, card.account),
                            w.city_index[card.city],
                            -1,
                            COVER,
                        ),
                    )
                for _ in range(int(rng.poisson(1.0 * days))):
                    t = card.active_from + int(rng.integers(0, card.active_to - card.active_from))
                    amount = int(rng.lognormal(np.log(300), 0.9) * 100)
                    pos = rng.random() < 0.5
                    sink = (
                        (w.base["pos"] + w.city_index[card.city]) if pos else ext_sink + int(rng.integers(24))
                    )
                    self._push(t, _COVER_OUT, _CoverOut(card.account, amount, sink, "pos" if pos else None))

    # -- execution -------------------------------------------------------------------------------------
    def run_until(self, t_end: int) -> list[Tx]:
        """Execute every planned transfer and action before `t_end`; the transfers made, in order."""
        done: list[Tx] = []
        heap = self.heap
        while heap and heap[0][0] < t_end:
            t, _, kind, obj = heapq.heappop(heap)
            if kind == _TX:
                assert isinstance(obj, Tx)
                self._execute(obj)
                done.append(obj)
            elif kind == _DRAIN:
                assert isinstance(obj, int)
                self._drain(obj, t)
            else:
                assert isinstance(obj, _CoverOut)
                account, amount, sink, channel = obj.account, obj.amount, obj.sink, obj.channel
                free = int(self.balances[account]) - self.reserved.get(account, 0)
                amount = min(amount, free)
                if amount >= 100:
                    card = self.card_of[account]
                    tx = Tx(
                        t,
                        account,
                        sink,
                        amount,
                        channel or _channel(self.world, account, sink),
                        self.world.city_index[card.city],
                        card.device,
                        COVER,
                    )
                    self._execute(tx)
                    done.append(tx)
        return done

    def _execute(self, tx: Tx) -> None:
        b = self.balances
        src, dst, amount = tx.src, tx.dst, tx.amount
        if int(b[src]) < amount:  # pragma: no cover - a bug in planning; the checker would report it too
            raise AssertionError(f"planned transfer exceeds balance of account {src}")
        if tx.role == LOSS:
            comp = [(tx.victim, amount)]
        elif src in self.queues:
            comp = self.queues[src].take(amount)
        else:
            comp = [(CLEAN, amount)]
        if src in self.reserved and tx.role == MULE:
            self.reserved[src] -= amount
        b[src] -= amount
        b[dst] += amount
        tx.comp = by_victim(comp)
        card = self.card_of.get(dst)
        if card is not None:
            q = self.queues.get(dst)
            if q is None:
                q = self.queues[dst] = Fifo(int(b[dst]) - amount)
            q.put(comp)
            if tx.role in (LOSS, MULE) and dst not in self.pending:
                self.pending.add(dst)
                k = self.drains.get(dst, 0)
                rng = streams.stream(self.seed, streams.MULE_FLOW, dst, k)
                lo, hi = {1: (3 * MIN, 3 * HOUR), 2: (10 * MIN, 6 * HOUR), 3: (20 * MIN, 12 * HOUR)}[
                    card.layer
                ]
                self._push(tx.time + int(rng.integers(lo, hi)), _DRAIN, dst)

    def _drain(self, account: int, t: int) -> None:
        self.pending.discard(account)
        k = self.drains.get(account, 0)
        self.drains[account] = k + 1
        rng = streams.stream(self.seed, streams.MULE_FLOW, account, k, 1)
        card = self.card_of[account]
        w = self.world
        gang = w.gangs[card.gang]
        free = int(self.balances[account]) - self.reserved.get(account, 0)
        residue = int(rng.integers(0, 5000))
        out = free - residue
        if out < 10_000:
            return
        city = w.city_index[card.city]
        if card.layer in (1, 2):
            if card.layer == 1:
                k_parts = int(rng.integers(2, 5))
                layers = [2] * k_parts
            else:
                k_parts = int(rng.integers(1, 4))
                layers = [2 if rng.random() < 0.12 else 3 for _ in range(k_parts)]
            shares = rng.dirichlet(np.ones(k_parts) * 2.0)
            parts = np.floor(shares * out).astype(np.int64)
            parts[-1] += out - int(parts.sum())
            tt = t
            used: set[int] = {account}
            for layer, part in zip(layers, parts.tolist(), strict=True):
                if part <= 0:
                    continue
                dst = _active(gang.cards, layer, tt, rng)
                if dst.account in used:
                    alt = [
                        c
                        for c in gang.cards
                        if c.layer == layer and c.account not in used and c.active_from <= tt
                    ]
                    if alt:
                        dst = alt[-1 - int(rng.integers(min(3, len(alt))))]
                used.add(dst.account)
                tt += int(rng.integers(30, 300)) * US_PER_SECOND
                self.push(
                    Tx(
                        tt,
                        account,
                        dst.account,
                        int(part),
                        _channel(w, account, dst.account),
                        city,
                        card.device,
                        MULE,
                    )
                )
        else:  # cash-out in the operator's city: ATM withdrawals and POS
            tt = t
            rest = out
            while rest >= 10_000:
                tt += int(rng.integers(2, 25)) * MIN
                if rng.random() < 0.3:
                    amount = min(rest, int(rng.integers(2_000, 50_000)) * 100 + int(rng.integers(0, 100)))
                    self.push(Tx(tt, account, w.base["pos"] + city, amount, "pos", city, -1, MULE))
                else:
                    amount = min(rest // 10_000 * 10_000, 2_000_000)
                    self.push(
                        Tx(tt, account, w.base["atm"] + city, amount, "cash_withdrawal", city, -1, MULE)
                    )
                rest -= amount


def _channel(world: World, src: int, dst: int) -> str:
    """bank_transfer between cards, payment_account when either side is a payment account."""

    def is_wallet(a: int) -> bool:
        if a >= world.n_fixed_accounts:
            return world.extra_accounts[a - world.n_fixed_accounts][0] == 1
        return world.base["wallet"] <= a < world.base["wallet"] + world.n_people

    return "payment_account" if is_wallet(src) or is_wallet(dst) else "bank_transfer"
