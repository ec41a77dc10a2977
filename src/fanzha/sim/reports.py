"""Reports to the police, written as victims and officers write them, with the truth of every one.

A reported campaign gives a first report — the story from the campaign's truth, and the identifiers a victim notes
down (the caller's number, the QQ and WeChat ids, the meeting room, the payee cards and the test account, the link,
the shop, the order), written as people write them: with spaces, in full-width digits, only the last digits
(尾号8831) — and, for some, a second report of the same case (the victim again, or an officer's record). Some
reports come late. Besides them, reports that are not this scam: other frauds, and genuine customer-service or
courier contacts that worried someone, naming real hotlines and courier outlets that many reports share.

Every report's truth: which campaign (and so which gang) it is about, whether it repeats another, how late it is,
and every identifier, amount, time, app, platform and shop it mentions with its place in the text
(`truth/reports.parquet`, `truth/report_identifiers.parquet`). The phrasings are data
(``kb/data/templates/reports.yaml``); `fanzha.text.templates.render_spans` fills them and keeps the places.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fanzha.kb.loader import default_kb
from fanzha.kb.templates import ReportsFile, load_templates
from fanzha.records.units import TZ, US_PER_DAY, US_PER_SECOND, datetime_of, fen_to_yuan
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.benign import BANK_HOTLINES, COURIER_HOTLINES
from fanzha.sim.config import SimConfig
from fanzha.sim.scam import LOSS, TEST, Campaign
from fanzha.sim.world import World, _luhn_digit
from fanzha.text.templates import Spanned, TextBank, join_spans, render_spans

HOUR = 3600 * US_PER_SECOND
_WHO = {
    "quality_refund": "{platform}客服",
    "lost_parcel": "{courier}快递客服",
    "membership_cancel": "{platform}客服",
    "credit_repair": "{platform}客服",
    "reserve_fund": "{platform}售后",
    "tax_refund": "{platform}退税专员",
}
#: the customer-service numbers of the platforms (what a worried buyer calls, or is called from)
PLATFORM_HOTLINES = {
    "淘宝": "9510211",
    "天猫": "9510211",
    "京东": "950618",
    "拼多多": "4001226766",
    "抖音": "9510019",
    "快手": "95152",
    "唯品会": "4006789888",
    "美团": "4006605335",
}
ANTI_FRAUD = "96110"
ALIPAY = "95188"
#: the kinds of report that are not this scam, and how often each comes (reports.yaml `unrelated`)
UNRELATED: tuple[tuple[str, float], ...] = (
    ("part_time", 0.2),
    ("investment", 0.15),
    ("police_impersonation", 0.15),
    ("loan", 0.1),
    ("game", 0.05),
    ("genuine_cs", 0.2),
    ("genuine_courier", 0.15),
)
#: the kind of identifier (as a case file types it) of each placeholder that holds one
SLOT_KIND = {
    "caller": "phone",
    "bank_caller": "phone",
    "hotline": "phone",
    "own_phone": "phone",
    "qq": "qq",
    "wx": "wechat_id",
    "room": "meeting_id",
    "card": "bank_card",
    "card_tail": "partial_number",
    "caller_tail": "partial_number",
    "pay": "payment_account",
    "url": "url",
    "shop": "merchant",
    "order": "order_number",
    "tracking": "order_number",
    "amount": "amount",
    "loan": "amount",
    "test": "amount",
    "when": "time",
    "app_name": "app",
}


@dataclass
class Draft:
    """A report before the reports are put in time order and numbered."""

    person: int
    time: int
    reporter: str
    text: str
    amount_claimed: str
    kind: str  # first | duplicate | unrelated
    topic: str  # ecommerce_cs, or the kind of unrelated report
    gang: int | None = None
    delay_us: int | None = None
    loss_fen: int = 0
    #: (kind, value, written text, start, end) of everything the report mentions
    mentions: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    duplicate_of: Draft | None = None
    report_id: str = ""

    def row(self) -> dict[str, Any]:
        """The line of reports.jsonl: only what a report really holds."""
        return {
            "report_id": self.report_id,
            "person_id": f"P{self.person:08d}",
            "time": datetime_of(self.time, TZ).isoformat(),
            "reporter": self.reporter,
            "text": self.text,
            "amount_claimed": self.amount_claimed,
        }


def campaign_reports(
    world: World, camp: Campaign, order: dict[str, Any], rng: np.random.Generator, cfg: SimConfig
) -> list[Draft]:
    """The reports of a reported campaign: the first, and now and then a second of the same case."""
    police = rng.random() < 0.4
    if rng.random() < cfg.report_late_share:
        days = rng.uniform(3, 20) if rng.random() < 0.75 else rng.uniform(20, 45)
        delay = int(days * US_PER_DAY)
    else:
        delay = int(rng.integers(1800, 72 * 3600)) * US_PER_SECOND
    first = _scam_report(world, camp, order, rng, police, camp.end_time + delay, repeat=False)
    first.delay_us = delay
    out = [first]
    if rng.random() < cfg.report_duplicate_share:
        again_police = not police if rng.random() < 0.5 else police
        later = int(rng.uniform(1, 24) * HOUR) if again_police else int(rng.uniform(1, 10) * US_PER_DAY)
        dup = _scam_report(world, camp, order, rng, again_police, first.time + later, repeat=True)
        dup.kind, dup.duplicate_of, dup.delay_us = "duplicate", first, delay + later
        out.append(dup)
    return out


def unrelated_reports(world: World, cfg: SimConfig, n: int) -> list[Draft]:
    """`n` reports that are not this scam: other frauds, and genuine contacts without loss."""
    t = _reports()
    out: list[Draft] = []
    weights = np.array([w for _, w in UNRELATED])
    for i in range(n):
        rng = streams.stream(cfg.seed, streams.UNRELATED, i)
        topic = UNRELATED[int(rng.choice(len(UNRELATED), p=weights / weights.sum()))][0]
        p = int(rng.integers(world.n_people))
        when = world.t0 + int(rng.integers(0, cfg.days * US_PER_DAY))
        genuine = topic.startswith("genuine")
        loss = 0 if genuine else int(rng.choice([500, 800, 1000, 3000, 5000, 12000, 30000, 80000])) * 100
        when_text, when_value = _when(rng, when, police=False)
        city = int(world.city[p])
        courier = int(rng.integers(len(cat.COURIERS)))
        platform = cat.PLATFORMS[int(rng.integers(len(cat.PLATFORMS)))][0]
        if topic == "genuine_courier":
            hotline = world.outlet_phone(int(world.outlet_of[city, courier]))
        else:
            hotline = PLATFORM_HOTLINES[platform] if rng.random() < 0.7 else ALIPAY
        slots: dict[str, object] = {
            "name": world.person_name(p),
            "when": when_text,
            "platform": platform,
            "amount": _yuan(loss),
            "caller": _phone_text(rng, f"1{int(rng.choice([3, 5, 8, 9]))}{int(rng.integers(10**8, 10**9))}"),
            "qq": _qq_text(rng, str(int(rng.integers(10**8, 4 * 10**9)))),
            "wx": _as_written(rng, f"wxid_{_code(rng, 10)}"),
            "card": _card_text(rng, _random_card(rng)),
            "url": _url_text(
                rng, f"{_code(rng, 6)}.{cat.DOMAIN_TLDS[int(rng.integers(len(cat.DOMAIN_TLDS)))]}"
            ),
            "hotline": _phone_text(rng, hotline),
        }
        texts = TextBank(rng)
        body = render_spans(texts.pick(t.unrelated[topic]), slots)
        body = texts.vary_kept(body, typo=0.1)
        draft = Draft(
            p, when + int(rng.uniform(0.5, 72) * HOUR), "victim", body.text, _yuan(loss), "unrelated", topic
        )
        draft.loss_fen = loss
        draft.mentions = _mentions(body, {when_text: when_value})
        out.append(draft)
    return out


# -- a report of a campaign ------------------------------------------------------------------------------------


def _scam_report(
    world: World,
    camp: Campaign,
    order: dict[str, Any],
    rng: np.random.Generator,
    police: bool,
    time: int,
    *,
    repeat: bool,
) -> Draft:
    t = _reports()
    texts = TextBank(rng)
    k = "police" if police else "victim"
    keep = 0.6 if repeat else 1.0  # a second report notes down less
    p = camp.person
    first = camp.events[0]
    contact = {"call": "call", "sms": "sms"}.get(first.kind, "wechat")
    caller = first.counterparty if contact != "wechat" else None
    when_text, when_value = _when(rng, camp.first_contact, police=police)
    slots: dict[str, object] = {
        "name": world.person_name(p),
        "age": int(world.age[p]),
        "gender": "女" if world.female[p] else "男",
        "when": when_text,
        "contact": t.contact[contact],
        "platform": order["platform"],
        "courier": order["courier"],
        "item": order["item"],
        "mult": 2 + int(rng.integers(2)),
        "app": _apps(camp.apps),
        "lender": camp.lender,
        "loan": camp.loan_total // 100,
        "test": f"{camp.test_amount / 100:g}",
        "n": camp.n_loss,
        "amount": _yuan(camp.amount_lost),
        "bank": camp.bank or cat.BANKS[int(rng.integers(len(cat.BANKS)))][0],
        "pay_app": "支付宝",
        "bank_app": "手机银行",
    }
    slots["who"] = _WHO[camp.variant].format(**slots)
    with_caller = caller is not None and rng.random() < 0.7 * keep
    if with_caller:
        assert caller is not None
        slots["caller"] = _phone_text(rng, caller)
    opens = t.open_police if police else t.open_victim
    choices = [o for o in opens if with_caller or "{caller}" not in o]
    parts: list[Spanned | str] = []
    if repeat:
        parts.append(render_spans(texts.pick(t.repeat_police if police else t.repeat_victim), slots))
    opening = texts.pick(choices)
    parts.append(render_spans(opening, slots))
    pretext = t.pretext[camp.variant]
    parts.append(render_spans(pretext.police if police else pretext.victim, slots))
    moves = {e.move for e in camp.events}
    steps = t.steps
    if camp.apps:
        parts.append(render_spans(getattr(steps["app"], k), slots))
    if "screen_share" in moves:
        parts.append(render_spans(getattr(steps["meeting"], k), slots))
    if camp.test_amount:
        parts.append(render_spans(getattr(steps["test"], k), slots))
    if camp.loan_total and camp.amount_lost:
        parts.append(render_spans(getattr(steps["loan"], k), slots))
    if camp.amount_lost:
        parts.append(render_spans(texts.pick(t.loss_police if police else t.loss), slots))
    else:
        parts.append(texts.pick(t.stopped))
    # the identifiers noted down, one sentence each
    ids: list[tuple[str, dict[str, object]]] = []
    if caller is not None and not with_caller and rng.random() < 0.15 * keep:
        ids.append(("caller_tail", {"caller_tail": _digits_text(rng, caller[-4:])}))
    elif with_caller and "{caller}" not in opening:
        ids.append(("caller", slots))
    for e in camp.events:
        if e.move == "exec.bank_call" and e.counterparty and rng.random() < 0.6 * keep:
            ids.append(("bank_caller", {"bank_caller": _phone_text(rng, e.counterparty)}))
        elif e.move == "add_contact" and e.counterparty and rng.random() < 0.7 * keep:
            if e.channel == "qq":
                ids.append(("qq", {"qq": _qq_text(rng, e.counterparty)}))
            else:
                ids.append(("wx", {"wx": _as_written(rng, e.counterparty)}))
        elif e.move == "screen_share" and e.counterparty and rng.random() < 0.5 * keep:
            ids.append(("room", {"room": _room_text(rng, e.counterparty)}))
        elif e.move == "install_app" and e.attrs and "url" in e.attrs and rng.random() < 0.6 * keep:
            ids.append(("url", {"url": _url_text(rng, str(e.attrs["url"]).removeprefix("http://"))}))
    payees: list[int] = []
    for x in camp.txs:
        if x.role == LOSS and x.dst not in payees:
            payees.append(x.dst)
    for acc in payees[:2]:
        number = world.card_number(acc)
        if number is None:
            continue
        u = rng.random()
        bank = world.bank_name(acc)
        if u < 0.45 * keep:
            ids.append(("card", {"card": _card_text(rng, number), "bank": bank}))
        elif u < 0.75 * keep:
            ids.append(("card_tail", {"card_tail": _digits_text(rng, number[-4:]), "bank": bank}))
    gang = world.gangs[camp.gang]
    if any(x.role == TEST for x in camp.txs) and rng.random() < 0.5 * keep:
        ids.append(("pay", {"pay": _as_written(rng, gang.pay_handle)}))
    if rng.random() < 0.25 * keep:
        ids.append(("shop", {"shop": order["shop"], "platform": order["platform"]}))
    if rng.random() < 0.15 * keep:
        ids.append(("order", {"order": order["order_id"]}))
    elif rng.random() < 0.15 * keep:
        ids.append(("tracking", {"tracking": order["tracking_no"]}))
    if rng.random() < world.config.report_hotline_share:
        ids.append(("hotline", {"hotline": _phone_text(rng, _hotline(world, order, p, rng))}))
    if rng.random() < (0.5 if police else 0.1):
        ids.append(("own_phone", {"own_phone": _phone_text(rng, str(int(world.phone[p])))}))
    for name, values in ids:
        parts.append(render_spans(texts.pick(getattr(t.ids[name], k)), values))
    body = texts.vary_kept(join_spans(parts), typo=0.1)
    draft = Draft(
        p,
        time,
        "police" if police else "victim",
        body.text,
        _yuan(camp.amount_lost),
        "first",
        "ecommerce_cs",
        camp.gang,
    )
    draft.loss_fen = camp.amount_lost
    draft.mentions = _mentions(body, {when_text: when_value})
    return draft


# -- what is written, and its truth ------------------------------------------------------------------------------


@functools.cache
def _reports() -> ReportsFile:
    return load_templates().reports


def _mentions(body: Spanned, times: dict[str, str]) -> list[tuple[str, str, str, int, int]]:
    """(kind, value, text, start, end) of everything the report mentions: the placeholders that hold an
    identifier, an amount, a time (its value in `times`) or an app (`SLOT_KIND`), and the apps and platforms
    named in the words."""
    text = body.text
    out: list[tuple[str, str, str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for name, a, b in body.spans:
        kind = SLOT_KIND.get(name)
        if kind is None or a == b:
            continue
        written = text[a:b]
        value = times.get(written) if kind == "time" else _truth_value(kind, written)
        if value is None:
            continue
        out.append((kind, value, written, a, b))
        taken.append((a, b))
    for kind, value, a, b in _named(text):
        if not any(a < te and ts < b for ts, te in taken if (ts, te) != (a, b)):
            if not any(k == kind and (s, e) == (a, b) for k, _, _, s, e in out):
                out.append((kind, value, text[a:b], a, b))
    out.sort(key=lambda m: (m[3], m[4], m[0]))
    return out


_HALF = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def _truth_value(kind: str, written: str) -> str | None:
    """The normalised value of what a placeholder holds, as the generator knows it."""
    flat = written.translate(_HALF)
    if kind in ("phone", "qq", "meeting_id", "bank_card", "partial_number"):
        digits = "".join(c for c in flat if c.isdigit())
        if kind == "phone" and flat.startswith("+86"):
            digits = digits[2:]
        return digits
    if kind == "payment_account":
        s = flat.lower().replace(" ", "").replace("-", "")
        return s
    if kind == "url":
        host = flat.lower().split("://", 1)[-1].split("/", 1)[0]
        return host.removeprefix("www.")
    if kind == "amount":
        digits = flat.replace(",", "")
        try:
            return str(round(float(digits) * 100))
        except ValueError:
            return None
    if kind in ("wechat_id",):
        return flat.lower()
    if kind == "order_number":
        return flat.upper()
    return flat  # an app the lexicon does not know, a merchant: as written


@functools.cache
def _terms() -> list[tuple[str, str | None, str]]:
    """(written form, kind or None for a blocking word, canonical name) of every app, platform and courier of the
    lexicon, with the evasive spellings of their names, longest first."""
    lex = default_kb().kb.lexicon
    spellings = default_kb().kb.spellings
    out: list[tuple[str, str | None, str]] = []
    for kind, group in (("app", lex.apps), ("platform", lex.platforms), ("courier", lex.couriers)):
        for item in group:
            for alias in (item.name, *item.aliases):
                out.append((alias.lower(), kind if kind != "courier" else None, item.name))
                for variant in spellings.get(alias.lower(), []):
                    out.append((variant.lower(), kind if kind != "courier" else None, item.name))
    for phrase in lex.ignore:
        out.append((phrase.lower(), None, phrase))
    out.sort(key=lambda x: -len(x[0]))
    return out


def _named(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, canonical name, start, end) of the apps and platforms named in `text` (longest first, a Latin name
    not touching another letter)."""
    low = text.lower()
    taken = np.zeros(len(text), dtype=np.bool_)
    out: list[tuple[str, str, int, int]] = []
    for written, kind, name in _terms():
        start = 0
        while (i := low.find(written, start)) >= 0:
            start = i + 1
            j = i + len(written)
            if taken[i:j].any():
                continue
            if written.isascii() and (
                (i > 0 and low[i - 1].isascii() and low[i - 1].isalpha())
                or (j < len(low) and low[j].isascii() and low[j].isalpha())
            ):
                continue
            taken[i:j] = True
            if kind is not None:
                out.append((kind, name, i, j))
    return out


def _apps(apps: list[str]) -> Spanned:
    """The apps a victim installed, joined with 、, each an {app_name} span (an app the lexicon does not know is
    named by the words around it: 下载了退税助手)."""
    parts: list[Spanned | str] = []
    for i, app in enumerate(apps):
        if i:
            parts.append("、")
        parts.append(Spanned(app, (("app_name", 0, len(app)),) if not _named(app) else ()))
    return join_spans(parts)


def _when(rng: np.random.Generator, t_us: int, *, police: bool) -> tuple[str, str]:
    """The date and hour as a victim or an officer writes them, and its ISO value (``--03-04T15``)."""
    d = datetime_of(t_us, TZ)
    m, day, h = d.month, d.day, d.hour
    u = rng.random()
    if police:
        if u < 0.6:
            text, value = f"{m}月{day}日{h}时许", f"--{m:02d}-{day:02d}T{h:02d}"
        elif u < 0.85:
            text = f"{d.year}年{m}月{day}日{h}时{d.minute}分"
            value = f"{d.year:04d}-{m:02d}-{day:02d}T{h:02d}:{d.minute:02d}"
        else:
            text, value = f"{m}月{day}日", f"--{m:02d}-{day:02d}"
    elif u < 0.4:
        text, value = f"{m}月{day}日{h}点左右", f"--{m:02d}-{day:02d}T{h:02d}"
    elif u < 0.6 and h >= 13:
        period = "下午" if h < 18 else "晚上"
        text, value = f"{m}月{day}日{period}{h - 12}点多", f"--{m:02d}-{day:02d}T{h:02d}"
    elif u < 0.75:
        text, value = f"{m}月{day}号{h}点", f"--{m:02d}-{day:02d}T{h:02d}"
    else:
        text, value = f"{m}月{day}日", f"--{m:02d}-{day:02d}"
    return text, value


def _yuan(fen: int) -> str:
    return fen_to_yuan(fen).rstrip("0").rstrip(".") if fen else "0"


# -- identifiers written as people write them -------------------------------------------------------------------

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _phone_text(rng: np.random.Generator, number: str) -> str:
    u = rng.random()
    if len(number) == 11 and number.startswith("1"):
        if u < 0.55:
            return number
        if u < 0.7:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        if u < 0.8:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if u < 0.95:
            return number.translate(_FULL)
        return "+86 " + number
    if number.startswith("400") and len(number) == 10 and u < 0.4:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    if number.startswith("0") and u < 0.6:
        area = 3 if number[1] in "12" else 4
        return f"{number[:area]}-{number[area:]}"
    return number


def _qq_text(rng: np.random.Generator, qq: str) -> str:
    u = rng.random()
    if u < 0.6:
        return qq
    if u < 0.85:
        cut = int(rng.integers(3, len(qq) - 2))
        return f"{qq[:cut]} {qq[cut:]}"
    return qq.translate(_FULL)


def _room_text(rng: np.random.Generator, room: str) -> str:
    return _number_text(rng, room, 3, plain=0.5, grouped=0.4)


def _card_text(rng: np.random.Generator, number: str) -> str:
    return _number_text(rng, number, 4, plain=0.35, grouped=0.45, dashed=0.1)


def _number_text(
    rng: np.random.Generator, number: str, size: int, *, plain: float, grouped: float, dashed: float = 0.0
) -> str:
    """A long number as written: whole, in groups of `size` separated by spaces (or dashes), or in full-width
    digits (the rest)."""
    u = rng.random()
    if u < plain:
        return number
    if u < plain + grouped + dashed:
        sep = " " if u < plain + grouped else "-"
        return sep.join(number[i : i + size] for i in range(0, len(number), size))
    return number.translate(_FULL)


def _digits_text(rng: np.random.Generator, digits: str) -> str:
    return digits.translate(_FULL) if rng.random() < 0.1 else digits


def _as_written(rng: np.random.Generator, value: str) -> str:
    return value.upper() if rng.random() < 0.15 else value


def _url_text(rng: np.random.Generator, host_path: str) -> str:
    u = rng.random()
    if "/" not in host_path:
        host_path += "/" + _code(rng, 5)
    if u < 0.5:
        return "http://" + host_path
    if u < 0.7:
        return "https://" + host_path
    return host_path


def _code(rng: np.random.Generator, k: int) -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(alphabet[int(i)] for i in rng.integers(len(alphabet), size=k))


def _random_card(rng: np.random.Generator) -> str:
    """A card number of no account in the world (another fraud's mule card)."""
    body = cat.BANK_BINS[int(rng.integers(len(cat.BANK_BINS)))] + f"{int(rng.integers(10**11, 10**12)):012d}"
    return body + _luhn_digit(body)


def _hotline(world: World, order: dict[str, Any], person: int, rng: np.random.Generator) -> str:
    """The real number a victim called to check: the courier outlet (for a parcel), the platform, 支付宝,
    the anti-fraud line or their bank."""
    u = rng.random()
    if order["leak_kind"] == "courier_outlet" and u < 0.5:
        return world.outlet_phone(int(order["outlet"]))
    if u < 0.6:
        return PLATFORM_HOTLINES.get(order["platform"], ALIPAY)
    if u < 0.75:
        return ALIPAY
    if u < 0.9:
        return ANTI_FRAUD
    if u < 0.95:
        return COURIER_HOTLINES[int(rng.integers(len(COURIER_HOTLINES)))]
    return BANK_HOTLINES[int(world.card_bank[person]) % len(BANK_HOTLINES)]
