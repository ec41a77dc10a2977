"""Ordinary life for one day, vectorised: salaries, shopping (orders), POS, transfers to family, top-ups,
cash, loans and repayments, refunds, shops' settlements — and the calls, SMS, chats and meetings around them,
including the benign look-alikes of every scam signal.

Outgoing payments of an account in one day never exceed its balance at the start of the day (those that
would are not made), so no balance goes negative whatever the order of the day's transfers; accounts of a
person in a running campaign make no ordinary payments (their campaign's transfers are planned on that
balance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import numpy.typing as npt

from fanzha.records.schema import CHANNELS
from fanzha.records.units import US_PER_DAY, US_PER_SECOND
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.config import SimConfig
from fanzha.sim.events import EventCols
from fanzha.sim.texts import TextBank
from fanzha.sim.world import N_CONTACTS, World

I64 = npt.NDArray[np.int64]
CH = {name: i for i, name in enumerate(CHANNELS)}
HOUR_US = 3600 * US_PER_SECOND
#: with the seeds' variants, share of ordinary loans from lenders outside the first list (so their names are not
#: the scam's alone)
OUTSIDE_LENDER_SHARE = 0.15

# hour-of-day profiles
_PROFILES = {
    "life": np.array(
        [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 6, 7, 5, 4, 4, 5, 5, 6, 7, 8, 8, 6, 3], dtype=np.float64
    ),
    "work": np.array(
        [0, 0, 0, 0, 0, 0, 0, 0.5, 2, 6, 7, 6, 2, 3, 7, 7, 6, 5, 2, 0.5, 0.2, 0, 0, 0], dtype=np.float64
    ),
    "morning": np.array(
        [0, 0, 0, 0, 0, 0, 0, 1, 4, 6, 5, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=np.float64
    ),
    "late": np.array(
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3], dtype=np.float64
    ),
    "delivery": np.array(
        [0, 0, 0, 0, 0, 0, 0, 0, 2, 5, 6, 6, 4, 4, 6, 6, 5, 4, 3, 2, 1, 0, 0, 0], dtype=np.float64
    ),
}
for _p in _PROFILES.values():
    _p /= _p.sum()

COURIER_HOTLINES = ("95338", "95311", "95554", "95546", "95543", "956025", "950616", "11183", "95353")
BANK_HOTLINES = (
    "95588",
    "95533",
    "95599",
    "95566",
    "95555",
    "95559",
    "95580",
    "96888",
    "96138",
    "95511",
    "95528",
    "95568",
    "95561",
    "95558",
)
PLATFORM_SMS = (
    "106550101955",
    "1069012345",
    "106980095118",
    "10690588",
    "1069070069",
    "106575",
    "1065502",
    "1069055",
)


def tod(rng: np.random.Generator, n: int, profile: str) -> I64:
    """Microsecond offsets within a day, following an hour-of-day profile."""
    hours = rng.choice(24, size=n, p=_PROFILES[profile])
    return hours.astype(np.int64) * HOUR_US + rng.integers(0, HOUR_US, size=n)


@dataclass
class Orders:
    """Orders made in one day (in generation order), and where their payment is among the day's transfers."""

    person: I64
    pay_acc: I64
    shop: I64
    item: I64
    price: I64
    courier: I64
    outlet: I64
    time: I64
    delivered: I64
    local: I64  # index of the payment among the day's ordinary transfers
    number: I64  # order number (set when written)


@dataclass
class BenignDay:
    src: I64
    dst: I64
    amount: I64
    time: I64
    channel: I64
    location: I64
    device: I64
    orders: Orders
    events: EventCols
    #: the look-alike episodes (kind, person) by their number in `events.episode`
    episodes: list[tuple[str, int]] = field(default_factory=list)


class _Acc:
    def __init__(self) -> None:
        self.parts: dict[str, list[I64]] = {
            k: [] for k in ("src", "dst", "amount", "time", "channel", "location", "device")
        }
        self.n = 0

    def add(
        self, src: I64, dst: I64, amount: I64, time: I64, channel: str, location: I64 | int, device: I64 | int
    ) -> I64:
        k = len(src)
        self.parts["src"].append(src)
        self.parts["dst"].append(dst)
        self.parts["amount"].append(amount)
        self.parts["time"].append(time)
        self.parts["channel"].append(np.full(k, CH[channel], dtype=np.int64))
        self.parts["location"].append(np.broadcast_to(np.asarray(location, dtype=np.int64), (k,)).copy())
        self.parts["device"].append(np.broadcast_to(np.asarray(device, dtype=np.int64), (k,)).copy())
        idx = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        return idx

    def arrays(self) -> dict[str, I64]:
        return {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for k, v in self.parts.items()}


def cap_outflows(src: I64, amount: I64, cap: I64) -> npt.NDArray[np.bool_]:
    """Keep, per source account, the longest prefix (in the given order) whose total stays within `cap`."""
    if len(src) == 0:
        return np.zeros(0, dtype=np.bool_)
    order = np.argsort(src, kind="stable")
    s = src[order]
    a = amount[order]
    cs = np.cumsum(a)
    first = np.r_[True, s[1:] != s[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(s)), 0))
    before = np.where(group_start > 0, cs[group_start - 1], 0)
    within = cs - before
    ok_sorted = within <= cap[s]
    # a prefix: once a payment is refused, later ones of the same account are refused too
    bad = ~ok_sorted
    bad_cum = np.cumsum(bad)
    bad_before = np.where(group_start > 0, bad_cum[group_start - 1], 0)
    ok_sorted &= (bad_cum - bad_before) == 0
    keep = np.empty(len(src), dtype=np.bool_)
    keep[order] = ok_sorted
    return keep


class RecentOrders:
    """The last days' orders, for refunds and delivery notices."""

    def __init__(self, keep_days: int = 6) -> None:
        self.days: list[Orders] = []
        self.keep = keep_days

    def push(self, orders: Orders) -> None:
        self.days.append(orders)
        if len(self.days) > self.keep:
            self.days.pop(0)

    def all(self) -> Orders | None:
        if not self.days:
            return None
        fields = Orders.__dataclass_fields__
        return Orders(**{f: np.concatenate([getattr(o, f) for o in self.days]) for f in fields})


def benign_day(
    world: World,
    cfg: SimConfig,
    day: int,
    balances: I64,
    locked: npt.NDArray[np.bool_],
    recent: RecentOrders,
) -> BenignDay:
    rng = streams.stream(cfg.seed, streams.BENIGN, day)
    trng = streams.FastRng(streams.stream(cfg.seed, streams.MESSAGES, day))
    texts = TextBank(trng)
    w = world
    n = w.n_people
    day0 = w.t0 + day * US_PER_DAY
    date = cfg.start + timedelta(days=day)
    acc = _Acc()
    ev = EventCols()
    people = np.arange(n, dtype=np.int64)
    card = w.card(people)
    wallet = w.wallet(people)
    city = w.city
    base = w.base

    # -- inflows (never need a cap) ------------------------------------------------------------------
    paid = (w.employer >= 0) & (w.payday == date.day)
    ps = people[paid]
    acc.add(
        base["employer"] + w.employer[ps],
        card[ps],
        w.salary[ps],
        day0 + tod(rng, len(ps), "morning"),
        "salary",
        -1,
        -1,
    )
    loan_mask = rng.random(n) < cfg.loan_rate
    lp = people[loan_mask]
    reserve = rng.random(len(lp)) < 0.15
    lender = np.where(reserve, 2, rng.choice([0, 1, 3, 4, 5, 6, 7, 9, 10], size=len(lp)))
    loan_amt = np.where(
        reserve,
        rng.choice([500, 1000, 2000], size=len(lp)) * 100,
        np.round(rng.lognormal(np.log(8000), 0.7, len(lp)), -2).astype(np.int64) * 100,
    )
    loan_t = day0 + tod(rng, len(lp), "life")
    loan_dst = np.where(reserve, wallet[lp], card[lp])
    lender_src = base["lender"] + lender
    names = [cat.LENDERS[int(i)] for i in lender.tolist()]
    if (
        cfg.seed_variants and w.outside_lenders
    ):  # some ordinary loans come from lenders outside the first list
        xs = streams.stream(cfg.seed, streams.LOOKALIKE, day, 2)
        pick = xs.integers(len(w.outside_lenders), size=len(lp))
        for j in np.flatnonzero((xs.random(len(lp)) < OUTSIDE_LENDER_SHARE) & ~reserve).tolist():
            lender_src[j] = w.outside_lenders[int(pick[j])]
            names[j] = cat.OUTSIDE_LENDERS[int(pick[j])]
    loan_idx = acc.add(lender_src, loan_dst, loan_amt, loan_t, "loan_disbursement", -1, lp)
    dep = people[rng.random(n) < cfg.deposit_rate]
    acc.add(
        base["cashin"] + city[dep],
        card[dep],
        rng.choice([500, 1000, 2000, 5000], size=len(dep)) * 100,
        day0 + tod(rng, len(dep), "work"),
        "cash_deposit",
        city[dep],
        -1,
    )

    # -- people's outflows, capped by the balance at the start of the day ---------------------------
    out_start = acc.n
    # shopping → orders
    k = rng.poisson(cfg.shop_rate, n)
    buyers = np.repeat(people, k)
    nb = len(buyers)
    shop = rng.choice(w.n_shops, size=nb, p=w.shop_weight)
    item = np.where(rng.random(nb) < 0.6, w.shop_item[shop], rng.integers(len(cat.ITEMS), size=nb))
    med = np.array([it[2] for it in cat.ITEMS])[item]
    price = np.maximum(
        np.round(rng.lognormal(np.log(med), 0.45)) * 100 - rng.choice([0, 10, 100], size=nb), 990
    )
    price = price.astype(np.int64)
    pay_wallet = rng.random(nb) < 0.7
    pay_acc = np.where(pay_wallet, wallet[buyers], card[buyers])
    shop_t = day0 + tod(rng, nb, "life")
    shop_idx = acc.add(pay_acc, base["shop"] + shop, price, shop_t, "merchant_payment", city[buyers], buyers)
    # courier and delivery of every candidate order, drawn before payments are capped, so that what is drawn
    # for one order never depends on whether another could be paid
    all_courier = rng.choice(
        len(cat.COURIERS),
        size=nb,
        p=np.array([c[1] for c in cat.COURIERS]) / sum(c[1] for c in cat.COURIERS),
    )
    all_delivered = shop_t + rng.integers(1, 4, size=nb) * US_PER_DAY
    all_delivered = all_delivered - (all_delivered - w.t0) % US_PER_DAY + tod(rng, nb, "delivery")
    # POS
    k = rng.poisson(cfg.pos_rate, n)
    pp = np.repeat(people, k)
    acc.add(
        card[pp],
        base["pos"] + city[pp],
        (rng.lognormal(np.log(60), 0.9, len(pp)) * 100).astype(np.int64) + 100,
        day0 + tod(rng, len(pp), "life"),
        "pos",
        city[pp],
        -1,
    )
    # transfers to family and friends
    k = rng.poisson(cfg.family_rate, n)
    fp = np.repeat(people, k)
    nf = len(fp)
    to = w.contacts[fp, rng.integers(N_CONTACTS, size=nf)]
    via_wallet = rng.random(nf) < 0.6
    f_src = np.where(via_wallet, wallet[fp], card[fp])
    f_dst = np.where(via_wallet, wallet[to], card[to])
    f_amt = np.maximum(np.round(rng.lognormal(np.log(500), 1.0, nf), -1), 10).astype(np.int64) * 100
    f_t = day0 + tod(rng, nf, "life")
    f_idx_w = acc.add(
        f_src[via_wallet],
        f_dst[via_wallet],
        f_amt[via_wallet],
        f_t[via_wallet],
        "payment_account",
        city[fp[via_wallet]],
        fp[via_wallet],
    )
    f_idx_c = acc.add(
        f_src[~via_wallet],
        f_dst[~via_wallet],
        f_amt[~via_wallet],
        f_t[~via_wallet],
        "bank_transfer",
        city[fp[~via_wallet]],
        fp[~via_wallet],
    )
    fam_idx = np.concatenate([f_idx_w, f_idx_c])
    fam_person = np.concatenate([fp[via_wallet], fp[~via_wallet]])
    fam_to = np.concatenate([to[via_wallet], to[~via_wallet]])
    # top-ups of one's own payment account
    tp = people[rng.random(n) < cfg.topup_rate]
    top_idx = acc.add(
        card[tp],
        wallet[tp],
        rng.choice([100, 200, 500, 1000, 2000], size=len(tp)) * 100,
        day0 + tod(rng, len(tp), "life"),
        "payment_account",
        city[tp],
        tp,
    )
    # cash withdrawals
    cp = people[rng.random(n) < cfg.withdraw_rate]
    acc.add(
        card[cp],
        base["atm"] + city[cp],
        rng.choice([100, 200, 300, 500, 1000, 2000, 3000], size=len(cp)) * 100,
        day0 + tod(rng, len(cp), "life"),
        "cash_withdrawal",
        city[cp],
        -1,
    )
    # loan repayments
    rp = people[rng.random(n) < cfg.repay_rate]
    acc.add(
        card[rp],
        base["lender"] + rng.choice([0, 1, 3, 4, 5, 6, 7, 9, 10], size=len(rp)),
        (rng.lognormal(np.log(800), 0.8, len(rp)) * 100).astype(np.int64) + 100,
        day0 + tod(rng, len(rp), "life"),
        "loan_repayment",
        -1,
        rp,
    )
    out_end = acc.n

    # -- shops: refunds of recent orders, then the evening settlement ----------------------------
    rng = streams.stream(cfg.seed, streams.BENIGN, day, 1)  # draws whose number depends on earlier days
    rec = recent.all()
    refund_local = np.zeros(0, dtype=np.int64)
    refund_sel = np.zeros(0, dtype=np.int64)
    if rec is not None and len(rec.person):
        sel = np.flatnonzero(rng.random(len(rec.person)) < cfg.refund_share / recent.keep)
        refund_sel = sel
        refund_local = acc.add(
            base["shop"] + rec.shop[sel],
            rec.pay_acc[sel],
            rec.price[sel],
            day0 + tod(rng, len(sel), "work"),
            "refund",
            -1,
            -1,
        )
    shop_out_end = acc.n
    arr = acc.arrays()
    # caps
    cap = balances.copy()
    person_block = (base["card"], base["wallet"] + n)
    cap[base["card"] : base["card"] + n][locked] = 0
    cap[base["wallet"] : base["wallet"] + n][locked] = 0
    keep = np.ones(acc.n, dtype=np.bool_)
    sl = slice(out_start, out_end)
    keep[sl] = cap_outflows(arr["src"][sl], arr["amount"][sl], cap)
    sl2 = slice(out_end, shop_out_end)
    keep[sl2] = cap_outflows(arr["src"][sl2], arr["amount"][sl2], cap)
    del person_block
    # settlement: each shop pays out 85% of what it holds beyond 5,000 yuan
    shop_lo = base["shop"]
    refunded = np.bincount(
        arr["src"][sl2][keep[sl2]] - shop_lo, weights=arr["amount"][sl2][keep[sl2]], minlength=w.n_shops
    )
    hold = balances[shop_lo : shop_lo + w.n_shops] - refunded.astype(np.int64)
    settle = np.maximum(hold - 500_000, 0) * 85 // 100
    ss = np.flatnonzero(settle >= 100_000)
    acc.add(
        shop_lo + ss,
        base["ext_sink"] + ss % 24,
        settle[ss],
        day0 + tod(rng, len(ss), "late"),
        "merchant_payment",
        -1,
        -1,
    )
    arr = acc.arrays()
    keep = np.concatenate([keep, np.ones(acc.n - len(keep), dtype=np.bool_)])
    # ordinary life that looks like a scam (issue 19): its own streams, after everything else of the day
    la = None
    la_tx: list[int | None] = []
    if cfg.lookalikes:
        from fanzha.sim.lookalike import LookalikeDay, deliveries_today, ledger_lookalikes

        la = LookalikeDay(w, cfg, day, day0, date.weekday())
        la.draw(locked, deliveries_today(w, rec, day0))
        spent = np.zeros(len(cap), dtype=np.int64)
        np.add.at(spent, arr["src"][sl][keep[sl]], arr["amount"][sl][keep[sl]])
        la_tx = ledger_lookalikes(acc, la.planned, cap - spent)
        arr = acc.arrays()
        keep = np.concatenate([keep, np.ones(acc.n - len(keep), dtype=np.bool_)])

    # -- orders (only those paid) ---------------------------------------------------------------
    ok = keep[shop_idx]
    ob = buyers[ok]
    o_courier = all_courier[ok]
    o_time = shop_t[ok]
    delivered = all_delivered[ok]
    orders = Orders(
        ob,
        pay_acc[ok],
        shop[ok],
        item[ok],
        price[ok],
        o_courier,
        w.outlet_of[city[ob], o_courier],
        o_time,
        delivered,
        shop_idx[ok],
        np.zeros(len(ob), dtype=np.int64),
    )

    # -- events: transfers, OTPs, loans, deliveries, refunds, chatter ---------------------------------
    # adding as a payee a card someone else's phone runs (`fanzha.sim.keepers`) is a look-alike episode of its own
    # (kept_card_payee, the payee_added event): the banks' shared-phone flag may list such cards; numbered after
    # the day's other episodes
    kept: list[tuple[str, int]] = []
    first_kept = len(la.episodes) if la is not None else 0
    for idx, person, to_p in zip(fam_idx.tolist(), fam_person.tolist(), fam_to.tolist(), strict=True):
        if not keep[idx]:
            continue
        t = int(arr["time"][idx])
        episode = -1
        if trng.random() < 0.06:
            dst = int(arr["dst"][idx])
            if w.kept_by[dst] >= 0:
                episode = first_kept + len(kept)
                kept.append(("kept_card_payee", person))
            ev.add(
                t - int(trng.integers(30, 600)) * US_PER_SECOND,
                person,
                "payee_added",
                channel="bank_app",
                counterparty=f"A{dst:010d}",
                label="lookalike",
                family="payee_added",
                episode=episode,
            )
        if trng.random() < 0.3:
            _otp(ev, texts, w, trng, person, t)
        ch = "payment_account" if arr["channel"][idx] == CH["payment_account"] else "bank_transfer"
        ev.add(
            t,
            person,
            "transfer",
            channel=ch,
            direction="out",
            counterparty=f"A{int(arr['dst'][idx]):010d}",
            amount=int(arr["amount"][idx]),
            tx=idx,
            label="ordinary",
            family="family_transfer",
        )
        if trng.random() < 0.4:
            ev.add(
                t + int(trng.integers(5, 120)) * US_PER_SECOND,
                person,
                "chat_message",
                channel="wechat",
                direction="out",
                counterparty=str(w.phone[to_p]),
                text=texts.benign("family_chat", {"amount": f"{int(arr['amount'][idx]) // 100}元"}),
                label="ordinary",
                family="family_chat",
            )
    for idx, person in zip(top_idx.tolist(), tp.tolist(), strict=True):
        if keep[idx]:
            ev.add(
                int(arr["time"][idx]),
                person,
                "transfer",
                channel="payment_account",
                direction="out",
                counterparty=f"A{int(arr['dst'][idx]):010d}",
                amount=int(arr["amount"][idx]),
                tx=idx,
                label="ordinary",
                family="topup",
            )
    for j, idx in enumerate(shop_idx.tolist()):
        if keep[idx] and trng.random() < 0.12:
            _otp(ev, texts, w, trng, int(buyers[j]), int(shop_t[j]))
    for j, idx in enumerate(loan_idx.tolist()):
        person = int(lp[j])
        t = int(loan_t[j])
        name = names[j]
        amount = int(loan_amt[j])
        if reserve[j]:
            ev.add(
                t - 60 * US_PER_SECOND,
                person,
                "reserve_fund_opened",
                app="支付宝",
                amount=amount,
                label="lookalike",
                family="reserve_fund",
            )
        elif trng.random() < 0.3:
            ev.add(
                t - 120 * US_PER_SECOND,
                person,
                "credit_limit_change",
                app=name,
                amount=amount * 2,
                attrs={"lender": name},
                label="lookalike",
                family="ordinary_loan",
            )
        ev.add(
            t,
            person,
            "loan",
            channel="loan_disbursement",
            direction="in",
            counterparty=name,
            app=name,
            amount=amount,
            tx=idx,
            label="lookalike",
            family="ordinary_loan",
        )
        fam = "reserve_fund_notice" if reserve[j] else "loan_sms"
        ev.add(
            t + 30 * US_PER_SECOND,
            person,
            "sms",
            channel="sms",
            direction="in",
            counterparty="95188" if reserve[j] else "1069" + str(1000 + int(lender[j])),
            text=texts.benign(fam, {"lender": name, "amount": amount // 100, "day": 10}),
            label="lookalike",
            family=fam,
        )
    # deliveries of recent orders today: courier SMS and calls (genuine look-alikes)
    if rec is not None and len(rec.person):
        today = np.flatnonzero((rec.delivered >= day0) & (rec.delivered < day0 + US_PER_DAY))
        for j in today.tolist():
            if trng.random() >= cfg.courier_notice_share:
                continue
            person = int(rec.person[j])
            co = int(rec.courier[j])
            slots = {
                "courier": cat.COURIERS[co][0],
                "tracking": _tracking(co, int(rec.number[j])),
                "station": f"{cat.CITIES[int(city[person])][0]}{int(trng.integers(1, 60))}号驿站",
                "code": f"{int(trng.integers(1, 9))}-{int(trng.integers(1, 6))}-{int(trng.integers(1000, 9999))}",
                "staff": cat.SURNAMES[int(trng.integers(len(cat.SURNAMES)))] + "师傅",
                "phone": f"1{int(trng.integers(30, 99))}{int(trng.integers(10**7, 10**8))}",
                "name": w.polite_name(person),
            }
            t = int(rec.delivered[j])
            if trng.random() < 0.75:
                ev.add(
                    t,
                    person,
                    "sms",
                    channel="sms",
                    direction="in",
                    counterparty=COURIER_HOTLINES[co],
                    text=texts.benign("courier_sms", slots),
                    label="lookalike",
                    family="courier_sms",
                )
            else:
                ev.add(
                    t,
                    person,
                    "call",
                    channel="phone",
                    direction="in",
                    counterparty=str(slots["phone"]),
                    text=texts.benign("courier_call", slots),
                    attrs={"duration_s": int(trng.integers(15, 90))},
                    label="lookalike",
                    family="courier_call",
                )
        # genuine refunds: the platform's notice, sometimes after an in-app customer-service chat
        for j, idx in zip(refund_sel.tolist(), refund_local.tolist(), strict=True):
            if not keep[idx]:
                continue
            person = int(rec.person[j])
            shop_j = int(rec.shop[j])
            plat = cat.PLATFORMS[int(w.shop_platform[shop_j])][0]
            slots = {
                "platform": plat,
                "item": cat.ITEMS[int(rec.item[j])][0],
                "amount": f"{int(rec.price[j]) / 100:.2f}",
            }
            t = int(arr["time"][idx])
            if trng.random() < 0.5:
                ev.add(
                    t - int(trng.integers(600, 7200)) * US_PER_SECOND,
                    person,
                    "chat_message",
                    channel="app",
                    app=plat,
                    direction="in",
                    counterparty=plat + "官方客服",
                    text=texts.benign("cs_chat", slots),
                    label="lookalike",
                    family="cs_chat",
                )
            ev.add(
                t + 60 * US_PER_SECOND,
                person,
                "sms",
                channel="sms",
                direction="in",
                counterparty=PLATFORM_SMS[int(w.shop_platform[shop_j])],
                text=texts.benign("refund_notice", slots),
                label="lookalike",
                family="refund_notice",
            )
    _chatter(
        ev, texts, w, cfg, streams.stream(cfg.seed, streams.MESSAGES, day, 1), trng, day0, date.weekday()
    )
    episodes: list[tuple[str, int]] = []
    if la is not None:
        from fanzha.sim.lookalike import incoming

        incoming(ev, arr, keep, fam_idx, fam_to)
        episodes = la.events(ev, lambda k: la_tx[k])
    episodes += kept
    # events around a transfer near midnight stay within the day (their order is kept: clipping is monotone)
    ev.time = np.clip(np.asarray(ev.time, dtype=np.int64), day0, day0 + US_PER_DAY - 1).tolist()
    orders_keep = keep
    src = arr["src"][orders_keep]
    # a card someone else runs (`fanzha.sim.keepers`): its transfers out are made from that person's phone
    run_by = w.kept_by[src]
    return BenignDay(
        src,
        arr["dst"][orders_keep],
        arr["amount"][orders_keep],
        arr["time"][orders_keep],
        arr["channel"][orders_keep],
        arr["location"][orders_keep],
        np.where(run_by >= 0, run_by, arr["device"][orders_keep]),
        _reindex(orders, orders_keep),
        _reindex_events(ev, orders_keep),
        episodes,
    )


def _reindex(orders: Orders, keep: npt.NDArray[np.bool_]) -> Orders:
    new_index = np.cumsum(keep) - 1
    orders.local = new_index[orders.local]
    return orders


def _reindex_events(ev: EventCols, keep: npt.NDArray[np.bool_]) -> EventCols:
    new_index = np.cumsum(keep) - 1
    ev.tx = [int(new_index[i]) if i >= 0 else -1 for i in ev.tx]
    return ev


def _tracking(courier: int, number: int) -> str:
    return f"{cat.COURIERS[courier][2]}{(number * 7_919 + courier * 104_729) % 10**12:012d}"


def _otp(ev: EventCols, texts: TextBank, w: World, rng: streams.FastRng, person: int, t: int) -> None:
    b = int(w.card_bank[person])
    ev.add(
        t - int(rng.integers(10, 90)) * US_PER_SECOND,
        person,
        "sms",
        channel="sms",
        direction="in",
        counterparty=BANK_HOTLINES[b % len(BANK_HOTLINES)],
        text=texts.benign(
            "bank_otp", {"bank": cat.BANKS[b][0], "code": f"{int(rng.integers(0, 10**6)):06d}"}
        ),
        label="lookalike",
        family="bank_otp",
    )


_CHATTER = (
    ("marketing_sms", 0.26),
    ("family_chat", 0.2),
    ("friend_chat", 0.18),
    ("work_meeting", 0.16),
    ("cs_chat", 0.08),
    ("bank_call", 0.08),
    ("remote_help", 0.02),
    ("courier_call", 0.02),
    ("friend_add", 0.03),
)


def _chatter(
    ev: EventCols,
    texts: TextBank,
    w: World,
    cfg: SimConfig,
    gen: np.random.Generator,
    rng: streams.FastRng,
    day0: int,
    weekday: int,
) -> None:
    n = w.n_people
    k = gen.poisson(cfg.message_rate, n)
    who = np.repeat(np.arange(n), k)
    probs = np.array([p for _, p in _CHATTER])
    fam_idx = gen.choice(len(_CHATTER), size=len(who), p=probs / probs.sum())
    times = day0 + tod(gen, len(who), "life")
    work_t = day0 + tod(gen, len(who), "work")
    for person, fi, t, wt in zip(
        who.tolist(), fam_idx.tolist(), times.tolist(), work_t.tolist(), strict=True
    ):
        fam = _CHATTER[fi][0]
        city = int(w.city[person])
        if fam == "work_meeting" and not (w.office[person] and weekday < 5):
            fam = "friend_chat"
        plat_i = int(rng.integers(len(cat.PLATFORMS)))
        slots: dict[str, str] = {
            "platform": cat.PLATFORMS[plat_i][0],
            "item": cat.ITEMS[int(rng.integers(len(cat.ITEMS)))][0],
            "bank": cat.BANKS[int(w.card_bank[person])][0],
            "station": cat.CITIES[city][0] + "站",
            "name": w.polite_name(person) if fam == "bank_call" else "",
            "amount": str(int(rng.integers(2, 300)) * 10),
            "staff": cat.SURNAMES[int(rng.integers(len(cat.SURNAMES)))],
            "courier": cat.COURIERS[int(rng.integers(len(cat.COURIERS)))][0],
        }
        if fam == "marketing_sms":
            ev.add(
                t,
                person,
                "sms",
                channel="sms",
                direction="in",
                counterparty=PLATFORM_SMS[plat_i],
                text=texts.benign(fam, slots),
                label="ordinary",
                family=fam,
            )
        elif fam in ("family_chat", "friend_chat"):
            other = int(w.contacts[person, int(rng.integers(N_CONTACTS))])
            ev.add(
                t,
                person,
                "chat_message",
                channel="wechat",
                direction="in" if rng.random() < 0.5 else "out",
                counterparty=str(w.phone[other]),
                text=texts.benign(fam, {**slots, "amount": f"{slots['amount']}元"}),
                label="ordinary",
                family=fam,
            )
        elif fam == "cs_chat":
            ev.add(
                t,
                person,
                "chat_message",
                channel="app",
                app=slots["platform"],
                direction="in",
                counterparty=f"{slots['platform']}官方客服",
                text=texts.benign(fam, slots),
                label="lookalike",
                family=fam,
            )
        elif fam == "bank_call":
            b = int(w.card_bank[person])
            ev.add(
                wt,
                person,
                "call",
                channel="phone",
                direction="in",
                counterparty=BANK_HOTLINES[b % len(BANK_HOTLINES)],
                text=texts.benign(fam, slots),
                attrs={"duration_s": int(rng.integers(30, 240))},
                label="lookalike",
                family=fam,
            )
        elif fam == "courier_call":
            ev.add(
                t,
                person,
                "call",
                channel="phone",
                direction="in",
                counterparty=f"1{int(rng.integers(30, 99))}{int(rng.integers(10**7, 10**8))}",
                text=texts.benign(fam, slots),
                attrs={"duration_s": int(rng.integers(15, 90))},
                label="lookalike",
                family=fam,
            )
        elif fam == "friend_add":  # a courier, a shop or a new colleague asks to add WeChat / QQ
            qq = rng.random() < 0.3
            cp = str(rng.integers(10**8, 4 * 10**9)) if qq else f"wxid_{rng.integers(10**9, 10**10)}"
            ev.add(
                t,
                person,
                "friend_request",
                channel="qq" if qq else "wechat",
                direction="in",
                counterparty=cp,
                text=texts.benign(fam, slots),
                label="lookalike",
                family=fam,
            )
        elif fam == "remote_help":
            app = cat.REMOTE_APPS[int(rng.integers(len(cat.REMOTE_APPS)))]
            ev.add(
                t,
                person,
                "chat_message",
                channel="wechat",
                direction="in",
                counterparty=str(w.phone[int(w.contacts[person, 0])]),
                text=texts.benign(fam, {**slots, "app": app}),
                label="lookalike",
                family=fam,
            )
            if rng.random() < 0.5:
                ev.add(
                    t + int(rng.integers(60, 900)) * US_PER_SECOND,
                    person,
                    "app_install",
                    app=app,
                    attrs={"source": "应用商店"},
                    label="lookalike",
                    family=fam,
                )
        else:  # work meeting with screen sharing
            app = (
                cat.MEETING_APPS[int(rng.integers(1, len(cat.MEETING_APPS)))]
                if rng.random() < 0.9
                else "小鱼易连"
            )
            room = str(int(rng.integers(10**8, 10**9)))
            colleague = int(w.contacts[person, int(rng.integers(N_CONTACTS))])
            ev.add(
                wt,
                person,
                "chat_message",
                channel="wechat" if rng.random() < 0.5 else "dingtalk",
                direction="in",
                counterparty=str(w.phone[colleague]),
                text=texts.benign(fam, {**slots, "app": app, "room": room}),
                label="lookalike",
                family=fam,
            )
            t1 = wt + int(rng.integers(300, 1800)) * US_PER_SECOND
            if rng.random() < 0.08:
                ev.add(
                    t1 - 120 * US_PER_SECOND,
                    person,
                    "app_install",
                    app=app,
                    attrs={"source": "应用商店"},
                    label="lookalike",
                    family=fam,
                )
            if rng.random() < 0.6:
                ev.add(
                    t1,
                    person,
                    "screen_share_start",
                    app=app,
                    counterparty=room,
                    attrs={"room": room, "remote_control": False},
                    label="lookalike",
                    family=fam,
                )
                ev.add(
                    t1 + int(rng.integers(300, 3600)) * US_PER_SECOND,
                    person,
                    "screen_share_stop",
                    app=app,
                    label="lookalike",
                    family=fam,
                )
