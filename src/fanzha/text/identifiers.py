"""Identifiers as a case file keys them: one normal form per kind, so that a phone written ``171 3221 6622``,
``+86 17132216622`` or in full-width digits, a WeChat id in capitals, a link with or without ``https://`` each
become one key that two reports can share.

`normalize(kind, raw)` is for values given as they are (a column of a police system's export); `of_entity(e)`
for what `fanzha.text.entities` found in a text. Both give ``(kind, value)`` or None, and normalising a value
again gives it back (tested with hypothesis).

Kinds (`KINDS`): phone, qq, wechat_id, meeting_id, bank_card, payment_account, domain, order_number (identifiers
two cases can share), and partial_number (the last digits of one of them: 尾号8831, matched to a full number by
the case linker only when exactly one fits).
"""

from __future__ import annotations

import re

from fanzha.text.entities import Entity, luhn_ok
from fanzha.text.normalize import char_table

KINDS: tuple[str, ...] = (
    "phone",
    "qq",
    "wechat_id",
    "meeting_id",
    "bank_card",
    "payment_account",
    "domain",
    "order_number",
    "partial_number",
)
#: the identifier kind of a counterparty on a channel of the events: the operator's calls and texts, the
#: platforms' QQ and WeChat records (friend requests, messages, calls in the app)
CHANNEL_KINDS: dict[str, str] = {"phone": "phone", "sms": "phone", "qq": "qq", "wechat": "wechat_id"}


def channel_kind(channel: str | None, kind: str) -> str | None:
    """The identifier kind of an event's counterparty by its channel (`CHANNEL_KINDS`); a call or text without
    a channel is the phone network's; None for any other channel."""
    return CHANNEL_KINDS.get(channel or ("phone" if kind in ("call", "sms") else ""))


#: the kinds a partial number may be the end of, by what its words said it ends (None: not said)
PARTIAL_OF: dict[str | None, tuple[str, ...]] = {
    "bank_card": ("bank_card",),
    "phone": ("phone",),
    "order_number": ("order_number",),
    "qq": ("qq",),
    None: ("phone", "bank_card"),
}

_DIGITS_RE = re.compile(r"\d+")
_WECHAT_RE = re.compile(r"[a-z][-_a-z0-9]{5,19}")
_HANDLE_RE = re.compile(r"[a-z0-9][-_.@a-z0-9]{3,60}")
_ORDER_RE = re.compile(r"[A-Z0-9]{6,32}")
_DOMAIN_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def _flat(raw: str) -> str:
    """Half-width, lower case, without spaces and the separators people put inside numbers."""
    return re.sub(r"[\s\u3000\-_.()（）]", "", raw.translate(char_table()))


def _digits(raw: str) -> str:
    return "".join(_DIGITS_RE.findall(raw.translate(char_table())))


def normalize(kind: str, raw: str) -> str | None:
    """The key of `raw` as an identifier of `kind`, or None when it cannot be one (too short, letters in a
    number, a card number that fails the Luhn test …)."""
    if kind == "phone":
        text = raw.translate(char_table()).strip()
        d = _digits(text)
        if text.startswith("+") and d.startswith("86") and len(d) == 13:
            d = d[2:]
        elif d.startswith("0086") and len(d) == 15:
            d = d[4:]
        elif len(d) == 13 and d.startswith("86") and d[2] == "1":
            d = d[2:]
        return d if 3 <= len(d) <= 15 and _only_digits(text) else None
    if kind in ("qq", "meeting_id"):
        text = raw.translate(char_table())
        d = _digits(text)
        lo, hi = (5, 11) if kind == "qq" else (4, 12)
        ok = lo <= len(d) <= hi and _only_digits(text) and not (kind == "qq" and d.startswith("0"))
        return d if ok else None
    if kind == "bank_card":
        text = raw.translate(char_table())
        d = _digits(text)
        return d if 12 <= len(d) <= 19 and _only_digits(text) and luhn_ok(d) else None
    if kind == "partial_number":
        text = raw.translate(char_table())
        d = _digits(text)
        return d if 3 <= len(d) <= 6 and _only_digits(text, allow="*") else None
    if kind == "wechat_id":
        text = raw.translate(char_table()).strip()
        return text if _WECHAT_RE.fullmatch(text) else None
    if kind == "payment_account":
        text = raw.translate(char_table()).strip().replace(" ", "")
        if "@" not in text and _only_digits(text):
            d = _digits(text)
            return d if 5 <= len(d) <= 20 else None
        return text if _HANDLE_RE.fullmatch(text) else None
    if kind == "domain":
        text = raw.translate(char_table()).strip()
        host = text.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
        host = host.removeprefix("www.").rstrip(".")
        return host if _DOMAIN_RE.fullmatch(host) else None
    if kind == "order_number":
        text = _flat(raw).upper()
        return text if _ORDER_RE.fullmatch(text) else None
    raise ValueError(f"unknown identifier kind {kind!r}; valid: {', '.join(KINDS)}")


def _only_digits(text: str, allow: str = "") -> bool:
    """Digits and the separators people write between them (spaces, -, +, ., brackets), nothing else."""
    return all(c.isdigit() or c in " -+.()（）\u3000" or c in allow for c in text) and any(
        c.isdigit() for c in text
    )


def of_entity(e: Entity) -> tuple[str, str] | None:
    """(kind, key) of an entity that is an identifier (a URL keys by its domain), else None."""
    if e.kind == "url":
        domain = e.extra.get("domain")
        return ("domain", str(domain)) if domain else None
    if e.kind in KINDS:
        value = normalize(e.kind, str(e.value))
        return (e.kind, value) if value is not None else None
    return None
