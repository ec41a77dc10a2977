"""The caller's language: ``?lang=zh|en``, else the first of zh / en in ``Accept-Language``, else zh."""

from __future__ import annotations

from starlette.requests import Request

from fanzha.messages import LANGS


def pick(accept: str | None) -> str:
    """zh or en from an Accept-Language header (quality values respected; zh when neither is asked for)."""
    best, best_q = "zh", -1.0
    for part in (accept or "").split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-", 1)[0]
        if code not in LANGS:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = code, q
    return best


def request_lang(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    return pick(request.headers.get("accept-language"))
