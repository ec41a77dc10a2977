"""Third parties in the money's path: accounts that are neither the victims' nor the gang's, recognised from what
a bank knows, never from a world's truth.

A payment processor's clearing account (聚合支付 / 第三方支付 备付金), a shop's collection QR code, a seller the gang
buys goods from: victims' money passes through them, but freezing them freezes other people's money. The tracer
stops at them (nothing there goes on the freeze list), writes each arrival of victims' money to
`request_records.csv` ("request this processor's / merchant's records for these amounts and times") and continues
the trail only where the forward is identifiable (`ForwardRule`).

Recognised (`recognise`):

- by **kind**, when the accounts file says it: `processor`, `merchant` (`PARTY_KINDS`);
- by **behaviour** otherwise, all of: at least `min_payers` distinct payers, inflows on at least
  `min_active_share` of the ledger's days, and (when the accounts file gives `opened`) an account at least
  `min_age_days` old when the ledger starts. Mule cards fail the last two: a gang uses each for a few days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fanzha.trace.ingest import Ledger

US_PER_DAY = 86_400 * 1_000_000
US_PER_MINUTE = 60 * 1_000_000
#: account kinds that are third parties whatever their behaviour
PARTY_KINDS: tuple[str, ...] = ("processor", "merchant")


@dataclass(frozen=True, slots=True)
class PartyParams:
    """Knobs of the behavioural recognition (see the module docstring)."""

    min_payers: int = 30
    min_active_share: float = 0.6
    min_age_days: float = 180.0


@dataclass(frozen=True, slots=True)
class ForwardRule:
    """When the trail goes on through a third party: a transfer out of it at most `window_us` after victims' money
    arrived, of between `1 − tolerance` and 1 times the amount that arrived (a processor's fee, a shop's commission)
    carries that money on; the first such transfer (earliest arrival first) is taken. Anything else stays a request
    for records."""

    window_us: int = 60 * US_PER_MINUTE
    tolerance: float = 0.03

    def describe(self) -> dict[str, Any]:
        """The rule as JSON-able data (for summaries)."""
        return {"window_minutes": self.window_us / US_PER_MINUTE, "tolerance": self.tolerance}


def recognise(ledger: Ledger, params: PartyParams | None = None) -> dict[int, str]:
    """Account code → why it is a third party (`kind=processor`, `behaviour: 212 payers, inflows on 29/30 days`)."""
    p = params or PartyParams()
    con = ledger.con
    out: dict[int, str] = {}
    kinds = ", ".join(f"'{k}'" for k in PARTY_KINDS)
    for aid, kind in con.execute(
        f"SELECT aid, kind FROM accounts WHERE kind IN ({kinds}) ORDER BY aid"
    ).fetchall():
        out[int(aid)] = f"kind={kind}"
    span = con.execute("SELECT min(t), max(t) FROM ledger").fetchall()[0]
    if span[0] is None:
        return out
    t0, t1 = int(span[0]), int(span[1])
    days = max(1, (t1 - t0) // US_PER_DAY + 1)
    rows = con.execute(
        "SELECT l.dst, count(DISTINCT l.src) AS payers, count(DISTINCT (l.t - ?) // ?) AS days, "
        "any_value(a.opened) AS opened FROM ledger l JOIN accounts a ON a.aid = l.dst "
        "WHERE NOT l.terminal GROUP BY l.dst HAVING count(DISTINCT l.src) >= ? ORDER BY l.dst",
        [t0, US_PER_DAY, p.min_payers],
    ).fetchall()
    for aid, payers, active, opened in rows:
        if int(aid) in out or active < p.min_active_share * days:
            continue
        if opened is not None and (t0 - int(opened)) < p.min_age_days * US_PER_DAY:
            continue
        out[int(aid)] = f"behaviour: {payers} payers, inflows on {active}/{days} days"
    return out
