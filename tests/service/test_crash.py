"""Crash safety: the service killed with SIGKILL under event load and restarted loses no event it answered 2xx
for, duplicates no alert revision and keeps the outcomes recorded — on SQLite and on PostgreSQL. After the
client sends every batch again (ingest is idempotent), the revisions equal those of a run never interrupted."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from centrekit import PASSWORD, T0, ordinary, victim
from centrekit import centre as make_centre
from fanzha.centre import LOCAL
from fanzha.centre.models import AlertRow, EventRow, RevisionRow
from fanzha.service.process import ServerProcess

BATCH = 60


def _batches() -> list[list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    for k in range(40):
        events += victim(f"P{k:04d}", T0 + timedelta(minutes=3 * k))
    for k in range(400):
        events += ordinary(f"Q{k:04d}", T0 + timedelta(seconds=17 * k))
    events.sort(key=lambda e: (e["time"], e["event_id"]))
    return [events[i : i + BATCH] for i in range(0, len(events), BATCH)]


@pytest.mark.slow
@pytest.mark.reliability(
    entry="fanzha serve (HTTP)",
    bad_input="the process killed with SIGKILL while batches of events arrive",
    behaviour="on restart every event answered 2xx is there, no alert revision twice, outcomes kept; resent batches are duplicates",
)
def test_sigkill_under_event_load_loses_nothing_and_duplicates_nothing(db_url: str, tmp_path: Path) -> None:
    batches = _batches()
    # the reference: the same batches, never interrupted (on SQLite: the store does not change the revisions)
    ref = make_centre(f"sqlite:///{tmp_path / 'ref.db'}", tmp_path / "ref")
    ref.start(workers=False)
    for b in batches:
        ref.live.ingest(LOCAL, b, "zh")
    with ref.store.sessions() as s:
        expected = {tuple(r) for r in s.execute(select(RevisionRow.alert_id, RevisionRow.revision))}
    ref.close()
    setup = make_centre(db_url, tmp_path)
    setup.start(workers=False)
    key, _ = setup.accounts.create_key(LOCAL, "platform", ["events"])
    setup.accounts.create_user(LOCAL, "amy", PASSWORD, "operator")
    setup.close()
    server = ServerProcess(db_url, tmp_path / "srv", "--check-model", "off")
    server.start()
    acked: list[str] = []
    head = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=server.base, timeout=30) as c:
            for b in batches[:6]:
                assert c.post("/v1/events", json={"events": b}, headers=head).status_code == 202
                acked += [e["event_id"] for e in b]
            token = c.post("/v1/auth/login", json={"username": "amy", "password": PASSWORD}).json()["token"]
            amy = {"Authorization": f"Bearer {token}"}
            alert = c.get("/v1/alerts", headers=amy).json()["items"][0]["alert_id"]
            c.post(f"/v1/alerts/{alert}/claim", headers=amy).raise_for_status()
            c.post(
                f"/v1/alerts/{alert}/outcome",
                json={"outcome": "dissuaded", "amount_protected": 5000},
                headers=amy,
            ).raise_for_status()

        def load() -> None:
            with httpx.Client(base_url=server.base, timeout=30) as c:
                for b in batches[6:]:
                    try:
                        r = c.post("/v1/events", json={"events": b}, headers=head)
                    except httpx.HTTPError:
                        return
                    if r.status_code == 202:
                        acked.extend(e["event_id"] for e in b)

        sender = threading.Thread(target=load)
        sender.start()
        while len(acked) < len(batches) * BATCH // 2 and sender.is_alive():
            time.sleep(0.005)
        server.kill()  # in the middle of the load
        sender.join(timeout=60)
        assert len(acked) < sum(map(len, batches)), "the load finished before the kill"
        server.start()
        with httpx.Client(base_url=server.base, timeout=60) as c:
            for b in batches:  # the client sends everything again: nothing twice
                assert c.post("/v1/events", json={"events": b}, headers=head).status_code == 202
            kept = c.get(f"/v1/alerts/{alert}", headers=amy)
            if kept.status_code == 401:  # the session survived, but be tolerant of an expired cache
                token = c.post("/v1/auth/login", json={"username": "amy", "password": PASSWORD}).json()[
                    "token"
                ]
                kept = c.get(f"/v1/alerts/{alert}", headers={"Authorization": f"Bearer {token}"})
            assert kept.json()["outcome"] == "dissuaded" and kept.json()["amount_protected"] == "5000.00"
    finally:
        server.stop()
    check = make_centre(db_url, tmp_path)
    with check.store.sessions() as s:
        stored = set(s.scalars(select(EventRow.event_id)))
        revisions = [tuple(r) for r in s.execute(select(RevisionRow.alert_id, RevisionRow.revision))]
        resolved = s.scalar(select(func.count()).select_from(AlertRow).where(AlertRow.outcome == "dissuaded"))
    check.close()
    assert set(acked) <= stored and len(stored) == sum(map(len, batches))
    assert len(revisions) == len(set(revisions))
    assert resolved == 1
    assert set(revisions) == expected
