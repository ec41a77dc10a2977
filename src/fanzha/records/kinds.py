"""The kinds of a person's events: one list for the world that writes them (`fanzha.sim`) and the engine that
reads them (`fanzha.warn`)."""

from __future__ import annotations

#: event kinds (events.kind), schema version 1.0
EVENT_KINDS: tuple[str, ...] = (
    "call",
    "sms",
    "chat_message",
    "friend_request",
    "app_install",
    "screen_share_start",
    "screen_share_stop",
    "reserve_fund_opened",
    "loan",
    "credit_limit_change",
    "payee_added",
    "transfer",
    "intervention",
)

#: kinds whose `text` is a message the detector scores
MESSAGE_KINDS: frozenset[str] = frozenset({"call", "sms", "chat_message", "friend_request"})
