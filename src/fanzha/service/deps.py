"""The dependencies routes declare: the centre, the caller (`Actor`), the caller's language, the open check's
rate limit. They are coroutines: quick (a token's principal is cached), they run on the event loop instead of
costing a thread hop per request."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from fanzha.centre import ANONYMOUS, Actor, Centre, Refused
from fanzha.centre.settings import Settings
from fanzha.service.lang import request_lang


async def get_centre(request: Request) -> Centre:
    centre: Centre = request.app.state.centre
    return centre


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_ip(request: Request, settings: Settings) -> str | None:
    ip = request.client.host if request.client is not None else None
    if ip is not None and ip in settings.trusted_proxies:
        fwd = request.headers.get("x-forwarded-for")
        if fwd:
            return fwd.split(",")[-1].strip() or ip
    return ip


async def get_actor(request: Request) -> Actor:
    """Who is calling: a bearer token (a login's or an API key) or ``X-API-Key``; anonymous without. It reads the
    two headers itself (they are not in the OpenAPI description: the security schemes are) and takes no
    sub-dependency: FastAPI resolves every declared parameter and sub-dependency on every request, and on the
    open check that resolution cost more CPU than the detector."""
    centre: Centre = request.app.state.centre
    ip = client_ip(request, centre.settings)
    headers = request.headers
    token = headers.get("x-api-key")
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
        if token is None:
            raise Refused("E901")
    if not token:
        return Actor(ANONYMOUS, ip)
    try:
        return Actor(centre.accounts.principal(token), ip)
    except Refused:
        centre.audit.record(Actor(ANONYMOUS, ip), "auth.token", outcome="refused")
        raise


LangQuery = Annotated[str | None, Query(pattern="^(zh|en)$", description="zh (default) or en")]


async def get_lang(request: Request, lang: LangQuery = None) -> str:
    return lang or request_lang(request)


CentreDep = Annotated[Centre, Depends(get_centre)]
ActorDep = Annotated[Actor, Depends(get_actor)]
LangDep = Annotated[str, Depends(get_lang)]


class RateLimiter:
    """A token bucket per client address: `rate` requests a second, bursts of `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > 100_000:
                    self._buckets.clear()
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


async def check_allowed(request: Request, actor: Actor) -> Actor:
    """The open check: anyone; callers without the `check` permission (anonymous ones, keys of other scopes)
    within the rate limit per address (E907 with Retry-After)."""
    if actor.principal.kind == "anonymous" or not actor.principal.can("check"):
        limiter: RateLimiter = request.app.state.limiter
        wait = limiter.take(actor.ip or "-")
        if wait > 0:  # not audited: a flood must not flood the audit log too
            raise Refused("E907", seconds=max(1, math.ceil(wait)))
    return actor


@dataclass(frozen=True)
class Checking:
    """A call of the open check: the caller (allowed, within the rate limit), the centre, the language."""

    actor: Actor
    centre: Centre
    lang: str


async def get_checking(request: Request, lang: LangQuery = None) -> Checking:
    """The open check's one dependency (the caller, the rate limit, the centre and the language in one: each
    dependency FastAPI resolves costs CPU on every request, and this route is the one under load)."""
    actor = await check_allowed(request, await get_actor(request))
    centre: Centre = request.app.state.centre
    return Checking(actor, centre, lang or request_lang(request))


CheckingDep = Annotated[Checking, Depends(get_checking)]
