"""A repeat victim's two campaigns are judged apart: each by the alerts that came with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from fanzha.evaluate.warn import alerts_by_person, campaign_alerts, read_alerts

T0 = datetime(2024, 3, 5, 10, 0, tzinfo=UTC)


def _alerts(path: Path, rows: list[tuple[str, str, datetime, str]]) -> Path:
    path.write_bytes(
        b"".join(
            orjson.dumps({"person_id": p, "alert_id": a, "time": t.isoformat(), "level": lv, "variant": "x"})
            + b"\n"
            for p, a, t, lv in rows
        )
    )
    return path


def _campaign(person: str, start: datetime, lost: bool = True) -> dict[str, object]:
    return {
        "person_id": person,
        "first_contact_time": start,
        "first_loss_time": start + timedelta(minutes=30) if lost else None,
    }


def test_each_campaign_counts_its_own_alert(tmp_path: Path) -> None:
    later = T0 + timedelta(days=6)
    victims = [_campaign("P1", later), _campaign("P1", T0), _campaign("P2", T0)]  # any order
    only_first = _alerts(
        tmp_path / "a.jsonl",
        [
            ("P1", "A1", T0 + timedelta(minutes=10), "low"),
            ("P1", "A1", T0 + timedelta(minutes=12), "medium"),  # a revision of the same alert
            ("P2", "B1", T0 - timedelta(hours=1), "low"),  # the person's first alert counts, as before
        ],
    )
    got = campaign_alerts(victims, alerts_by_person(only_first))
    assert got[1] is not None and got[1].alert_id == "A1" and got[1].level == "medium"
    assert got[0] is None  # the first campaign's alert says nothing of the second
    assert got[2] is not None and got[2].alert_id == "B1"
    both = _alerts(
        tmp_path / "b.jsonl",
        [
            ("P1", "A1", T0 + timedelta(minutes=10), "low"),
            ("P1", "A2", later + timedelta(minutes=5), "high"),
        ],
    )
    got = campaign_alerts(victims, alerts_by_person(both))
    assert [a.alert_id if a else None for a in got] == ["A2", "A1", None]


def test_the_first_alert_summary_is_the_per_alert_one(tmp_path: Path) -> None:
    path = _alerts(
        tmp_path / "a.jsonl",
        [
            ("P1", "A1", T0, "low"),
            ("P1", "A1", T0 + timedelta(minutes=3), "high"),
            ("P1", "A2", T0 + timedelta(days=2), "medium"),
        ],
    )
    per = alerts_by_person(path)
    assert [(a.alert_id, a.level, a.revisions) for a in per["P1"]] == [("A1", "high", 2), ("A2", "medium", 1)]
    first = read_alerts(path)["P1"]
    assert (first.alert_id, first.time, first.level, first.alerts, first.revisions) == (
        "A1",
        T0,
        "high",
        2,
        3,
    )
    assert first.levels == {"low", "high", "medium"}
