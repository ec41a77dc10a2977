"""Every HTTP error is a coded JSON error from the one catalogue, in the caller's language:
``{"error": {"code", "message", "where", "hint"}}`` — never a traceback."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanzha.centre.coded import coded
from fanzha.errors import FanzhaError, InputError
from fanzha.service.lang import request_lang

log = logging.getLogger("fanzha.service")

#: the HTTP status of each service code (other codes: 422 for an input error, 400 otherwise)
STATUS: dict[str, int] = {
    "E064": 503,
    "E065": 413,
    "E900": 500,
    "E901": 401,
    "E902": 401,
    "E903": 403,
    "E904": 404,
    "E905": 404,
    "E956": 404,
    "E906": 422,
    "E907": 429,
    "E908": 409,
    "E909": 409,
    "E910": 409,
    "E911": 422,
    "E912": 413,
    "E913": 400,
    "E917": 409,
    "E918": 404,
    "E919": 409,
    "E920": 422,
    "E921": 422,
    "E922": 422,
    "E923": 404,
    "E925": 401,
    "E926": 503,
    "E927": 422,
    "E928": 413,
    "E929": 409,
    "E930": 409,
    "E931": 422,
}


def error_response(err: FanzhaError, request: Request, status: int | None = None) -> Response:
    lang = request_lang(request)
    code = status or STATUS.get(err.code, 422 if isinstance(err, InputError) else 400)
    headers: dict[str, str] = {}
    if err.code == "E907":
        headers["Retry-After"] = str(err.params.get("seconds", 1))
    if code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = orjson.dumps({"error": coded(err, lang)})
    return Response(body, status_code=code, media_type="application/json", headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(FanzhaError)
    async def coded_error(request: Request, exc: FanzhaError) -> Response:
        return error_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors: list[Any] = list(exc.errors())
        first = errors[0] if errors else {}
        loc = ".".join(str(x) for x in first.get("loc", ())) or "-"
        reason = str(first.get("msg", "invalid"))
        if len(errors) > 1:
            reason += f" (and {len(errors) - 1} more)"
        return error_response(InputError("E906", where=loc, field=loc, reason=reason), request, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            # a person's browser that opens an address the console does not have reads the console's error
            # page (when the console is mounted: `app.state.error_page`), not the API's JSON
            render: Callable[[Request, FanzhaError], Response] | None = getattr(
                request.app.state, "error_page", None
            )
            if render is not None and _browser(request):
                return render(request, InputError("E956", path=request.url.path))
            err = InputError("E905", method=request.method, path=request.url.path)
        elif exc.status_code == 413:
            err = InputError("E928", max=request.app.state.settings.max_body)
        else:
            err = InputError("E906", field="-", reason=str(exc.detail))
        return error_response(err, request, exc.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        ref = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return error_response(FanzhaError("E900", ref=ref), request, 500)


def _browser(request: Request) -> bool:
    """A page asked for by a browser: not the API's (under /v1), and HTML accepted."""
    path = request.url.path
    return not path.startswith("/v1/") and "text/html" in request.headers.get("accept", "")
