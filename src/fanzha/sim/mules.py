"""The transfers planned one by one: campaigns' transfers, the mule network that moves the money on, and the
mules' cover traffic. Executed in time order from one heap, with FIFO lineage on every mule account.

Mule rules: money arriving on a layer-1 card is split within minutes to hours into 2–4 layer-2 cards or
payment accounts of the same gang; layer 2 forwards it (sometimes via another layer-2 hop) to layer-3 cards
held by cash-out operators in other cities, who withdraw it in cash (≤ 20,000 yuan a time) or spend it at
POS terminals there. Each mule account also has ordinary-looking traffic in and out while active.

With third parties (issue 19): a share of the layer-1 hops goes through a payment processor's clearing account,
which pays the layer-2 account out of its own heavy clean traffic; a victim who pays a shop's QR code has the shop
forward it to a layer-2 account; a share of the money bound for layer 3 goes down a peel chain of single-use
cards, each buying goods from an innocent seller and passing the rest on; rented personal cards (卡农) get a
salary and pay rent while the gang uses them. Every such account keeps a FIFO queue, and all its traffic runs
here, so the lineage stays exact. With the seeds' variants, part of the cash-out goes to gold dealers, USDT
dealers, gift-card platforms and accounts abroad.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fanzha.records.units import US_PER_DAY, US_PER_SECOND
from fanzha.sim import rng as streams
from fanzha.sim.fifo import CLEAN, Fifo, by_victim
from fanzha.sim.scam import COVER, FWD, LOSS, MULE, Tx, _active
from fanzha.sim.world import MuleCard, World

MIN = 60 * US_PER_SECOND
#: third parties: share of the layer-1 hops paid through a processor; share of the layer-3 parts sent down a peel
#: chain instead; a processor's fee, a QR shop's commission (shares of the amount)
VIA_PROCESSOR, TO_PEEL = 0.3, 0.15
PROCESSOR_FEE, QR_COMMISSION = (0.002, 0.006), (0.01, 0.03)
#: seeds' variants: share of the cash-out drains that go to the new sinks, and how they divide
NEW_CASHOUT = 0.4
NEW_SINKS: tuple[tuple[str, float, str], ...] = (
    ("gold", 0.25, "bank_transfer"),
    ("crypto", 0.35, "bank_transfer"),
    ("gift_card", 0.1, "payment_account"),
    ("overseas", 0.3, "bank_transfer"),
)


@dataclass(frozen=True, slots=True)
class _CoverOut:
    """An ordinary-looking payment of a tracked account: up to `amount` from what is not committed to planned
    hops — or, with `keep` ≥ 0, everything but `keep` (a shop's evening settlement)."""

    account: int
    amount: int
    sink: int
    channel: str | None
    keep: int = -1
    location: int = -1  # for an account that is not a mule card (whose city it is otherwise)


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
        # issue 19: third parties' accounts keep queues too; peel cards are mule cards used once
        self.tracked = world.tracked_third
        self.qr = set(world.qr_accounts)
        self.forwards: dict[int, int] = {}
        self.peel_left: dict[int, int] = {}
        self.peel_next = [0] * len(world.gangs)
        for gang in world.gangs:
            gang.peel.sort(key=lambda c: (c.active_from, c.account))
            for card in gang.peel:
                self.card_of[card.account] = card
        if world.config.third_parties:
            self._schedule_third()

    # -- planning --------------------------------------------------------------------------------------
    def push(self, tx: Tx) -> None:
        self._push(tx.time, _TX, tx)
        if tx.role in (MULE, FWD):
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
                amount = free - obj.keep if obj.keep >= 0 else min(amount, free)
                if amount >= 100:
                    card = self.card_of.get(account)
                    tx = Tx(
                        t,
                        account,
                        sink,
                        amount,
                        channel or _channel(self.world, account, sink),
                        self.world.city_index[card.city] if card is not None else obj.location,
                        card.device if card is not None else -1,
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
        if src in self.reserved and tx.role in (MULE, FWD):
            self.reserved[src] -= amount
        b[src] -= amount
        b[dst] += amount
        tx.comp = by_victim(comp)
        card = self.card_of.get(dst)
        if card is not None or dst in self.tracked:
            q = self.queues.get(dst)
            if q is None:
                q = self.queues[dst] = Fifo(int(b[dst]) - amount)
            q.put(comp)
        if card is not None and tx.role in (LOSS, MULE, FWD) and dst not in self.pending:
            self.pending.add(dst)
            k = self.drains.get(dst, 0)
            rng = streams.stream(self.seed, streams.MULE_FLOW, dst, k)
            lo, hi = {1: (3 * MIN, 3 * HOUR), 2: (10 * MIN, 6 * HOUR), 3: (20 * MIN, 12 * HOUR)}[card.layer]
            if dst in self.peel_left:  # a peel chain moves on within the hour
                lo, hi = 5 * MIN, 90 * MIN
            self._push(tx.time + int(rng.integers(lo, hi)), _DRAIN, dst)
        elif tx.role == LOSS and dst in self.qr:
            self._forward(tx)

    def _drain(self, account: int, t: int) -> None:
        self.pending.discard(account)
        k = self.drains.get(account, 0)
        self.drains[account] = k + 1
        rng = streams.stream(self.seed, streams.MULE_FLOW, account, k, 1)
        card = self.card_of[account]
        w = self.world
        gang = w.gangs[card.gang]
        if account in self.peel_left:
            self._peel(card, t, rng)
            return
        free = int(self.balances[account]) - self.reserved.get(account, 0)
        residue = int(rng.integers(0, 5000))
        out = free - residue
        if out < 10_000:
            return
        city = w.city_index[card.city]
        third = w.config.third_parties
        xr = streams.stream(self.seed, streams.THIRD_FLOW, account, k, 2) if third else None
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
                if xr is not None and card.layer == 1 and xr.random() < VIA_PROCESSOR:
                    self._via_processor(xr, tt, account, dst.account, int(part), city, card.device)
                    continue
                if xr is not None and layer == 3 and xr.random() < TO_PEEL:
                    peel = self._next_peel(gang.index, tt, int(xr.integers(3, 7)))
                    if peel is not None:
                        dst = peel
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
        elif w.config.seed_variants and self._new_cashout(account, k, t, out, city):
            return
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

    # -- issue 19: third parties and the new cash-outs -----------------------------------------------------
    def _schedule_third(self) -> None:
        """The clean traffic of the third parties over the world's days: customers paying processors, QR codes
        and sellers (from banks outside the world), processors paying their merchants, everyone settling each
        evening; and the salary and rent of rented mule cards."""
        w = self.world
        days = w.config.days
        scale = max(0.1, w.config.people / 100_000)
        ext_src, ext_sink = w.base["ext_src"], w.base["ext_sink"]
        per_day = {"processor": (160, 1500.0), "merchant_qr": (35, 35.0), "seller": (20, 2000.0)}
        for party in w.parties:
            a, role = party.account, party.role
            rng = streams.stream(self.seed, streams.THIRD_FLOW, a)
            for day in range(days):
                day0 = w.t0 + day * US_PER_DAY
                if role in per_day:
                    lam, median = per_day[role]
                    for _ in range(int(rng.poisson(lam * scale))):
                        t = day0 + int(rng.integers(7 * HOUR, 23 * HOUR))
                        src = ext_src + int(rng.integers(24))
                        amount = max(100, int(rng.lognormal(np.log(median), 0.9) * 100))
                        ch = "payment_account" if role != "seller" else "merchant_payment"
                        self._push(t, _TX, Tx(t, src, a, amount, ch, party.city, -1, COVER))
                if role == "processor":
                    merchants = w.processor_merchants[a]
                    for _ in range(int(rng.poisson(150 * scale))):
                        t = day0 + int(rng.integers(7 * HOUR, 23 * HOUR))
                        to = (
                            merchants[int(rng.integers(len(merchants)))]
                            if rng.random() < 0.8
                            else ext_sink + int(rng.integers(24))
                        )
                        amount = int(rng.lognormal(np.log(1800), 0.9) * 100)
                        self._push(t, _COVER_OUT, _CoverOut(a, amount, to, "payment_account"))
                elif role in ("processor_merchant", "merchant_qr", "seller"):
                    t = day0 + int(rng.integers(21 * HOUR, 24 * HOUR))
                    keep = int(rng.integers(200, 2000)) * 100
                    sink = ext_sink + int(rng.integers(24))
                    self._push(t, _COVER_OUT, _CoverOut(a, 0, sink, "merchant_payment", keep, party.city))
        for account, r in sorted(w.rented.items()):
            card = self.card_of[account]
            rng = streams.stream(self.seed, streams.THIRD_FLOW, account)
            span = card.active_to - card.active_from
            t = card.active_from + int(rng.integers(0, span))
            self._push(t, _TX, Tx(t, r.employer, account, r.salary, "salary", -1, -1, COVER))
            t = card.active_from + int(rng.integers(0, span))
            self._push(t, _COVER_OUT, _CoverOut(account, r.rent, r.landlord, "bank_transfer"))

    def _via_processor(
        self, rng: np.random.Generator, t: int, src: int, dst: int, amount: int, city: int, device: int
    ) -> None:
        """A hop paid through a processor: into its clearing account, and out of it (less its fee) to `dst`."""
        w = self.world
        proc = w.processors[int(rng.integers(len(w.processors)))]
        self.push(Tx(t, src, proc, amount, "payment_account", city, device, MULE))
        fee = int(amount * rng.uniform(*PROCESSOR_FEE))
        later = t + int(rng.integers(2 * MIN, 20 * MIN))
        self.push(Tx(later, proc, dst, amount - fee, "payment_account", -1, -1, FWD))

    def _forward(self, tx: Tx) -> None:
        """A shop's QR code that a victim paid forwards it, less a commission, to a layer-2 account of the gang."""
        k = self.forwards.get(tx.dst, 0)
        self.forwards[tx.dst] = k + 1
        rng = streams.stream(self.seed, streams.THIRD_FLOW, tx.dst, k, 1)
        gang = self.world.gangs[tx.gang]
        to = _active(gang.cards, 2, tx.time, rng)
        amount = tx.amount - int(tx.amount * rng.uniform(*QR_COMMISSION))
        later = tx.time + int(rng.integers(5 * MIN, 60 * MIN))
        self.push(Tx(later, tx.dst, to.account, amount, "payment_account", -1, -1, FWD))

    def _next_peel(self, gang: int, t: int, length: int) -> MuleCard | None:
        """The gang's next unused peel-chain card already bought at `t`, starting a chain of `length` cards."""
        cards = self.world.gangs[gang].peel
        i = self.peel_next[gang]
        if i >= len(cards) or cards[i].active_from > t:
            return None
        self.peel_next[gang] = i + 1
        self.peel_left[cards[i].account] = length - 1
        return cards[i]

    def _peel(self, card: MuleCard, t: int, rng: np.random.Generator) -> None:
        """A peel-chain card buys goods from a seller of its city and passes the rest on (the last one cashes
        it out)."""
        w = self.world
        account = card.account
        left = self.peel_left.pop(account)
        out = int(self.balances[account]) - self.reserved.get(account, 0)
        if out < 10_000:
            return
        city = w.city_index[card.city]
        sellers = w.sellers[city]
        buy = int(out * rng.uniform(0.2, 0.45)) // 100 * 100
        tt = t
        if buy >= 100:
            seller = sellers[int(rng.integers(len(sellers)))]
            self.push(Tx(tt, account, seller, buy, "merchant_payment", city, -1, MULE))
        rest = out - buy
        tt += int(rng.integers(5, 40)) * MIN
        nxt = self._next_peel(card.gang, tt, left) if left > 0 else None
        if nxt is not None:
            self.push(Tx(tt, account, nxt.account, rest, "bank_transfer", city, -1, MULE))
            return
        while rest >= 10_000:  # the last card withdraws it in cash
            amount = min(rest // 10_000 * 10_000, 2_000_000)
            self.push(Tx(tt, account, w.base["atm"] + city, amount, "cash_withdrawal", city, -1, MULE))
            rest -= amount
            tt += int(rng.integers(2, 25)) * MIN

    def _new_cashout(self, account: int, k: int, t: int, out: int, city: int) -> bool:
        """With the seeds' variants, a share of the cash-out drains go to a gold dealer of the city, a USDT dealer,
        a gift-card platform or an account abroad, in one to three payments; False when this one does not."""
        rng = streams.stream(self.seed, streams.MULE_FLOW, account, k, 3)
        if rng.random() >= NEW_CASHOUT:
            return False
        w = self.world
        kinds = [x[0] for x in NEW_SINKS]
        weights = np.array([x[1] for x in NEW_SINKS])
        i = int(rng.choice(len(kinds), p=weights / weights.sum()))
        kind, channel = kinds[i], NEW_SINKS[i][2]
        sinks = w.new_sinks[kind]
        if kind == "gold":  # the dealer of the operator's city
            sinks = [s for s in sinks if w.more[s - w.n_gang_accounts].city == city] or sinks
        sink = sinks[int(rng.integers(len(sinks)))]
        pieces = int(rng.integers(1, 4))
        tt = t
        rest = out
        for j in range(pieces):
            amount = rest if j == pieces - 1 else rest // (pieces - j)
            tt += int(rng.integers(3, 40)) * MIN
            if amount > 0:
                self.push(Tx(tt, account, sink, amount, channel, city, -1, MULE))
            rest -= amount
        return True


def _channel(world: World, src: int, dst: int) -> str:
    """bank_transfer between cards, payment_account when either side is a payment account (or a processor)."""

    def is_wallet(a: int) -> bool:
        if a >= world.n_gang_accounts:
            return world.more[a - world.n_gang_accounts].kind in ("payment_account", "processor")
        if a >= world.n_fixed_accounts:
            return world.extra_accounts[a - world.n_fixed_accounts][0] == 1
        return world.base["wallet"] <= a < world.base["wallet"] + world.n_people

    return "payment_account" if is_wallet(src) or is_wallet(dst) else "bank_transfer"
