"""State across persons: payee accounts known as scam accounts (issue 19).

The per-person engine sees one person's events; a bank or a centre also knows things about the account a person
is about to pay. This module holds that knowledge as an explicit, time-stamped list the engine reads, and that
the engine itself feeds:

- **read**: a list given to the engine (`PayeeList.load`): accounts reported by earlier victims, on a freeze
  list, flagged by the receiving bank — one JSON object a line, `{"account": "A…", "time": ISO 8601 with an
  offset, "reason": "reported", "source": "…"}`. A flag is known from its `time` on, never before.
- **fed**: when a person's alert reaches medium (a dissuasion call), the payees that person added while the
  evidence ran are flagged `alerted_payer`, from the moment the alert knew it (the later of the payee's event and
  the alert's level). A second person who adds the same account later is then warned at once.

- **devices**: the list may also name phones (`{"device": "D…", "time": …, "reason": "reported", "source":
  "R…"}`): a phone that emptied a reported victim's account (`fanzha.banks.devices`, account takeover). The engine
  asks `known_device` of the phone a payee or a transfer came from (`attrs.device`) and marks the event
  `attrs.device_flag`. Only given, never fed: the engine does not know which phones are a person's own.
- **cleared**: an account found innocent is taken off the list from a time on (`PayeeList.clear`, the centre's
  `DELETE /v1/payees/{account}`): no flag from before that time counts after it; a flag known later lists it again.

Time-correct by construction: `known(account, t)` answers only with a flag whose time is ≤ t, so an event is
never judged with what was learned after it (a late event from before a flag does not see it), and nothing of the
world's truth goes in: the engine's own alerts and the lists a centre holds.

What is *not* a reason to flag: many people paying one account. A letting agency or a car dealer is paid by
dozens of people a week; a gang's layer-1 card by a few victims. What tells them apart is that the gang's payers
are being scammed — which the alerts (or reports) say — not how many they are.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import orjson

from fanzha.errors import InputError, shown
from fanzha.records.units import us_of

#: reasons, strongest first: a reported or frozen account (an earlier victim's report, trace's freeze list); an
#: account its own bank saw money pass straight through, or that a phone running many cards ran
#: (`fanzha.banks.receiving_bank_flags`); an account a person under a medium or high alert added as a payee
#: (the engine's own feed)
REASONS = ("reported", "receiving_bank", "alerted_payer")
#: what a flag names: a payee account, or a phone (only ever `reported`: it emptied a reported victim's account)
SUBJECTS = ("account", "device")


@dataclass(frozen=True, slots=True)
class PayeeFlag:
    account: str  # the account, or the phone's device id when `subject` is "device"
    time: int  # µs: known from then on
    reason: str
    source: str = ""
    subject: str = "account"

    def to_dict(self) -> dict[str, object]:
        return {self.subject: self.account, "time": self.time, "reason": self.reason, "source": self.source}


def checked_subject(value: object, where: str = "subject") -> str:
    """`value` when it is a subject the list holds (`SUBJECTS`), else E755 at `where`."""
    if value not in SUBJECTS:
        raise InputError("E755", where=where, field="subject", value=shown(value), valid=" | ".join(SUBJECTS))
    return str(value)


#: longest account id (or device id) and source a flag keeps
MAX_ACCOUNT = 200
MAX_SOURCE = 200


def parse_flag(
    d: object,
    where: str,
    *,
    now_us: int | None = None,
    reasons: tuple[str, ...] = REASONS,
    devices: bool = False,
) -> PayeeFlag:
    """One flag from its JSON object: `account` (or, with `devices`, `device` instead: a phone), `time` (ISO
    8601 with an offset; `now_us` when absent, if given), `reason` (one of `reasons`, default ``reported``; a
    phone's only ``reported``), optional `source`. Anything else is E755 at `where`, naming the field and its
    value (E756 when `d` is not an object)."""
    valid = " | ".join(reasons)

    def bad(field: str, value: object) -> InputError:
        return InputError("E755", where=where, field=field, value=shown(value), valid=valid)

    if not isinstance(d, dict):
        raise InputError("E756", where=where, value=shown(d))
    subject = "device" if devices and "device" in d else "account"
    if subject == "device" and "account" in d:
        raise bad("account + device", (d["account"], d["device"]))
    acc, when, reason = d.get(subject), d.get("time"), d.get("reason", "reported")
    source = d.get("source", "")
    if not isinstance(acc, str) or not acc.strip() or len(acc) > MAX_ACCOUNT or "\x00" in acc:
        raise bad(subject, acc)
    if not isinstance(source, str) or len(source) > MAX_SOURCE:
        raise bad("source", source)
    if reason not in reasons or (subject == "device" and reason != "reported"):
        raise bad("reason", reason)
    if when is None and now_us is not None:
        return PayeeFlag(acc.strip(), now_us, reason, source, subject)
    try:
        parsed = datetime.fromisoformat(when) if isinstance(when, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise bad("time", when)
        t = us_of(parsed)
    except (ValueError, OverflowError):
        raise bad("time", when) from None
    return PayeeFlag(acc.strip(), t, reason, source, subject)


class PayeeIntel(Protocol):
    """What the engine asks of the shared state: is this account known as a scam account at time t (µs)?"""

    def known(self, account: str, t: int) -> str | None:
        """The strongest reason known for `account` at `t`, or None."""
        ...

    def known_device(self, device: str, t: int) -> str | None:
        """The reason a phone is listed at `t` (a payee or a transfer made from it), or None."""
        ...

    def flag(self, account: str, t: int, reason: str, source: str = "", *, subject: str = "account") -> bool:
        """Record that `account` (a phone, with `subject` "device") is known for `reason` from `t` on; True when
        that is news (earlier than any flag of the same reason)."""
        ...

    def drain(self) -> list[PayeeFlag]:
        """The flags added since the last drain (for the store to persist in the batch's transaction)."""
        ...


class PayeeList:
    """The shared list in memory: per subject (accounts, phones), per name and reason, the earliest time it was
    known. Accounts and phones are held apart: no account, however spelt, is ever a phone."""

    def __init__(self, flags: Iterable[PayeeFlag] = ()) -> None:
        # subject → name → [(time, reason rank, source)] sorted by time
        self._by: dict[str, dict[str, list[tuple[int, int, str]]]] = {s: {} for s in SUBJECTS}
        # subject → name → [(time, source)] sorted: from each such time on, the flags before it no longer count
        # (an investigator found the account innocent: `clear`)
        self._clears: dict[str, dict[str, list[tuple[int, str]]]] = {s: {} for s in SUBJECTS}
        self._new: list[PayeeFlag] = []
        for f in flags:
            self._add(f)

    def _epoch(self, subject: str, name: str, t: int) -> int:
        """How many clears of `name` are at or before `t`: flags count only within one epoch."""
        clears = self._clears[subject].get(name)
        return bisect.bisect_right(clears, (t, "\uffff")) if clears else 0

    def __len__(self) -> int:
        return sum(len(v) for by in self._by.values() for v in by.values())

    def __iter__(self) -> Iterator[PayeeFlag]:
        for subject in SUBJECTS:
            for name, rows in sorted(self._by[subject].items()):
                for t, r, src in rows:
                    yield PayeeFlag(name, t, REASONS[r], src, subject)

    def _add(self, f: PayeeFlag) -> bool:
        if f.reason not in REASONS:
            raise ValueError(f"unknown reason {f.reason!r}; valid: {', '.join(REASONS)}")
        subject = checked_subject(f.subject)
        rank = REASONS.index(f.reason)
        rows = self._by[subject].setdefault(f.account, [])
        epoch = self._epoch(subject, f.account, f.time)
        for k, (t, r, _) in enumerate(rows):
            if r == rank and self._epoch(subject, f.account, t) == epoch:
                if t <= f.time:
                    return False
                del rows[k]
                break
        bisect.insort(rows, (f.time, rank, f.source))
        return True

    def holds(self, account: str, reason: str, t: int, *, subject: str = "account") -> bool:
        """Is `account` (a phone, with `subject` "device") on the list for `reason` at `t` (flagged at or before
        `t`, and not cleared since)?"""
        epoch = self._epoch(subject, account, t)
        rank = REASONS.index(reason)
        return any(
            r == rank and ft <= t and self._epoch(subject, account, ft) == epoch
            for ft, r, _ in self._by[subject].get(account, ())
        )

    def clear(self, account: str, t: int, source: str = "", *, subject: str = "account") -> bool:
        """From `t` on, no flag of `account` (a phone, with `subject` "device") from before `t` counts (a flag
        known at or after `t` does: new evidence lists it again). True when it was on the list at `t`."""
        was = self._known(subject, account, t) is not None
        bisect.insort(self._clears[subject].setdefault(account, []), (t, source))
        return was

    def clears_of(self, account: str, *, subject: str = "account") -> list[tuple[int, str]]:
        """The times (and sources) `account` (a phone, with `subject` "device") was cleared from the list."""
        return list(self._clears[subject].get(account, ()))

    def of(self, account: str, *, subject: str = "account") -> list[PayeeFlag]:
        """Every flag of `account` (a phone, with `subject` "device"; per reason its earliest), in time order."""
        rows = self._by[subject].get(account, ())
        return [PayeeFlag(account, t, REASONS[r], src, subject) for t, r, src in rows]

    def known(self, account: str, t: int) -> str | None:
        return self._known("account", account, t)

    def known_device(self, device: str, t: int) -> str | None:
        return self._known("device", device, t)

    def _known(self, subject: str, name: str, t: int) -> str | None:
        """The strongest reason `name` is on the list for at `t` (in the epoch of `t`), or None."""
        rows = self._by[subject].get(name)
        if not rows:
            return None
        clears = self._clears[subject].get(name)
        epoch = self._epoch(subject, name, t) if clears else 0
        best: int | None = None
        for ft, r, _ in rows:
            if ft > t:
                break
            if clears and self._epoch(subject, name, ft) != epoch:
                continue
            if best is None or r < best:
                best = r
        return None if best is None else REASONS[best]

    def flag(self, account: str, t: int, reason: str, source: str = "", *, subject: str = "account") -> bool:
        f = PayeeFlag(account, t, reason, source, subject)
        if self._add(f):
            self._new.append(f)
            return True
        return False

    def drain(self) -> list[PayeeFlag]:
        out, self._new = self._new, []
        return out

    # -- a list file -------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> PayeeList:
        """Read a list file (JSONL: account or device, time with an offset, reason, optional source). Bad lines are E755
        with their file and line: a list that says the wrong thing must not be half-read."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError("E007", where=str(path), reason=str(exc)) from None
        flags = []
        for n, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                d = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError("E020", where=where, reason=str(exc)) from None
            flags.append(parse_flag(d, where, devices=True))
        return cls(flags)

    def digest(self) -> str:
        """What the list says (for the store's settings: alerts depend on it)."""
        import hashlib

        h = hashlib.blake2b(digest_size=8)
        for f in self:
            subject = "" if f.subject == "account" else f"{f.subject}:"  # an account's line as before devices
            h.update(f"{subject}{f.account}|{f.time}|{f.reason}\n".encode())
        return h.hexdigest()
