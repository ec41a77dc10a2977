"""The intervention hook: re-run a world with dissuaded victims stopping, and measure the money saved.

Given alerts (person, time) and a response delay, each alerted person in a campaign is dissuaded at
alert time + delay: their timeline stops there (an `intervention` event is added) and no later transfer of
theirs happens. Everything else is drawn from the same random streams, so the two runs differ only by
what the intervention changed. With the seeds' variants (issue 19) the call can fail: a person doubts it with
probability 0.05 + 0.3 × (1 − awareness) and goes on as if it had not come (the `intervention` event is there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from fanzha.records.units import US_PER_SECOND, us_of
from fanzha.sim.config import SimConfig
from fanzha.sim.generate import SimResult, simulate


@dataclass(frozen=True, slots=True)
class Saved:
    person_id: str
    lost_without: int  # fen
    lost_with: int  # fen
    dissuaded_at: int  # µs since the epoch

    @property
    def saved(self) -> int:
        return self.lost_without - self.lost_with


@dataclass(frozen=True, slots=True)
class InterventionReport:
    """Money saved by the interventions (fen), per alerted victim and for the whole world."""

    alerts: int
    dissuaded: int
    per_person: tuple[Saved, ...]
    lost_without: int
    lost_with: int
    doubted: int = 0  # called, and did not believe it

    @property
    def saved(self) -> int:
        return self.lost_without - self.lost_with

    def to_dict(self) -> dict[str, object]:
        return {
            "alerts": self.alerts,
            "dissuaded": self.dissuaded,
            "doubted": self.doubted,
            "lost_without_yuan": self.lost_without / 100,
            "lost_with_yuan": self.lost_with / 100,
            "saved_yuan": self.saved / 100,
            "per_person": [
                {
                    "person_id": s.person_id,
                    "lost_without_yuan": s.lost_without / 100,
                    "lost_with_yuan": s.lost_with / 100,
                    "saved_yuan": s.saved / 100,
                }
                for s in self.per_person
            ],
        }


def intervene(
    config: SimConfig,
    alerts: Iterable[tuple[str | int, datetime | int]],
    delay: timedelta | float = 0.0,
    *,
    baseline: SimResult | None = None,
    out: str | Path | None = None,
) -> InterventionReport:
    """Dissuade each alerted person at alert time + `delay` (seconds or a timedelta) and report money saved.

    `baseline` is a run of the same config without interventions (run here when not given); `out` writes the
    intervened world too.
    """
    delay_us = int((delay.total_seconds() if isinstance(delay, timedelta) else float(delay)) * US_PER_SECOND)
    calls: list[tuple[int, int]] = []
    for person, when in alerts:
        p = int(person[1:]) if isinstance(person, str) else int(person)
        calls.append((p, (when if isinstance(when, int) else us_of(when)) + delay_us))
    n_alerts = len(calls)
    plan: dict[int, int] = {}  # person → their first call
    for p, t in calls:
        plan[p] = min(t, plan.get(p, t))
    base = baseline if baseline is not None else simulate(config)
    after = simulate(config, out, interventions=calls)
    campaigned = {c.person for c in after.campaigns}
    rows = [
        Saved(f"P{p:08d}", base.lost_by_person.get(p, 0), after.lost_by_person.get(p, 0), plan[p])
        for p in sorted(plan)
        if p in campaigned
    ]
    dissuaded = sum(1 for c in after.campaigns if c.outcome == "dissuaded")
    doubted = sum(1 for c in after.campaigns if c.doubted)
    return InterventionReport(n_alerts, dissuaded, tuple(rows), base.amount_lost, after.amount_lost, doubted)
