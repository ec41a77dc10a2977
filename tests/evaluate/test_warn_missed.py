"""`missed_table`: why a victim with a loss was not alerted before it, from what the centre had received by then."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fanzha.evaluate.warn import MISSED, missed_table

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _event(eid: str, pid: str, m: float, kind: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {"event_id": eid, "person_id": pid, "time": at(m), "kind": kind}
    row.update({"counterparty": None, "transfer_id": None, "attrs": None, **kw})
    return row


def _world(tmp_path: Path) -> tuple[Path, Path]:
    w, tel = tmp_path / "w", tmp_path / "w" / "tel"
    (w / "truth").mkdir(parents=True)
    tel.mkdir()
    people = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P9"]
    pq.write_table(
        pa.Table.from_pylist(
            [{"person_id": p, "first_contact_time": at(0), "first_loss_time": at(30)} for p in people]
            + [{"person_id": "P8", "first_contact_time": at(0), "first_loss_time": None}]
            # P7 again, five days on (a repeat victim: another gang)
            + [{"person_id": "P7", "first_contact_time": at(7200), "first_loss_time": at(7230)}]
        ),
        w / "truth" / "victims.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist(
            [{"device_id": f"D{i}", "owner_id": p} for i, p in enumerate(people, 1)]
            + [{"device_id": "D99", "owner_id": None}]
        ),
        w / "devices.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist(
            [
                {"person_id": p, "time": at(30), "move": "loss_transfer", "transfer_id": f"T{p}"}
                for p in people
            ]
            + [{"person_id": "P7", "time": at(7230), "move": "loss_transfer", "transfer_id": "TP7b"}]
        ),
        w / "truth" / "timelines.parquet",
    )
    qr = json.dumps({"qr": True})
    gang = json.dumps({"device": "D99", "new_device": True})
    own = json.dumps({"device": "D6"})
    ev = [
        # P1: only a call, delivered after the loss (an operator's batch)
        _event("E1", "P1", 1, "call"),
        _event("E2", "P1", 30, "transfer", counterparty="A1", transfer_id="TP1"),
        # P2: a call delivered in time, then a shop's QR code
        _event("E3", "P2", 1, "call"),
        _event("E4", "P2", 30, "transfer", counterparty="A2", transfer_id="TP2", attrs=qr),
        # P3: a payee already on the list when added (the engine should have warned)
        _event("E5", "P3", 25, "payee_added", counterparty="A3"),
        _event("E6", "P3", 30, "transfer", counterparty="A3", transfer_id="TP3"),
        # P4: a payee flagged between its adding and the payment
        _event("E7", "P4", 25, "payee_added", counterparty="A4"),
        _event("E8", "P4", 30, "transfer", counterparty="A4", transfer_id="TP4"),
        # P5: a new card added from the gang's phone
        _event("E9", "P5", 25, "payee_added", counterparty="A5", attrs=gang),
        _event("E10", "P5", 30, "transfer", counterparty="A5", transfer_id="TP5", attrs=gang),
        # P6: a new card added by the person, from their own phone
        _event("E11", "P6", 25, "payee_added", counterparty="A6", attrs=own),
        _event("E12", "P6", 30, "transfer", counterparty="A6", transfer_id="TP6"),
        # P7: alerted before the loss: not missed
        _event("E13", "P7", 25, "payee_added", counterparty="A7"),
        _event("E14", "P7", 30, "transfer", counterparty="A7", transfer_id="TP7"),
        # P9: a payee on the list when added, the payment before the alert
        _event("E15", "P9", 29.5, "payee_added", counterparty="A9"),
        _event("E16", "P9", 30, "transfer", counterparty="A9", transfer_id="TP9"),
        # P7's second campaign: only a call, delivered after its loss — the first campaign's alert and events
        # say nothing of it
        _event("E17", "P7", 7201, "call"),
        _event("E18", "P7", 7230, "transfer", counterparty="A7b", transfer_id="TP7b"),
    ]
    pq.write_table(pa.Table.from_pylist(ev), tel / "events.parquet")
    late = {"E1": 40, "E17": 7240}
    pq.write_table(
        pa.Table.from_pylist(
            [
                {
                    "event_id": e["event_id"],
                    "received": at(late.get(str(e["event_id"]), 0)) if e["event_id"] in late else e["time"],
                }
                for e in ev
            ]  # fmt: skip
        ),
        tel / "arrivals.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist([{"event_id": e["event_id"], "label": "scam"} for e in ev]),
        w / "truth" / "event_labels.parquet",
    )
    flags = [("A3", 20), ("A4", 28), ("A6", 45), ("A9", 10)]
    (tel / "payee_flags.jsonl").write_text(
        "".join(
            json.dumps({"account": a, "time": at(m).isoformat(), "reason": "receiving_bank"}) + "\n"
            for a, m in flags
        ),
        encoding="utf-8",
    )
    alerts = [
        {"alert_id": f"AL{p}", "person_id": p, "time": at(m).isoformat(), "level": "medium", "variant": "x"}
        for p, m in (("P7", 26), ("P9", 30.5))
    ]
    (tmp_path / "alerts.jsonl").write_text("".join(json.dumps(a) + "\n" for a in alerts), encoding="utf-8")
    return w, tel


def test_each_missed_victim_is_counted_once_by_what_arrived_before_the_loss(tmp_path: Path) -> None:
    w, tel = _world(tmp_path)
    got = missed_table(w, tel, tmp_path / "alerts.jsonl")
    assert list(got) == list(MISSED)
    assert got == {
        "nothing_received": 2,  # P1: the call's record arrived after the loss; P7's second campaign too
        "qr_payment": 1,  # P2
        "card_known_alert_late": 1,  # P9
        "card_known_not_alerted": 1,  # P3
        "card_flagged_before_loss": 1,  # P4
        "new_card_taken_over": 1,  # P5
        "new_card": 1,  # P6 (its card flagged only after the loss)
        "no_payee": 0,
    }
