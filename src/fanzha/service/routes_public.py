"""The open check, logins, who am I, health and the figures."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, File, Form, Header, Query, UploadFile
from fastapi.responses import Response

from fanzha.centre.alerts import iso
from fanzha.centre.checking import is_empty
from fanzha.records.units import us_of
from fanzha.service.deps import ActorDep, CentreDep, CheckingDep
from fanzha.service.schemas import (
    CheckBatchCreate,
    CheckBatchPublic,
    CheckCreate,
    LoginCreate,
    MePublic,
    TokenPublic,
    VerdictPublic,
)

router = APIRouter(prefix="/v1")


def json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _doc(body: CheckCreate | Any) -> Any:
    if body.turns is not None:
        return [{"speaker": t.speaker or "", "text": t.text} for t in body.turns]
    return body.text


@router.post("/check", tags=["check"], response_model=VerdictPublic)
async def check_text(body: CheckCreate, call: CheckingDep) -> Response:
    """Is this text or chat the scam? The verdict, as `fanzha check --json` prints it. Open to anyone
    (anonymous callers are rate-limited). (A coroutine: the detector answers in well under a millisecond, so it
    runs on the event loop rather than paying a thread hop.)"""
    doc = _doc(body)
    if is_empty(doc):
        from fanzha.errors import InputError

        raise InputError("E000", where="turns" if body.turns is not None else "text")
    return json(call.centre.checker.one(doc, lang=call.lang, explain=body.explain))


@router.post("/check/batch", tags=["check"], response_model=CheckBatchPublic)
async def check_batch(body: CheckBatchCreate, call: CheckingDep) -> Response:
    """Many texts or chats at once: each item's id with its verdict, in order — or, for an item with nothing to
    read, its coded error (E000) in place of the verdict; the others are answered all the same."""
    from fanzha.centre.access import Refused

    centre = call.centre
    if len(body.items) > centre.settings.max_batch:
        raise Refused("E912", max=centre.settings.max_batch, count=len(body.items))
    items = [(it.id, _doc(it)) for it in body.items]
    return json({"items": centre.checker.batch(items, lang=call.lang, explain=body.explain)})


@router.post("/check/image", tags=["check"], response_model=VerdictPublic)
def check_image(
    call: CheckingDep,
    image: Annotated[UploadFile | None, File(description="the chat screenshot: PNG or JPEG")] = None,
    explain: Annotated[bool, Form()] = False,
    format: Annotated[
        Literal["json", "png"],
        Query(description="json: the verdict with each finding's boxes; png: the screenshot, evidence drawn"),
    ] = "json",
) -> Response:
    """Is this chat screenshot the scam? An image upload (multipart/form-data, field ``image``): the verdict
    as `fanzha check --image --json` prints it — each finding's ``boxes`` on the image, and ``screenshot``, the
    turns read and the lines set aside —, or with ``?format=png`` the screenshot with the evidence drawn on
    it. Open to anyone, rate-limited as /v1/check. (A plain function: FastAPI runs it in a worker thread, since
    the OCR takes about a second.)"""
    from fanzha.errors import InputError
    from fanzha.screenshots.image import MAX_BYTES

    if image is None:
        raise InputError("E922", where="image", field="image")
    if image.size is not None and image.size > MAX_BYTES:  # refused before it is read into memory
        raise InputError("E065", where="image", size=image.size // 2**20, limit=MAX_BYTES // 2**20)
    data = image.file.read(MAX_BYTES + 1)  # one byte over the limit is enough for open_image's E065
    verdict, png = call.centre.checker.image(data, lang=call.lang, explain=explain, draw=format == "png")
    if png is not None:
        return Response(png, media_type="image/png")
    return json(verdict)


@router.post("/auth/login", tags=["auth"], response_model=TokenPublic)
def login(body: LoginCreate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """A session token for a user (send it as ``Authorization: Bearer TOKEN``)."""
    token, user, expires = centre.accounts.login(body.username, body.password, actor.ip)
    return {"token": token, "expires_at": iso(expires), "user": user.to_dict()}


@router.post("/auth/logout", tags=["auth"], status_code=204)
def logout(
    actor: ActorDep,
    centre: CentreDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """End this session."""
    if authorization:
        centre.accounts.logout(actor, authorization.partition(" ")[2].strip())
    return Response(status_code=204)


@router.get("/me", tags=["auth"], response_model=MePublic)
def whoami(actor: ActorDep) -> dict[str, Any]:
    """Who the service takes the caller for, and what it may do."""
    p = actor.principal
    return {
        "kind": p.kind,
        "name": p.name,
        "role": p.role,
        "station": p.station,
        "permissions": sorted(p.permissions),
    }


@router.get("/health", tags=["service"])
def health(centre: CentreDep) -> dict[str, Any]:
    """Liveness and the live engine's counters."""
    return centre.health()


def _day_us(d: date | None, end: bool = False) -> int | None:
    if d is None:
        return None
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    day = d + timedelta(days=1) if end else d
    return us_of(datetime.combine(day, time(0), ZoneInfo("Asia/Shanghai")))


@router.get("/stats", tags=["stats"])
def stats(
    actor: ActorDep,
    centre: CentreDep,
    since: Annotated[date | None, Query(description="first day (raised at, Asia/Shanghai)")] = None,
    until: Annotated[date | None, Query(description="last day")] = None,
) -> dict[str, Any]:
    """Alerts per day and level, outcomes, the dissuasion rate, the amount protected, response times, per
    variant."""
    return centre.stats.compute(actor, since_us=_day_us(since), until_us=_day_us(until, end=True))
