"""涉诈账户名单 (the shared scam-account list): what the list says of an account (or a phone that emptied a reported
victim's account), the flags given to the centre, and — for investigators, supervisors and admins — accounts or
phones put on it (a card a victim's report names, a bank's flag, the gang's phone). Everything through
`Centre.live` (`add_payees`, `payee`, `given`), as `POST /v1/payees` does."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from fanzha.console import views
from fanzha.console.web import ConsoleRoute, Ctx, context, page, respond
from fanzha.errors import FanzhaError, InputError

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(context)]
#: flags listed on the page, newest first
SHOWN = 50
#: accounts one form may put on the list (one a line, or separated by commas or spaces)
MAX_ACCOUNTS = 200
_SPLIT = re.compile(r"[\s,，;；]+")


def _subject(value: str | None) -> str:
    """The form's subject: an account unless it says device; anything else is E755."""
    from fanzha.warn.payees import checked_subject

    return "account" if value in (None, "") else checked_subject(value)


def _page(
    ctx: Ctx,
    account: str | None,
    *,
    subject: str = "account",
    error: FanzhaError | None = None,
    result: object = None,
    form: dict[str, str] | None = None,
) -> Response:
    from fanzha.centre.coded import coded

    live = ctx.centre.live
    data = {
        "page": "payees",
        "account": account or "",
        "subject": subject,
        "found": live.payee(ctx.actor, account, subject=subject) if account else None,
        "given": live.given(ctx.actor, limit=SHOWN),
        "can_add": ctx.can("payees:write"),
        "result": result,
        "error": coded(error, ctx.lang) if error is not None else None,
        "form": defaultdict(str, form or {}),
    }
    return page(ctx, "payees.html", data, ctx.status_of(error) if error is not None else 200)


@router.get("/payees")
def payees_page(ctx: CtxDep, account: str | None = None, subject: str | None = None) -> Response:
    """涉诈账户名单: look an account (or a phone: `subject` device) up (`account`), the latest flags given to the
    centre, and the form to add."""
    ctx.require_user()
    try:
        account = views.bounded(account, "account", 200)
        kind = _subject(subject)
    except FanzhaError as err:
        return _page(ctx, None, error=err)
    return _page(ctx, account.strip() if account else None, subject=kind)


@router.post("/payees")
async def payees_add(ctx: CtxDep) -> Response:
    """Put accounts — or phones (`subject` device) — on the list (one a line; reason reported or receiving_bank,
    a phone's only reported; a source such as the case id): the page again with a status per row, or the coded
    error and what was typed."""
    _, fields = await ctx.posted()
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "payees:write", "payees.add", resource="payees")
        text = views.bounded(fields.get("accounts"), "accounts", 20_000, required=True)
        accounts = [a for a in _SPLIT.split(text) if a]
        if len(accounts) > MAX_ACCOUNTS:
            raise InputError("E912", where="accounts", max=MAX_ACCOUNTS, count=len(accounts))
        reason = fields.get("reason") or "reported"
        kind = _subject(fields.get("subject"))
        source = views.bounded(fields.get("source"), "source", 200) or ""
        rows = [{kind: a, "reason": reason, **({"source": source} if source else {})} for a in accounts]
        result = ctx.centre.live.add_payees(ctx.actor, rows, ctx.lang)
    except FanzhaError as err:
        return _page(ctx, None, error=err, form=fields)
    if ctx.want_json:
        return respond(ctx, result, "/payees")
    return _page(ctx, accounts[0] if len(accounts) == 1 else None, subject=kind, result=result)


@router.post("/payees/clear")
async def payees_clear(ctx: CtxDep) -> Response:
    """Take an account (or a phone: `subject` device) off the list from now on (`account`; `source`: why — the
    investigator found it innocent): the page again on it, or the coded error."""
    _, fields = await ctx.posted()
    try:
        ctx.check_origin()
        account = views.bounded(fields.get("account"), "account", 200, required=True)
        source = views.bounded(fields.get("source"), "source", 200)
        kind = _subject(fields.get("subject"))
        result = ctx.centre.live.clear_payee(ctx.actor, account, source, subject=kind)
    except FanzhaError as err:
        return _page(ctx, None, error=err, form=fields)
    if ctx.want_json:
        return respond(ctx, result, "/payees")
    return _page(ctx, account, subject=kind)
