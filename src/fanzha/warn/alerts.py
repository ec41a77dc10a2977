"""Alerts as people read them: risk, level, stage, variant, money at stake, the evidence timeline, the action
recommended for the level and the call script for the variant — in Simplified Chinese by default, or English.

An alert revision renders to one JSON object (one line of ALERTS.jsonl)::

    alert_id, revision, status, person_id, time, updated_at, risk, level, stage, variant, amount_at_stake,
    amount_sent, amount_borrowed, rule_ids, evidence[{event_id, time, kind, summary, signals}],
    recommended_action{level, code, text, call_script, objections}, summary, lang
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fanzha.kb.sequences import Playbook
from fanzha.records.units import datetime_of
from fanzha.warn.compiled import EID, FEN, INFO, KIND, MASK, CompiledRules, Entry, T
from fanzha.warn.state import PersonState, Revision, evidence_entries, money

SNIPPET = 48


def _iso(t: int, tz: ZoneInfo, spec: str = "seconds") -> str:
    return datetime_of(t, tz).isoformat(timespec=spec)


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def variant_of(st: PersonState, rules: CompiledRules, priority: list[str]) -> str:
    """The variant: the pretexts of the first message that has any (the opening names the scam); when it has
    several ("quality problem, but your credit score is too low"), the most specific by the playbook's
    `variant_priority`. Else the first structural hint (备用金 opened → reserve_fund), else other."""
    rank = {v: i for i, v in enumerate(priority)}
    for e in st.entries:
        vs = e[INFO].get("vs")
        if vs:
            return str(min(vs, key=lambda v: (rank.get(v, len(rank)), v)))
    for e in st.entries:
        for bit, variant in rules.variant_hints:
            if e[MASK] & bit and variant:
                return variant
    return "other"


def summarize_entry(e: Entry, rules: CompiledRules, pb: Playbook, lang: str) -> str:
    """One line about one event: what happened, with whom, how much, what it said, what it means."""
    info = e[INFO]
    kind = pb.kinds.get(e[KIND])
    parts = [kind.get(lang) if kind else e[KIND]]
    who = info.get("cp")
    app = info.get("app")
    if app:
        parts.append(f"[{app}]")
    if who:
        parts.append(f"({who})")
    if e[FEN]:
        unit = " yuan" if lang == "en" else "元"
        parts.append(f"{e[FEN] / 100:,.2f}{unit}")
    head = " ".join(parts)
    text = info.get("x")
    if text:
        head += f": “{text}”" if lang == "en" else f"：“{text}”"
    meanings = [s.meaning.get(lang) for s in rules.signals if e[MASK] & rules.bit[s.id]]
    if meanings:
        sep = "; " if lang == "en" else "；"
        head += (" — " if lang == "en" else " —— ") + sep.join(meanings)
    return head


def render(
    rev: Revision, st: PersonState, rules: CompiledRules, pb: Playbook, lang: str, tz: ZoneInfo
) -> dict[str, Any]:
    """The JSON object of one alert revision."""
    a = st.alert
    assert a is not None
    level = next(lv for lv in pb.levels if lv.id == a.level)
    variant = variant_of(st, rules, pb.variant_priority)
    ev = evidence_entries(st)
    at_stake, sent, borrowed = money(st, rules, ev)
    order = sorted(st.matched, key=lambda r: (st.matched[r][0], r))
    stage_name = pb.stages[a.stage].get(lang) if a.stage in pb.stages else ""
    names = rules.rules.variant_names
    vname = names[variant].get(lang) if variant in names else variant
    phrases = pb.phrases
    tmpl = phrases["summary"].get(lang) if "summary" in phrases else "{variant} · {stage} · {reasons}"
    reasons = ("; " if lang == "en" else "；").join(rules.source[r].meaning.get(lang) for r in order)
    summary = tmpl.format(variant=vname, stage=stage_name, level=level.name.get(lang), reasons=reasons)
    if rev.status == "closed" and "closed" in phrases:
        summary = f"{phrases['closed'].get(lang)} {summary}"
    return {
        "alert_id": a.alert_id,
        "revision": rev.revision,
        "status": rev.status,
        "person_id": st.person_id,
        "time": _iso(a.opened, tz, "microseconds"),  # exact: "before the loss" is decided on it
        "updated_at": _iso(rev.updated, tz, "microseconds"),
        "risk": round(a.risk, 4),
        "level": a.level,
        "stage": a.stage,
        "stage_name": stage_name,
        "variant": variant,
        "variant_name": vname,
        "amount_at_stake": _yuan(at_stake),
        "amount_sent": _yuan(sent),
        "amount_borrowed": _yuan(borrowed),
        "rule_ids": order,
        "evidence": [
            {
                "event_id": e[EID],
                "time": _iso(e[T], tz),
                "kind": e[KIND],
                "summary": summarize_entry(e, rules, pb, lang),
                "signals": rules.names(e[MASK]),
                # whom the event was with, as the source gave it: what a case file keys (串并案)
                **({"channel": e[INFO].get("ch"), "counterparty": e[INFO]["cp"]} if "cp" in e[INFO] else {}),
            }
            for e in ev
        ],
        "recommended_action": pb.action(a.level, variant, order, lang),
        "summary": summary,
        "lang": lang,
    }
