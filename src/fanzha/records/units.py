"""Units every record is measured in: time as microseconds since the Unix epoch (UTC), money as integer fen (分),
durations as microseconds — and the one way each is parsed from what people write.

- Times are timezone-aware. `us_of` refuses a naive datetime; `parse_time` reads ISO 8601 and, only when told a
  zone (`tz=`), a time without an offset (a bank export's local time).
- Money is exact: yuan → fen never goes through a float. `to_fen` refuses more than two decimals (a record's
  amount); `round_fen` rounds half up (an amount read out of free text).
- Durations have one grammar: ``90s``, ``30m``, ``2h``, ``1d``, ``1h30m``, ``1.5h``; a bare number is seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from fanzha.errors import InputError

US = US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US
US_PER_HOUR = 3_600 * US
US_PER_DAY = 86_400 * US
TZ = "Asia/Shanghai"  # the world's and the ledgers' default zone (China has had no DST since 1991)
SHANGHAI_OFFSET_US = 8 * US_PER_HOUR

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNIT_US = {"d": US_PER_DAY, "h": US_PER_HOUR, "m": US_PER_MINUTE, "s": US}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dhms])")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def us_of(when: datetime) -> int:
    """Microseconds since the epoch of a timezone-aware datetime (a naive one is E704)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise InputError("E704", value=when.isoformat())
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def datetime_of(t_us: int, tz: tzinfo | str | None = None) -> datetime:
    """The timezone-aware datetime of `t_us`, in `tz` (a zone or its name; default UTC)."""
    d = datetime.fromtimestamp(t_us // US, UTC).replace(microsecond=t_us % US)
    if tz is None:
        return d
    return d.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)


def parse_time(value: Any, *, where: str | None = None, tz: str | None = None) -> int:
    """An ISO 8601 time → µs since the epoch. Without an offset it is an error (E704), unless `tz` names the
    zone such times are in (then ``2024/03/06 10:41`` reads as local time there)."""
    if isinstance(value, datetime):
        if value.utcoffset() is None and tz is not None:
            value = value.replace(tzinfo=ZoneInfo(tz))
        return us_of(value)
    if not isinstance(value, str):
        raise InputError("E704", where=where, value=str(value))
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("/", "-") if tz is not None else text)
    except ValueError:
        raise InputError("E704", where=where, value=value) from None
    if when.utcoffset() is None:
        if tz is None:
            raise InputError("E704", where=where, value=value)
        when = when.replace(tzinfo=ZoneInfo(tz))
    return us_of(when)


def parse_duration(text: str | int | float, *, where: str | None = None) -> int:
    """A duration → microseconds: ``90s``, ``30m``, ``2h``, ``1d``, ``1h30m``, ``1.5h``, or a number of seconds.
    Anything else (negative, empty, an unknown unit) is E030."""
    if isinstance(text, bool):
        raise InputError("E030", where=where, value=text)
    if isinstance(text, int | float):
        if text < 0 or text != text:
            raise InputError("E030", where=where, value=text)
        return int(text * US)
    if not isinstance(text, str):
        raise InputError("E030", where=where, value=text)
    if _NUMBER.match(text):
        return int(float(text) * US)
    total = 0.0
    pos = 0
    units = ""
    for m in _PART.finditer(text):
        if m.start() != pos or m.group(2) in units:
            break
        units += m.group(2)
        total += float(m.group(1)) * _UNIT_US[m.group(2)]
        pos = m.end()
    if not units or text[pos:].strip() or "".join(u for u in "dhms" if u in units) != units:
        raise InputError("E030", where=where, value=text)
    return int(total)


def to_fen(value: Any, *, where: str | None = None) -> int:
    """Yuan (a number, a decimal string or a Decimal) → integer fen; more than two decimals is an error (E705)."""
    if isinstance(value, bool):
        raise InputError("E705", where=where, value=str(value))
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError("E705", where=where, value=str(value)) from None
    if not d.is_finite() or (fen := d * 100) != fen.to_integral_value():
        raise InputError("E705", where=where, value=str(value))
    return int(fen)


def round_fen(value: Decimal) -> int:
    """Yuan → fen, rounded half up (an amount read out of free text: ``3.456元``)."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> str:
    """Integer fen as a yuan string with two decimals (exact, no float)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
