"""The operators' real-time warning of a call from a listed fraud number (bank_telco, issue 19): a medium alert
as the call starts; a call without content from any other number raises nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from fanzha.records.units import us_of
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnEngine
from fanzha.warn.textscore import DetectorScorer

from .conftest import T0, Timeline

GANG = "16530211655"
FLAG = {"telco_flag": "fraud_number"}


def test_a_call_from_a_listed_number_raises_a_medium_alert_as_it_starts(
    rules: CompiledRules, scorer: DetectorScorer
) -> None:
    victim = Timeline("P_V", T0)
    victim.at(0, "call", direction="in", channel="phone", counterparty=GANG, attrs=FLAG)
    victim.at(25, "payee_added", channel="bank_app", counterparty="A0000007777")
    victim.at(
        27, "transfer", direction="out", channel="bank_transfer", counterparty="A0000007777", amount=20000
    )
    courier = Timeline(
        "P_C", T0
    )  # a courier's call, a landlord's payee: what bank_telco sees of ordinary life
    courier.at(
        0, "call", direction="in", channel="phone", counterparty="13912345678", attrs={"duration_s": 40}
    )
    courier.at(25, "payee_added", channel="bank_app", counterparty="A0000002468")
    courier.at(
        27, "transfer", direction="out", channel="bank_transfer", counterparty="A0000002468", amount=6000
    )
    engine = WarnEngine(rules, scorer=scorer)
    revs = engine.process([*victim.events, *courier.events])
    assert {r["person_id"] for r in revs} == {"P_V"}
    first = revs[0]
    assert first["rule_ids"] == ["contact.flagged_call"] and first["level"] == "medium"
    assert us_of(datetime.fromisoformat(str(first["time"]))) == us_of(
        T0
    )  # at the call, 27 minutes before the loss
    # the person is under a medium alert: the payee they add goes on the shared list for the next person
    assert engine.payees.known("A0000007777", us_of(T0 + timedelta(minutes=26))) == "alerted_payer"
