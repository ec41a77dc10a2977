"""The centre without HTTP: ingest, the live engine and its replay, the queue's workflow, the audit log,
webhooks, traces and figures — on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select, text

from centrekit import Crew, ordinary, victim
from centrekit import centre as make_centre
from fanzha.centre import LOCAL, Centre, QueueFilter, Refused
from fanzha.centre.audit import mask
from fanzha.centre.models import DeliveryRow, EventRow, RevisionRow
from fanzha.centre.webhooks import sign


def _revisions(c: Centre) -> list[tuple[str, int, str]]:
    with c.store.sessions() as s:
        rows = s.execute(
            select(RevisionRow.alert_id, RevisionRow.revision, RevisionRow.body).order_by(RevisionRow.id)
        )
        return [(a, r, orjson.loads(b)["level"]) for a, r, b in rows]


def test_events_are_validated_row_by_row_stored_and_turned_into_alerts(centre: Centre, team: Crew) -> None:
    rows: list[Any] = [
        *victim(),
        {"event_id": "x1", "person_id": "p", "time": "2024-03-05T10:00:00", "kind": "sms"},
        7,
    ]
    res = centre.live.ingest(team.actor("key:events"), rows, "en")
    assert (res.accepted, res.rejected, res.duplicates) == (13, 2, 0)
    assert res.rows[13]["error"]["code"] == "E704" and res.rows[14]["error"]["code"] == "E023"
    assert res.revisions >= 3
    again = centre.live.ingest(team.actor("key:events"), victim(), "zh")
    assert (again.accepted, again.duplicates, again.revisions) == (0, 13, 0)
    with centre.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(EventRow)) == 13
    queue = centre.alerts.queue(team.actor("operator"), QueueFilter())
    (alert,) = queue["items"]
    assert alert["level"] == "high" and alert["stage"] == 3 and alert["status"] == "new"


def test_the_centre_recommends_what_the_engine_did(centre: Centre, team: Crew) -> None:
    """The alert page's action, script and answers to a doubting person are the engine's for the same alert
    (one `Playbook.action`): what a sequence adds to the level's action (an account taken over) reaches the
    operator too, and every alert carries the answers to a person who doubts the call."""
    centre.live.ingest(team.actor("key:events"), victim(), "zh")
    op = team.actor("operator")
    (alert,) = centre.alerts.queue(op, QueueFilter())["items"]
    detail = centre.alerts.get(op, alert["alert_id"], "zh")
    with centre.store.sessions() as s:
        body = orjson.loads(s.scalars(select(RevisionRow.body).order_by(RevisionRow.id.desc())).first())
    assert detail["recommended_action"] == body["recommended_action"]
    answers = detail["recommended_action"]["objections"]
    assert answers and all(o["says"] and o["answer"] for o in answers)
    pb = centre.alerts.playbook
    taken = pb.action("high", "other", ["money.known_scam_device"], "zh")["text"]
    assert pb.rule_actions["money.known_scam_device"].get("zh") in taken
    assert taken.startswith(next(lv for lv in pb.levels if lv.id == "high").action.get("zh"))
    en = centre.alerts.get(op, alert["alert_id"], "en")["recommended_action"]
    assert en["objections"][0]["answer"].isascii() and len(en["objections"]) == len(answers)


def test_a_restart_replays_the_events_and_duplicates_no_revision(db_url: str, tmp_path: Path) -> None:
    first = make_centre(db_url, tmp_path)
    first.start(workers=False)
    for k in range(3):
        first.live.ingest(LOCAL, victim(f"P{k}")[:8], "zh")
        first.live.ingest(LOCAL, victim(f"P{k}")[8:], "zh")
    before = _revisions(first)
    first.close()
    second = make_centre(db_url, tmp_path)
    stats = second.start(workers=False)
    assert stats.events == 39 and stats.batches == 6 and stats.revisions == len(before)
    assert _revisions(second) == before
    second.close()


def test_revisions_lost_in_a_crash_after_the_events_were_stored_come_back(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = make_centre(db_url, tmp_path)
    c.start(workers=False)

    def crash(revisions: list[dict[str, Any]], replay: bool) -> list[dict[str, Any]]:
        raise RuntimeError("killed between the two transactions")

    monkeypatch.setattr(c.live, "sink", crash)
    answer = c.live.ingest(LOCAL, victim(), "zh")  # stored: still accepted
    assert answer.accepted == 13 and answer.revisions == 0
    assert _revisions(c) == [] and c.live.broken
    monkeypatch.undo()
    c.live.ingest(LOCAL, ordinary(), "zh")  # the next batch rebuilds the engine from the store first
    assert not c.live.broken and len(_revisions(c)) >= 3
    c.close()
    again = make_centre(db_url, tmp_path)
    again.start(workers=False)
    assert len(_revisions(again)) >= 3
    assert again.live.ingest(LOCAL, victim(), "zh").duplicates == 13
    again.close()


def test_late_events_are_stored_but_kept_aside_with_e708(centre: Centre) -> None:
    centre.live.ingest(LOCAL, victim(), "zh")
    late = victim("P_LATE")[0] | {"time": "2024-03-05T08:00:00+08:00"}
    res = centre.live.ingest(LOCAL, [late], "en")
    assert res.rows[0]["status"] == "rejected" and res.rows[0]["error"]["code"] == "E708"
    with centre.store.sessions() as s:
        assert s.scalar(select(EventRow.kept_aside).where(EventRow.event_id == late["event_id"])) == "E708"


def test_the_workflow_claim_release_note_outcome_handoff(centre: Centre, team: Crew) -> None:
    # two people's afternoons as they happen (one after the other would make P2's first half an hour late: E708,
    # and the scam content is in that half hour; no alert starts on behaviour alone)
    both = sorted(victim("P1") + victim("P2"), key=lambda e: (e["time"], e["event_id"]))
    centre.live.ingest(LOCAL, both, "zh")
    op, sup, other = team.actor("operator"), team.actor("supervisor"), team.actor("investigator")
    a1, a2 = (x["alert_id"] for x in centre.alerts.queue(op, QueueFilter())["items"])
    assert centre.alerts.claim(op, a1)["assignee"] == "operator"
    with pytest.raises(Refused) as exc:
        centre.alerts.claim(sup, a1)
    assert exc.value.code == "E908"
    with pytest.raises(Refused) as exc:
        centre.alerts.claim(other, a1)
    assert exc.value.code == "E903"
    centre.alerts.note(op, a1, "已电话联系，本人在开会议软件 13812345678")
    assert centre.alerts.release(op, a1)["status"] == "new"
    centre.alerts.claim(op, a1)
    done = centre.alerts.outcome(op, a1, "dissuaded", amount_protected=200000, note="劝阻成功")
    assert done["status"] == "resolved" and done["amount_protected"] == "200000.00"
    with pytest.raises(Refused) as exc:
        centre.alerts.claim(op, a1)
    assert exc.value.code == "E910"
    with pytest.raises(Refused) as exc:
        centre.alerts.outcome(op, a2, "lost")
    assert exc.value.code == "E909"
    with pytest.raises(Refused) as exc:
        centre.alerts.outcome(sup, a2, "handed_off")
    assert exc.value.code == "E911"
    handed = centre.alerts.handoff(sup, a2, "江东派出所", "请上门劝阻")
    assert handed["status"] == "handed_off" and handed["station"] == "江东派出所"
    assert centre.alerts.queue(op, QueueFilter(station="江东派出所"))["total"] == 1
    centre.alerts.claim(op, a2)
    assert centre.alerts.release(op, a2)["status"] == "handed_off"
    detail = centre.alerts.get(op, a1, "en")
    assert [x["action"] for x in detail["actions"]] == ["claim", "note", "release", "claim", "outcome"]
    assert detail["recommended_action"]["call_script"][0].startswith("Hello")
    assert detail["evidence"] and detail["revisions"][0]["revision"] == 1
    figures = centre.stats.compute(sup)
    assert figures["outcomes"]["dissuaded"] == 1 and figures["amount_protected"] == "200000.00"
    assert figures["per_variant"] and figures["per_day"][0]["total"] == 2


def test_integrators_never_get_personal_data_operators_do_and_it_is_audited(
    centre: Centre, team: Crew
) -> None:
    centre.persons.upsert(
        LOCAL, [{"person_id": "P_TIAN", "name": "田某某", "phone": "13912345678", "station": "江东派出所"}]
    )
    centre.live.ingest(LOCAL, victim(), "zh")
    key = team.actor("key:alerts:read")
    page = centre.alerts.queue(key, QueueFilter())
    assert "person" not in page["items"][0] and "13912345678" not in orjson.dumps(page).decode()
    aid = page["items"][0]["alert_id"]
    assert "person" not in centre.alerts.get(key, aid)
    seen = centre.alerts.get(team.actor("operator"), aid)
    assert seen["person"]["phone"] == "13912345678" and seen["station"] == "江东派出所"
    reads = centre.audit.read(action="alert.read")
    assert [r.actor for r in reads] == ["key:" + key.principal.name, "user:operator"]
    assert reads[1].detail == {"person_id": "P_TIAN"}


def test_the_audit_log_masks_personal_data_and_refuses_changes(centre: Centre, team: Crew) -> None:
    assert mask({"name": "田先生", "note": "卡号 6222021234567890123，电话 13912345678"}) == {
        "name": "田**",
        "note": "卡号 6222***********0123，电话 139****5678",
    }
    centre.live.ingest(LOCAL, victim(), "zh")
    aid = centre.alerts.queue(LOCAL, QueueFilter())["items"][0]["alert_id"]
    op = team.actor("operator")
    centre.alerts.claim(op, aid)
    centre.alerts.note(op, aid, "回拨 13912345678 无人接听")
    (note,) = centre.audit.read(action="alert.note")
    assert note.detail["text"] == "回拨 139****5678 无人接听" and note.ip == "127.0.0.1"
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), centre.store.engine.begin() as conn:
            conn.execute(text(sql))


def test_refusals_are_audited(centre: Centre, team: Crew) -> None:
    with pytest.raises(Refused):
        centre.persons.get(team.actor("key:check"), "P_TIAN")
    (rec,) = centre.audit.read(outcome="refused")
    assert rec.action == "person.read" and rec.detail == {"needs": "alerts:pii"}


def test_webhooks_are_signed_retried_with_backoff_and_deduped(db_url: str, tmp_path: Path) -> None:
    calls: list[tuple[str, bytes, dict[str, str]]] = []
    answers = iter([500] + [200] * 50)

    def sender(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        calls.append((url, body, headers))
        return next(answers)

    now = [1_709_600_000_000_000]
    c = make_centre(db_url, tmp_path, now_us=lambda: now[0], sender=sender)
    c.start(workers=False)
    hook, secret = c.webhooks.create(LOCAL, "https://bank.example/hook", "high")
    c.live.ingest(LOCAL, victim(), "zh")
    highs = c.webhooks.deliver_due()  # the high revisions only; the first attempt fails
    assert highs >= 1
    first = calls[0][2]
    assert first["X-Fanzha-Signature"] == sign(secret, first["X-Fanzha-Timestamp"], calls[0][1])
    assert c.webhooks.deliver_due() == 0  # not due before the backoff
    now[0] += 2_000_001
    assert c.webhooks.deliver_due() == 1
    assert calls[highs][2]["X-Fanzha-Delivery"] == first["X-Fanzha-Delivery"]  # the retry of the failed one
    assert orjson.loads(calls[highs][1])["alert"]["level"] == "high"
    c.close()
    again = make_centre(db_url, tmp_path, now_us=lambda: now[0], sender=sender)
    again.start(workers=False)  # the replay re-derives the revisions: no second delivery
    with again.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DeliveryRow)) == highs
    again.close()


def test_nothing_happens_for_an_ordinary_day(centre: Centre) -> None:
    res = centre.live.ingest(LOCAL, ordinary(), "zh")
    assert res.accepted == 2 and res.revisions == 0
    assert centre.alerts.queue(LOCAL, QueueFilter())["total"] == 0


def test_warm_up_loads_the_detector_and_freezes_the_start_up_heap(centre: Centre) -> None:
    """A server's start: the check's detector is built before the first request, and what start-up built is out
    of the collector's reach (a full collection walked it inside a request: docs/service.md)."""
    import gc

    assert gc.get_freeze_count() == 0
    try:
        centre.warm_up()
        assert centre._checker is not None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process goes on to build other centres


def test_the_access_log_is_masked_and_still_formats() -> None:
    """uvicorn's access formatter unpacks the record's arguments (client, method, path, version, status): the
    masking filter masks each of them in place. It merged them into the message before, and every request
    printed a 'Logging error' traceback instead of its access line."""
    import io
    import logging

    from uvicorn.logging import AccessFormatter

    from fanzha.centre.audit import MaskingFilter

    class Strict(logging.StreamHandler):  # type: ignore[type-arg]
        def handleError(self, record: logging.LogRecord) -> None:
            raise AssertionError(f"the record did not format: {record.msg!r} {record.args!r}")

    out = io.StringIO()
    handler = Strict(out)
    handler.setFormatter(
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    )
    log = logging.getLogger("fanzha.test.access")
    log.propagate = False
    log.addHandler(handler)
    log.addFilter(MaskingFilter())
    try:
        log.warning(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/v1/alerts?phone=13800138000", "1.1", 200
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.warning(
            "a caller %(phone)s, QQ %(qq)s, status %(status)d",
            {"phone": "13800138000", "qq": "123456789", "status": 200},
        )
    finally:
        log.removeHandler(handler)
    line, other = out.getvalue().splitlines()
    assert other.startswith("a caller 138") and other.endswith("status 200")
    assert line.startswith('127.0.0.1:5000 - "GET /v1/alerts?phone=138') and line.endswith('HTTP/1.1" 200 OK')
    assert "13800138000" not in out.getvalue() and "123456789" not in out.getvalue()
