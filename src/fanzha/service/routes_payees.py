"""涉诈账户名单 (the shared scam-account list): accounts reported by victims or flagged by their receiving bank, and
phones that emptied a reported victim's account, given to the live warning engine (`Centre.live.add_payees`), and
what the list says of an account or a phone. A person who adds a listed account as a payee, or whose payee is
added from a listed phone, is warned (docs/warn.md, *State across persons*)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fanzha.service.deps import ActorDep, CentreDep, LangDep
from fanzha.service.routes_public import json
from fanzha.service.schemas import GivenPage, PayeePublic, PayeesAdded, PayeesCreate, Subject

router = APIRouter(prefix="/v1")


@router.post("/payees", tags=["payees"], response_model=PayeesAdded)
async def add_payees(body: PayeesCreate, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """Accounts for the list: `account`, `time` (from when it is known; now when absent), `reason` (`reported`
    or `receiving_bank`), `source`; or a phone that emptied a reported victim's account: `device` instead of
    `account`, reason `reported`. Each row accepted, a duplicate of a stored flag, or rejected with its coded
    error (E755); the new ones are stored, then read by the engine for every later event at or after their
    time."""
    result = await run_in_threadpool(centre.live.add_payees, actor, body.payees, lang)
    return json(result)


@router.get("/payees", tags=["payees"], response_model=GivenPage)
async def given_payees(
    actor: ActorDep,
    centre: CentreDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    reason: Literal["reported", "receiving_bank", "cleared"] | None = None,
) -> Response:
    """The flags given to the centre (and the accounts taken off the list: `cleared`), newest first."""
    items = await run_in_threadpool(lambda: centre.live.given(actor, limit=limit, reason=reason))
    return json({"items": items})


@router.get("/payees/{account}", tags=["payees"], response_model=PayeePublic)
async def payee(
    actor: ActorDep,
    centre: CentreDep,
    account: Annotated[str, Path(min_length=1, max_length=200)],
    subject: Subject = "account",
) -> Response:
    """What the list says of one account (or phone: `subject=device`) now: the strongest reason (null when it
    is not listed) and its flags — given to the centre, or learned from the engine's own alerts
    (`alerted_payer`)."""
    return json(await run_in_threadpool(lambda: centre.live.payee(actor, account, subject=subject)))


@router.delete("/payees/{account}", tags=["payees"], response_model=PayeePublic)
async def clear_payee(
    actor: ActorDep,
    centre: CentreDep,
    account: Annotated[str, Path(min_length=1, max_length=200)],
    source: Annotated[str, Query(max_length=200)] = "",
    subject: Subject = "account",
) -> Response:
    """Take an account (or phone: `subject=device`) off the list from now on — an investigator found it
    innocent (a wrongly listed account warns everyone who pays it); `source` says why. A flag known later lists
    it again. Answers what the list says of it then."""
    return json(
        await run_in_threadpool(lambda: centre.live.clear_payee(actor, account, source, subject=subject))
    )
