"""Ordinary life that looks like a scam (issue 19): what real people do that makes the scam's signals without
a scam — each an *episode* of a few events, recorded in truth/lookalikes.parquet so that the warning engine
can be measured per kind ("episodes alerted").

| kind | what happens | rate |
|---|---|---|
| new_contact_out / new_contact_in | a new QQ / WeChat contact, added by the person (60 %) or adding them (40 %), often after that person's call | each person's own rate, one every 5–20 days |
| chat_app_install | QQ or TIM installed (a new phone, work) | 0.0012 per person per day |
| meeting_app_install | a meeting app for a parents' meeting, an interview, a class | 0.0015 (office workers 0.0008) |
| share_payment | a payee added and money sent while the screen is shared (work; a child helping a parent) | 0.002 per office worker per working day; 0.0005 per person ≥ 60 |
| car_purchase | a dealer's call, their WeChat, often a loan, a new payee, a deposit | 0.00008 |
| rental_deposit | a letting agent's call, their WeChat, sometimes a loan, a new payee, a deposit | 0.0003 |
| courier_compensation | a courier pays for a damaged or lost parcel over WeChat | 0.3 % of deliveries |
| shop_compensation | a shop's after-sales adds WeChat and pays a small compensation | 0.5 % of deliveries |
| platform_refund | a platform's compensation (运费险, 价保): an SMS and a small amount back | 1 % of deliveries |
| official_sms | a bank's or platform's genuine SMS with a link and a number | 0.02 per person per day |

docs/sim.md gives the reasoning and sources of every rate. Besides the episodes, the recipients of transfers from
family and friends see them come in, and people send and receive small red packets (红包, 1–10 yuan, 0.05 per
person per day): ordinary events that the first world lacked (every incoming transfer there was a scam's).

Everything is drawn from the day's own streams (`fanzha.sim.rng.LOOKALIKE`), after the rest of the day, so the
world without it is the same, draw for draw. Outgoing payments are capped by what the day's other payments left
of the balance at the start of the day (loans of the same episode come first), as ordinary life's are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fanzha.records.units import US_PER_DAY, US_PER_SECOND
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.benign import BANK_HOTLINES, CH, PLATFORM_SMS, tod
from fanzha.sim.config import SimConfig
from fanzha.sim.events import EventCols
from fanzha.sim.texts import TextBank
from fanzha.sim.world import N_CONTACTS, World

I64 = npt.NDArray[np.int64]
CH_PAYMENT = CH["payment_account"]
MIN = 60 * US_PER_SECOND
HOUR = 60 * MIN
#: the latest start of an episode in its day (see `LookalikeDay._fit`)
LATEST_START = 21 * HOUR

#: per person per day (see the module's table)
CHAT_APP_INSTALL = 0.0012
MEETING_APP_INSTALL, MEETING_APP_INSTALL_OFFICE = 0.0015, 0.0008
SHARE_PAYMENT_OFFICE, SHARE_PAYMENT_ELDER = 0.002, 0.0005
CAR_PURCHASE, RENTAL_DEPOSIT = 0.00008, 0.0003
OFFICIAL_SMS = 0.02
RED_PACKET = 0.05
#: per delivery
COURIER_COMPENSATION, SHOP_COMPENSATION, PLATFORM_REFUND = 0.003, 0.005, 0.01
#: new contacts: each person's interval is uniform in [5, 20] days (mean rate ln 4 / 15 per day), scaled so the
#: mean is `SimConfig.new_contact_rate`; the person adds 60 % of them, 40 % add the person; 25 % are on QQ
CONTACT_DAYS = (5.0, 20.0)
CONTACT_OUT, CONTACT_QQ = 0.6, 0.25
_MEAN_RATE = float(np.log(CONTACT_DAYS[1] / CONTACT_DAYS[0]) / (CONTACT_DAYS[1] - CONTACT_DAYS[0]))


@dataclass(slots=True)
class Planned:
    """A transfer of an episode, before the day's caps: (src, dst, amount, time, channel, location, device)."""

    src: int
    dst: int
    amount: int
    time: int
    channel: str
    location: int
    device: int
    outgoing: bool  # paid by the person (capped), else received


@dataclass
class Episode:
    """An episode: its kind and person, and its events, written once the day's transfers are known (a payment
    that the balance did not allow is left out, with its event)."""

    kind: str
    person: int
    index: int  # its number in the day
    emit: Callable[[EventCols, Callable[[int], int | None]], None]
    transfers: list[int] = field(default_factory=list)  # indices into LookalikeDay.planned


class LookalikeDay:
    """One day's look-alike episodes: `planned` transfers (the caller caps and adds them to the ledger), then
    `events` writes every episode's events (with the ledger index of each kept transfer)."""

    def __init__(self, world: World, cfg: SimConfig, day: int, day0: int, weekday: int) -> None:
        self.w, self.cfg, self.day0, self.weekday = world, cfg, day0, weekday
        self.gen = streams.stream(cfg.seed, streams.LOOKALIKE, day)
        self.rng = streams.FastRng(streams.stream(cfg.seed, streams.LOOKALIKE, day, 1))
        self.texts = TextBank(self.rng)
        self.planned: list[Planned] = []
        self.episodes: list[Episode] = []
        self.ordinary: list[Callable[[EventCols, Callable[[int], int | None]], None]] = []

    # -- drawing the day --------------------------------------------------------------------------------
    def draw(self, locked: npt.NDArray[np.bool_], deliveries: list[tuple[int, int, int, int, int]]) -> None:
        """Every episode of the day. `deliveries`: (person, time, courier, outlet, platform) of today's
        deliveries; `locked`: people in a running campaign (no episodes with money for them)."""
        w, g = self.w, self.gen
        n = w.n_people
        free = ~locked
        rate = contact_rates(w) * (self.cfg.new_contact_rate / _MEAN_RATE)
        for p in np.flatnonzero(g.random(n) < rate).tolist():
            self._new_contact(p, self._start())
        for p in np.flatnonzero(g.random(n) < CHAT_APP_INSTALL).tolist():
            self._chat_app(p, self._start())
        meet = np.where(w.office, MEETING_APP_INSTALL_OFFICE, MEETING_APP_INSTALL)
        for p in np.flatnonzero(g.random(n) < meet).tolist():
            self._meeting_app(p, self._start())
        share = np.where(w.office & (self.weekday < 5), SHARE_PAYMENT_OFFICE, 0.0)
        share = np.maximum(share, np.where(w.age >= 60, SHARE_PAYMENT_ELDER, 0.0))
        for p in np.flatnonzero((g.random(n) < share) & free).tolist():
            self._share_payment(p, self._start("work" if w.office[p] else "life"))
        for p in np.flatnonzero((g.random(n) < CAR_PURCHASE) & free).tolist():
            self._big_payment(p, self._start("work"), car=True)
        for p in np.flatnonzero((g.random(n) < RENTAL_DEPOSIT) & free).tolist():
            self._big_payment(p, self._start("work"), car=False)
        for p in np.flatnonzero(g.random(n) < OFFICIAL_SMS).tolist():
            self._official_sms(p, self._start())
        for person, t, courier, outlet, platform in deliveries:
            u = self.rng.random()
            if u < COURIER_COMPENSATION:
                self._courier_comp(person, self._fit(t), courier, outlet)
            elif u < COURIER_COMPENSATION + SHOP_COMPENSATION:
                self._shop_comp(person, self._fit(t + int(self.rng.integers(1, 6)) * HOUR), platform)
            elif u < COURIER_COMPENSATION + SHOP_COMPENSATION + PLATFORM_REFUND:
                self._platform_refund(person, self._fit(t + int(self.rng.integers(1, 8)) * HOUR), platform)
        for p in np.flatnonzero((g.random(n) < RED_PACKET) & free).tolist():
            self._red_packet(p, self._start())

    def _start(self, profile: str = "life") -> int:
        return self._fit(self.day0 + int(tod(self.gen, 1, profile)[0]))

    def _fit(self, t: int) -> int:
        """An episode starts by 21:00 so that all of it (at most two and a half hours) falls on its day: the
        day's transfers and events are written with the day."""
        return min(t, self.day0 + LATEST_START)

    # -- helpers ------------------------------------------------------------------------------------------
    def _episode(
        self, kind: str, person: int, emit: Callable[[EventCols, Callable[[int], int | None]], None]
    ) -> Episode:
        ep = Episode(kind, person, len(self.episodes), emit)
        self.episodes.append(ep)
        return ep

    def _pay(self, ep: Episode, p: Planned) -> int:
        self.planned.append(p)
        ep.transfers.append(len(self.planned) - 1)
        return len(self.planned) - 1

    def _later(self, t: int, lo_min: float, hi_min: float) -> int:
        return min(
            t + int((lo_min + self.rng.random() * (hi_min - lo_min)) * MIN) + 1, self.day0 + US_PER_DAY - 1
        )

    def _mobile(self) -> str:
        return f"1{int(self.rng.integers(30, 99))}{int(self.rng.integers(10**7, 10**8))}"

    def _chat_id(self, qq: bool) -> str:
        r = self.rng
        return str(int(r.integers(10**8, 4 * 10**9))) if qq else f"wxid_{int(r.integers(10**9, 10**10))}"

    def _slots(self, person: int, **more: Any) -> dict[str, Any]:
        w, r = self.w, self.rng
        return {
            "name": w.polite_name(person),
            "staff": cat.SURNAMES[int(r.integers(len(cat.SURNAMES)))],
            "colleague": cat.SURNAMES[int(r.integers(len(cat.SURNAMES)))]
            + cat.GIVEN[int(r.integers(len(cat.GIVEN)))],
            "platform": cat.PLATFORMS[int(r.integers(len(cat.PLATFORMS)))][0],
            "item": cat.ITEMS[int(r.integers(len(cat.ITEMS)))][0],
            "bank": cat.BANKS[int(w.card_bank[person])][0],
            **more,
        }

    def _add(self, ev: EventCols, t: int, person: int, kind: str, ep: int, **kw: Any) -> None:
        ev.add(t, person, kind, label="lookalike", family=kw.pop("family"), episode=ep, **kw)

    # -- the episodes ---------------------------------------------------------------------------------------
    def _new_contact(self, p: int, t: int) -> None:
        r = self.rng
        out = r.random() < CONTACT_OUT
        qq = r.random() < CONTACT_QQ
        called = out and r.random() < 0.3
        answered = r.random() < (0.7 if out else 0.6)
        cid, phone = self._chat_id(qq), self._mobile()
        slots = self._slots(p)
        kind = "new_contact_out" if out else "new_contact_in"
        ch, app = ("qq", "QQ") if qq else ("wechat", "微信")
        call_text = self.texts.lookalike("contact_call", slots) if called else ""
        add_text = "" if out else self.texts.lookalike("contact_add", slots)
        hello = self.texts.lookalike("contact_hello", slots) if answered else ""
        t1 = self._later(t, 1, 30)
        t2 = self._later(t1, 1, 20)

        def emit(ev: EventCols, _: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            if called:
                self._add(ev, t, p, "call", i, channel="phone", direction="in", counterparty=phone,
                          text=call_text, attrs={"duration_s": 60}, family="contact_call")  # fmt: skip
            self._add(ev, t1, p, "friend_request", i, channel=ch, direction="out" if out else "in",
                      counterparty=cid, app=app, text=add_text or None, family=kind)  # fmt: skip
            if answered:
                self._add(ev, t2, p, "chat_message", i, channel=ch, direction="in", counterparty=cid, app=app,
                          text=hello, family="contact_hello")  # fmt: skip

        ep = self._episode(kind, p, emit)

    def _chat_app(self, p: int, t: int) -> None:
        r = self.rng
        app = "QQ" if r.random() < 0.8 else "TIM"
        adds = r.random() < 0.3
        cid = self._chat_id(True)
        t1 = self._later(t, 10, 60)

        def emit(ev: EventCols, _: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(
                ev, t, p, "app_install", i, app=app, attrs={"source": "应用商店"}, family="chat_app_install"
            )
            if adds:
                self._add(ev, t1, p, "friend_request", i, channel="qq", direction="out", counterparty=cid, app=app,
                          family="chat_app_install")  # fmt: skip

        ep = self._episode("chat_app_install", p, emit)

    def _meeting_app(self, p: int, t: int) -> None:
        w, r = self.w, self.rng
        app = cat.MEETING_APPS[int(r.integers(1, len(cat.MEETING_APPS)))]
        room = str(int(r.integers(10**8, 10**9)))
        text = self.texts.lookalike("meeting_notice", self._slots(p, app=app, room=room))
        sender = (
            str(w.phone[int(w.contacts[p, int(r.integers(N_CONTACTS))])])
            if r.random() < 0.5
            else self._mobile()
        )
        shares = r.random() < 0.3
        t1 = self._later(t, 5, 60)
        t2 = self._later(t1, 2, 30)
        t3 = self._later(t2, 10, 50)

        def emit(ev: EventCols, _: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(ev, t, p, "chat_message", i, channel="wechat", direction="in", counterparty=sender, text=text,
                      family="meeting_notice")  # fmt: skip
            self._add(
                ev,
                t1,
                p,
                "app_install",
                i,
                app=app,
                attrs={"source": "应用商店"},
                family="meeting_app_install",
            )
            if shares:
                self._add(ev, t2, p, "screen_share_start", i, app=app, counterparty=room,
                          attrs={"room": room, "remote_control": False}, family="meeting_app_install")  # fmt: skip
                self._add(ev, t3, p, "screen_share_stop", i, app=app, family="meeting_app_install")

        ep = self._episode("meeting_app_install", p, emit)

    def _share_payment(self, p: int, t: int) -> None:
        w, r = self.w, self.rng
        elder = not bool(w.office[p])
        if elder:  # a child helps a parent pay a bill, over a remote-control app
            app = cat.REMOTE_APPS[int(r.integers(len(cat.REMOTE_APPS)))]
        else:
            app = cat.MEETING_APPS[int(r.integers(1, len(cat.MEETING_APPS)))]
        room = str(int(r.integers(10**8, 10**9)))
        helper = str(w.phone[int(w.contacts[p, int(r.integers(N_CONTACTS))])])
        text = self.texts.lookalike("share_payment", self._slots(p, app=app, room=room))
        colleague = int(w.contacts[p, int(r.integers(N_CONTACTS))])
        to_person = not elder and r.random() < 0.5
        dst = int(w.card(colleague)) if to_person else w.base["ext_sink"] + int(r.integers(24))
        amount = int(r.integers(20, 300)) * 1000 if not elder else int(r.integers(5, 60)) * 1000
        t1 = self._later(t, 1, 10)
        t2 = self._later(t1, 2, 15)
        t3 = self._later(t2, 1, 5)
        t4 = self._later(t3, 5, 40)
        ep = self._episode("share_payment", p, lambda ev, tx: emit(ev, tx))
        k = self._pay(ep, Planned(int(w.card(p)), dst, amount, t3, "bank_transfer", int(w.city[p]), p, True))

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(ev, t, p, "chat_message", i, channel="wechat", direction="in", counterparty=helper, text=text,
                      family="share_payment")  # fmt: skip
            self._add(ev, t1, p, "screen_share_start", i, app=app, counterparty=room,
                      attrs={"room": room, "remote_control": elder}, family="share_payment")  # fmt: skip
            self._add(ev, t2, p, "payee_added", i, channel="bank_app", counterparty=f"A{dst:010d}",
                      family="share_payment")  # fmt: skip
            self._transfer_event(ev, tx, k, p, i, "share_payment")
            self._add(ev, t4, p, "screen_share_stop", i, app=app, family="share_payment")

    def _big_payment(self, p: int, t: int, *, car: bool) -> None:
        """A car's deposit or down payment after a dealer's call, or a flat's deposit after a letting agent's."""
        w, r = self.w, self.rng
        kind = "car_purchase" if car else "rental_deposit"
        if car:
            deposit = (
                int(r.integers(5, 21)) * 1000_00 if r.random() < 0.6 else int(r.integers(30, 81)) * 1000_00
            )
            slots = self._slots(p, dealer=cat.DEALERS[int(r.integers(len(cat.DEALERS)))],
                                car=cat.CARS[int(r.integers(len(cat.CARS)))], deposit=deposit // 100)  # fmt: skip
            call, chat = "dealer_call", "dealer_chat"
            borrow = r.random() < 0.7
        else:
            deposit = int(r.integers(15, 81)) * 100_00
            slots = self._slots(
                p, agency=cat.AGENCIES[int(r.integers(len(cat.AGENCIES)))], deposit=deposit // 100
            )
            call, chat = "agent_call", "agent_chat"
            borrow = r.random() < 0.2
        caller = self._mobile()
        cid = self._chat_id(False)
        call_text = self.texts.lookalike(call, slots)
        chat_text = self.texts.lookalike(chat, slots)
        out = r.random() < 0.7
        lenders = self._lenders()
        li = int(r.integers(len(lenders)))
        lender_name, lender_acc = lenders[li]
        loan_amt = (deposit // 100_00 * 100_00 if car else int(r.integers(2, 11)) * 1000_00) if borrow else 0
        dst = w.base["ext_sink"] + int(
            r.integers(24)
        )  # the dealer's or the landlord's bank, outside the world
        times = [t]
        for lo, hi in ((1, 30), (1, 20), (5, 60), (1, 5), (2, 15), (1, 10)):
            times.append(self._later(times[-1], lo, hi))
        ep = self._episode(kind, p, lambda ev, tx: emit(ev, tx))
        loan_k = (
            self._pay(
                ep, Planned(lender_acc, int(w.card(p)), loan_amt, times[4], "loan_disbursement", -1, p, False)
            )
            if borrow
            else -1
        )
        pay_k = self._pay(
            ep, Planned(int(w.card(p)), dst, deposit, times[6], "bank_transfer", int(w.city[p]), p, True)
        )

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(ev, times[0], p, "call", i, channel="phone", direction="in", counterparty=caller, text=call_text,
                      attrs={"duration_s": 120}, family=call)  # fmt: skip
            self._add(ev, times[1], p, "friend_request", i, channel="wechat", direction="out" if out else "in",
                      counterparty=cid, app="微信", family=kind)  # fmt: skip
            self._add(ev, times[2], p, "chat_message", i, channel="wechat", direction="in", counterparty=cid,
                      app="微信", text=chat_text, family=chat)  # fmt: skip
            if loan_k >= 0 and tx(loan_k) is not None:
                self._add(ev, times[3], p, "credit_limit_change", i, app=lender_name, amount=loan_amt * 2,
                          attrs={"lender": lender_name}, family=kind)  # fmt: skip
                self._add(ev, times[4], p, "loan", i, channel="loan_disbursement", direction="in",
                          counterparty=lender_name, app=lender_name, amount=loan_amt, tx=tx(loan_k),
                          family=kind)  # fmt: skip
            self._add(
                ev,
                times[5],
                p,
                "payee_added",
                i,
                channel="bank_app",
                counterparty=f"A{dst:010d}",
                family=kind,
            )
            self._transfer_event(ev, tx, pay_k, p, i, kind)

    def _courier_comp(self, p: int, t: int, courier: int, outlet: int) -> None:
        w, r = self.w, self.rng
        amount = int(r.integers(1, 21)) * 1000
        slots = self._slots(p, courier=cat.COURIERS[courier][0], amount=amount // 100,
                            station=f"{cat.CITIES[int(w.city[p])][0]}{int(r.integers(1, 60))}号网点")  # fmt: skip
        caller = w.outlet_phone(outlet) if r.random() < 0.4 else self._mobile()
        cid = self._chat_id(False)
        call_text = self.texts.lookalike("courier_comp_call", slots)
        chat_text = self.texts.lookalike("courier_comp_chat", slots)
        thanks = self.texts.lookalike("thanks", slots)
        out = r.random() < 0.5
        times = [t]
        for lo, hi in ((1, 10), (1, 15), (0.2, 2), (1, 30)):
            times.append(self._later(times[-1], lo, hi))
        ep = self._episode("courier_compensation", p, lambda ev, tx: emit(ev, tx))
        src = w.base["ext_src"] + int(r.integers(24))  # the courier's own WeChat Pay
        k = self._pay(ep, Planned(src, int(w.wallet(p)), amount, times[2], "payment_account", -1, -1, False))

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(ev, times[0], p, "call", i, channel="phone", direction="in", counterparty=caller, text=call_text,
                      attrs={"duration_s": 90}, family="courier_comp_call")  # fmt: skip
            self._add(ev, times[1], p, "friend_request", i, channel="wechat", direction="out" if out else "in",
                      counterparty=cid, app="微信", family="courier_compensation")  # fmt: skip
            self._transfer_event(ev, tx, k, p, i, "courier_compensation", counterparty=cid)
            self._add(ev, times[3], p, "chat_message", i, channel="wechat", direction="in", counterparty=cid,
                      app="微信", text=chat_text, family="courier_comp_chat")  # fmt: skip
            self._add(ev, times[4], p, "chat_message", i, channel="wechat", direction="out", counterparty=cid,
                      app="微信", text=thanks, family="thanks")  # fmt: skip

    def _shop_comp(self, p: int, t: int, platform: int) -> None:
        w, r = self.w, self.rng
        amount = int(r.integers(3, 51)) * 100
        plat = cat.PLATFORMS[platform][0]
        slots = self._slots(p, platform=plat, amount=amount // 100)
        cid = self._chat_id(False)
        chat_text = self.texts.lookalike("shop_comp_chat", slots)
        add_text = self.texts.lookalike("contact_add", slots)
        thanks = self.texts.lookalike("thanks", slots)
        times = [t]
        for lo, hi in ((1, 20), (1, 10), (0.5, 5), (1, 30)):
            times.append(self._later(times[-1], lo, hi))
        ep = self._episode("shop_compensation", p, lambda ev, tx: emit(ev, tx))
        src = w.base["ext_src"] + int(r.integers(24))
        k = self._pay(ep, Planned(src, int(w.wallet(p)), amount, times[3], "payment_account", -1, -1, False))

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._add(ev, times[0], p, "chat_message", i, channel="app", app=plat, direction="in",
                      counterparty=f"{plat}店铺客服", text=chat_text, family="shop_comp_chat")  # fmt: skip
            self._add(ev, times[1], p, "friend_request", i, channel="wechat", direction="in", counterparty=cid,
                      app="微信", text=add_text, family="shop_compensation")  # fmt: skip
            self._add(ev, times[2], p, "chat_message", i, channel="wechat", direction="in", counterparty=cid,
                      app="微信", text=chat_text, family="shop_comp_chat")  # fmt: skip
            self._transfer_event(ev, tx, k, p, i, "shop_compensation", counterparty=cid)
            self._add(ev, times[4], p, "chat_message", i, channel="wechat", direction="out", counterparty=cid,
                      app="微信", text=thanks, family="thanks")  # fmt: skip

    def _platform_refund(self, p: int, t: int, platform: int) -> None:
        w, r = self.w, self.rng
        amount = int(r.integers(5, 31)) * 100
        plat = cat.PLATFORMS[platform][0]
        text = self.texts.lookalike(
            "platform_refund_sms", self._slots(p, platform=plat, amount=amount // 100)
        )
        t1 = self._later(t, 0.2, 2)
        ep = self._episode("platform_refund", p, lambda ev, tx: emit(ev, tx))
        src = w.base["ext_src"] + int(r.integers(24))  # the platform or its insurer
        k = self._pay(ep, Planned(src, int(w.wallet(p)), amount, t, "refund", -1, -1, False))

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            i = self._index(ep)
            self._transfer_event(ev, tx, k, p, i, "platform_refund", counterparty=f"{plat}")
            self._add(ev, t1, p, "sms", i, channel="sms", direction="in", counterparty=PLATFORM_SMS[platform],
                      text=text, family="platform_refund_sms")  # fmt: skip

    def _official_sms(self, p: int, t: int) -> None:
        w, r = self.w, self.rng
        b = int(w.card_bank[p])
        hotline = BANK_HOTLINES[b % len(BANK_HOTLINES)]
        plat_i = int(r.integers(len(cat.PLATFORMS)))
        link = f"{['t.cn', 'dwz.cn', '3.cn', 'm.tb.cn', 'u.jd.com'][int(r.integers(5))]}/{int(r.integers(10**5, 10**6))}"
        slots = self._slots(p, hotline=hotline, link=link, tail=f"{int(r.integers(1000, 10000))}",
                            amount=int(r.integers(1, 800)) * 10, day=int(r.integers(1, 29)),
                            platform=cat.PLATFORMS[plat_i][0])  # fmt: skip
        text = self.texts.lookalike("official_sms", slots)
        sender = hotline if "【" + slots["bank"] in text else PLATFORM_SMS[plat_i]

        def emit(ev: EventCols, _: Callable[[int], int | None]) -> None:
            self._add(ev, t, p, "sms", self._index(ep), channel="sms", direction="in", counterparty=sender, text=text,
                      family="official_sms")  # fmt: skip

        ep = self._episode("official_sms", p, emit)

    def _red_packet(self, p: int, t: int) -> None:
        """A small red packet to family or a friend (ordinary: not an episode), seen by both."""
        w, r = self.w, self.rng
        to = int(w.contacts[p, int(r.integers(N_CONTACTS))])
        amount = int(r.integers(1, 11)) * 100 - (int(r.integers(0, 100)) if r.random() < 0.5 else 0)
        k = len(self.planned)
        self.planned.append(
            Planned(
                int(w.wallet(p)), int(w.wallet(to)), amount, t, "payment_account", int(w.city[p]), p, True
            )
        )

        def emit(ev: EventCols, tx: Callable[[int], int | None]) -> None:
            n = tx(k)
            if n is None:
                return
            for who, other, d in ((p, w.wallet(to), "out"), (to, w.wallet(p), "in")):
                ev.add(t, who, "transfer", channel="payment_account", direction=d, counterparty=f"A{int(other):010d}",
                       app="微信", amount=amount, tx=n, label="ordinary", family="red_packet")  # fmt: skip

        self.ordinary.append(emit)

    # -- writing ------------------------------------------------------------------------------------------
    def _lenders(self) -> list[tuple[str, int]]:
        """Banks' and finance companies' credit, and the lenders outside the first list when the world has them."""
        w = self.w
        out = [(cat.LENDERS[i], w.base["lender"] + i) for i in (9, 10, 5)]
        out += [(name, acc) for name, acc in zip(cat.OUTSIDE_LENDERS, w.outside_lenders, strict=False)]
        return out

    @staticmethod
    def _index(ep: Episode) -> int:
        return ep.index

    def _transfer_event(
        self,
        ev: EventCols,
        tx: Callable[[int], int | None],
        k: int,
        p: int,
        episode: int,
        family: str,
        *,
        counterparty: str | None = None,
    ) -> None:
        n = tx(k)
        if n is None:  # the balance did not allow it
            return
        x = self.planned[k]
        out = x.outgoing
        ev.add(
            x.time,
            p,
            "transfer",
            channel="payment_account" if x.channel in ("payment_account", "refund") else "bank_transfer",
            direction="out" if out else "in",
            counterparty=counterparty or f"A{(x.dst if out else x.src):010d}",
            amount=x.amount,
            tx=n,
            label="lookalike",
            family=family,
            episode=episode,
        )

    def events(self, ev: EventCols, tx: Callable[[int], int | None]) -> list[tuple[str, int]]:
        """Write every episode's events (and the ordinary ones) into `ev`; `tx(k)` is the day's index of planned
        transfer k, None when it was not made. The (kind, person) of each episode, by episode number."""
        for ep in self.episodes:
            ep.emit(ev, tx)
        for emit in self.ordinary:
            emit(ev, tx)
        return [(ep.kind, ep.person) for ep in self.episodes]


def contact_rates(world: World) -> npt.NDArray[np.float64]:
    """Each person's rate of new contacts per day: 1 / U(5, 20) (drawn once per world, from a stream of its own)."""
    cached: npt.NDArray[np.float64] | None = getattr(world, "_contact_rates", None)
    if cached is None:
        g = streams.stream(world.config.seed, streams.LOOKALIKE, 10**6)
        cached = 1.0 / g.uniform(CONTACT_DAYS[0], CONTACT_DAYS[1], world.n_people)
        world._contact_rates = cached  # type: ignore[attr-defined]
    return cached


def deliveries_today(world: World, rec: Any, day0: int) -> list[tuple[int, int, int, int, int]]:
    """(person, delivery time, courier, outlet, platform) of the recent orders (`benign.Orders`) delivered today."""
    if rec is None or not len(rec.person):
        return []
    today = np.flatnonzero((rec.delivered >= day0) & (rec.delivered < day0 + US_PER_DAY))
    plat = world.shop_platform[rec.shop[today]]
    return [
        (int(rec.person[j]), int(rec.delivered[j]), int(rec.courier[j]), int(rec.outlet[j]), int(pl))
        for j, pl in zip(today.tolist(), plat.tolist(), strict=True)
    ]


def ledger_lookalikes(acc: Any, planned: list[Planned], left: I64) -> list[int | None]:
    """Add the planned transfers the balances allow to the day's ledger (`benign._Acc`); the ledger index of each
    (None: not made). An outgoing payment needs what the day's other payments left of the balance at the start
    of the day (`left`), plus the loans of its own episode paid out before it."""
    left = left.copy()
    made: list[bool] = []
    for x in planned:
        ok = not x.outgoing or x.amount <= left[x.src]
        if ok and x.outgoing:
            left[x.src] -= x.amount
        elif x.channel == "loan_disbursement":
            left[x.dst] += x.amount
        made.append(ok)
    out: list[int | None] = [None] * len(planned)
    for channel in sorted({x.channel for x in planned}):
        ks = [k for k, x in enumerate(planned) if made[k] and x.channel == channel]
        if not ks:
            continue
        cols = [np.array([getattr(planned[k], f) for k in ks], dtype=np.int64) for f in Planned.__slots__[:4]]
        loc = np.array([planned[k].location for k in ks], dtype=np.int64)
        dev = np.array([planned[k].device for k in ks], dtype=np.int64)
        for k, i in zip(ks, acc.add(*cols, channel, loc, dev).tolist(), strict=True):
            out[k] = int(i)
    return out


def incoming(ev: EventCols, arr: dict[str, I64], keep: npt.NDArray[np.bool_], idx: I64, to: I64) -> None:
    """The recipients of the day's transfers to family and friends see them come in."""
    for i, p in zip(idx.tolist(), to.tolist(), strict=True):
        if keep[i]:
            wallet = arr["channel"][i] == CH_PAYMENT
            ev.add(
                int(arr["time"][i]),
                p,
                "transfer",
                channel="payment_account" if wallet else "bank_transfer",
                direction="in",
                counterparty=f"A{int(arr['src'][i]):010d}",
                amount=int(arr["amount"][i]),
                tx=i,
                label="ordinary",
                family="family_transfer_in",
            )
