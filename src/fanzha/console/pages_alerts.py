"""预警队列 and 预警详情: the live queue, one alert with its person's timeline and the call script, and the
operator's workflow (claim, release, record the call, hand off to a station). Every read and action goes through
the centre with the operator's `Actor`, so the centre checks the permission and writes the audit log."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from fanzha.centre import QueueFilter
from fanzha.centre.alerts import LEVELS, STATUSES
from fanzha.console import views
from fanzha.console.web import ConsoleRoute, Ctx, context, finish, page, respond
from fanzha.errors import FanzhaError

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(context)]
PAGE_SIZE = 100
#: what an operator records after the call: "reached" is a note (the call got through, work goes on); the
#: others are the centre's outcomes ("lost": the person had already paid)
CALL_RESULTS = ("reached", "dissuaded", "lost", "unreachable", "false_alarm")


def _filters(ctx: Ctx) -> tuple[QueueFilter, int, defaultdict[str, str]]:
    q = ctx.request.query_params
    raw = {k: q.get(k, "").strip() for k in ("level", "status", "variant", "station", "mine", "offset")}
    level = views.choice(raw["level"], LEVELS, "level") if raw["level"] else None
    status = views.choice(raw["status"], STATUSES, "status") if raw["status"] else None
    variants = list(ctx.centre.alerts.rules.variant_names)
    variant = views.choice(raw["variant"], variants, "variant") if raw["variant"] else None
    station = views.bounded(raw["station"], "station", 200) or None
    assignee = ctx.actor.principal.name if raw["mine"] == "1" else None
    offset = int(raw["offset"]) if raw["offset"].isdigit() else 0
    shown = defaultdict(str, {k: v for k, v in raw.items() if v and k != "offset"})
    return QueueFilter(level, status, assignee, station, variant), min(offset, 10_000_000), shown


def _now_us(ctx: Ctx) -> int:
    return views.clock_us(ctx.centre.now_us(), ctx.centre.live.engine.watermark)


def _queue_data(ctx: Ctx) -> dict[str, Any]:
    filt, offset, shown = _filters(ctx)
    q = ctx.centre.alerts.queue(ctx.actor, filt, limit=PAGE_SIZE, offset=offset, lang=ctx.lang)
    now = _now_us(ctx)
    for item in q["items"]:
        item["minutes_since"] = views.minutes_since(item.get("updated_at"), now)
    names = ctx.centre.alerts.rules.variant_names
    return {
        "page": "queue",
        "filters": shown,
        **q,
        "variants": [{"id": v, "name": n.get(ctx.lang)} for v, n in names.items()],
        "levels": list(LEVELS),
        "statuses": list(STATUSES),
        "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < q["total"] else None,
        "prev_offset": max(0, offset - PAGE_SIZE) if offset else None,
    }


@router.get("/queue")
def queue_page(ctx: CtxDep) -> Response:
    """预警队列: the open alerts, most urgent first, with filters; new ones arrive without a reload."""
    ctx.require_user()
    return page(ctx, "queue.html", _queue_data(ctx))


@router.get("/queue/rows")
def queue_rows(ctx: CtxDep) -> Response:
    """The queue's rows alone (the page swaps them in when the stream says something changed)."""
    ctx.require_user()
    return page(ctx, "queue_rows.html", _queue_data(ctx))


@router.get("/queue/stream")
async def queue_stream(request: Request, ctx: CtxDep) -> Response:
    """Server-sent events: one ``revision`` event per alert revision the centre raises (id, level, stage)."""
    ctx.require_user()
    centre = ctx.centre
    centre.audit.require(ctx.actor, "alerts:read", "alert.stream", resource="alert")
    sub = centre.hub.subscribe()

    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 2000\n: connected\n\n"
            while True:
                try:
                    it = await asyncio.wait_for(sub.queue.get(), timeout=10)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": keep-alive\n\n"
                    continue
                if it is None:  # fell behind: the browser reconnects and reloads the rows
                    return
                rev = it["revision"]
                data = {
                    k: rev.get(k) for k in ("alert_id", "revision", "level", "stage", "variant", "status")
                }
                yield b"event: revision\ndata: %s\n\n" % orjson.dumps(data)
        finally:
            centre.hub.unsubscribe(sub)

    resp = StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    return finish(ctx, resp)


def _alert_data(ctx: Ctx, alert_id: str) -> dict[str, Any]:
    alert = ctx.centre.alerts.get(ctx.actor, alert_id, ctx.lang)
    timeline = None
    if ctx.can("alerts:pii"):
        timeline = ctx.centre.views.events(ctx.actor, alert, ctx.lang)
        for ev in timeline["events"]:
            ev["marked"] = views.evidence(ev["text"], ev["findings"]) if ev["text"] else None
    me = ctx.actor.principal.name
    stage_names = {n: ctx.msg(f"stage.{n}") for n in (1, 2, 3)}
    return {
        "page": "alert",
        "alert": alert,
        "timeline": timeline,
        "stages": views.stages(alert["stage"], stage_names),
        "minutes_since": views.minutes_since(alert.get("updated_at"), _now_us(ctx)),
        "can_work": ctx.can("alerts:work"),
        "mine": alert["assignee"] == me or (ctx.can("alerts:supervise") and alert["status"] == "claimed"),
        "call_results": list(CALL_RESULTS),
    }


def _alert_page(ctx: Ctx, alert_id: str, error: FanzhaError | None = None, form: Any = None) -> Response:
    from fanzha.centre.coded import coded

    data = _alert_data(ctx, alert_id)
    data["error"] = coded(error, ctx.lang) if error is not None else None
    data["form"] = defaultdict(str, form or {})
    return page(ctx, "alert.html", data, ctx.status_of(error) if error is not None else 200)


@router.get("/alerts/{alert_id}")
def alert_page(alert_id: str, ctx: CtxDep) -> Response:
    """预警详情: the alert, why its risk is what it is, the person's timeline with the evidence marked, the call
    script and the recommended action; the workflow's forms."""
    ctx.require_user()
    return _alert_page(ctx, alert_id)


async def _act(request: Request, ctx: Ctx, alert_id: str, action: str) -> Response:
    form, fields = await ctx.posted()
    alerts = ctx.centre.alerts
    try:
        ctx.check_origin()
        if action == "claim":
            result = alerts.claim(ctx.actor, alert_id, ctx.lang)
        elif action == "release":
            result = alerts.release(ctx.actor, alert_id, ctx.lang)
        elif action == "handoff":
            station = views.bounded(fields.get("station"), "station", 200)
            note = views.bounded(fields.get("note"), "note", 5_000) or None
            result = alerts.handoff(ctx.actor, alert_id, station, note, ctx.lang)
        else:
            how = views.choice(fields.get("result"), CALL_RESULTS, "result")
            protected = views.amount(fields.get("amount_protected"), "amount_protected")
            note = views.bounded(fields.get("note"), "note", 5_000) or None
            if how == "reached":
                result = alerts.note(
                    ctx.actor, alert_id, ctx.t("call.reached_note", note=note or ""), ctx.lang
                )
            else:
                result = alerts.outcome(
                    ctx.actor, alert_id, how, amount_protected=protected, note=note, lang=ctx.lang
                )
    except FanzhaError as err:
        if ctx.want_json:
            raise
        return _alert_page(ctx, alert_id, err, fields)
    return respond(ctx, result, f"/alerts/{alert_id}")


ACTIONS = {
    "claim": "Take the alert before calling (the first claim wins).",
    "release": "Give the alert back to the queue.",
    "call": "Record the call: reached, dissuaded (with the amount protected), already paid, unreachable, false "
    "alarm.",
    "handoff": "Hand the alert to a local police station with a note.",
}


def _action_route(action: str) -> Any:
    async def act(alert_id: str, request: Request, ctx: CtxDep) -> Response:
        return await _act(request, ctx, alert_id, action)

    act.__name__ = f"alert_{action}"
    act.__doc__ = ACTIONS[action]
    return act


for _action in ACTIONS:
    router.add_api_route(f"/alerts/{{alert_id}}/{_action}", _action_route(_action), methods=["POST"])
