"""The engine on hand-made timelines: a victim is alerted before the money leaves, benign look-alikes raise
nothing, one alert per person escalates, late / out-of-order / duplicate events, TTL with a fake clock."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnConfig, WarnEngine
from fanzha.warn.state import PersonState
from fanzha.warn.textscore import DetectorScorer

from .conftest import T0, FakeClock, Timeline, lookalike, victim


def _first_alert_time(revs: list[dict[str, object]]) -> str | None:
    return min((str(r["time"]) for r in revs), default=None)


def test_victim_is_alerted_before_the_transfer_and_escalates(engine: WarnEngine) -> None:
    tl = victim()
    transfer = next(e for e in tl.events if e.kind == "transfer")
    revs = []
    for ev in tl.events:
        revs += engine.process([ev])
    assert revs, "the victim raised no alert"
    ids = {r["alert_id"] for r in revs}
    assert len(ids) == 1, "one open alert per person"
    opened = revs[0]
    assert opened["revision"] == 1 and opened["status"] == "open"
    first_t = engine.state_of("P_VICTIM").alert.opened  # type: ignore[union-attr]
    assert first_t < transfer.t
    # escalates: each revision raises the level or the stage, never a flood
    levels = [r["level"] for r in revs]
    assert levels[-1] == "high"
    assert len(revs) <= 6
    order = {"low": 0, "medium": 1, "high": 2}
    assert all(order[b] >= order[a] for a, b in zip(levels, levels[1:], strict=False))
    last = revs[-1]
    assert last["variant"] == "quality_refund"
    assert last["stage"] == 3
    assert last["recommended_action"]["code"] == "call_now_and_visit"
    assert last["recommended_action"]["call_script"]
    # the high level is reached before the transfer
    high = next(r for r in revs if r["level"] == "high")
    assert high["updated_at"] < transfer_time_iso(transfer.t)


def transfer_time_iso(t: int) -> str:
    from zoneinfo import ZoneInfo

    from fanzha.records.units import datetime_of

    return datetime_of(t, ZoneInfo("Asia/Shanghai")).isoformat(timespec="microseconds")


def test_alert_fields(engine: WarnEngine) -> None:
    revs = engine.process(victim().events)
    a = revs[-1]
    for key in (
        "alert_id",
        "person_id",
        "time",
        "risk",
        "level",
        "stage",
        "variant",
        "amount_at_stake",
        "rule_ids",
        "evidence",
        "recommended_action",
    ):
        assert key in a
    # the loan made the money at stake a revision; the transfer of the same sum adds no new one
    assert a["amount_at_stake"] == 200000.0
    assert a["amount_borrowed"] == 200000.0
    assert "money.credit_after_contact" in a["rule_ids"]
    st = engine.state_of("P_VICTIM")
    assert st is not None and "money.kill_chain" in st.matched  # no new revision: already high, stage 3
    ev = a["evidence"]
    assert ev[0]["event_id"] == "P_VICTIM-0001"
    assert all({"event_id", "time", "kind", "summary"} <= set(e) for e in ev)
    assert "淘宝客服" in ev[0]["summary"]
    # whom each event was with, for a case file to key (an install has nobody on the other side)
    assert (ev[0]["channel"], ev[0]["counterparty"]) == ("phone", "4008123456")
    assert all("counterparty" not in e for e in ev if e["kind"] == "app_install")
    assert {(e.get("channel"), e.get("counterparty")) for e in ev if e["kind"] == "chat_message"} == {
        ("qq", "28374655")
    }
    assert [e["time"] for e in ev] == sorted(e["time"] for e in ev)


def test_english_alerts(rules: CompiledRules, scorer: DetectorScorer) -> None:
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(lang="en"))
    a = engine.process(victim().events)[-1]
    assert a["lang"] == "en"
    assert a["recommended_action"]["text"].startswith("Call now")
    assert a["recommended_action"]["call_script"][0].startswith("Hello")
    assert "Suspected" in a["summary"]


def test_benign_lookalikes_raise_nothing(engine: WarnEngine) -> None:
    revs = engine.process(lookalike().events)
    assert revs == []
    st = engine.state_of("P_ORDINARY")
    assert st is None or not st.matched


def test_many_benign_days_raise_nothing(engine: WarnEngine) -> None:
    events = []
    for day in range(10):
        events += lookalike(f"P_ORD{day % 3}", T0 + timedelta(days=day), ids=f"D{day}").events
    events.sort(key=lambda e: e.t)
    assert engine.process(events) == []


def test_alert_ids_are_deterministic(rules: CompiledRules, scorer: DetectorScorer) -> None:
    a = WarnEngine(rules, scorer=scorer).process(victim().events)
    b = WarnEngine(rules, scorer=scorer).process(victim().events)
    assert [r["alert_id"] for r in a] == [r["alert_id"] for r in b]
    assert a == b


def test_duplicates_change_nothing(rules: CompiledRules, scorer: DetectorScorer) -> None:
    events = victim().events
    cfg = WarnConfig(lateness=timedelta(days=1))
    once = WarnEngine(rules, scorer=scorer, config=cfg).process(events)
    engine = WarnEngine(rules, scorer=scorer, config=cfg)
    twice = engine.process(events + events[::-1])
    assert twice == once
    assert engine.counters.duplicates == len(events)
    assert engine.counters.rejected == len(events)
    # duplicates sent again in a later batch are recognised too
    assert engine.process(events) == []
    assert engine.counters.duplicates == 2 * len(events)


def test_late_events_beyond_the_bound_are_kept_aside(rules: CompiledRules, scorer: DetectorScorer) -> None:
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(lateness=timedelta(minutes=10)))
    tl = victim()
    late = tl.events[0]
    engine.process(tl.events[1:])  # in order: nothing late
    assert engine.counters.late == 0
    engine.process([late])  # 0 min while the watermark is at 45 min: late by 45 min > 10 min
    assert engine.counters.late == 1 and engine.counters.rejected == 1
    assert engine.store is None
    st = engine.state_of("P_VICTIM")
    assert st is not None and not st.has_event(late.event_id)


def test_a_kind_with_a_bound_of_its_own(rules: CompiledRules, scorer: DetectorScorer) -> None:
    """--lateness-for call=60m: a call record 45 min late is applied, a transfer as late is kept aside."""
    cfg = WarnConfig(lateness=timedelta(minutes=10), lateness_by_kind={"call": timedelta(minutes=60)})
    engine = WarnEngine(rules, scorer=scorer, config=cfg)
    tl = victim()
    call = tl.events[0]
    transfer = next(e for e in tl.events if e.kind == "transfer")
    engine.process([e for e in tl.events if e is not call and e is not transfer])  # watermark at 45 min
    engine.process([call, transfer])  # both 45 / 8 min behind: the call within its 60, the transfer within 10
    assert engine.counters.late == 0
    st_ = engine.state_of("P_VICTIM")
    assert st_ is not None and st_.has_event(call.event_id)
    late = tl.at(-20, "transfer", direction="out", channel="bank_transfer", counterparty="A1", amount=10)
    engine.process([late])  # 65 min behind: beyond 10 min for a transfer
    assert engine.counters.late == 1
    assert engine.settings()["lateness_by_kind"] == {"call": "1:00:00"}


def test_lateness_for_an_unknown_kind_is_refused() -> None:
    import pytest

    from fanzha.errors import InputError

    with pytest.raises(InputError, match="E741"):
        WarnConfig(lateness_by_kind={"phonecall": timedelta(minutes=60)})


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_out_of_order_within_the_bound_gives_the_same_rules(
    rules: CompiledRules, scorer: DetectorScorer, seed: int
) -> None:
    """Shuffled within the lateness bound, a timeline keeps the same entries, matches the same sequences and
    raises the alerts (their ids and times may differ: they say what the engine knew when)."""
    events = victim().events + lookalike(start=T0 + timedelta(hours=1)).events
    rng = random.Random(seed)
    shuffled = events[:]
    rng.shuffle(shuffled)
    cfg = WarnConfig(lateness=timedelta(days=1))
    ordered = WarnEngine(rules, scorer=scorer, config=cfg)
    ordered.process(sorted(events, key=lambda e: e.t))
    mixed = WarnEngine(rules, scorer=scorer, config=cfg)
    for k in range(0, len(shuffled), 3):
        mixed.process(shuffled[k : k + 3])
    for p in ("P_VICTIM", "P_ORDINARY"):
        a, b = ordered.state_of(p), mixed.state_of(p)
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert set(a.matched) == set(b.matched)
            assert [e[4] for e in a.entries] == [e[4] for e in b.entries]
            # an alert raised in order is raised out of order too, at least as high (out of order, the engine may
            # raise one before a late event retracts the match that made it: revisions are never taken back)
            if a.alert is not None:
                assert b.alert is not None
                assert order[b.alert.level] >= order[a.alert.level]
                assert b.alert.stage >= a.alert.stage


order = {"low": 0, "medium": 1, "high": 2}


def test_state_round_trips_through_json(engine: WarnEngine, rules: CompiledRules) -> None:
    engine.process(victim().events)
    st = engine.state_of("P_VICTIM")
    assert st is not None
    back = PersonState.from_json(st.to_json(rules), rules)
    assert back == st


def test_state_expires_after_ttl_by_event_time(rules: CompiledRules, scorer: DetectorScorer) -> None:
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(ttl=timedelta(hours=2)))
    revs = engine.process(victim().events)
    assert engine.state_of("P_VICTIM") is not None
    other = Timeline("P_OTHER", T0 + timedelta(hours=3))
    other.at(0, "transfer", direction="out", channel="bank_transfer", counterparty="A1", amount=10)
    closing = engine.process(other.events)
    assert engine.state_of("P_VICTIM") is None
    assert [r["status"] for r in closing] == ["closed"]
    assert closing[0]["alert_id"] == revs[0]["alert_id"]
    assert engine.counters.states_expired >= 1


def test_state_expires_by_the_injected_clock(rules: CompiledRules, scorer: DetectorScorer) -> None:
    clock = FakeClock(T0)
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(ttl=timedelta(hours=1)), clock=clock)
    engine.process(victim().events)
    clock.advance(timedelta(minutes=90))
    assert engine.tick() == []  # last signal at 45 min + 1 h TTL > 90 min
    assert engine.state_of("P_VICTIM") is not None
    clock.advance(timedelta(minutes=20))
    closed = engine.tick()
    assert [r["status"] for r in closed] == ["closed"]
    assert engine.state_of("P_VICTIM") is None


def test_a_new_scam_after_expiry_is_a_new_alert(rules: CompiledRules, scorer: DetectorScorer) -> None:
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(ttl=timedelta(hours=2)))
    first = engine.process(victim().events)
    second = engine.process(victim(start=T0 + timedelta(days=3), ids="AGAIN").events)
    ids = {r["alert_id"] for r in second if r["status"] == "open"}
    assert ids and first[0]["alert_id"] not in ids


def test_unknown_kinds_are_accepted_and_counted(engine: WarnEngine) -> None:
    tl = Timeline("P_X")
    tl.at(0, "login", channel="app")
    assert engine.process(tl.events) == []
    assert engine.counters.unknown_kind == 1
    assert engine.counters.accepted == 1


def test_bad_mappings_are_kept_aside(engine: WarnEngine) -> None:
    revs = engine.process(
        [
            {"event_id": "e1", "person_id": "p", "time": "2024-03-01T10:00:00", "kind": "call"},
            {
                "event_id": "e2",
                "person_id": "p",
                "time": "2024-03-01T10:00:00+08:00",
                "kind": "transfer",
                "amount": "1.234",
            },
            {"event_id": "e3", "time": "2024-03-01T10:00:00+08:00", "kind": "call"},
            {
                "event_id": "e4",
                "person_id": "p",
                "time": "2024-03-01T10:00:00+08:00",
                "kind": "call",
                "text": "你好",
            },
        ]
    )
    assert revs == []
    c = engine.counters
    assert c.rejected == 3 and c.accepted == 1
    codes = [r.code for r in engine._batch.rejects] if engine._batch.rejects else None
    assert codes is None  # committed already


def test_the_alert_stage_is_the_furthest_stage_the_evidence_shows(engine: WarnEngine) -> None:
    """Installing a meeting app after the call is stage 2 (the move to another channel, as the seeds define it);
    sharing the screen is stage 3, and raises a revision even when no new sequence completes."""
    from .conftest import SCAM_CALL

    tl = Timeline("P_STAGE")
    tl.at(0, "call", direction="in", channel="phone", counterparty="4008123456", text=SCAM_CALL)
    tl.at(6, "app_install", app="小鱼易连", attrs={"source": "应用商店"})
    share = tl.at(
        9,
        "screen_share_start",
        app="小鱼易连",
        counterparty="883920",
        attrs={"room": "883920", "remote_control": False},
    )
    revs = engine.process(tl.events[:2])
    assert revs and revs[-1]["stage"] == 2
    revs = engine.process([share])
    assert revs and revs[-1]["stage"] == 3 and revs[-1]["stage_name"] == "实施诈骗"
