"""`create_app(settings)`: the anti-fraud centre's HTTP service. Nothing is built at import time: the centre
(store, migrations, live engine, workers) is made when the app starts and closed when it stops.

Every route is versioned under ``/v1`` with a stable operation id (the handler's name); the OpenAPI description
is at ``/openapi.json`` and browsable at ``/docs``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from fanzha.centre import Centre, Settings
from fanzha.centre.audit import MaskingFilter
from fanzha.centre.checking import Checker
from fanzha.centre.webhooks import Sender, http_sender
from fanzha.service import (
    errors,
    routes_admin,
    routes_alerts,
    routes_cases,
    routes_payees,
    routes_public,
    routes_traces,
)
from fanzha.service.deps import RateLimiter
from fanzha.service.schemas import ErrorResponse
from fanzha.warn.textscore import DetectorScorer

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": "a coded error"}
    for code in (400, 401, 403, 404, 409, 413, 422, 429)
}


class BodyLimit:
    """Refuse a request whose declared body is larger than `max_body` (413 E928) before reading it. A pure ASGI
    middleware: it costs a header lookup, not a task per request."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if not value.isdigit() or int(value) > self.max_body:
                        from fanzha.errors import InputError

                        request = Request(scope)
                        response = errors.error_response(InputError("E928", max=self.max_body), request, 413)
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(
    settings: Settings,
    *,
    centre: Centre | None = None,
    sender: Sender = http_sender,
    checker: Checker | None = None,
    scorer: DetectorScorer | None = None,
    on_start: Callable[[Centre], None] | None = None,
) -> FastAPI:
    """The service for `settings` (or around a `centre` the caller made). `on_start` runs once the centre is
    up (the demo starts its feeder there)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        own = centre is None
        c = centre or Centre(settings, sender=sender, checker=checker, scorer=scorer)
        if not c.started:
            await run_in_threadpool(c.start)
        app.state.centre = c
        for name in ("uvicorn.access", "uvicorn.error", "fanzha.service"):
            logging.getLogger(name).addFilter(MaskingFilter())
        if on_start is not None:
            on_start(c)
        try:
            yield
        finally:
            if own:
                c.close()

    app = FastAPI(
        title="fanzha 反诈 — anti-fraud centre API",
        version="1",
        description=(
            "The anti-fraud centre's service: the citizen's check, event ingest and early warning, the alert "
            "queue and its workflow, fund tracing, cases (intake, linking, the leak source), figures. Every error is a coded JSON error "
            "(docs/errors.md); texts are in Simplified Chinese unless the request asks for English "
            "(Accept-Language or ?lang=en). See docs/service.md."
        ),
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        responses=ERRORS,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.check_rate, settings.check_burst)
    errors.install(app)

    app.add_middleware(BodyLimit, max_body=settings.max_body)
    for module in (routes_public, routes_alerts, routes_payees, routes_traces, routes_cases, routes_admin):
        app.include_router(module.router)
    _mount_console(app)
    return app


def _mount_console(app: FastAPI) -> None:
    """The web console (`fanzha.console`: pages at /, /queue, /alerts/…, /traces, /stats; docs/console.md), lent
    what the service owns: the client's address, the request's language, the open check's rate limit and the
    HTTP status of each error code."""
    from fanzha.console import Hooks, mount
    from fanzha.service.deps import check_allowed, client_ip
    from fanzha.service.lang import request_lang

    mount(
        app,
        Hooks(
            client_ip=client_ip, request_lang=request_lang, check_limit=check_allowed, status=errors.STATUS
        ),
    )
