"""The paying bank's list of phones that emptied a reported victim's account (涉诈设备, issue 19): account takeover.

In a takeover the victim reads out the card number, the password and the codes, and the gang moves the money
from its own phone (the seeds: "对方用我的账户转走了"). The victim's bank sees it only as a phone new to the
account; a person's own new phone looks the same, so a phone new to an account is no warning by itself. What
the bank does learn is the report: when a victim with a loss reports, the bank looks at the account's transfers
out in the week before and lists each phone that ran the account for the first time in that week and is
bound to no customer the banks know (绑定设备: a person's own phone is bound to them; the gang's is bound to
nobody). The same gang phone takes over the next victim's account days later; a payee added from a listed phone
is the gang at work (`fanzha.warn.payees`, a device flag; the knowledge base's `money.known_scam_device`).

Not listed: the victim's own phones (a new one too), a phone that ran the account before the week — a spouse's,
a son's who pays his mother's bills: they run the account habitually and the victim does not dispute them — and
any phone bound to a person, even one new to the account that week: a labour contractor who has just taken a new
worker's wage card (`fanzha.sim.keepers`) runs it from his own phone, and listing that phone would alert every
worker whose card it runs, at high, on each payee (medium seed 6, before this condition: a contractor's phone
listed through one worker's report, 87 high alerts on the others; docs/warn.md). A person's phone that the gang
used is a matter for an investigator, not for an automatic list. A report without a loss lists nothing.

The rule reads the ledger's columns (`fanzha.banks.flags.Transfers`) with the device of each transfer, the
accounts' kinds and holders, the phones' holders, and the reports (time, the victim, the report's id); the sim's
banks (`fanzha.sim.telemetry`) run it on a world.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from fanzha.banks.flags import HOUR, PERSONAL_KINDS, Transfers

if TYPE_CHECKING:
    import pyarrow as pa

#: the window before a report whose new phones are listed, and the hours from the report to the listing (the bank
#: checks the disputed transfers: a run, not the same second)
REPORTED_DEVICE: dict[str, float] = {"window_h": 168.0, "delay_h": 1.0}


def phone_holders(table: pa.Table) -> dict[str, str | None]:
    """device_id → owner_id (the customer the phone is bound to; None, or an empty cell: nobody) from a table
    with those two columns (a world's devices.parquet, a bank's phones file)."""
    ids = [None if v is None else str(v) for v in table["device_id"].to_pylist()]
    owners = [None if v in (None, "") else str(v) for v in table["owner_id"].to_pylist()]
    return {d: o for d, o in zip(ids, owners, strict=True) if d}


def reported_devices(
    tr: Transfers,
    kind: Mapping[str, str | None],
    owner: Mapping[str, str | None],
    device_owner: Mapping[str, str | None],
    reports: Iterable[tuple[int, str, str]],
) -> list[tuple[int, str, str]]:
    """(time µs the listing is known, device, the report that listed it) for every phone that ran one of a
    reporter's personal accounts for the first time in `REPORTED_DEVICE.window_h` hours before the report and is
    bound to nobody (`device_owner` names no holder: neither the reporter's nor another person's); each phone
    once, at its earliest listing, in time order. `reports`: (time µs, the victim's person id, report id) of the
    reports with a loss. A ledger without devices lists nothing."""
    if tr.device is None:
        return []
    window = int(REPORTED_DEVICE["window_h"] * HOUR)
    delay = int(REPORTED_DEVICE["delay_h"] * HOUR)
    first: dict[tuple[str, str], int] = {}  # (account, device) → its first transfer out of the account
    for i in np.argsort(tr.time, kind="stable").tolist():
        d, a = tr.device[i], tr.src[i]
        if d is not None and kind.get(a) in PERSONAL_KINDS:
            first.setdefault((a, d), int(tr.time[i]))
    runs: dict[str, list[tuple[int, str]]] = {}  # account → (first run, device), in time order
    for (a, d), t in sorted(first.items(), key=lambda kv: kv[1]):
        runs.setdefault(a, []).append((t, d))
    accounts: dict[str, list[str]] = {}  # person → their personal accounts
    for a, p in owner.items():
        if p is not None and kind.get(a) in PERSONAL_KINDS:
            accounts.setdefault(p, []).append(a)
    listed: dict[str, tuple[int, str]] = {}
    for t, person, report in reports:
        for a in accounts.get(person, ()):
            for ran, d in runs.get(a, ()):
                if ran > t:
                    break
                if ran < t - window or device_owner.get(d) is not None:
                    continue
                at = (t + delay, report)
                if d not in listed or at < listed[d]:
                    listed[d] = at
    return sorted((t, d, r) for d, (t, r) in listed.items())
