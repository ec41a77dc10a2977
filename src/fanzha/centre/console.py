"""What the console reads that the HTTP API did not offer yet (added with the console, issue 16):

- `Views.events`: an alert's person's event timeline — each event with its text and, for a text, the detector's
  findings as offsets into that text, so the console highlights the evidence on what the person received;
  the events the alert names as evidence are marked. Personal data: needs ``alerts:pii``, and is audited.
- `Views.series`: the figures' series for the dashboard — alerts per day and variant, and the distribution of
  the centre's response times (from the moment it first saw an alert to the first claim, and to the outcome).

Like every part of the centre, each method takes an `Actor`, checks the permission and writes the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select

from fanzha.centre.access import Actor
from fanzha.centre.alerts import Alerts, iso
from fanzha.centre.audit import AuditLog
from fanzha.centre.checking import Checker
from fanzha.centre.models import EventRow
from fanzha.centre.stats import Stats
from fanzha.centre.store import Store
from fanzha.records.events import Raw
from fanzha.records.units import datetime_of, fen_to_yuan, us_of

MINUTE = 60_000_000
#: the upper bounds (minutes) of the response-time histogram's bins; the last bin is open
BINS = (1, 2, 5, 10, 15, 30, 60, 120, 240)


def histogram(values_us: list[int]) -> list[dict[str, Any]]:
    """Counts of durations per bin: ``[{"upto": 1, "n": …}, …, {"upto": None, "n": …}]`` (minutes)."""
    counts = [0] * (len(BINS) + 1)
    for v in values_us:
        m = v / MINUTE
        k = next((i for i, b in enumerate(BINS) if m <= b), len(BINS))
        counts[k] += 1
    return [{"upto": BINS[i] if i < len(BINS) else None, "n": n} for i, n in enumerate(counts)]


class Views:
    def __init__(
        self, store: Store, audit: AuditLog, alerts: Alerts, stats: Stats, checker: Callable[[], Checker]
    ) -> None:
        self.store = store
        self.audit = audit
        self.alerts = alerts
        self.stats = stats
        self.checker = checker

    def events(
        self, actor: Actor, alert: dict[str, Any], lang: str = "zh", limit: int = 200
    ) -> dict[str, Any]:
        """The latest `limit` events of the person of `alert` (as `Alerts.get` returned it) up to its latest
        revision, oldest first, each text with its findings (offsets into the text)."""
        alert_id, person_id = alert["alert_id"], alert["person_id"]
        self.audit.require(actor, "alerts:pii", "alert.events", resource="alert", resource_id=alert_id)
        with self.store.sessions() as s:
            q = (
                select(EventRow.raw, EventRow.kept_aside)
                .where(EventRow.person_id == person_id, EventRow.time_us <= _us(alert["updated_at"]))
                .order_by(EventRow.time_us.desc(), EventRow.seq.desc())
                .limit(limit)
            )
            rows = list(s.execute(q))
        evidence = {e.get("event_id") for e in alert.get("evidence", [])}
        kinds = self.alerts.playbook.kinds
        out = []
        for raw_json, kept in reversed(rows):
            r = Raw(*orjson.loads(raw_json))
            item: dict[str, Any] = {
                "event_id": r.event_id,
                "time": iso(r.t),
                "kind": r.kind,
                "kind_name": kinds[r.kind].get(lang) if r.kind in kinds else r.kind,
                "channel": r.channel,
                "direction": r.direction,
                "counterparty": r.counterparty,
                "app": r.app,
                "amount": fen_to_yuan(r.fen) if r.fen is not None else None,
                "text": r.text,
                "evidence": r.event_id in evidence,
                "kept_aside": kept,
                "label": None,
                "findings": [],
            }
            if r.text:
                verdict = self.checker().one(r.text, lang=lang)
                item["label"] = verdict["label"]
                item["findings"] = verdict["findings"]
            out.append(item)
        self.audit.record(
            actor,
            "alert.events",
            resource="alert",
            resource_id=alert_id,
            detail={"person_id": person_id, "events": len(out)},
        )
        return {"alert_id": alert_id, "person_id": person_id, "events": out}

    def series(
        self, actor: Actor, *, since_us: int | None = None, until_us: int | None = None
    ) -> dict[str, Any]:
        """Alerts per day and variant; histograms of the time to the first claim and to the outcome."""
        self.audit.require(actor, "stats:read", "stats.series", resource="stats")
        per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        claim: list[int] = []
        done: list[int] = []
        for raised, _, variant, _, _, _, created, first_claim, outcome_us in self.stats.rows(
            since_us, until_us
        ):
            per[datetime_of(raised, "Asia/Shanghai").date().isoformat()][variant] += 1
            if first_claim is not None:
                claim.append(max(0, first_claim - created))
            if outcome_us is not None:
                done.append(max(0, outcome_us - created))
        return {
            "per_day_variant": [{"day": d, **dict(sorted(per[d].items()))} for d in sorted(per)],
            "time_to_claim": histogram(claim),
            "time_to_outcome": histogram(done),
        }


def _us(iso_time: str) -> int:
    return us_of(datetime.fromisoformat(iso_time))
