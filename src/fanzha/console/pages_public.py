"""The citizen's check (公众自查), open to anyone and rate-limited as the service's check is; login and logout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from fanzha.console import views
from fanzha.console.web import SESSION_COOKIE, ConsoleRoute, Ctx, context, finish, page
from fanzha.errors import FanzhaError, InputError

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(context)]
#: the longest text the check page takes (the API's limit)
MAX_TEXT = 20_000
HOTLINES = ({"number": "96110", "key": "hotline.96110"}, {"number": "110", "key": "hotline.110"})


def image_checker() -> Callable[[bytes], str] | None:
    """IMAGE INPUT — the place for a chat screenshot. When the detector can read an image (`fanzha check --image`,
    being added on another branch), return a function from the image's bytes to its text here; the page then
    shows the upload field and checks the text it reads. Until then: None, and an uploaded image is E953."""
    return None


def home(ctx: Ctx) -> str:
    """Where a user lands after logging in: the page of their main job."""
    if ctx.can("alerts:work"):
        return "/queue"
    if ctx.can("traces"):
        return "/traces"
    if ctx.can("stats:read"):
        return "/stats"
    return "/"


def _verdict_view(ctx: Ctx, text: str, verdict: dict[str, Any]) -> dict[str, Any]:
    names = ctx.centre.alerts.rules.variant_names
    variant = verdict.get("variant")
    stage_names = {n: ctx.msg(f"stage.{n}") for n in (1, 2, 3)}
    return {
        "verdict": verdict,
        "variant_name": names[variant].get(ctx.lang) if variant in names else None,
        "evidence": views.evidence(text, verdict.get("findings", [])),
        "stages": views.stages(verdict.get("stage") if verdict["label"] != "safe" else None, stage_names),
    }


def _check_page(
    ctx: Ctx, text: str = "", result: Any = None, error: Any = None, status: int = 200
) -> Response:
    from fanzha.centre.coded import coded

    data: dict[str, Any] = {
        "page": "check",
        "text": text,
        "result": result,
        "error": coded(error, ctx.lang) if error is not None else None,
        "hotlines": [{"number": h["number"], "label": ctx.t(h["key"])} for h in HOTLINES],
        "image_input": image_checker() is not None,
        "max_text": MAX_TEXT,
    }
    return page(ctx, "check.html", data, status)


@router.get("/")
@router.get("/check")  # the address the verdict is shown at: opened again, it shows the form
def check_page(ctx: CtxDep) -> Response:
    """公众自查: paste a message or a chat."""
    return _check_page(ctx)


@router.post("/check")
async def check_submit(request: Request, ctx: CtxDep) -> Response:
    """The verdict on the text (or screenshot) sent, with the evidence marked on it."""
    async with request.form() as form:
        return await _check(request, ctx, form)


async def _check(request: Request, ctx: Ctx, form: Any) -> Response:
    raw = form.get("text")
    text = raw if isinstance(raw, str) else ""
    try:
        ctx.check_origin()
        await ctx.hooks.check_limit(request, ctx.actor)
        image = form.get("image")
        if image is not None and not isinstance(image, str) and image.filename:
            read = image_checker()
            if read is None:
                raise InputError("E953", where="image")
            text = read(await image.read())  # pragma: no cover - the image input is not there yet
        text = text.replace("\r\n", "\n").replace("\x00", "")
        if len(text) > MAX_TEXT:
            raise InputError("E954", where="text", field="text", max=MAX_TEXT, count=len(text))
        if not text.strip():
            raise InputError("E000", where="text")
        verdict = ctx.centre.checker.one(text, lang=ctx.lang)
    except FanzhaError as err:
        resp = _check_page(ctx, text[:MAX_TEXT], error=err, status=ctx.status_of(err))
        if err.code == "E907":
            resp.headers["Retry-After"] = str(err.params.get("seconds", 1))
        return resp
    return _check_page(ctx, text, result=_verdict_view(ctx, text, verdict))


# -- login -----------------------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _login_page(
    ctx: Ctx, next_: str | None, error: Any = None, username: str = "", status: int = 200
) -> Response:
    from fanzha.centre.coded import coded

    data = {
        "page": "login",
        "next": _safe_next(next_) or "",
        "username": username,
        "error": coded(error, ctx.lang) if error is not None else None,
    }
    return page(ctx, "login.html", data, status)


@router.get("/login")
def login_page(ctx: CtxDep, next: str | None = None) -> Response:
    """The login form for operators, supervisors, investigators and administrators."""
    return _login_page(ctx, next)


@router.post("/login")
async def login_submit(request: Request, ctx: CtxDep) -> Response:
    """Check the password; a session cookie (HttpOnly, SameSite=Strict) on success."""
    form = await request.form()
    username = str(form.get("username") or "")
    next_ = _safe_next(str(form.get("next") or ""))
    try:
        ctx.check_origin()
        name = views.bounded(username, "username", 100, required=True)
        password = views.bounded(str(form.get("password") or ""), "password", 200, required=True)
        token, user, expires = ctx.centre.accounts.login(name, password, ctx.actor.ip)
    except FanzhaError as err:
        return _login_page(ctx, next_, err, username[:100], ctx.status_of(err))
    from fanzha.centre import Actor

    ctx.actor = Actor(ctx.centre.accounts.principal(token), ctx.actor.ip)
    resp = RedirectResponse(next_ or home(ctx), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ctx.centre.settings.session_ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return finish(ctx, resp)


@router.post("/logout")
def logout(ctx: CtxDep) -> Response:
    """End the session."""
    ctx.check_origin()
    if ctx.token and ctx.user:
        ctx.centre.accounts.logout(ctx.actor, ctx.token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return finish(ctx, resp)
