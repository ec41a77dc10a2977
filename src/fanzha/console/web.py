"""The console's plumbing: who is asking (a login cookie), in which language (``?lang=``, a cookie, the browser),
pages rendered from the package's Jinja2 templates or as their JSON twin (``?format=json``), coded errors shown on
the page in the reader's language, and the security headers every console answer carries.

The service hands the console what it owns (`Hooks`: how it finds the client's address, the language of a
request, the HTTP status of each error code) when it mounts it, so the console never imports the service.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from fanzha.centre import ANONYMOUS, Actor, Centre, Refused
from fanzha.centre.coded import coded
from fanzha.centre.settings import Settings
from fanzha.errors import FanzhaError, InputError
from fanzha.messages import LANGS, t

SESSION_COOKIE = "fanzha_session"
LANG_COOKIE = "fanzha_lang"
#: the Content-Security-Policy of every console answer: this origin only, no inline script or style
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Hooks:
    """What the service lends the console when it mounts it."""

    client_ip: Callable[[Request, Settings], str | None]
    request_lang: Callable[[Request], str]
    #: the open check's rate limit (the service's: the same bucket per address as POST /v1/check)
    check_limit: Callable[[Request, Actor], Awaitable[Any]]
    status: Mapping[str, int] = field(default_factory=dict)


class LoginNeeded(Exception):
    """A page for staff was asked for without a login: the browser is sent to the login page."""


@functools.cache
def templates() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fanzha.console", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = yuan
    env.filters["victims"] = victims
    env.filters["minute"] = minute
    return env


def minute(value: str | None) -> str:
    """``2024-03-05 10:35`` from an ISO 8601 time in the centre's zone (``2024-03-05T10:35:00+08:00``)."""
    return "—" if not value else value.replace("T", " ")[:16]


def yuan(value: Any) -> str:
    """``12,345.60`` from a decimal string or number (the centre's amounts are decimal strings)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)


def victims(value: Any) -> str:
    """A freeze row's victims (``{"P1": "117.49"}``) as ``P1: 117.49``."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {yuan(v)}" for k, v in value.items())
    return "" if value is None else str(value)


@dataclass
class Ctx:
    """One console request: the centre, who asks, the language, and what the page needs to render."""

    request: Request
    centre: Centre
    actor: Actor
    lang: str
    hooks: Hooks
    token: str | None = None
    set_lang: bool = False

    @property
    def user(self) -> bool:
        return self.actor.principal.kind == "user"

    def can(self, permission: str) -> bool:
        return self.user and self.actor.principal.can(permission)

    def t(self, key: str, /, **params: Any) -> str:
        """A console text (``console.KEY`` in the message catalogue) in the reader's language."""
        return t(f"console.{key}", self.lang, **params)

    def msg(self, key: str, **params: Any) -> str:
        """Any text of the message catalogue (``stage.1``, ``label.scam`` …) in the reader's language."""
        return t(key, self.lang, **params)

    @property
    def want_json(self) -> bool:
        if self.request.query_params.get("format") == "json":
            return True
        accept = self.request.headers.get("accept", "")
        return accept.startswith("application/json")

    def require_user(self) -> None:
        if not self.user:
            raise LoginNeeded()

    def status_of(self, err: FanzhaError) -> int:
        if err.code == "E952":  # another site's form: the console's own refusal
            return 403
        if err.code in self.hooks.status:
            return self.hooks.status[err.code]
        return 422 if isinstance(err, InputError) else 400

    def check_origin(self) -> None:
        """A form posted from another site is refused (the cookie is SameSite=Strict as well)."""
        origin = self.request.headers.get("origin") or self.request.headers.get("referer")
        if origin and origin != "null":
            host = self.request.headers.get("host", "")
            if urlsplit(origin).netloc != host:
                raise Refused("E952", origin=urlsplit(origin).netloc or origin[:80])

    async def posted(self) -> tuple[Any, dict[str, str]]:
        """The form a logged-in user posted, and its text fields (its uploads are closed when the request
        ends: `ConsoleRoute`)."""
        self.require_user()
        form = await self.request.form()
        return form, {k: v for k, v in form.items() if isinstance(v, str)}

    def url(self, path: str, **query: Any) -> str:
        parts = [f"{k}={quote(str(v))}" for k, v in query.items() if v not in (None, "")]
        return path + ("?" + "&".join(parts) if parts else "")

    def in_lang(self, lang: str) -> str:
        """This page in `lang`: its query kept (a filter, a world), `lang` set."""
        kept = {k: v for k, v in self.request.query_params.items() if k not in ("lang", "format")}
        return self.url("", **kept, lang=lang)


def context(request: Request) -> Ctx:
    """The `Ctx` of a request (a FastAPI dependency)."""
    centre: Centre = request.app.state.centre
    hooks: Hooks = request.app.state.console_hooks
    ip = hooks.client_ip(request, centre.settings)
    q = request.query_params.get("lang")
    cookie = request.cookies.get(LANG_COOKIE)
    lang = q if q in LANGS else cookie if cookie in LANGS else hooks.request_lang(request)
    token = request.cookies.get(SESSION_COOKIE)
    actor = Actor(ANONYMOUS, ip)
    if token:
        try:
            actor = Actor(centre.accounts.principal(token), ip)
        except Refused:  # expired or logged out elsewhere: a visitor again
            token = None
    return Ctx(request, centre, actor, lang, hooks, token, set_lang=q in LANGS and q != cookie)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS), status_code=status, media_type="application/json"
    )


def page(ctx: Ctx, template: str, data: dict[str, Any], status: int = 200) -> Response:
    """The page `template` over `data`, or `data` itself as JSON (the page's JSON twin)."""
    if ctx.want_json:
        return finish(ctx, json_response(data, status))
    html = templates().get_template(template).render(ctx=ctx, t=ctx.t, **data)
    return finish(ctx, HTMLResponse(html, status_code=status))


def respond(ctx: Ctx, result: Any, location: str, status: int = 200) -> Response:
    """After a form's action: the centre's answer as JSON (the JSON twin), or the browser sent to `location`."""
    if ctx.want_json:
        return finish(ctx, json_response(result, status))
    return finish(ctx, RedirectResponse(location, status_code=303))


def error_page(ctx: Ctx, err: FanzhaError) -> Response:
    status = ctx.status_of(err)
    body = {"error": coded(err, ctx.lang)}
    if ctx.want_json:
        resp = finish(ctx, json_response(body, status))
    else:
        resp = page(ctx, "error.html", {"page": "error", **body}, status)
    if err.code == "E907":
        resp.headers["Retry-After"] = str(err.params.get("seconds", 1))
    return resp


def page_error(request: Request, err: FanzhaError) -> Response:
    """The error page for a request no console route took (an address the service does not have)."""
    ctx = context(request)
    return finish(ctx, error_page(ctx, err))


def login_redirect(ctx: Ctx) -> Response:
    if ctx.want_json:
        return error_page(ctx, Refused("E901"))
    target = ctx.request.url.path
    if ctx.request.url.query:
        target += "?" + ctx.request.url.query
    return RedirectResponse(ctx.url("/login", next=target), status_code=303)


def finish(ctx: Ctx, resp: Response) -> Response:
    for k, v in SECURITY_HEADERS.items():
        resp.headers.setdefault(k, v)
    if ctx.set_lang:
        resp.set_cookie(LANG_COOKIE, ctx.lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return resp


class ConsoleRoute(APIRoute):
    """A console route: coded errors become the error page (or its JSON) in the reader's language, a page for
    staff without a login goes to the login page, and every answer carries the security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                resp = await inner(request)
            except (FanzhaError, LoginNeeded) as exc:
                await _close_form(request)
                ctx = context(request)
                if isinstance(exc, LoginNeeded):
                    resp = login_redirect(ctx)
                else:
                    resp = error_page(ctx, exc)
                return finish(ctx, resp)
            await _close_form(request)
            for k, v in SECURITY_HEADERS.items():
                resp.headers.setdefault(k, v)
            return resp

        return handler


async def _close_form(request: Request) -> None:
    """Close the uploaded files of a form the handler read (Starlette keeps them open until asked)."""
    form = getattr(request, "_form", None)
    if form is not None:
        await form.close()
