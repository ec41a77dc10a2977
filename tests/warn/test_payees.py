"""State across persons (issue 19): the shared list of payee accounts known as scam accounts — read by the
engine at each payee event, fed by the engine's own medium and high alerts, persisted in its store, and never
consulted with knowledge from after the event."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fanzha.banks import PASS_THROUGH, SHARED_DEVICE
from fanzha.errors import InputError
from fanzha.records.units import us_of
from fanzha.sim.telemetry import receiving_bank_flags
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnConfig, WarnEngine
from fanzha.warn.payees import PayeeFlag, PayeeList
from fanzha.warn.store import WarnStore
from fanzha.warn.textscore import DetectorScorer

from .conftest import SH, T0, Timeline, victim

GANG = "A0000007777"  # the payee of conftest's victim
LANDLORD = "A0000002468"


def _rules_of(revs: list[dict[str, object]], person: str) -> set[str]:
    return {r for rev in revs if rev["person_id"] == person for r in rev["rule_ids"]}  # type: ignore[union-attr]


def _raised(rev: dict[str, object]) -> int:
    return us_of(datetime.fromisoformat(str(rev["time"])))


def _adds(person: str, minutes: float, account: str, amount: float = 5000) -> Timeline:
    """A bank's whole view of a person: a payee added, then paid two minutes later."""
    tl = Timeline(person, T0, ids=person)
    tl.at(minutes, "payee_added", channel="bank_app", counterparty=account)
    tl.at(
        minutes + 2, "transfer", direction="out", channel="bank_transfer", counterparty=account, amount=amount
    )
    return tl


def test_a_reported_payee_raises_a_high_alert_for_the_next_person(
    rules: CompiledRules, scorer: DetectorScorer
) -> None:
    known = PayeeList([PayeeFlag(GANG, us_of(T0), "reported", "report R1")])
    engine = WarnEngine(rules, scorer=scorer, payees=known)
    revs = engine.process(_adds("P_B", 30, GANG).events)
    assert "money.known_scam_payee" in _rules_of(revs, "P_B")
    first = next(r for r in revs if r["person_id"] == "P_B")
    assert first["level"] == "high"
    assert _raised(first) == us_of(T0 + timedelta(minutes=30))  # at the payee, before the money leaves


def test_an_alerted_victims_payee_warns_a_second_person(rules: CompiledRules, scorer: DetectorScorer) -> None:
    """P_A (the whole scam seen) is alerted, then adds the gang's account; P_B, of whom the bank sees only a payee
    and a transfer, adds the same account an hour later and is warned at the payee, before paying."""
    engine = WarnEngine(rules, scorer=scorer)
    events = sorted(victim("P_A").events + _adds("P_B", 90, GANG).events, key=lambda r: r.t)
    revs = engine.process(events)
    assert "money.suspect_payee" in _rules_of(revs, "P_B")
    b = next(r for r in revs if r["person_id"] == "P_B")
    assert b["level"] == "medium"
    assert _raised(b) == us_of(T0 + timedelta(minutes=90))
    # without the feed, the same bank view of P_B is ordinary
    quiet = WarnEngine(rules, scorer=scorer, config=WarnConfig(payee_feed=False))
    assert not _rules_of(quiet.process(events), "P_B")


def test_a_company_payee_of_an_alerted_person_is_not_fed(
    rules: CompiledRules, scorer: DetectorScorer
) -> None:
    """The same alert, the payee a company's account as the bank says (`attrs.counterparty_type`): a utility or a
    shop is paid by thousands, and listing it on one alert would alert each of them. P_B paying it is ordinary,
    the alert itself stands; a personal account of the same alert is fed."""
    tl = victim("P_A")
    corporate = {"counterparty_type": "corporate"}
    tl.events = [e._replace(attrs=corporate) if e.kind == "payee_added" else e for e in tl.events]
    engine = WarnEngine(rules, scorer=scorer)
    events = sorted(tl.events + _adds("P_B", 90, GANG).events, key=lambda r: r.t)
    revs = engine.process(events)
    assert max(r["level"] for r in revs if r["person_id"] == "P_A") in ("medium", "high")
    assert engine.payees.known(GANG, us_of(T0 + timedelta(hours=3))) is None
    assert not _rules_of(revs, "P_B")
    personal = WarnEngine(rules, scorer=scorer)
    personal.process(
        [
            e._replace(attrs={"counterparty_type": "personal"}) if e.kind == "payee_added" else e
            for e in victim("P_A").events
        ]
    )
    assert personal.payees.known(GANG, us_of(T0 + timedelta(hours=3))) == "alerted_payer"


def test_a_landlord_many_people_pay_raises_nothing(rules: CompiledRules, scorer: DetectorScorer) -> None:
    """Twenty tenants add and pay one letting agency within a day: many payers is not a scam account."""
    engine = WarnEngine(rules, scorer=scorer)
    events = [e for k in range(20) for e in _adds(f"P_T{k:02d}", 30 + 45 * k, LANDLORD, 6000).events]
    assert engine.process(sorted(events, key=lambda r: r.t)) == []
    assert len(engine.payees) == 0  # type: ignore[arg-type]


def test_no_knowledge_from_the_future(rules: CompiledRules, scorer: DetectorScorer) -> None:
    """A flag is known from its time on: a payee added before it (even one fed late) raises nothing."""
    later = PayeeList([PayeeFlag(GANG, us_of(T0 + timedelta(hours=2)), "reported")])
    engine = WarnEngine(rules, scorer=scorer, payees=later)
    assert engine.process(_adds("P_EARLY", 60, GANG).events) == []
    assert "money.known_scam_payee" in _rules_of(engine.process(_adds("P_LATE", 180, GANG).events), "P_LATE")
    # the engine's own feed: P_A's alert flags the account when the engine learns it (the payee at minute 35);
    # P_B's payee at minute 20, arriving late but within the lateness bound, does not see it
    engine = WarnEngine(rules, scorer=scorer)
    engine.process(victim("P_A").events)
    assert engine.payees.known(GANG, us_of(T0 + timedelta(minutes=35))) == "alerted_payer"
    assert engine.payees.known(GANG, us_of(T0 + timedelta(minutes=34))) is None
    late = Timeline("P_B", T0, ids="P_B")
    late.at(20, "payee_added", channel="bank_app", counterparty=GANG)
    assert not _rules_of(engine.process(late.events), "P_B")


def test_the_shared_list_is_persisted_with_the_store(
    rules: CompiledRules, scorer: DetectorScorer, tmp_path: Path
) -> None:
    db = tmp_path / "warn.db"
    engine = WarnEngine(rules, scorer=scorer, store=db)
    engine.process(victim("P_A").events)
    engine.close()
    rows = list(WarnStore(db).load_payee_flags())
    assert [(a, r) for a, r, _, _ in rows] == [(GANG, "alerted_payer")]
    again = WarnEngine(rules, scorer=scorer, store=db)  # a restart: the list comes back from the store
    assert "money.suspect_payee" in _rules_of(again.process(_adds("P_B", 90, GANG).events), "P_B")
    again.close()


def test_a_list_file_is_read_and_bad_lines_are_refused(tmp_path: Path) -> None:
    good = tmp_path / "list.jsonl"
    good.write_text(
        json.dumps({"account": GANG, "time": "2024-03-05T09:00:00+08:00", "reason": "reported"}) + "\n\n",
        encoding="utf-8",
    )
    lst = PayeeList.load(good)
    assert lst.known(GANG, us_of(T0)) == "reported"
    assert lst.known(GANG, us_of(T0 - timedelta(hours=2))) is None
    phone = {"device": "D000002001", "time": "2024-03-05T09:00:00+08:00", "source": "R00000001"}
    good.write_text(good.read_text(encoding="utf-8") + json.dumps(phone) + "\n", encoding="utf-8")
    lst = PayeeList.load(good)  # a phone beside the accounts: a subject of its own, written back as read
    assert (
        lst.known_device("D000002001", us_of(T0)) == "reported" and lst.known("D000002001", us_of(T0)) is None
    )
    assert lst.known_device(GANG, us_of(T0)) is None
    assert [f.to_dict() for f in lst if f.subject == "device"] == [
        {
            "device": "D000002001",
            "time": us_of(T0 - timedelta(hours=1)),
            "reason": "reported",
            "source": "R00000001",
        }
    ]
    for bad, code, field in (
        ("not json", "E020", None),
        ("[1, 2]", "E756", None),
        (json.dumps({"account": GANG, "time": "2024-03-05T09:00:00"}), "E755", "time"),  # no offset
        (
            json.dumps({"account": GANG, "time": "2024-03-05T09:00:00+08:00", "reason": "rumour"}),
            "E755",
            "reason",
        ),
        (json.dumps({"time": "2024-03-05T09:00:00+08:00"}), "E755", "account"),
        (
            json.dumps({"account": GANG, "device": "D1", "time": "2024-03-05T09:00:00+08:00"}),
            "E755",
            "account + device",
        ),
        (
            json.dumps({"device": "D1", "time": "2024-03-05T09:00:00+08:00", "reason": "receiving_bank"}),
            "E755",
            "reason",
        ),
        (json.dumps({"device": "", "time": "2024-03-05T09:00:00+08:00"}), "E755", "device"),
    ):
        path = tmp_path / "bad.jsonl"
        path.write_text(
            json.dumps({"account": "A1", "time": "2024-03-05T09:00:00+08:00"}) + "\n" + bad + "\n"
        )
        with pytest.raises(InputError) as exc:
            PayeeList.load(path)
        assert exc.value.code == code and exc.value.where == f"{path}:2"
        if field is not None:  # the field and its value, in the catalogue's words of either language
            assert exc.value.params["field"] == field
            assert exc.value.message("zh").startswith(f"收款账户名单的这一条不对：{field} 不能是 ")


def test_the_earliest_flag_wins_and_the_strongest_reason_is_answered() -> None:
    lst = PayeeList()
    t = us_of(T0)
    assert lst.flag(GANG, t + 100, "alerted_payer")
    assert not lst.flag(GANG, t + 200, "alerted_payer")
    assert lst.flag(GANG, t + 50, "alerted_payer")  # learned earlier after all (a late event)
    assert lst.flag(GANG, t + 300, "reported")
    assert lst.known(GANG, t + 60) == "alerted_payer"
    assert lst.known(GANG, t + 300) == "reported"
    assert [f.time for f in lst.drain()] == [t + 100, t + 50, t + 300]
    assert lst.drain() == []


# -- the receiving bank's flags (fanzha.sim.telemetry) ----------------------------------------------------


def _ledger(
    tmp_path: Path,
    rows: list[tuple[str, str, float, int]],
    kinds: dict[str, tuple[str, str | None]],
    devices: list[str | None] | None = None,
) -> Path:
    world = tmp_path / "world"
    world.mkdir()
    pq.write_table(
        pa.table(
            {
                "account_id": list(kinds),
                "kind": [k for k, _ in kinds.values()],
                "owner_id": [o for _, o in kinds.values()],
            }
        ),
        world / "accounts.parquet",
    )
    ts = pa.array([us_of(T0 + timedelta(minutes=m)) for *_, m in rows], pa.int64()).cast(
        pa.timestamp("us", tz=str(SH))
    )
    pq.write_table(
        pa.table(
            {
                "src": [r[0] for r in rows],
                "dst": [r[1] for r in rows],
                "amount": pa.array([r[2] for r in rows], pa.float64()),
                "time": ts,
                **({"device": pa.array(devices, pa.string())} if devices is not None else {}),
            }
        ),
        world / "transfers.parquet",
    )
    return world


def test_the_receiving_bank_flags_pass_through_accounts_whoever_owns_them(tmp_path: Path) -> None:
    kinds = {
        "V": ("bank_card", "P1"),
        "MULE": ("bank_card", None),
        "L2a": ("bank_card", None),
        "L2b": ("payment_account", None),
        "KID": ("bank_card", "P2"),  # an innocent who passes a gift straight on to two friends
        "F1": ("bank_card", "P3"),
        "F2": ("bank_card", "P4"),
        "LANDLORD": ("bank_card", "P5"),  # paid by many, keeps the money
        "SHOP": ("merchant", None),  # not a personal account: not watched this way
        "T1": ("bank_card", "P6"),
        "T2": ("bank_card", "P7"),
        "LOANS": ("lender", None),
        "BORROWER": ("payment_account", "P8"),  # a victim told to borrow and send the loan on at once
        "G1": ("bank_card", None),
        "G2": ("bank_card", None),
    }
    rows = [
        ("V", "MULE", 20000.0, 0),
        ("MULE", "L2a", 9000.0, 20),
        ("MULE", "L2b", 8000.0, 40),
        ("V", "KID", 1000.0, 0),
        ("KID", "F1", 500.0, 10),
        ("KID", "F2", 450.0, 30),
        ("T1", "LANDLORD", 6000.0, 0),
        ("T2", "LANDLORD", 6000.0, 5),
        ("T1", "SHOP", 3000.0, 0),
        ("SHOP", "F1", 1500.0, 1),
        ("SHOP", "F2", 1500.0, 2),
        ("V", "L2a", 600.0, 300),  # L2a passes nothing on
        ("LOANS", "BORROWER", 3000.0, 0),  # 备用金 straight on to the gang: the borrower's scam, no mule
        ("BORROWER", "G1", 1500.0, 10),
        ("BORROWER", "G2", 1400.0, 20),
    ]
    world = _ledger(tmp_path, rows, kinds)
    flags = {a: t for t, a in receiving_bank_flags(world)}
    assert set(flags) == {"MULE", "KID"}
    delay = timedelta(hours=PASS_THROUGH["delay_h"])
    assert flags["MULE"] == us_of(
        T0 + timedelta(minutes=40) + delay
    )  # when the pattern completed, + the delay
    assert flags["KID"] == us_of(T0 + timedelta(minutes=30) + delay)


def test_the_banks_flag_the_cards_a_shared_phone_runs(tmp_path: Path) -> None:
    """一机多卡: a phone that has moved money out of SHARED_DEVICE["accounts"] personal accounts, and passed money
    straight through one of them, runs cards for others; every card it ran from the card's first transfer out is
    flagged when both hold, and a card it starts on later when it does. A phone that runs as many cards and never
    passes money through them (a contractor keeping his crew's wage cards) is not flagged, nor is a taken-over
    account (its holder's phone ran it first), nor a household's cards run from one phone, nor a merchant's
    account."""
    need = int(SHARED_DEVICE["accounts"])
    kinds: dict[str, tuple[str, str | None]] = {f"C{i}": ("bank_card", None) for i in range(need + 1)}
    kinds |= {"VICTIM": ("bank_card", "P1"), "SHOP": ("merchant", None), "OUT": ("bank_card", "P2")}
    kinds |= {"L2a": ("bank_card", None), "L2b": ("bank_card", None)}
    kinds |= {f"H{i}": ("bank_card", f"PH{i}") for i in range(need - 2)}  # a household's cards on one phone
    kinds |= {f"K{i}": ("bank_card", f"PK{i}") for i in range(need + 3)}  # a crew's wage cards, kept
    rows: list[tuple[str, str, float, int]] = []
    devices: list[str | None] = []
    rows.append(("VICTIM", "OUT", 50.0, 0))  # the victim's own phone first
    devices.append("OWN")
    for i in range(need - 1):  # the gang's phone runs cards C0 … C(need-2), and the victim's account
        rows.append((f"C{i}", "OUT", 100.0, 10 + i))
        devices.append("GANG")
    rows.append(("VICTIM", "C0", 9000.0, 40))
    devices.append("GANG")  # the gang's phone's `need`-th account: many cards, but nothing passed through yet
    rows += [("C0", "L2a", 5000.0, 50), ("C0", "L2b", 3500.0, 55)]
    devices += [
        "GANG",
        "GANG",
    ]  # the victim's money straight on from C0, by the gang's phone: the flags go out
    rows.append((f"C{need - 1}", "OUT", 100.0, 60))  # later cards: flagged as they are run
    devices.append("GANG")
    rows.append(("SHOP", "OUT", 100.0, 61))
    devices.append("GANG")  # not a personal account: neither counted nor flagged
    for i in range(need - 2):
        rows.append((f"H{i}", "OUT", 100.0, 70 + i))
        devices.append("HOME")
    for i in range(
        need + 3
    ):  # the contractor's phone: more cards than the gang's, money never passed through
        rows.append((f"K{i}", "OUT", 300.0, 80 + i))
        devices.append("FOREMAN")
    rows.append((f"C{need}", "OUT", 100.0, 90))
    devices.append(None)  # no device recorded: nothing to say
    world = _ledger(tmp_path, rows, kinds, devices)
    flags = {a: t for t, a in receiving_bank_flags(world)}
    delay = timedelta(hours=SHARED_DEVICE["delay_h"])
    assert set(flags) == {f"C{i}" for i in range(need)}
    assert {flags[f"C{i}"] for i in range(need - 1)} == {us_of(T0 + timedelta(minutes=55) + delay)}
    assert flags[f"C{need - 1}"] == us_of(T0 + timedelta(minutes=60) + delay)
    # a ledger without devices: the pass-through rule alone (C0), no error
    (tmp_path / "bare").mkdir()
    bare = _ledger(tmp_path / "bare", rows, kinds)
    assert [a for _, a in receiving_bank_flags(bare)] == ["C0"]


# -- the paying bank's list of phones (fanzha.banks.devices) ------------------------------------------------


def test_the_banks_list_the_phones_that_emptied_a_reported_victims_account(tmp_path: Path) -> None:
    """A report with a loss lists each phone that ran one of the victim's accounts for the first time in the week
    before it and is bound to nobody, an hour after the report, each phone once at its earliest report. Not
    listed: the victim's own phones (a new one too), a son's phone that has run the account for a month, a
    contractor's phone that took her wage card this week (bound to him: listing it would alert his whole crew), a
    phone first used before the week, a phone first used after the report, another person's account's phones."""
    from fanzha.banks import REPORTED_DEVICE
    from fanzha.sim.telemetry import device_flags

    day = 24 * 60
    kinds: dict[str, tuple[str, str | None]] = {
        "V": ("bank_card", "P1"),
        "V2": ("payment_account", "P1"),
        "OTHER": ("bank_card", "P9"),
        "MULE": ("bank_card", None),
    }
    ran = [
        ("V", "OTHER", 100.0, -30 * day, "SON"),  # pays his mother's bills: has run the account for a month
        ("V", "OTHER", 50.0, -10 * day, "OWN"),
        ("V", "OTHER", 80.0, -9 * day, "OLD"),  # first ran it nine days before the report: before the week
        ("V", "MULE", 9000.0, 0, "GANG"),  # takes the account over
        ("V2", "MULE", 500.0, 5, "GANG"),
        ("V", "MULE", 1000.0, 10, "SON"),
        ("V", "MULE", 700.0, 15, "NEWOWN"),  # the victim's new phone (bound to her)
        (
            "V",
            "OTHER",
            200.0,
            20,
            "FOREMAN",
        ),  # her new employer keeps her wage card: his own phone, new to it
        ("OTHER", "MULE", 100.0, 60, "FRIEND"),  # no report about this account
        ("V", "MULE", 300.0, 30 * 60, "LATE"),  # after the first report, before the second
    ]
    world = _ledger(tmp_path, [r[:4] for r in ran], kinds, [r[4] for r in ran])
    held = {"OWN": "P1", "NEWOWN": "P1", "SON": "P2", "FRIEND": "P9", "FOREMAN": "P7"}
    held |= {"GANG": None, "OLD": None, "LATE": None}
    pq.write_table(
        pa.table({"device_id": list(held), "owner_id": pa.array(list(held.values()), pa.string())}),
        world / "devices.parquet",
    )
    at = [us_of(T0 + timedelta(hours=h)) for h in (20, 40, 45)]
    reports = [(at[0], "P1", "R1"), (at[1], "P1", "R2"), (at[2], "P1", "R3")]
    delay = int(REPORTED_DEVICE["delay_h"] * 3600 * 1_000_000)
    assert device_flags(world, reports) == [(at[0] + delay, "GANG", "R1"), (at[1] + delay, "LATE", "R2")]
    assert device_flags(world, []) == []
    (tmp_path / "bare").mkdir()  # a ledger that records no phones lists none
    bare = _ledger(tmp_path / "bare", [r[:4] for r in ran], kinds)
    assert device_flags(bare, reports) == []


def test_the_reports_with_a_loss_are_what_the_bank_learns() -> None:
    from fanzha.cases.model import Case
    from fanzha.cases.numbers import reported_losses

    def case(i: int, person: str | None, loss: int, origin: str = "report") -> Case:
        return Case(
            f"C{i}", f"R{i}", "x", person, "victim", 100 - i, "field", "", "scam", "first", None, None, None,
            0.9, loss_fen=loss, origin=origin,
        )  # fmt: skip

    cases = [
        case(1, "P1", 5000),
        case(2, "P2", 0),
        case(3, None, 900),
        case(4, "P4", 700, "alert"),
        case(5, "P5", 1),
    ]
    assert reported_losses(cases) == [(95, "P5", "R5"), (99, "P1", "R1")]


def test_a_payee_added_from_a_listed_phone_raises_a_high_alert(
    rules: CompiledRules, scorer: DetectorScorer
) -> None:
    """The gang's phone, listed by an earlier victim's report, adds a payee on the next victim's account: a high
    alert at the payee, before the money leaves. The same phone before its listing, and another phone after it,
    raise nothing; the phone's id is no account (a payee with that id is not on the list)."""
    listed = us_of(T0 + timedelta(minutes=60))
    known = PayeeList([PayeeFlag("D_GANG", listed, "reported", "R1", "device")])
    assert known.known("D_GANG", listed) is None and known.known_device("D_GANG", listed) == "reported"
    assert known.known("\x00device:D_GANG", listed) is None  # no account, however spelt, is a phone
    engine = WarnEngine(rules, scorer=scorer, payees=known)
    gang = {"device": "D_GANG", "new_device": True}
    revs: list[dict[str, object]] = []
    for person, minutes, attrs, payee in (
        ("P_EARLY", 30, gang, "A0000004234"),
        ("P_NEXT", 90, gang, "A0000004235"),
        ("P_OWN", 95, {"device": "D_OWN", "new_device": True}, "A0000002468"),  # a new phone of her own
    ):
        tl = Timeline(person, T0, ids=person)
        tl.at(minutes, "payee_added", channel="bank_app", counterparty=payee, attrs=attrs)
        tl.at(
            minutes + 2, "transfer", direction="out", channel="bank_transfer", counterparty=payee,
            amount=9000, attrs=attrs,
        )  # fmt: skip
        revs += engine.process(tl.events)
    assert {str(r["person_id"]) for r in revs} == {"P_NEXT"}
    first = revs[0]
    assert first["level"] == "high" and first["rule_ids"] == ["money.known_scam_device"]
    # what to do differs from a scam the person runs: the gang moves the money, the bank must freeze the account
    assert "冻结该账户的手机银行" in first["recommended_action"]["text"]  # type: ignore[index]
    assert _raised(first) == us_of(T0 + timedelta(minutes=90))  # at the payee, before the transfer


@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="a --payee-list line that is not a flag (no account, no offset, an unknown reason, not JSON)",
    behaviour="E755 with the list's file and line, exit 2, nothing written",
)
def test_the_command_line_reads_a_payee_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from clirun import run

    events = tmp_path / "ev.jsonl"
    rows = [
        {"event_id": "e1", "person_id": "P_B", "time": "2024-03-05T10:30:00+08:00", "kind": "payee_added",
         "channel": "bank_app", "counterparty": GANG},
        {"event_id": "e2", "person_id": "P_B", "time": "2024-03-05T10:32:00+08:00", "kind": "transfer",
         "direction": "out", "channel": "bank_transfer", "counterparty": GANG, "amount": 5000},
    ]  # fmt: skip
    events.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    listed = tmp_path / "list.jsonl"
    listed.write_text(
        json.dumps({"account": GANG, "time": "2024-03-05T09:00:00+08:00", "reason": "reported"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.jsonl"
    code, _, err = run(
        ["warn", "--events", str(events), "--out", str(out), "--payee-list", str(listed), "--quiet"], capsys
    )
    assert code == 0, err
    alerts = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert alerts and alerts[0]["rule_ids"] == ["money.known_scam_payee"] and alerts[0]["level"] == "high"
    # without the list, the same two events are ordinary
    code, _, err = run(
        ["warn", "--events", str(events), "--out", str(tmp_path / "b.jsonl"), "--quiet"], capsys
    )
    assert code == 0 and (tmp_path / "b.jsonl").read_bytes() == b""
    # a bad list: one coded line with its file and line, nothing written
    listed.write_text('{"account": "A1"}\n', encoding="utf-8")
    code, _, err = run(
        ["warn", "--events", str(events), "--out", str(tmp_path / "c.jsonl"), "--payee-list", str(listed)],
        capsys,
    )
    assert code == 2 and "E755" in err and f"{listed}:1" in err
    assert not (tmp_path / "c.jsonl").exists()


@pytest.mark.reliability(
    entry="fanzha payees",
    bad_input="ledger rows that cannot be read, accounts without a personal kind, --out the ledger itself",
    behaviour="bad rows kept aside (counted, --rejects CSV, exit 1), the rest used; E757 / E040 exit 2, nothing "
    "written",
)
def test_a_banks_ledger_gives_the_same_flags_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fanzha payees`: a bank's own export (CSV, its own column names, an accounts file) → the payee list the
    sim's banks write for the same ledger; the list reads back as `fanzha warn --payee-list` reads it."""
    import csv

    from clirun import run

    need = int(SHARED_DEVICE["accounts"])
    kinds: dict[str, tuple[str, str | None]] = {f"C{i}": ("bank_card", None) for i in range(need)}
    kinds |= {"V": ("bank_card", "P1"), "OUT": ("bank_card", "P2"), "L2": ("bank_card", None)}
    rows = [(f"C{i}", "OUT", 100.0, i) for i in range(need)] + [
        ("V", "C0", 9000.0, 30),
        ("C0", "L2", 8000.0, 40),
    ]
    rows.append(("C0", "OUT", 900.0, 45))
    devices: list[str | None] = ["GANG"] * need + ["OWN", "GANG", "GANG"]
    world = _ledger(tmp_path, rows, kinds, devices)
    want = receiving_bank_flags(world)
    assert {a for _, a in want} == {f"C{i}" for i in range(need)}
    # the bank's export: its own column names, times without an offset (Beijing time), one bad row
    export = tmp_path / "流水.csv"
    with export.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["付款账号", "收款账号", "金额", "交易时间", "设备号"])
        for (src, dst, amount, m), dev in zip(rows, devices, strict=True):
            w.writerow(
                [src, dst, f"{amount:.2f}", (T0 + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M:%S"), dev]
            )
        w.writerow(["C1", "OUT", "一百元", "2024-03-05 10:00:00", "GANG"])
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account_id,kind,owner_id\n" + "".join(f"{a},{k},{o or ''}\n" for a, (k, o) in kinds.items()),
        encoding="utf-8",
    )
    out, rejects = tmp_path / "flags.jsonl", tmp_path / "rejects.csv"
    maps = ["src=付款账号", "dst=收款账号", "amount=金额", "time=交易时间", "device=设备号"]
    maps += ["transfer_id=", "channel=", "location="]  # columns this export does not have
    base = ["payees", "--ledger", str(export), "--accounts", str(accounts), "--quiet"]
    base += [x for m in maps for x in ("--map", m)]
    code, stdout, err = run([*base, "--out", str(out), "--rejects", str(rejects)], capsys)
    assert code == 1, err  # one row kept aside, the rest used
    assert "→" in stdout and rejects.read_text(encoding="utf-8").count("\n") == 2
    got = PayeeList.load(out)
    assert [(f.time, f.account, f.reason) for f in got] == sorted(
        [(t, a, "receiving_bank") for t, a in want], key=lambda x: (x[1], x[0])
    )
    # nothing to watch: every account of an unknown kind
    accounts.write_text("account_id,kind\n" + "".join(f"{a},\n" for a in kinds), encoding="utf-8")
    again = tmp_path / "again.jsonl"
    code, _, err = run([*base, "--out", str(again)], capsys)
    assert code == 2 and "E757" in err and not again.exists()
    before = export.read_bytes()
    code, _, err = run([*base, "--out", str(export)], capsys)
    assert code == 2 and "E040" in err and export.read_bytes() == before


@pytest.mark.reliability(
    entry="a payee list entry (fanzha warn --payee-list, POST /v1/payees, the console's form)",
    bad_input="any JSON value (property-based): objects with missing, mistyped or odd fields, arrays, scalars",
    behaviour="a valid flag, E755 naming the field and its value, or E756 (not an object); never another exception",
)
def test_any_json_value_is_a_flag_or_e755() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fanzha.warn.payees import REASONS, parse_flag

    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
    times = st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat())
    values = st.recursive(
        scalars,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=6,
    )
    fields = st.fixed_dictionaries(
        {},
        optional={
            "account": st.text(max_size=210) | values,
            "device": st.text(max_size=210) | values,
            "time": times | values,
            "reason": st.sampled_from([*REASONS, "rumour", ""]) | values,
            "source": st.text(max_size=210) | values,
        },
    )

    @settings(max_examples=300, deadline=None, database=None)
    @given(d=fields | values, devices=st.booleans())
    def check(d: object, devices: bool) -> None:
        try:
            f = parse_flag(d, "row", now_us=0, devices=devices)
        except InputError as exc:
            assert exc.code == ("E755" if isinstance(d, dict) else "E756") and exc.where == "row"
            if exc.code == "E755":
                fields = {"account", "device", "account + device", "time", "reason", "source"}
                assert exc.params["field"] in fields
            return
        assert isinstance(f.account, str) and f.account and f.account == f.account.strip()
        assert f.reason in REASONS and isinstance(f.time, int) and isinstance(f.source, str)
        assert f.subject == ("device" if devices and isinstance(d, dict) and "device" in d else "account")
        assert f.subject == "account" or f.reason == "reported"

    check()


def test_a_cleared_account_is_off_the_list_from_then_on_until_new_evidence() -> None:
    """An investigator clears a wrongly listed account: from the clear on, no flag from before it counts (before
    the clear, the list answers as it did); a flag known after the clear lists it again."""
    lst = PayeeList()
    t = us_of(T0)
    lst.flag(GANG, t, "reported", "R1")
    lst.flag(GANG, t + 10, "alerted_payer", "P1:e1")
    assert lst.clear(GANG, t + 100, "核实为无辜账户") is True
    assert lst.known(GANG, t + 50) == "reported"  # what was known before the clear stays so
    assert lst.known(GANG, t + 100) is None and lst.known(GANG, t + 200) is None
    assert not lst.holds(GANG, "reported", t + 150)
    assert lst.flag(GANG, t + 300, "alerted_payer", "P2:e9")  # new evidence after the clear: news again
    assert lst.known(GANG, t + 300) == "alerted_payer" and lst.known(GANG, t + 250) is None
    assert lst.clears_of(GANG) == [(t + 100, "核实为无辜账户")]
    assert lst.clear("A_NEVER", t, "") is False
