"""Events in; the alert queue, one alert, its workflow and the live stream; the persons registry."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from fanzha.centre import QueueFilter
from fanzha.centre.webhooks import RANK
from fanzha.service.deps import ActorDep, CentreDep, LangDep
from fanzha.service.routes_public import json
from fanzha.service.schemas import (
    AlertPage,
    EventsCreate,
    HandoffCreate,
    IngestPublic,
    Level,
    NoteCreate,
    OutcomeCreate,
    PersonPublic,
    PersonsCreate,
)

router = APIRouter(prefix="/v1")


@router.post(
    "/events",
    tags=["events"],
    status_code=202,
    response_model=IngestPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": EventsCreate.model_json_schema()}},
        }
    },
)
async def ingest_events(request: Request, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """A batch of events (docs/warn.md): each row validated, the new ones (by event_id) stored before the
    answer, then turned into alert revisions. 202 with a status per row: accepted, duplicate, or rejected with
    its coded error."""
    from starlette.concurrency import run_in_threadpool

    from fanzha.errors import InputError

    centre.audit.require(actor, "events:write", "events.ingest", resource="events")
    raw = await request.body()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError("E913", where="body", reason=str(exc)) from None
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or (isinstance(data, dict) and set(data) - {"events"}):
        raise InputError("E906", where="body", field="events", reason='give {"events": [ … ]}')
    result = await run_in_threadpool(centre.live.ingest, actor, events, lang)
    return json(result.to_dict(), 202)


@router.get("/alerts", tags=["alerts"], response_model=AlertPage)
def list_alerts(
    actor: ActorDep,
    centre: CentreDep,
    lang: LangDep,
    level: Level | None = None,
    status: Annotated[str | None, Query(pattern="^(new|claimed|handed_off|resolved)$")] = None,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    station: Annotated[str | None, Query(max_length=200)] = None,
    variant: Annotated[str | None, Query(max_length=64)] = None,
    person_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The queue, most urgent first (risk, then the time the loss is expected). Without `status`: every alert
    not resolved. Operators also get the person's name and phone (audited)."""
    filt = QueueFilter(level, status, assignee, station, variant, person_id)
    return json(centre.alerts.queue(actor, filt, limit=limit, offset=offset, lang=lang))


def _sse(item: dict[str, Any]) -> bytes:
    return b"id: %d\nevent: revision\ndata: %s\n\n" % (item["id"], orjson.dumps(item["revision"]))


@router.get("/alerts/stream", tags=["alerts"], response_class=StreamingResponse)
async def stream_alerts(
    request: Request,
    actor: ActorDep,
    centre: CentreDep,
    min_level: Level = "low",
    max_events: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """Alert revisions as server-sent events (``event: revision``, ``id`` the stream id). Reconnect with
    ``Last-Event-ID`` to get what was missed. `max_events` ends the stream after that many."""
    centre.audit.require(actor, "alerts:read", "alert.stream", resource="alert")
    floor = RANK[min_level]
    sub = centre.hub.subscribe(lambda it: RANK.get(it["revision"].get("level"), 0) >= floor)
    last = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    limit = max_events

    async def events() -> AsyncIterator[bytes]:
        sent = 0
        seen = last or 0
        try:
            yield b": connected\n\n"
            if last is not None:
                while True:
                    missed = centre.alerts.revisions_after(seen)
                    if not missed:
                        break
                    for old in missed:
                        seen = old["id"]
                        if RANK.get(old["revision"].get("level"), 0) >= floor:
                            yield _sse(old)
                            sent += 1
                            if limit is not None and sent >= limit:
                                return
            while True:
                try:
                    it: dict[str, Any] | None = await asyncio.wait_for(sub.queue.get(), timeout=15)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": keep-alive\n\n"
                    continue
                if it is None:  # too far behind: the client reconnects with Last-Event-ID
                    return
                if it["id"] <= seen:
                    continue
                seen = it["id"]
                yield _sse(it)
                sent += 1
                if limit is not None and sent >= limit:
                    return
        finally:
            centre.hub.unsubscribe(sub)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/alerts/{alert_id}", tags=["alerts"])
def get_alert(alert_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """One alert: the latest revision, its evidence, the call script for its variant, every revision and the
    workflow's timeline; the person (name, phone, station) for operators (audited)."""
    return json(centre.alerts.get(actor, alert_id, lang))


@router.get("/alerts/{alert_id}/script", tags=["alerts"])
def get_call_script(alert_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> dict[str, Any]:
    """The call script of the alert's variant (the playbook), in the caller's language, and the answers to what
    a doubting person says (`objections`: each `says` and `answer`)."""
    alert = centre.alerts.get(actor, alert_id, lang)
    action = alert["recommended_action"]
    return {
        "alert_id": alert_id,
        "variant": alert["variant"],
        "script": action["call_script"],
        "objections": action["objections"],
    }


@router.post("/alerts/{alert_id}/claim", tags=["workflow"])
def claim_alert(alert_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """Take the alert (the operator is calling). The first claim wins; the next gets E908."""
    return json(centre.alerts.claim(actor, alert_id, lang))


@router.post("/alerts/{alert_id}/release", tags=["workflow"])
def release_alert(alert_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """Give the alert back to the queue (or to its station)."""
    return json(centre.alerts.release(actor, alert_id, lang))


@router.post("/alerts/{alert_id}/notes", tags=["workflow"], status_code=201)
def add_note(alert_id: str, body: NoteCreate, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """A note on the alert's timeline."""
    return json(centre.alerts.note(actor, alert_id, body.text, lang), 201)


@router.post("/alerts/{alert_id}/outcome", tags=["workflow"])
def record_outcome(
    alert_id: str, body: OutcomeCreate, actor: ActorDep, centre: CentreDep, lang: LangDep
) -> Response:
    """How it ended, with the amount protected (yuan) and a note; resolves the alert."""
    return json(
        centre.alerts.outcome(
            actor,
            alert_id,
            body.outcome,
            amount_protected=body.amount_protected,
            note=body.note,
            station=body.station,
            lang=lang,
        )
    )


@router.post("/alerts/{alert_id}/handoff", tags=["workflow"])
def hand_off(
    alert_id: str, body: HandoffCreate, actor: ActorDep, centre: CentreDep, lang: LangDep
) -> Response:
    """Hand the alert to a local police station (a visit)."""
    return json(centre.alerts.handoff(actor, alert_id, body.station, body.note, lang))


@router.get("/persons/{person_id}", tags=["persons"], response_model=PersonPublic)
def get_person(person_id: str, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """A person of the registry (audited)."""
    return centre.persons.get(actor, person_id).to_dict()


@router.put("/persons", tags=["persons"])
def put_persons(body: PersonsCreate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """Add or replace people of the registry."""
    n = centre.persons.upsert(actor, [p.model_dump() for p in body.persons])
    return {"written": n}
