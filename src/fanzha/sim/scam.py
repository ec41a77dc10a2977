"""Campaigns: a gang runs the playbook on one person chosen from a leaked order.

`plan_campaign` turns (gang, person, order, start time) into a timeline of events and the transfers they
cause. The person's awareness decides where it stops (hangs up, stops halfway, or loses money); an
intervention time cuts the timeline there (the dissuaded person stops), drawing the same random numbers as
without it, so the rest of the world is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fanzha.records.units import US_PER_SECOND
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.texts import SCAM, TextBank
from fanzha.sim.world import Gang, MuleCard, World

#: the seeds' behaviours (issue 19), as shares of the campaigns they can happen in (docs/sim.md, "The seeds'
#: behaviours"); each campaign draws them from its own stream (`fanzha.sim.rng.VARIANT`)
PLATFORM_CHAT, LIVE_STREAM = 0.08, 0.04  # the first contact in the platform's own chat, or a live stream's DM
APP_VOICE = 0.5  # of campaigns moved to QQ / WeChat: pretext and instructions as voice calls inside the app
FAKE_BASE_STATION = 0.4  # of membership_cancel: the "bank" comes as an SMS from the bank's own number
FAKE_BASE_STATION_TAX = 0.3  # of tax_refund contacts by SMS: from the tax office's 12366
QQ_GROUP = 0.4  # of QQ campaigns: the person is pulled into a group where a "robot" gives the steps
QR_PAY = 0.2  # of campaigns: the first loss paid by scanning a QR code (no payee added)
COLLECT = {
    "membership_cancel": 0.7
}  # victims with other cards empty them into one first (else COLLECT_OTHER)
COLLECT_OTHER = 0.3
TAKEOVER = (
    0.12  # of campaigns (not tax_refund, reserve_fund): card, password and code asked; the gang moves it
)
OUTSIDE_LENDER = 0.3  # of scam loans: a lender outside the first list
DOUBT = (0.05, 0.3)  # doubts the warning call with probability 0.05 + 0.3 × (1 − awareness)
#: the real numbers a fake base station shows (the bank's hotline is the person's bank's)
TAX_HOTLINE = "12366"


@dataclass(slots=True)
class Seeds:
    """What a campaign with the seeds' behaviours (issue 19) has beyond the classic one: its own random stream,
    the person's other bank cards (account, balance at the start of the day), the gang's QR codes to pay, the
    lenders outside the list, and whether this is the person's second campaign."""

    rng: np.random.Generator
    other_cards: list[tuple[int, int]]
    qr_codes: list[int]
    outside_lenders: list[tuple[str, int]]
    bank_hotline: str
    doubts: bool
    repeat: int = 0


@dataclass(frozen=True, slots=True)
class _Features:
    """Which of the seeds' behaviours a campaign shows (all False in the classic world)."""

    platform: str = ""  # "chat" or "live": the first contact in the platform's chat or a live stream's DM
    app_voice: bool = False
    fake_base_station: bool = False
    qq_group: bool = False
    qr_pay: bool = False
    collect: bool = False
    takeover: bool = False
    outside_lender: int = -1  # index into Seeds.outside_lenders

    @classmethod
    def draw(cls, sd: Seeds | None, variant: str) -> _Features:
        if sd is None:
            return cls()
        u = sd.rng.random(9)
        platform = "" if variant == "tax_refund" else "chat" if u[0] < PLATFORM_CHAT else ""
        if variant != "tax_refund" and not platform and u[0] < PLATFORM_CHAT + LIVE_STREAM:
            platform = "live"
        fbs = FAKE_BASE_STATION if variant == "membership_cancel" else FAKE_BASE_STATION_TAX
        collect = COLLECT.get(variant, COLLECT_OTHER) if variant != "reserve_fund" else 0.0
        return cls(
            platform=platform,
            app_voice=bool(u[1] < APP_VOICE),
            fake_base_station=bool(variant in ("membership_cancel", "tax_refund") and u[2] < fbs),
            qq_group=bool(u[3] < QQ_GROUP),
            qr_pay=bool(u[4] < QR_PAY),
            collect=bool(u[5] < collect and any(b >= 10_000 for _, b in sd.other_cards)),
            takeover=bool(variant not in ("tax_refund", "reserve_fund") and u[6] < TAKEOVER),
            outside_lender=int(u[8] * len(sd.outside_lenders))
            if sd.outside_lenders and u[7] < OUTSIDE_LENDER
            else -1,
        )


MIN = 60 * US_PER_SECOND

# transfer roles (FWD: a third party passing a victim's money on to the gang — a processor's payout, a shop's QR
# code forwarding what the victim paid)
LOSS, TEST, TEST_RETURN, LOAN, MULE, COVER, OWN, FWD = range(8)
# keys of the hashed draw that picks a campaign's identifier of each role (`fanzha.sim.rng.unit`)
_ROLE_KEY = {"caller": 0, "bank_caller": 1, "qq": 2, "wechat": 3, "room": 4, "domain": 5}
_PATH_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"


def _path(seed: int, person: int) -> str:
    """The path of a phishing link sent to `person` (five characters)."""
    u = streams.unit(seed, 31, person)
    k = int(u * len(_PATH_CHARS) ** 5)
    out = ""
    for _ in range(5):
        k, r = divmod(k, len(_PATH_CHARS))
        out += _PATH_CHARS[r]
    return out


@dataclass(slots=True)
class Tx:
    """A transfer planned outside the vectorised ordinary life (scam, mules, their cover traffic)."""

    time: int
    src: int
    dst: int
    amount: int  # fen
    channel: str
    location: int  # city index or -1
    device: int  # device index or -1
    role: int
    victim: int = -1  # the person whose loss this is (role LOSS)
    number: int = -1  # ledger position, set when written
    comp: list[tuple[int, int]] = field(default_factory=list)  # (victim, fen) carried
    gang: int = -1  # the gang of a loss paid to a third party (a shop's QR code), which forwards it


@dataclass(slots=True)
class Ev:
    """A planned event of a campaign (a row of events.parquet once written): the record's fields
    (`fanzha.records.events.FIELDS`; its `DETAILS` by the same names), plus the plan (move, stage, step)."""

    time: int
    person: int
    kind: str
    channel: str | None = None
    direction: str | None = None
    counterparty: str | None = None
    text: str | None = None
    app: str | None = None
    amount: int | None = None
    tx: Tx | None = None
    attrs: dict[str, Any] | None = None
    move: str = ""
    stage: int = 1
    step: int = 0
    label: str = "scam"


@dataclass
class Campaign:
    person: int
    gang: int
    variant: str
    order_id: str
    leak_merchant: str
    events: list[Ev]
    txs: list[Tx]
    outcome: str
    stage_reached: int
    last_move: str
    first_contact: int
    first_loss: int | None
    amount_lost: int
    end_time: int
    loan_total: int = 0
    apps: list[str] = field(default_factory=list)
    test_amount: int = 0
    n_loss: int = 0
    lender: str = ""
    bank: str = ""
    reported: bool = False
    #: issue 19: the person's second campaign (1) or first (0); the warning call came and was not believed
    repeat: int = 0
    doubted: bool = False


def _active(cards: list[MuleCard], layer: int, t: int, rng: np.random.Generator) -> MuleCard:
    pool = [c for c in cards if c.layer == layer and c.active_from <= t < c.active_to]
    if not pool:
        earlier = [c for c in cards if c.layer == layer and c.active_from <= t]
        pool = earlier[-3:] if earlier else [c for c in cards if c.layer == layer][:1]
    return pool[int(rng.integers(len(pool)))]


class _Timeline:
    def __init__(self, person: int, t: int, rng: np.random.Generator) -> None:
        self.person = person
        self.t = t
        self.rng = rng
        self.events: list[Ev] = []
        self.txs: list[Tx] = []

    def wait(self, lo_s: float, hi_s: float) -> int:
        self.t += int(self.rng.uniform(lo_s, hi_s) * US_PER_SECOND) + 1
        return self.t

    def add(self, kind: str, move: str, stage: int, **kw: Any) -> Ev:
        ev = Ev(self.t, self.person, kind, move=move, stage=stage, step=len(self.events), **kw)
        self.events.append(ev)
        return ev

    def pay(
        self,
        wait: tuple[float, float],
        src: int,
        dst: int,
        amount: int,
        channel: str,
        role: int,
        move: str,
        direction: str,
        *,
        location: int = -1,
        device: int = -1,
        victim: int = -1,
        kind: str = "transfer",
        counterparty: str | None = None,
        app: str | None = None,
    ) -> Tx:
        """A transfer after a wait of `wait` seconds and the stage-3 event that shows it to the person (the
        counterparty is the other account unless given)."""
        tx = Tx(self.wait(*wait), src, dst, amount, channel, location, device, role, victim=victim)
        self.txs.append(tx)
        if counterparty is None:
            counterparty = f"A{tx.dst if direction == 'out' else tx.src:010d}"
        self.add(
            kind,
            move,
            3,
            direction=direction,
            counterparty=counterparty,
            amount=tx.amount,
            tx=tx,
            channel=tx.channel,
            app=app,
        )
        return tx


def plan_campaign(
    world: World,
    gang: Gang,
    person: int,
    order: dict[str, Any],
    start: int,
    card_balance: int,
    wallet_balance: int,
    rng: np.random.Generator,
    texts: TextBank,
    intervention: int | None = None,
    seeds: Seeds | None = None,
) -> Campaign:
    """The timeline of one campaign. Balances are the person's at the start of the day (their ordinary
    outgoing payments are suspended while the campaign runs, so every planned transfer is covered). `seeds`
    (issue 19) adds the seeds' behaviours; without it every draw is the classic world's."""
    a = float(world.awareness[person])
    from_courier = order["leak_kind"] == "courier_outlet"
    if from_courier and rng.random() < 0.6:
        variant = "lost_parcel"
    else:
        variant = gang.variants[int(rng.choice(len(gang.variants), p=gang.variant_weights))]
    tl = _Timeline(person, start, rng)
    seed = world.config.seed
    ft = _Features.draw(seeds, variant)

    def ident(role: str, drawn: int) -> str:
        """The gang's identifier of `role` for this campaign; `drawn` is the campaign's own draw, kept so that
        every later draw is the same with rotation or without (`Gang.pick`)."""
        return gang.pick(role, start, drawn, streams.unit(seed, 30, person, _ROLE_KEY[role]))

    phone = ident("caller", int(rng.integers(2, len(gang.phones))) - 2)
    qq = ident("qq", int(rng.integers(len(gang.qq_ids))))
    wx = ident("wechat", int(rng.integers(len(gang.wechat_ids))))
    room = ident("room", int(rng.integers(len(gang.rooms))))
    lender = cat.LENDERS[int(rng.choice([0, 1, 3, 4, 5, 6, 7, 8]))]
    lender_acc = world.base["lender"] + cat.LENDERS.index(lender)
    if seeds is not None and ft.outside_lender >= 0:
        lender, lender_acc = seeds.outside_lenders[ft.outside_lender]
    slots: dict[str, Any] = {
        "name": world.polite_name(person),
        "platform": order["platform"],
        "item": order["item"],
        "order": order["order_id"][-12:],
        "order4": order["order_id"][-4:],
        "tracking": order["tracking_no"],
        "courier": order["courier"],
        "mult": int(rng.choice([2, 3, 3, 2, 10])),
        "comp": int(order["price"] // 100 * int(rng.choice([2, 3]))),
        "fee": int(rng.choice([299, 399, 500, 680, 800])),
        "staff": cat.SURNAMES[int(rng.integers(len(cat.SURNAMES)))],
        "staff_no": int(rng.integers(1000, 99999)),
        "days": int(rng.integers(2, 9)),
        "qq": qq,
        "wx": wx,
        "room": room,
        "lender": lender,
    }
    dev_gang = gang.devices[int(rng.integers(len(gang.devices)))]
    bank_name = cat.BANKS[int(world.card_bank[person])][0]
    camp = Campaign(
        person,
        gang.index,
        variant,
        order["order_id"],
        order["leak_merchant"],
        [],
        [],
        "hung_up",
        1,
        "contact",
        start,
        None,
        0,
        start,
        lender=lender,
        repeat=seeds.repeat if seeds is not None else 0,
    )
    cards_used: set[int] = set()
    avail = {"card": card_balance, "wallet": wallet_balance}
    acc = {"card": int(world.card(person)), "wallet": int(world.wallet(person))}

    # -- stage 1: contact ---------------------------------------------------------------------------
    if variant == "tax_refund" and rng.random() < 0.5 or variant == "lost_parcel" and rng.random() < 0.25:
        kind = "sms" if variant == "tax_refund" else "friend_request"
        ch = "sms" if kind == "sms" else "wechat"
        fbs = ch == "sms" and ft.fake_base_station  # a fake base station shows the tax office's number
        tl.add(
            kind,
            "contact",
            1,
            channel=ch,
            direction="in",
            counterparty=(TAX_HOTLINE if fbs else phone) if ch == "sms" else wx,
            text=texts.scam(f"contact.{variant}", slots),
        )
        tl.wait(60, 3600)
    elif ft.platform:  # in the platform's own chat with the "shop", or a DM from a live stream's "seller"
        tl.add(
            "chat_message",
            "contact",
            1,
            channel="app",
            direction="in",
            counterparty=f"{order['shop']}客服",
            app=order["platform"]
            if ft.platform == "chat"
            else ("抖音" if order["platform"] != "快手" else "快手"),
            attrs={"live_stream": True} if ft.platform == "live" else None,
            text=texts.scam(f"contact.{variant}", slots),
        )
    else:
        tl.add(
            "call",
            "contact",
            1,
            channel="phone",
            direction="in",
            counterparty=phone,
            text=texts.scam(f"contact.{variant}", slots),
            attrs={"duration_s": int(rng.integers(40, 400))},
        )
    p_hang = 0.05 + 0.55 * a
    if rng.random() < p_hang:
        return _finish(camp, tl, "hung_up", intervention, texts, slots, seeds)
    # -- stage 2: pretext, move to another channel ----------------------------------------------
    camp.stage_reached = 2
    tl.wait(20, 240)
    use_qq = rng.random() < 0.55
    # the follow-up comes the way the contact came: the same call, another SMS, or a WeChat chat
    first = tl.events[0].kind
    follow = ("call",) if first == "call" else ("sms",) if first == "sms" else ("chat_message",)
    follow_ch = {"call": "phone", "sms": "sms"}.get(first, "wechat")
    follow_cp = wx if follow_ch == "wechat" else phone
    if tl.events[0].channel in ("app", "sms"):  # the same chat, or the same number
        follow_ch, follow_cp = str(tl.events[0].channel), str(tl.events[0].counterparty)
    chat, cp = ("qq", qq) if use_qq else ("wechat", wx)
    app = ("TIM" if rng.random() < 0.6 else "QQ") if use_qq else "微信"
    tl.add(
        *follow,
        f"move.add_{chat}",
        2,
        channel=follow_ch,
        direction="in",
        counterparty=follow_cp,
        app=tl.events[0].app,
        text=texts.scam(f"move.add_{chat}", slots),
    )
    if use_qq:  # QQ is installed first; WeChat is on every phone
        tl.wait(60, 400)
        tl.add("app_install", "install_chat", 2, app=app, attrs={"source": "应用商店"})
        camp.apps.append(app)
    tl.wait(30, 200)
    tl.add("friend_request", "add_contact", 2, channel=chat, direction="out", counterparty=cp, app=app)
    # what the gang says from now on: chat messages, or voice calls inside the app (no telephone record)
    said = "call" if ft.app_voice else "chat_message"
    said_attrs: dict[str, Any] | None = {"voice": True} if ft.app_voice else None
    if use_qq and ft.qq_group:  # a group whose "robot" gives the steps; the rest comes from the group
        group = gang.group(start, seed)
        tl.wait(20, 120)
        tl.add(
            "chat_message",
            "move.qq_group",
            2,
            channel=chat,
            direction="in",
            counterparty=group,
            app=app,
            attrs={"group": True, "sender": "机器人"},
            text=texts.scam("move.qq_group", slots),
        )
        cp = group

    def refuse(lo_s: float, hi_s: float, stage: int) -> None:
        """The person writes back that they will not go on."""
        tl.wait(lo_s, hi_s)
        tl.add(
            "chat_message",
            "victim.refuse",
            stage,
            channel=chat,
            direction="out",
            counterparty=cp,
            text=texts.pick(SCAM["victim.refuse"]).format_map({"platform": order["platform"]}),
        )

    tl.wait(30, 300)
    pre = {
        "credit_repair": "exec.credit_low",
        "reserve_fund": "exec.reserve_open",
        "tax_refund": "exec.otp",
    }.get(variant)
    tl.add(
        said,
        "pretext",
        2,
        channel=chat,
        direction="in",
        counterparty=cp,
        attrs=said_attrs,
        text=texts.scam(f"contact.{variant}", slots)
        if pre is None
        else texts.scam(pre, {**slots, "amount": 500}),
    )
    camp.last_move = "pretext"
    if rng.random() < 0.03 + 0.35 * a:
        refuse(30, 600, 2)
        return _finish(camp, tl, "stopped", intervention, texts, slots, seeds)
    # -- into a meeting or remote-control app (installing it: stage 2), screen sharing (stage 3) --------
    camp.stage_reached = 3
    shared = False
    if variant == "tax_refund" and rng.random() < 0.5:
        tl.wait(60, 300)
        app = cat.SCAM_EXTRA_APPS[int(rng.integers(len(cat.SCAM_EXTRA_APPS)))]
        url = f"http://{ident('domain', 0)}/{_path(seed, person)}"
        tl.add("app_install", "install_app", 2, app=app, attrs={"source": "链接", "url": url})
        camp.apps.append(app)
    elif rng.random() < 0.8:
        remote = rng.random() < 0.2
        app = (cat.REMOTE_APPS if remote else cat.MEETING_APPS[:4])[int(rng.integers(3 if remote else 4))]
        slots["app"] = app
        tl.wait(40, 300)
        tl.add(
            said,
            "move.remote" if remote else "move.meeting",
            3,
            channel=chat,
            direction="in",
            counterparty=cp,
            attrs=said_attrs,
            text=texts.scam("move.remote" if remote else "move.meeting", slots),
        )
        tl.wait(60, 400)
        tl.add("app_install", "install_meeting", 2, app=app, attrs={"source": "应用商店"})
        camp.apps.append(app)
        tl.wait(30, 240)
        tl.add(
            "screen_share_start",
            "screen_share",
            3,
            app=app,
            counterparty=room,
            attrs={"room": room, "remote_control": remote},
        )
        shared = True
    camp.last_move = "screen_share" if shared else "install_app"
    if rng.random() < 0.02 + 0.2 * a:
        refuse(60, 600, max(e.stage for e in tl.events))  # the stage of the furthest move so far
        if shared:
            tl.wait(5, 60)
            tl.add("screen_share_stop", "screen_share_stop", 3, app=slots.get("app"))
        return _finish(camp, tl, "stopped", intervention, texts, slots, seeds)

    def say(family: str, **extra: Any) -> None:
        tl.wait(20, 240)
        tl.add(
            said,
            family,
            3,
            channel=chat,
            direction="in",
            counterparty=cp,
            attrs=said_attrs,
            text=texts.scam(family, {**slots, **extra}),
        )

    def loan(amount: int, reserve: bool) -> None:
        name = cat.LENDERS[cat.RESERVE_FUND_LENDER] if reserve else lender
        from_acc = world.base["lender"] + cat.RESERVE_FUND_LENDER if reserve else lender_acc
        dst = "wallet" if reserve else "card"
        tl.wait(60, 600)
        if reserve:
            tl.add("reserve_fund_opened", "reserve_fund_opened", 3, app="支付宝", amount=amount)
        else:
            tl.add(
                "credit_limit_change", "credit_limit", 3, app=name, amount=amount * 2, attrs={"lender": name}
            )
            tl.wait(30, 300)
        tl.pay(
            (5, 60),
            from_acc,
            acc[dst],
            amount,
            "loan_disbursement",
            LOAN,
            "loan",
            "in",
            device=person,
            kind="loan",
            counterparty=name,
            app=name,
        )
        avail[dst] += amount
        if not reserve:
            camp.loan_total += amount

    def transfer(
        amount: int, frm: str, role: int, dst_acc: int, label: str, device: int, *, qr: bool = False
    ) -> Tx | None:
        if amount <= 0 or amount > avail[frm]:
            return None
        # the bank's record of a login from the gang's phone (account takeover)
        seen: dict[str, Any] | None = (
            {"device": f"D{device:09d}", "new_device": True}
            if seeds is not None and device != person
            else None
        )
        if dst_acc not in cards_used and not qr:
            tl.wait(20, 180)
            ev = tl.add("payee_added", "payee_added", 3, counterparty=f"A{dst_acc:010d}", channel="bank_app")
            ev.attrs = seen
            cards_used.add(dst_acc)
        tx = tl.pay(
            (20, 240),
            acc[frm],
            dst_acc,
            amount,
            "bank_transfer" if frm == "card" and not qr else "payment_account",
            role,
            label,
            "out",
            location=int(world.city[person]),
            device=device,
            victim=person if role == LOSS else -1,
        )
        if qr:  # a shop's QR code: it forwards the money to the gang
            tx.gang = gang.index
            tl.events[-1].attrs = {"qr": True}
        elif seen is not None:
            tl.events[-1].attrs = seen
        avail[frm] -= amount
        if seen is not None and role == LOSS and seeds is not None:  # the bank tells the person by SMS
            tl.wait(5, 60)
            tl.add(
                "sms",
                "debit_notice",
                3,
                channel="sms",
                direction="in",
                counterparty=seeds.bank_hotline,
                text=texts.lookalike(
                    "bank_debit",
                    {
                        "bank": bank_name,
                        "tail": world.card_number(acc[frm]) or "",
                        "amount": f"{amount / 100:.2f}",
                    },
                ),
            )
        return tx

    my_device = int(person)
    # -- variant-specific execution ----------------------------------------------------------------
    if variant == "reserve_fund":
        say("exec.reserve_open", amount=500)
        loan(50_000, True)
        back = int(rng.choice([200, 300, 302, 350])) * 100
        say("exec.reserve_return", amount=back // 100, comp=(50_000 - back) // 100)
        card = _active(gang.cards, 1, tl.t, rng)
        if transfer(back, "wallet", LOSS, card.account, "loss_transfer", my_device) is not None:
            camp.last_move = "loss_transfer"
    elif variant == "membership_cancel":
        tl.wait(60, 600)
        slots["bank"] = bank_name
        bank_caller = ident("bank_caller", int(rng.integers(0, 2)))
        if ft.fake_base_station and seeds is not None:  # 伪基站: an SMS that shows the bank's own number
            slots["url"] = f"http://{ident('domain', 0)}/{_path(seed, person)}"
            tl.add(
                "sms",
                "exec.fbs_sms",
                3,
                channel="sms",
                direction="in",
                counterparty=seeds.bank_hotline,
                text=texts.scam("exec.fbs_sms", slots),
            )
        else:
            tl.add(
                "call",
                "exec.bank_call",
                3,
                channel="phone",
                direction="in",
                counterparty=bank_caller,
                text=texts.scam("exec.bank_call", slots),
            )
        if avail["wallet"] > 10_000 and rng.random() < 0.6:  # collect everything on one card first
            tl.pay(
                (60, 300),
                acc["wallet"],
                acc["card"],
                avail["wallet"],
                "payment_account",
                OWN,
                "collect_funds",
                "out",
                location=int(world.city[person]),
                device=my_device,
            )
            avail["card"] += avail["wallet"]
            avail["wallet"] = 0
    elif variant == "tax_refund":
        tl.wait(30, 120)
        code = f"{int(rng.integers(0, 10**6)):06d}"
        tl.add(
            "sms",
            "otp_received",
            3,
            channel="sms",
            direction="in",
            counterparty="95588",
            text=texts.benign("bank_otp", {"bank": bank_name, "code": code}, typo=0.0),
        )
        say("exec.otp")
        dev_gang_used = dev_gang
        my_device = dev_gang_used  # the gang drives the victim's account with the code
    else:
        say("exec.credit_low")
    if ft.takeover:  # card number, password and code: the gang moves the money from its own phone
        say("exec.card_password")
        tl.wait(30, 120)
        tl.add(
            "sms",
            "otp_received",
            3,
            channel="sms",
            direction="in",
            counterparty=seeds.bank_hotline if seeds is not None else "95588",
            text=texts.benign(
                "bank_otp", {"bank": bank_name, "code": f"{int(rng.integers(0, 10**6)):06d}"}, typo=0.0
            ),
        )
        my_device = dev_gang
    if (
        variant in ("quality_refund", "lost_parcel", "membership_cancel", "credit_repair")
        and rng.random() < 0.45
    ):
        test_amt = int(rng.choice([180, 100, 1, 10, 200]))
        say("exec.test_transfer", amount=f"{test_amt / 100:g}")
        t_tx = transfer(test_amt, "card", TEST, gang.test_account, "test_transfer", my_device)
        if t_tx is not None:
            camp.test_amount = test_amt
            tl.pay(
                (30, 150),
                gang.test_account,
                acc["card"],
                test_amt,
                "refund",
                TEST_RETURN,
                "test_returned",
                "in",
                device=dev_gang,
            )
            avail["card"] += test_amt
            say("exec.test_returned", amount=f"{test_amt / 100:g}")
    if variant in ("credit_repair", "reserve_fund") and rng.random() < 0.7 or rng.random() < 0.2:
        amt = int(rng.choice([3000, 5000, 7200, 10000, 20000, 30000])) * 100
        say("exec.loan", amount=amt // 100)
        if rng.random() < 0.08 + 0.3 * a:
            refuse(30, 300, 3)
            return _finish(camp, tl, "stopped", intervention, texts, slots, seeds)
        loan(amt, False)
    if ft.collect and seeds is not None:  # everything on the other cards goes to this card first
        say("exec.collect_cards")
        for other, balance in seeds.other_cards:
            if balance >= 10_000:
                tl.pay(
                    (60, 300),
                    other,
                    acc["card"],
                    balance,
                    "bank_transfer",
                    OWN,
                    "collect_funds",
                    "out",
                    location=int(world.city[person]),
                    device=my_device,
                )
                avail["card"] += balance
    # loss transfers until the person stops or has nothing left
    card = _active(gang.cards, 1, tl.t, rng)
    n = 0
    while True:
        total = avail["card"] + avail["wallet"]
        if total < 1000:
            break
        frm = "card" if avail["card"] >= avail["wallet"] else "wallet"
        have = avail[frm]
        if rng.random() < 0.35:
            amount = have
        else:
            ask = int(rng.choice([2000, 3800, 5000, 9999, 10000, 15000, 20000, 49999])) * 100
            amount = min(have, ask)
        drawn_card = (
            f"62{int(rng.integers(10**15, 10**16))}"  # drawn as ever; the payee's real number is said
        )
        slots["card"] = world.card_number(card.account) or drawn_card
        slots["bank"] = world.bank_name(card.account)
        qr = n == 0 and ft.qr_pay and seeds is not None
        say("exec.qr_pay" if qr else "exec.transfer" if n == 0 else "exec.more", amount=f"{amount / 100:g}")
        if n == 0 and rng.random() < 0.02 + 0.2 * a:
            break
        payee = card.account
        if (
            qr and seeds is not None
        ):  # a shop's collection code the gang uses (or its own, without third parties)
            payee = seeds.qr_codes[int(seeds.rng.integers(len(seeds.qr_codes)))] if seeds.qr_codes else payee
        if transfer(amount, frm, LOSS, payee, "loss_transfer", my_device, qr=qr) is None:
            break
        n += 1
        camp.last_move = "loss_transfer"
        if rng.random() < 0.25:
            card = _active(gang.cards, 1, tl.t, rng)
        if rng.random() > 0.78 - 0.45 * a:
            break
    if any(e.move == "loss_transfer" for e in tl.events):
        say("close")
    if shared:
        tl.wait(10, 300)
        tl.add("screen_share_stop", "screen_share_stop", 3, app=slots.get("app"))
    return _finish(
        camp,
        tl,
        "lost" if any(x.role == LOSS for x in tl.txs) else "stopped",
        intervention,
        texts,
        slots,
        seeds,
    )


def _finish(
    camp: Campaign,
    tl: _Timeline,
    outcome: str,
    intervention: int | None,
    texts: TextBank,
    slots: dict[str, Any],
    seeds: Seeds | None = None,
) -> Campaign:
    events, txs = tl.events, tl.txs
    if intervention is not None and intervention < tl.t and seeds is not None and seeds.doubts:
        # the warning call comes, and the person does not believe it: everything goes on as planned
        t_cut = max(intervention, camp.first_contact + 1)
        events = sorted(
            [*events, _warning_call(t_cut, camp.person, "intervention_doubted")], key=lambda e: e.time
        )
        for i, e in enumerate(events):
            e.step = i
        camp.doubted = True
    elif intervention is not None and intervention < tl.t:
        t_cut = max(intervention, camp.first_contact + 1)
        kept_tx = {id(x) for x in txs if x.time < t_cut}
        # a test transfer that went out is still returned by the gang, keeping money consistent
        for x in txs:
            if x.role == TEST_RETURN and any(y.role == TEST and id(y) in kept_tx for y in txs):
                kept_tx.add(id(x))
        txs = [x for x in txs if id(x) in kept_tx]
        events = [e for e in events if e.time < t_cut or (e.tx is not None and id(e.tx) in kept_tx)]
        events.sort(key=lambda e: e.time)
        events.append(_warning_call(t_cut, camp.person, "intervention"))
        outcome = "dissuaded"
        for i, e in enumerate(events):
            e.step = i
    camp.events = events
    camp.txs = txs
    losses = [x for x in txs if x.role == LOSS]
    camp.amount_lost = sum(x.amount for x in losses)
    camp.n_loss = len(losses)
    camp.first_loss = losses[0].time if losses else None
    if outcome == "lost" and not losses:
        outcome = "stopped"
    if outcome == "stopped" and losses:  # refused a later step after money had already gone
        outcome = "lost"
    camp.outcome = outcome
    moves = [
        e.move
        for e in events
        if e.label == "scam" and e.move not in ("close", "screen_share_stop", "victim.refuse")
    ]
    camp.last_move = moves[-1] if moves else "contact"
    camp.stage_reached = max((e.stage for e in events if e.label == "scam"), default=1)
    camp.end_time = max([e.time for e in events] + [x.time for x in txs])
    camp.bank = str(slots.get("bank", ""))
    return camp


def _warning_call(t: int, person: int, move: str) -> Ev:
    """The anti-fraud centre's call (96110)."""
    return Ev(
        t,
        person,
        "intervention",
        channel="phone",
        direction="in",
        counterparty="96110",
        text="您好，这里是反诈中心，您正在遭遇冒充客服诈骗，请立即停止操作，不要转账。",
        move=move,
        stage=3,
        label="intervention",
    )
