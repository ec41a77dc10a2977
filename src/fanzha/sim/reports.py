"""Victims' reports: a narrative as a victim or a police officer would write it, from the campaign's truth."""

from __future__ import annotations

from typing import Any

import numpy as np

from fanzha.records.units import TZ, US_PER_SECOND, datetime_of
from fanzha.sim import catalog as cat
from fanzha.sim.scam import Campaign
from fanzha.sim.texts import (
    REPORT_LOSS,
    REPORT_LOSS_POLICE,
    REPORT_OPEN_POLICE,
    REPORT_OPEN_VICTIM,
    REPORT_PRETEXT,
    REPORT_STEPS,
    REPORT_STOPPED,
    TextBank,
)
from fanzha.sim.world import World

_WHO = {
    "quality_refund": "{platform}客服",
    "lost_parcel": "{courier}快递客服",
    "membership_cancel": "{platform}客服",
    "credit_repair": "{platform}客服",
    "reserve_fund": "{platform}售后",
    "tax_refund": "{platform}退税专员",
}


def report(
    world: World, camp: Campaign, order: dict[str, Any], rng: np.random.Generator, number: int
) -> dict[str, Any]:
    """One report (a JSON object of reports.jsonl) for a campaign."""
    texts = TextBank(rng)
    police = rng.random() < 0.4
    p = camp.person
    t0 = datetime_of(camp.first_contact, TZ)
    slots: dict[str, Any] = {
        "name": world.person_name(p),
        "age": int(world.age[p]),
        "gender": "女" if world.female[p] else "男",
        "date": f"{t0.month}月{t0.day}日",
        "hour": t0.hour,
        "phone": next((e.counterparty for e in camp.events if e.kind in ("call", "sms")), "陌生号码"),
        "platform": order["platform"],
        "courier": order["courier"],
        "item": order["item"],
        "mult": 2 + int(rng.integers(2)),
        "app": "、".join(camp.apps) if camp.apps else "一个软件",
        "lender": camp.lender,
        "loan": camp.loan_total // 100,
        "test": f"{camp.test_amount / 100:g}",
        "n": camp.n_loss,
        "amount": f"{camp.amount_lost / 100:.2f}".rstrip("0").rstrip("."),
        "bank": cat.BANKS[int(rng.integers(len(cat.BANKS)))][0],
    }
    slots["who"] = _WHO[camp.variant].format(**slots)
    k = 1 if police else 0
    parts = [texts.pick(REPORT_OPEN_POLICE if police else REPORT_OPEN_VICTIM).format(**slots)]
    parts.append(REPORT_PRETEXT[camp.variant][k].format(**slots))
    moves = {e.move for e in camp.events}
    if camp.apps:
        parts.append(REPORT_STEPS["app"][k].format(**slots))
    if "screen_share" in moves:
        parts.append(REPORT_STEPS["meeting"][k].format(**slots))
    if camp.test_amount:
        parts.append(REPORT_STEPS["test"][k].format(**slots))
    if camp.loan_total and camp.amount_lost:
        parts.append(REPORT_STEPS["loan"][k].format(**slots))
    if camp.amount_lost:
        parts.append(texts.pick(REPORT_LOSS_POLICE if police else REPORT_LOSS).format(**slots))
    else:
        parts.append(texts.pick(REPORT_STOPPED))
    text = texts.vary("".join(parts), evasion=0.0, typo=0.1)
    t = camp.end_time + int(rng.integers(1800, 72 * 3600)) * US_PER_SECOND
    return {
        "report_id": f"R{number:08d}",
        "person_id": f"P{p:08d}",
        "time": datetime_of(t, TZ).isoformat(),
        "reporter": "police" if police else "victim",
        "text": text,
        "amount_claimed": slots["amount"] if camp.amount_lost else "0",
    }
