"""`simulate(config, out)`: generate a world day by day and stream it to Parquet.

Per day: gangs start campaigns on people from leaked orders; the planned transfers (campaigns, mules, their
cover traffic) that fall in the day are executed in time order with FIFO lineage; ordinary life is generated
vectorised; the day's transfers and events are merged, sorted by time, numbered and written. Memory holds
one day plus the world's entities, the mule queues and the campaigns.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from fanzha.errors import InputError
from fanzha.kb.templates import SCAM_VARIANTS
from fanzha.progress import Progress, silent
from fanzha.records.arrow import fen_to_decimal, fixed_ids, times
from fanzha.records.outputs import atomic_dir
from fanzha.records.schema import (
    BALANCES,
    CARD_KEEPERS,
    CHANNELS,
    EVENT_LABELS,
    EVENTS,
    GANGS,
    IDENTIFIERS,
    LEAKS,
    LINEAGE,
    LOOKALIKES,
    MULES,
    ORDERS,
    REPORT_IDENTIFIERS,
    REPORTS,
    SCHEMA_VERSION,
    THIRD_PARTIES,
    TIMELINES,
    TRANSFERS,
    VICTIMS,
)
from fanzha.records.units import US_PER_DAY, US_PER_SECOND, us_of
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.benign import BANK_HOTLINES, CH, BenignDay, RecentOrders, _tracking, benign_day
from fanzha.sim.config import SimConfig
from fanzha.sim.events import EventCols
from fanzha.sim.mules import SpecialEngine
from fanzha.sim.output import Writers
from fanzha.sim.reports import Draft, campaign_reports, unrelated_reports
from fanzha.sim.scam import DOUBT, LOSS, Campaign, Ev, Seeds, Tx, plan_campaign
from fanzha.sim.texts import TextBank
from fanzha.sim.world import ROLE_KIND, Gang, World

HOUR = 3600 * US_PER_SECOND
_CHANNEL_NAMES = pa.array(list(CHANNELS), pa.string())


@dataclass
class Leak:
    merchant: int  # index in merchants (shops first, then outlets)
    kind: str
    start: int
    end: int
    gangs: list[int]


@dataclass
class SimResult:
    """What a run produced: row counts, the campaigns (ground truth) and money figures."""

    config: SimConfig
    rows: dict[str, int]
    campaigns: list[Campaign]
    seconds: float
    lost_by_person: dict[int, int] = field(default_factory=dict)

    @property
    def amount_lost(self) -> int:
        """Total fen lost by all victims."""
        return sum(self.lost_by_person.values())


def check_variants() -> None:
    """The variants the simulator plays must be the knowledge base's (ids are shared with the detector)."""
    from fanzha.kb.loader import default_kb

    known = {v.id for v in default_kb().kb.variants}
    missing = [v for v in SCAM_VARIANTS if v not in known]
    if missing:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"variants unknown to the knowledge base: {missing}")


def simulate(
    config: SimConfig,
    out: str | Path | None = None,
    *,
    force: bool = False,
    interventions: Iterable[tuple[str | int, datetime | int]] = (),
    progress: Progress = silent,
) -> SimResult:
    """Generate the world of `config` into `out` (nothing is written when `out` is None).

    The world is written whole or not at all: it is generated in a folder beside `out` and renamed into place
    when complete (`fanzha.records.outputs.atomic_dir`), so a failure or a kill leaves no world, or the one that
    was there. An `out` that is not empty is refused before any work (E042) unless `force`, which replaces it
    whole; a missing parent folder is created. `progress` is told the days generated (stage "days").

    `interventions` are (person, time) pairs: a person in a campaign is dissuaded at that time and stops
    there (an `intervention` event is added); everything else is drawn exactly as without them. A repeat
    victim's second campaign is stopped by the first of their times from its start on.
    """
    check_variants()
    started = _time.perf_counter()
    plan = _parse_interventions(interventions)
    if out is None:
        gen = _Generator(config, None, plan)
        gen.run(progress)
    else:
        target = Path(out)
        try:
            target.resolve().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError("E422", where=str(target), reason=exc.strerror or str(exc)) from None
        with atomic_dir(target, force=force) as tmp:
            gen = _Generator(config, tmp, plan)
            gen.run(progress)
    return SimResult(
        config,
        dict(gen.writers.rows),
        gen.campaigns,
        _time.perf_counter() - started,
        _lost_by_person(gen.campaigns),
    )


def _lost_by_person(campaigns: list[Campaign]) -> dict[int, int]:
    """Fen lost per person (a repeat victim's campaigns together)."""
    out: dict[int, int] = {}
    for c in campaigns:
        out[c.person] = out.get(c.person, 0) + c.amount_lost
    return out


def _parse_interventions(items: Iterable[tuple[str | int, datetime | int]]) -> dict[int, list[int]]:
    """Person → the times they are dissuaded at, in order (a repeat victim may be called in each campaign)."""
    out: dict[int, list[int]] = {}
    for person, when in items:
        p = int(person[1:]) if isinstance(person, str) else int(person)
        out.setdefault(p, []).append(when if isinstance(when, int) else us_of(when))
    for when_ in out.values():
        when_.sort()
    return out


class _Generator:
    def __init__(self, config: SimConfig, out: Path | None, interventions: dict[int, list[int]]) -> None:
        self.cfg = config
        self.out = out
        self.interventions = interventions
        self.world = World(config)
        self.writers = Writers(out, config.row_group)
        self.balances = self.world.opening.copy()
        #: per account: a company's (payees and transfers to it say so, as the payer's bank knows)
        self.corporate = self.world.corporate()
        self.engine = SpecialEngine(self.world, self.balances, config.seed)
        self.recent = RecentOrders()
        n = self.world.n_people
        self.contacted = np.zeros(n, dtype=np.bool_)
        self.locked_until = np.full(n, -1, dtype=np.int64)
        self.pending: dict[int, list[Ev]] = {}
        self.campaigns: list[Campaign] = []
        self.orders_of: dict[int, dict[str, Any]] = {}
        self.pools: list[list[dict[str, Any]]] = [[] for _ in self.world.gangs]
        #: repeat victims waiting for their second campaign: (available, person, gang)
        self.repeats: list[tuple[int, int, int]] = []
        self.next_tx = 0
        self.next_ev = 0
        self.next_order = 0
        self.leaks = self._plan_leaks()

    # -- leaks --------------------------------------------------------------------------------------------
    def _plan_leaks(self) -> list[Leak]:
        w, cfg = self.world, self.cfg
        rng = streams.stream(cfg.seed, streams.LEAKS)
        leaks: list[Leak] = []
        used: set[int] = set()
        for i in range(cfg.leaks):
            if i % 2 == 0:
                big = w.shop_weight**2  # data of big shops is what gets stolen and sold
                m = int(rng.choice(w.n_shops, p=big / big.sum()))
                while m in used:
                    m = int(rng.integers(w.n_shops))
                kind = "shop"
            else:
                load = np.zeros(w.n_outlets)  # parcels each outlet handles
                for ci, (_, cw) in enumerate(cat.CITIES):
                    for co, (_, kw, _) in enumerate(cat.COURIERS):
                        load[w.outlet_of[ci, co]] += cw * kw
                m = w.n_shops + int(rng.choice(w.n_outlets, p=load / load.sum()))
                while m in used:
                    m = w.n_shops + int(rng.integers(w.n_outlets))
                kind = "courier_outlet"
            used.add(m)
            start = (
                w.t0
                + (cfg.leak_start_day + i * cfg.leak_stagger_days) * US_PER_DAY
                + int(rng.integers(0, US_PER_DAY))
            )
            leaks.append(Leak(m, kind, start, start + cfg.leak_days * US_PER_DAY, [i % len(w.gangs)]))
        for g in range(len(w.gangs)):
            if not any(g in lk.gangs for lk in leaks):
                leaks[int(rng.integers(len(leaks)))].gangs.append(g)
        return leaks

    # -- the day loop ---------------------------------------------------------------------------------
    def run(self, progress: Progress) -> None:
        w = self.world
        self.writers.write("people.parquet", w.people_table())
        self.writers.write("contacts.parquet", w.contacts_table())
        self.writers.write("merchants.parquet", w.merchants_table())
        self.writers.write("accounts.parquet", w.accounts_table())
        self.writers.write("devices.parquet", w.devices_table())
        for day in range(self.cfg.days):
            self._day(day)
            progress("days", day + 1, self.cfg.days)
        # planned transfers still pending after the last day (mules' last hops) are executed and written
        tail = self.engine.run_until(np.iinfo(np.int64).max)
        if tail or any(self.pending.values()):
            self._write_day(self.cfg.days, tail, None)
        self._finish()

    def _day(self, day: int) -> None:
        w = self.world
        day0 = w.t0 + day * US_PER_DAY
        self._start_campaigns(day, day0)
        specials = self.engine.run_until(day0 + US_PER_DAY)
        locked = self.locked_until >= day
        bday = benign_day(w, self.cfg, day, self.balances, locked, self.recent)
        self._write_day(day, specials, bday)

    def _start_campaigns(self, day: int, day0: int) -> None:
        w, cfg = self.world, self.cfg
        rng = streams.stream(cfg.seed, streams.CAMPAIGN, day)
        lam = cfg.contacts_per_10k_day * w.n_people / 10_000 / len(w.gangs)
        day_end = day0 + US_PER_DAY
        for g, gang in enumerate(w.gangs):
            pool = [e for e in self.pools[g] if not self.contacted[e["person"]]]
            self.pools[g] = pool
            ready = [e for e in pool if e["available"] < day_end]
            k = min(len(ready), int(rng.poisson(lam)))
            if k == 0:
                continue
            # whom a gang picks depends on the person, not on the rest of the pool, so a change elsewhere in
            # the world (an intervention) does not change who else is targeted
            ready.sort(
                key=lambda e: (streams.unit(cfg.seed, 2, e["person"], g), e["available"], e["order_id"])
            )
            chosen: list[dict[str, Any]] = []
            for entry in ready:
                if len(chosen) == k:
                    break
                if not any(c["person"] == entry["person"] for c in chosen):
                    chosen.append(entry)
            for entry in chosen:
                p = entry["person"]
                self.contacted[p] = True
                self._campaign(gang, entry, self._start_time(entry["available"], p, day0))
        # repeat victims (seeds' variants): their order's data sold on, a gang calls again
        for item in [r for r in self.repeats if r[0] < day_end]:
            self.repeats.remove(item)
            available, p, g = item
            self._campaign(w.gangs[g], self.orders_of[p], self._start_time(available, p, day0), repeat=1)

    def _start_time(self, available: int, p: int, day0: int) -> int:
        """When a gang calls `p` on the day starting at `day0` (a hash of the person: nothing else shifts it)."""
        seed = self.cfg.seed
        start = max(available, day0 + 9 * HOUR + int(streams.unit(seed, 3, p) * 12 * HOUR))
        if start >= day0 + US_PER_DAY:
            start = day0 + US_PER_DAY - 1 - int(streams.unit(seed, 4, p) * 1800) * US_PER_SECOND
        return start

    def _campaign(self, gang: Gang, entry: dict[str, Any], start: int, repeat: int = 0) -> None:
        """Plan one campaign on `entry`'s buyer and put its transfers and events on the way."""
        w, cfg = self.world, self.cfg
        p = entry["person"]
        vr = streams.stream(cfg.seed, streams.VICTIM, p, *([repeat] if repeat else []))
        calls = self.interventions.get(p, [])
        # the first campaign: the earliest call; a second one: the first call from its start on (an alert of the
        # first campaign does not stop the second)
        intervention = (
            next((t for t in calls if t >= start), None) if repeat else (calls[0] if calls else None)
        )
        camp = plan_campaign(
            w,
            gang,
            p,
            entry,
            start,
            int(self.balances[int(w.card(p))]),
            int(self.balances[int(w.wallet(p))]),
            vr,
            TextBank(vr),
            intervention,
            self._seeds(gang, p, repeat) if cfg.seed_variants else None,
        )
        if repeat:  # one timeline per person: the second campaign's steps follow the first's
            offset = max(e.step for c in self.campaigns if c.person == p for e in c.events) + 1
            for e in camp.events:
                e.step += offset
        self.campaigns.append(camp)
        self.orders_of[p] = entry
        self.locked_until[p] = (camp.end_time - w.t0) // US_PER_DAY + 1
        for tx in camp.txs:
            self.engine.push(tx)
        for ev in camp.events:
            self.pending.setdefault(int((ev.time - w.t0) // US_PER_DAY), []).append(ev)
        if (
            cfg.seed_variants
            and not repeat
            and camp.amount_lost
            and streams.unit(cfg.seed, 33, p) < cfg.repeat_share
        ):
            later = camp.end_time + int((3 + 17 * streams.unit(cfg.seed, 34, p)) * US_PER_DAY)
            n = len(w.gangs)
            other = (gang.index + 1 + int(streams.unit(cfg.seed, 35, p) * max(1, n - 1))) % n
            self.repeats.append((later, p, other))

    def _seeds(self, gang: Gang, p: int, repeat: int) -> Seeds:
        """The seeds' behaviours of a campaign on `p` (its own streams: the classic draws stay as they were)."""
        w, seed = self.world, self.cfg.seed
        keys = [repeat] if repeat else []
        a = float(w.awareness[p])
        return Seeds(
            rng=streams.stream(seed, streams.VARIANT, p, *keys),
            other_cards=[(int(x), int(self.balances[int(x)])) for x in w.other_cards[p].tolist() if x >= 0],
            qr_codes=gang.qr_codes,
            outside_lenders=list(zip(cat.OUTSIDE_LENDERS, w.outside_lenders, strict=True)),
            bank_hotline=BANK_HOTLINES[int(w.card_bank[p]) % len(BANK_HOTLINES)],
            doubts=bool(
                streams.stream(seed, streams.DOUBT, p, *keys).random() < DOUBT[0] + DOUBT[1] * (1 - a)
            ),
            repeat=repeat,
        )

    # -- writing a day -------------------------------------------------------------------------------
    def _write_day(self, day: int, specials: list[Tx], bday: BenignDay | None) -> None:
        w = self.world
        s = len(specials)
        if bday is not None:
            nb = len(bday.src)
            src = np.concatenate([np.array([x.src for x in specials], dtype=np.int64), bday.src])
            dst = np.concatenate([np.array([x.dst for x in specials], dtype=np.int64), bday.dst])
            amount = np.concatenate([np.array([x.amount for x in specials], dtype=np.int64), bday.amount])
            tm = np.concatenate([np.array([x.time for x in specials], dtype=np.int64), bday.time])
            channel = np.concatenate(
                [np.array([CH[x.channel] for x in specials], dtype=np.int64), bday.channel]
            )
            loc = np.concatenate([np.array([x.location for x in specials], dtype=np.int64), bday.location])
            dev = np.concatenate([np.array([x.device for x in specials], dtype=np.int64), bday.device])
        else:
            nb = 0
            src = np.array([x.src for x in specials], dtype=np.int64)
            dst = np.array([x.dst for x in specials], dtype=np.int64)
            amount = np.array([x.amount for x in specials], dtype=np.int64)
            tm = np.array([x.time for x in specials], dtype=np.int64)
            channel = np.array([CH[x.channel] for x in specials], dtype=np.int64)
            loc = np.array([x.location for x in specials], dtype=np.int64)
            dev = np.array([x.device for x in specials], dtype=np.int64)
        total = s + nb
        order = np.lexsort((np.arange(total), tm))
        numbers = np.empty(total, dtype=np.int64)
        numbers[order] = self.next_tx + np.arange(total)
        self.next_tx += total
        for i, x in enumerate(specials):
            x.number = int(numbers[i])
        if bday is not None:  # specials already changed the balances when executed
            np.subtract.at(self.balances, bday.src, bday.amount)
            np.add.at(self.balances, bday.dst, bday.amount)
        # transfers.parquet
        o_src, o_dst, o_loc, o_dev = src[order], dst[order], loc[order], dev[order]
        loc_mask = o_loc < 0
        dev_mask = o_dev < 0
        city_names = pa.array(w.cities, pa.string())
        table = pa.table(
            [
                fixed_ids("T", numbers[order], 12),
                fixed_ids("A", o_src, 10),
                fixed_ids("A", o_dst, 10),
                fen_to_decimal(amount[order]),
                times(tm[order]),
                _CHANNEL_NAMES.take(pa.array(channel[order])),
                city_names.take(pa.array(np.where(loc_mask, 0, o_loc), mask=loc_mask)),
                _device_ids(o_dev, dev_mask),
            ],
            schema=TRANSFERS,
        )
        self.writers.write("transfers.parquet", table)
        # lineage
        l_tx: list[int] = []
        l_victim: list[int] = []
        l_amount: list[int] = []
        for x in specials:
            for victim, fen in x.comp:
                l_tx.append(x.number)
                l_victim.append(victim)
                l_amount.append(fen)
        if l_tx:
            self.writers.write(
                "truth/lineage.parquet",
                pa.table(
                    [fixed_ids("T", l_tx, 12), fixed_ids("P", l_victim, 8), fen_to_decimal(l_amount)],
                    schema=LINEAGE,
                ),
            )
        # orders and events
        benign_numbers = numbers[s:]
        if bday is not None:
            self._write_orders(day, bday, benign_numbers)
        ev = bday.events if bday is not None else EventCols()
        for e in (
            self.pending.pop(day, []) if bday is not None else [x for v in self.pending.values() for x in v]
        ):
            ev.add_planned(e)
        if bday is None:
            self.pending.clear()
        self._write_events(ev, benign_numbers, bday.episodes if bday is not None else [])

    def _write_orders(self, day: int, bday: BenignDay, benign_numbers: np.ndarray) -> None:
        w = self.world
        o = bday.orders
        k = len(o.person)
        by_time = np.lexsort((np.arange(k), o.time))
        o.number[by_time] = self.next_order + np.arange(k)
        self.next_order += k
        self.recent.push(o)
        if k:
            idx = by_time
            item_names = pa.array([it[0] for it in cat.ITEMS], pa.string())
            item_cats = pa.array([it[1] for it in cat.ITEMS], pa.string())
            plat = pa.array([p[0] for p in cat.PLATFORMS], pa.string())
            couriers = pa.array([c[0] for c in cat.COURIERS], pa.string())
            prefixes = pa.array([c[2] for c in cat.COURIERS], pa.string())
            nums = o.number[idx]
            tracking_digits = fixed_ids("", (nums * 7_919 + o.courier[idx] * 104_729) % 10**12, 12)
            import pyarrow.compute as pc

            tracking = pc.binary_join_element_wise(
                prefixes.take(pa.array(o.courier[idx])), tracking_digits, ""
            )
            table = pa.table(
                [
                    fixed_ids("O", nums, 10),
                    fixed_ids("P", o.person[idx], 8),
                    fixed_ids("M", o.shop[idx], 6),
                    plat.take(pa.array(w.shop_platform[o.shop[idx]])),
                    item_names.take(pa.array(o.item[idx])),
                    item_cats.take(pa.array(o.item[idx])),
                    fen_to_decimal(o.price[idx]),
                    times(o.time[idx]),
                    pa.array(w.cities, pa.string()).take(pa.array(w.city[o.person[idx]])),
                    couriers.take(pa.array(o.courier[idx])),
                    fixed_ids("K", o.outlet[idx], 5),
                    tracking,
                    times(o.delivered[idx]),
                    fixed_ids("T", benign_numbers[o.local[idx]], 12),
                ],
                schema=ORDERS,
            )
            self.writers.write("orders.parquet", table)
        # feed the leaked pools
        for leak in self.leaks:
            if leak.kind == "shop":
                hit = o.shop == leak.merchant
            else:
                hit = o.outlet == leak.merchant - w.n_shops
            hit &= (o.time >= leak.start) & (o.time < leak.end)
            sel = np.flatnonzero(hit)
            if not len(sel):
                continue
            for j in sel.tolist():
                # when the gang gets to this buyer: one to eight days after the purchase
                dl = US_PER_DAY + int(
                    streams.unit(self.cfg.seed, 1, int(o.person[j]), int(o.time[j])) * 7 * US_PER_DAY
                )
                co = int(o.courier[j])
                entry = {
                    "person": int(o.person[j]),
                    "order_id": f"O{int(o.number[j]):010d}",
                    "platform": cat.PLATFORMS[int(w.shop_platform[int(o.shop[j])])][0],
                    "item": cat.ITEMS[int(o.item[j])][0],
                    "price": int(o.price[j]),
                    "courier": cat.COURIERS[co][0],
                    "tracking_no": _tracking(co, int(o.number[j])),
                    "leak_merchant": w.merchant_id(leak.merchant),
                    "leak_kind": leak.kind,
                    "shop": w.shop_name[int(o.shop[j])],
                    "outlet": int(o.outlet[j]),
                    "available": int(o.time[j]) + dl,
                }
                for g in leak.gangs:
                    self.pools[g].append(entry)

    def _write_events(
        self, ev: EventCols, benign_numbers: np.ndarray, episodes: list[tuple[str, int]]
    ) -> None:
        n = len(ev)
        if n == 0:
            return
        ev.tag_corporate(self.corporate)
        order = ev.order()
        eids = self.next_ev + np.arange(n)
        if episodes:
            self._write_lookalikes(ev, order, eids, episodes)
        self.next_ev += n
        pos = np.empty(n, dtype=np.int64)
        pos[order] = np.arange(n)
        txn = np.full(n, -1, dtype=np.int64)
        for i in range(n):
            sc = ev.scam[i]
            if sc is not None:
                if sc.tx is not None:
                    txn[i] = sc.tx.number
                    sc_tx_ok = sc.tx.number >= 0
                    assert sc_tx_ok
            elif ev.tx[i] >= 0:
                txn[i] = benign_numbers[ev.tx[i]]
        amounts = np.array([a if a is not None else 0 for a in ev.amount], dtype=np.int64)
        amask = np.array([a is None for a in ev.amount], dtype=np.bool_)
        o_txn = txn[order]
        idx = pa.array(order)
        person = np.asarray(ev.person, dtype=np.int64)[order]
        t = np.asarray(ev.time, dtype=np.int64)[order]
        event_ids = fixed_ids("E", eids, 12)
        table = pa.table(
            [
                event_ids,
                fixed_ids("P", person, 8),
                times(t),
                pa.array(ev.kind, pa.string()).take(idx),
                *ev.details(idx),
                fen_to_decimal(amounts[order], amask[order]),
                fixed_ids("T", np.maximum(o_txn, 0), 12, mask=o_txn < 0),
                pa.array(ev.attrs, pa.string()).take(idx),
            ],
            schema=EVENTS,
        )
        self.writers.write("events.parquet", table)
        self.writers.write(
            "truth/event_labels.parquet",
            pa.table(
                [
                    event_ids,
                    pa.array(ev.label, pa.string()).take(idx),
                    pa.array(ev.family, pa.string()).take(idx),
                ],
                schema=EVENT_LABELS,
            ),
        )
        rows = [i for i in order.tolist() if ev.scam[i] is not None]
        if rows:
            scs: list[Ev] = [ev.scam[i] for i in rows]
            tl_tx = np.array([e.tx.number if e.tx is not None else -1 for e in scs], dtype=np.int64)
            self.writers.write(
                "truth/timelines.parquet",
                pa.table(
                    [
                        fixed_ids("P", [e.person for e in scs], 8),
                        pa.array([e.step for e in scs], pa.int16()),
                        fixed_ids("E", eids[pos[rows]], 12),
                        times([e.time for e in scs]),
                        pa.array([e.move for e in scs], pa.string()),
                        pa.array([e.stage for e in scs], pa.int8()),
                        fixed_ids("T", np.maximum(tl_tx, 0), 12, mask=tl_tx < 0),
                    ],
                    schema=TIMELINES,
                ),
            )

    def _write_lookalikes(
        self, ev: EventCols, order: np.ndarray, eids: np.ndarray, episodes: list[tuple[str, int]]
    ) -> None:
        """truth/lookalikes.parquet: the day's episodes, each with its events in time order."""
        ep = np.asarray(ev.episode, dtype=np.int64)[order]
        t = np.asarray(ev.time, dtype=np.int64)[order]
        rows = np.flatnonzero(ep >= 0)
        by = rows[np.argsort(ep[rows], kind="stable")]
        bounds = np.flatnonzero(np.r_[True, ep[by][1:] != ep[by][:-1], True])
        firsts = [(int(t[by[a]]), int(ep[by[a]]), a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        firsts.sort()
        ids = [f"E{int(e):012d}" for e in eids]
        table = pa.table(
            [
                fixed_ids("P", [episodes[k][1] for _, k, _, _ in firsts], 8),
                pa.array([episodes[k][0] for _, k, _, _ in firsts], pa.string()),
                times([s for s, _, _, _ in firsts]),
                times([int(t[by[b - 1]]) for _, _, _, b in firsts]),
                pa.array(
                    [[ids[i] for i in by[a:b].tolist()] for _, _, a, b in firsts], pa.list_(pa.string())
                ),
            ],
            schema=LOOKALIKES,
        )
        self.writers.write("truth/lookalikes.parquet", table)

    # -- the end: truth tables, reports, manifest -------------------------------------------------------
    def _write_report_truth(self, drafts: list[Draft]) -> None:
        """truth/reports.parquet and truth/report_identifiers.parquet."""
        late = 72 * HOUR
        self.writers.write(
            "truth/reports.parquet",
            pa.table(
                [
                    pa.array([d.report_id for d in drafts], pa.string()),
                    fixed_ids("P", [d.person for d in drafts], 8),
                    pa.array([d.kind for d in drafts], pa.string()),
                    pa.array([d.topic for d in drafts], pa.string()),
                    pa.array(
                        [d.duplicate_of.report_id if d.duplicate_of else None for d in drafts], pa.string()
                    ),
                    pa.array([f"G{d.gang:03d}" if d.gang is not None else None for d in drafts], pa.string()),
                    pa.array([d.reporter for d in drafts], pa.string()),
                    times([d.time for d in drafts]),
                    pa.array(
                        [d.delay_us // US_PER_SECOND if d.delay_us is not None else None for d in drafts],
                        pa.int64(),
                    ),
                    pa.array([d.delay_us is not None and d.delay_us > late for d in drafts], pa.bool_()),
                    fen_to_decimal([d.loss_fen for d in drafts]),
                ],
                schema=REPORTS,
            ),
        )
        rows = [(d.report_id, *m) for d in drafts for m in d.mentions]
        self.writers.write("truth/report_identifiers.parquet", _table(rows, REPORT_IDENTIFIERS))

    def _write_identifiers(self) -> None:
        """truth/identifiers.parquet: every identifier of every gang and when it was in use."""
        w = self.world
        rows: list[tuple[str, str, str, str, int, int, str | None]] = []
        for g in w.gangs:
            for role, idents in g.idents.items():
                for i in idents:
                    value = i.value.lower()
                    rows.append((g.gang_id, ROLE_KIND[role], role, value, i.valid_from, i.valid_to, None))
            handle = g.pay_handle.lower()
            rows.append(
                (g.gang_id, "payment_account", "test_account", handle, w.t0 - 200 * US_PER_DAY,
                 w.t0 + (self.cfg.days + 60) * US_PER_DAY, f"A{g.test_account:010d}")
            )  # fmt: skip
            for value, (first, last) in sorted(g.groups.items()):  # QQ groups (seeds' variants)
                rows.append((g.gang_id, "qq", "qq_group", value, first, last + US_PER_DAY, None))
            for card in (*g.cards, *g.peel):
                number = w.card_number(card.account)
                if number is not None:
                    rows.append(
                        (g.gang_id, "bank_card", f"mule_{card.layer}", number, card.active_from,
                         card.active_to, f"A{card.account:010d}")
                    )  # fmt: skip
        self.writers.write("truth/identifiers.parquet", _table(rows, IDENTIFIERS))

    def _finish(self) -> None:
        w, cfg = self.world, self.cfg
        camps = sorted(self.campaigns, key=lambda c: (c.first_contact, c.person))
        drafts: list[Draft] = []
        seeds: list[tuple[Campaign, Draft]] = []
        for c in camps:
            rng = streams.stream(cfg.seed, streams.REPORTS, c.person, *([c.repeat] if c.repeat else []))
            share = cfg.report_share_lost if c.amount_lost else cfg.report_share_stopped
            if c.outcome != "hung_up" and rng.random() < share:
                c.reported = True
                made = campaign_reports(w, c, self.orders_of[c.person], rng, cfg)
                drafts.extend(made)
                seeds.append((c, made[0]))
        drafts.extend(unrelated_reports(w, cfg, round(len(seeds) * cfg.report_unrelated_share)))
        drafts.sort(key=lambda d: (d.time, d.person, d.kind, d.text))
        for i, d in enumerate(drafts):
            d.report_id = f"R{i:08d}"
        self.writers.write_jsonl("reports.jsonl", [d.row() for d in drafts])
        self._write_report_truth(drafts)
        # what an investigator starts from besides the reports: the reported loss transfers, as the victims'
        # banks confirm them, each under the report that opened the case (fanzha trace --seeds)
        seed_rows = [
            [d.report_id, f"T{x.number:012d}", f"P{c.person:08d}"]
            for c, d in sorted(seeds, key=lambda cd: cd[1].report_id)
            for x in c.txs
            if x.role == LOSS
        ]
        self.writers.write_csv(
            "investigation/seeds.csv", ["victim_id", "transfer_id", "person_id"], seed_rows
        )
        first_loss = np.array(
            [c.first_loss if c.first_loss is not None else 0 for c in camps], dtype=np.int64
        )
        self.writers.write(
            "truth/victims.parquet",
            pa.table(
                [
                    fixed_ids("P", [c.person for c in camps], 8),
                    pa.array([c.variant for c in camps], pa.string()),
                    pa.array([f"G{c.gang:03d}" for c in camps], pa.string()),
                    times([c.first_contact for c in camps]),
                    pa.array(
                        first_loss,
                        pa.timestamp("us", tz="Asia/Shanghai"),
                        mask=np.array([c.first_loss is None for c in camps], dtype=np.bool_),
                    ),
                    fen_to_decimal([c.amount_lost for c in camps]),
                    pa.array([c.outcome for c in camps], pa.string()),
                    pa.array([c.stage_reached for c in camps], pa.int8()),
                    pa.array([c.last_move for c in camps], pa.string()),
                    pa.array([c.leak_merchant for c in camps], pa.string()),
                    pa.array([c.order_id for c in camps], pa.string()),
                    pa.array([c.reported for c in camps], pa.bool_()),
                ],
                schema=VICTIMS,
            ),
        )
        cards = [card for g in w.gangs for card in (*g.cards, *g.peel)]
        self.writers.write(
            "truth/mules.parquet",
            pa.table(
                [
                    fixed_ids("A", [c.account for c in cards], 10),
                    pa.array([f"G{c.gang:03d}" for c in cards], pa.string()),
                    pa.array([c.layer for c in cards], pa.int8()),
                ],
                schema=MULES,
            ),
        )
        self.writers.write(
            "truth/gangs.parquet",
            pa.table(
                [
                    pa.array([g.gang_id for g in w.gangs], pa.string()),
                    pa.array([g.base_city for g in w.gangs], pa.string()),
                    pa.array([_used(g, "bank_caller", "caller") for g in w.gangs], pa.list_(pa.string())),
                    pa.array([_used(g, "qq") for g in w.gangs], pa.list_(pa.string())),
                    pa.array([_used(g, "wechat") for g in w.gangs], pa.list_(pa.string())),
                    pa.array([_used(g, "room") for g in w.gangs], pa.list_(pa.string())),
                    pa.array([[f"D{d:09d}" for d in g.devices] for g in w.gangs], pa.list_(pa.string())),
                    pa.array([g.variants for g in w.gangs], pa.list_(pa.string())),
                    pa.array([g.cashout_cities for g in w.gangs], pa.list_(pa.string())),
                ],
                schema=GANGS,
            ),
        )
        self.writers.write(
            "truth/leaks.parquet",
            pa.table(
                [
                    pa.array([w.merchant_id(lk.merchant) for lk in self.leaks], pa.string()),
                    pa.array([lk.kind for lk in self.leaks], pa.string()),
                    times([lk.start for lk in self.leaks]),
                    times([lk.end for lk in self.leaks]),
                    pa.array(
                        [[f"G{g:03d}" for g in sorted(lk.gangs)] for lk in self.leaks], pa.list_(pa.string())
                    ),
                ],
                schema=LEAKS,
            ),
        )
        self._write_identifiers()
        self.writers.write(
            "truth/third_parties.parquet",
            pa.table(
                [
                    fixed_ids("A", [x.account for x in w.parties], 10),
                    pa.array([x.role for x in w.parties], pa.string()),
                    pa.array([x.name for x in w.parties], pa.string()),
                    pa.array([w.cities[x.city] if x.city >= 0 else None for x in w.parties], pa.string()),
                ],
                schema=THIRD_PARTIES,
            ),
        )
        held = [(p, kp) for kp in w.keepers for p in kp.held]
        self.writers.write(
            "truth/card_keepers.parquet",
            pa.table(
                [
                    fixed_ids("A", w.card(np.array([p for p, _ in held], dtype=np.int64)), 10),
                    fixed_ids("P", [p for p, _ in held], 8),
                    fixed_ids("P", [kp.person for _, kp in held], 8),
                    fixed_ids("D", [kp.person for _, kp in held], 9),
                    pa.array([kp.kind for _, kp in held], pa.string()),
                ],
                schema=CARD_KEEPERS,
            ),
        )
        self.writers.write(
            "truth/balances.parquet",
            pa.table(
                [fixed_ids("A", np.arange(w.n_accounts), 10), fen_to_decimal(self.balances)], schema=BALANCES
            ),
        )
        self.writers.close()
        self.writers.write_json(
            "manifest.json",
            {
                "generator": "fanzha sim",
                "schema_version": SCHEMA_VERSION,
                "config": cfg.to_dict(),
                "rows": self.writers.rows
                | {"reports.jsonl": len(drafts), "investigation/seeds.csv": len(seed_rows)},
                "timezone": "Asia/Shanghai",
            },
        )


def _table(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """A table of `schema` from rows of plain values (times as µs)."""
    return pa.table([pa.array([r[i] for r in rows], f.type) for i, f in enumerate(schema)], schema=schema)


def _used(gang: Gang, *roles: str) -> list[str]:
    """The gang's identifiers of `roles`, each once, in order of first use (its first ones without rotation)."""
    out: list[str] = []
    for role in roles:
        for value in gang.first(role) if not gang.rotation else [i.value for i in gang.idents[role]]:
            if value not in out:
                out.append(value)
    return out


def _device_ids(dev: np.ndarray, mask: np.ndarray) -> pa.Array:
    return fixed_ids("D", np.where(mask, 0, dev), 9, mask=mask)
