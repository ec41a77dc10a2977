"""The receiving bank's flags: which personal accounts a bank's own ledger shows to be run for a scam, and from
when (the 断卡 campaigns' two patterns). Each is known `delay_h` hours after the pattern completed — a monitoring
run, not the same second — and goes on the shared scam-account list (`fanzha.warn.payees`, reason
``receiving_bank``): a person who later adds the account as a payee is warned.

- **Pass-through** (快进快出, `PASS_THROUGH`): a payment of at least `min_yuan` from another owner (not a lender:
  a loan sent straight on is the borrower's scam — the victim's account, not a mule), of which at least `share`
  leaves again within `within_h` hours to at least `destinations` accounts. Run on every personal
  account, an innocent's too (a person who receives a payment and passes it on at once is flagged as a gang's
  card is), with only the account's own traffic up to that moment; a company's, merchant's, processor's or
  lender's account is not a personal one and is not watched this way.
- **One phone, many cards** (一机多卡, `SHARED_DEVICE`): a phone that has moved money out of `accounts` personal
  accounts or more — more than a household's — *and* made the transfers out of a pass-through (above) runs cards
  for a gang; every account it has run from the account's first transfer out is flagged; an account its holder's
  own phone ran first (a victim's, taken over) is not. Running many cards alone is not enough: a labour
  contractor who keeps his crew's wage cards, a care home paying its residents' bills, run as many from one phone
  and never pass money straight through them (`fanzha.sim.keepers`: the worlds' look-alike).

The rules read columns (`Transfers`): the sim's banks (`fanzha.sim.telemetry`) give them a world's ledger, `fanzha
payees` a real bank's export read by `fanzha.trace`'s ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from fanzha.records.units import US_PER_SECOND

#: the receiving bank's pass-through rule (see the module's docstring)
PASS_THROUGH: dict[str, float] = {
    "min_yuan": 500.0,
    "share": 0.8,
    "within_h": 3.0,
    "destinations": 2,
    "delay_h": 1.0,
}
#: the banks' shared-phone rule (一机多卡, see the module's docstring): a phone that has moved money out of this many
#: personal accounts — more than a household's (a person managing a spouse's and two parents' cards and payment
#: accounts runs eight) — and passed money straight through one of them runs cards for a gang
SHARED_DEVICE: dict[str, float] = {
    "accounts": 10,
    "delay_h": 1.0,
}
#: account kinds a bank watches as personal accounts
PERSONAL_KINDS = ("bank_card", "payment_account")
#: senders whose money, passed straight on, says nothing of the account (the pass-through rule skips it): a
#: lender's — a loan sent on at once to new payees is what a victim is told to do (贷款后立即转出), a sign of the
#: borrower's scam, not of a card run for a gang
NOT_PASSED_ON = ("lender",)
HOUR = 3600 * US_PER_SECOND


@dataclass(frozen=True)
class Transfers:
    """A ledger's transfers as columns, in any order: source and destination account, amount in fen, time in µs
    since the epoch, and the device that made each (None where unknown; `device` None: the ledger has none)."""

    src: Sequence[str]
    dst: Sequence[str]
    fen: npt.NDArray[np.int64]
    time: npt.NDArray[np.int64]
    device: Sequence[str | None] | None = None


def receiving_bank_flags(
    tr: Transfers, kind: Mapping[str, str | None], owner: Mapping[str, str | None]
) -> list[tuple[int, str]]:
    """(time µs the flag is known, account) for every personal account (`kind` in `PERSONAL_KINDS`) whose own
    traffic shows the pass-through pattern or that a shared phone runs, in time order; each account once, at the
    first of the two. `owner`: account → its holder (transfers between one holder's accounts are no
    pass-through)."""
    order = np.argsort(tr.time, kind="stable")
    flagged, implicated = _pass_through(tr, order, kind, owner)
    for a, t in (_shared_device(tr, order, kind, implicated) if tr.device is not None else {}).items():
        if t < flagged.get(a, t + 1):
            flagged[a] = t
    return sorted((t, a) for a, t in flagged.items())


def _shared_device(
    tr: Transfers,
    order: npt.NDArray[np.int64],
    kind: Mapping[str, str | None],
    implicated: Mapping[str, int],
) -> dict[str, int]:
    """account → time µs its flag is known, for the personal accounts that a phone runs from their first transfer
    out on, once that phone has moved money out of `SHARED_DEVICE.accounts` personal accounts or more *and* has
    passed money straight through one of them (`implicated`: phone → when it first did): flagged when both hold
    (every such account it ran so far) or when it first runs another, + the monitoring delay. A phone that runs
    many cards and never passes money through them is someone who keeps others' cards (a contractor his crew's
    wage cards, a care home its residents'), not a gang. An account its holder's own phone ran first is not
    flagged when a shared phone runs it later: that is a taken-over account (a victim's, emptied by the gang), not a
    card the gang runs."""
    assert tr.device is not None
    need = int(SHARED_DEVICE["accounts"])
    delay = int(SHARED_DEVICE["delay_h"] * HOUR)
    ran: dict[str, int] = {}  # phone → personal accounts it moved money out of
    reached: dict[str, int] = {}  # phone → when it had moved money out of `need` of them
    first: dict[str, str] = {}  # account → the phone its first transfer out came from
    runs: dict[
        str, list[tuple[str, int]]
    ] = {}  # phone → the accounts it ran from their first transfer out, when
    seen: set[tuple[str, str]] = set()
    for i in order.tolist():
        d, a = tr.device[i], tr.src[i]
        if d is None or kind.get(a) not in PERSONAL_KINDS or (d, a) in seen:
            continue
        seen.add((d, a))
        ran[d] = ran.get(d, 0) + 1
        if a not in first:
            first[a] = d
            runs.setdefault(d, []).append((a, int(tr.time[i])))
        if ran[d] == need:
            reached[d] = int(tr.time[i])
    flagged: dict[str, int] = {}
    for d, at in reached.items():
        if d not in implicated:
            continue
        since = max(at, implicated[d])
        for b, t in runs.get(d, ()):
            flagged[b] = max(since, t) + delay
    return flagged


def _pass_through(
    tr: Transfers,
    order: npt.NDArray[np.int64],
    kind: Mapping[str, str | None],
    owner: Mapping[str, str | None],
) -> tuple[dict[str, int], dict[str, int]]:
    """account → time µs its flag is known, for the personal accounts whose own traffic shows the pass-through
    pattern (`PASS_THROUGH`), at the first such pattern; and phone → when a pattern it made the transfers out of
    first completed (the phones that passed money straight through an account)."""
    rule = PASS_THROUGH
    src, dst, fen, ts = tr.src, tr.dst, tr.fen, tr.time
    outs: dict[str, list[int]] = {}
    for i in order.tolist():
        outs.setdefault(src[i], []).append(i)
    out_t = {a: ts[np.array(ix, dtype=np.int64)] for a, ix in outs.items()}
    min_fen = int(rule["min_yuan"] * 100)
    within = int(rule["within_h"] * HOUR)
    delay = int(rule["delay_h"] * HOUR)
    need = int(rule["destinations"])
    flagged: dict[str, int] = {}
    phones: dict[str, int] = {}
    for i in order.tolist():
        d = dst[i]
        if fen[i] < min_fen or d in flagged or kind.get(d) not in PERSONAL_KINDS or d not in outs:
            continue
        if owner.get(src[i]) is not None and owner.get(src[i]) == owner.get(d):  # between one's own accounts
            continue
        if kind.get(src[i]) in NOT_PASSED_ON:  # a loan sent straight on is its borrower's scam, not a mule's
            continue
        ix = outs[d]
        k = int(np.searchsorted(out_t[d], ts[i], side="left"))
        total, seen = 0, set()
        first = k
        while k < len(ix) and ts[ix[k]] <= ts[i] + within:
            j = ix[k]
            total += int(fen[j])
            seen.add(dst[j])
            if total >= rule["share"] * fen[i] and len(seen) >= need:
                flagged[d] = int(ts[j]) + delay
                if tr.device is not None:
                    for m in ix[first : k + 1]:
                        if (phone := tr.device[m]) is not None:
                            phones.setdefault(phone, int(ts[j]))
                break
            k += 1
    return flagged, phones


def write_flags(
    fh: BinaryIO,
    flags: Iterable[tuple[int, str] | tuple[int, str, str]],
    shape: Mapping[str, str],
    tz: str = "Asia/Shanghai",
) -> None:
    """One JSON object a line (`fanzha.warn.payees.PayeeList.load` reads a payee list so): `shape` with its first
    key set to the flag's subject and `time` (ISO 8601 in `tz`, with its offset) after it; a flag's third item,
    when it has one, is its `source`."""
    zone = ZoneInfo(tz)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    key, *rest = shape
    for t, subject, *source in flags:
        when = (epoch + timedelta(microseconds=t)).astimezone(zone).isoformat()
        row = {key: subject, "time": when, **{k: shape[k] for k in rest}}
        if source:
            row["source"] = source[0]
        fh.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")


#: a payee list line's shape: the receiving bank's flag
PAYEE_SHAPE = {"account": "", "reason": "receiving_bank", "source": "bank"}
#: a device line's shape: a phone that emptied a reported victim's account (`fanzha.banks.devices`); its source is
#: the report
DEVICE_SHAPE = {"device": "", "reason": "reported", "source": ""}
