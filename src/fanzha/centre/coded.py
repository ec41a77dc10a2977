"""A coded error or reported problem as the JSON the centre answers with: code, message, where, hint — in the
reader's language."""

from __future__ import annotations

from typing import Any

from fanzha.errors import Coded, FanzhaError


def coded(err: FanzhaError | Coded, lang: str, where: str | None = None) -> dict[str, Any]:
    """``{"code", "message", "where", "hint"}`` of `err` in `lang`."""
    loc = where if where is not None else (err.where if isinstance(err, FanzhaError) else err.location())
    return {"code": err.code, "message": err.message(lang), "where": loc, "hint": err.hint(lang)}
