"""The centre's figures: alerts per day and level, outcomes, the dissuasion rate, the amount protected and the
response times, overall and per variant.

- *dissuasion rate*: dissuaded / alerts resolved with an outcome other than a false alarm (the people the centre
  had to reach: dissuaded, lost, unreachable, handed off);
- *time to claim* and *time to outcome*: from the moment the centre first saw the alert (wall clock) to its
  first claim, and to its outcome — medians and 90th percentiles, in minutes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from fanzha.centre.access import Actor
from fanzha.centre.alerts import LEVELS, OUTCOMES
from fanzha.centre.audit import AuditLog
from fanzha.centre.models import AlertRow
from fanzha.centre.store import Store
from fanzha.records.units import datetime_of, fen_to_yuan

MINUTE = 60_000_000


def _minutes(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"median": None, "p90": None, "n": 0}
    xs = sorted(values)
    return {
        "median": round(statistics.median(xs) / MINUTE, 1),
        "p90": round(xs[min(len(xs) - 1, int(0.9 * len(xs)))] / MINUTE, 1),
        "n": len(xs),
    }


def _block(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    outcomes = dict.fromkeys(OUTCOMES, 0)
    protected = 0
    claim: list[int] = []
    done: list[int] = []
    for _, _, _, _, outcome, fen, created, first_claim, outcome_us in rows:
        if outcome in outcomes:
            outcomes[outcome] += 1
        protected += fen or 0
        if first_claim is not None:
            claim.append(max(0, first_claim - created))
        if outcome_us is not None:
            done.append(max(0, outcome_us - created))
    reached = sum(v for k, v in outcomes.items() if k != "false_alarm")
    return {
        "alerts": len(rows),
        "outcomes": outcomes,
        "dissuasion_rate": round(outcomes["dissuaded"] / reached, 4) if reached else None,
        "amount_protected": fen_to_yuan(protected),
        "time_to_claim_min": _minutes(claim),
        "time_to_outcome_min": _minutes(done),
    }


class Stats:
    def __init__(self, store: Store, audit: AuditLog, now_us: Callable[[], int]) -> None:
        self.store = store
        self.audit = audit
        self.now_us = now_us

    def compute(
        self, actor: Actor, *, since_us: int | None = None, until_us: int | None = None
    ) -> dict[str, Any]:
        self.audit.require(actor, "stats:read", "stats.read", resource="stats")
        rows = self.rows(since_us, until_us)
        days: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
        by_variant: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        status: dict[str, int] = defaultdict(int)
        for r in rows:
            day = datetime_of(r[0], "Asia/Shanghai").date().isoformat()
            days[day][r[1]] = days[day].get(r[1], 0) + 1
            by_variant[r[2]].append(r)
            status[r[3]] += 1
        out = _block(rows)
        out.update(
            per_day=[{"day": d, **days[d], "total": sum(days[d].values())} for d in sorted(days)],
            by_status=dict(sorted(status.items())),
            per_variant={v: _block(rs) for v, rs in sorted(by_variant.items())},
        )
        return out

    def rows(self, since_us: int | None = None, until_us: int | None = None) -> list[tuple[Any, ...]]:
        """The alerts raised in the window as tuples: raised, level, variant, status, outcome, fen protected,
        created, first claim, outcome time (no permission check: the callers make it)."""
        q = select(
            AlertRow.raised_us,
            AlertRow.level,
            AlertRow.variant,
            AlertRow.status,
            AlertRow.outcome,
            AlertRow.amount_protected_fen,
            AlertRow.created_us,
            AlertRow.first_claim_us,
            AlertRow.outcome_us,
        )
        if since_us is not None:
            q = q.where(AlertRow.raised_us >= since_us)
        if until_us is not None:
            q = q.where(AlertRow.raised_us < until_us)
        with self.store.sessions() as s:
            return [tuple(r) for r in s.execute(q)]
