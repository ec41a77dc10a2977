"""`Centre`: the anti-fraud centre's application, everything the HTTP service and the console call.

    centre = Centre(Settings(db="sqlite:///centre.db"))
    centre.start()                  # migrate, replay the stored events into the live engine, start workers
    centre.live.ingest(actor, events, "zh")   # events → durable → alert revisions → queue, webhooks, stream
    centre.alerts.queue(actor, QueueFilter(level="high"))
    centre.close()

Nothing here knows about HTTP; every method takes an `Actor` (who, from where), checks its permission and
writes the audit log.
"""

from __future__ import annotations

import gc
import secrets
import time
from collections.abc import Callable
from typing import Any

from fanzha.centre.access import LOCAL, Actor
from fanzha.centre.accounts import Accounts
from fanzha.centre.alerts import Alerts
from fanzha.centre.audit import AuditLog
from fanzha.centre.cases import Cases
from fanzha.centre.checking import Checker
from fanzha.centre.console import Views
from fanzha.centre.hub import Hub
from fanzha.centre.live import LiveWarn, ReplayStats
from fanzha.centre.persons import Persons
from fanzha.centre.settings import Settings
from fanzha.centre.stats import Stats
from fanzha.centre.store import Store
from fanzha.centre.traces import Traces
from fanzha.centre.webhooks import Sender, Webhooks, http_sender
from fanzha.warn.textscore import DetectorScorer


def wall_clock_us() -> int:
    return time.time_ns() // 1000


class Centre:
    def __init__(
        self,
        settings: Settings,
        *,
        now_us: Callable[[], int] = wall_clock_us,
        sender: Sender = http_sender,
        checker: Checker | None = None,
        scorer: DetectorScorer | None = None,
    ) -> None:
        """`checker` (the /v1/check detector) and `scorer` (the warning engine's text scorer) can be shared
        by several centres in one process (tests); they are built on first use otherwise."""
        self.settings = settings
        self.now_us = now_us
        self.store = Store(settings.db)
        self.store.migrate()
        self.hub = Hub()
        self.audit = AuditLog(self.store, now_us)
        self.accounts = Accounts(
            self.store,
            self.audit,
            now_us,
            session_ttl=settings.session_ttl,
            min_password=settings.min_password,
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
        )
        self.persons = Persons(self.store, self.audit)
        self.alerts = Alerts(self.store, self.audit, self.persons, settings, now_us)
        self.webhooks = Webhooks(self.store, self.audit, settings, now_us, sender)
        self.live = LiveWarn(self.store, settings, self.audit, self._sink, now_us, scorer)
        self.traces = Traces(self.store, self.audit, settings, now_us)
        self.cases = Cases(
            self.store, self.audit, settings, now_us, self.traces, lambda: self.checker.detector
        )
        self.stats = Stats(self.store, self.audit, now_us)
        self._checker = checker
        # what the console reads beyond the HTTP API (an alert's event timeline, the dashboard's series)
        self.views = Views(self.store, self.audit, self.alerts, self.stats, lambda: self.checker)
        self.started = False

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            self._checker = Checker(self.settings.check_model)
        return self._checker

    def _sink(self, revisions: list[dict[str, Any]], replay: bool) -> list[dict[str, Any]]:
        """The revisions of a batch: stored, applied to the queue, queued for webhooks (one transaction),
        then published to the live subscribers."""
        if not revisions:
            return []
        with self.store.derived() as s:
            items = self.alerts.write_revisions(s, revisions)
            self.webhooks.enqueue(s, revisions)
        if not replay:
            self.hub.publish(items)
        return items

    def start(self, *, workers: bool = True) -> ReplayStats:
        """Replay the stored events into the live engine, resume trace and case jobs and (with `workers`) start the
        webhook deliveries and the store's background checkpoints."""
        stats = self.live.replay()
        self.traces.resume()
        self.cases.jobs.resume()
        if workers:
            self.webhooks.start()
            self.store.start_checkpoints()
        self.started = True
        return stats

    def warm_up(self) -> None:
        """For a long-running server process, once `start` has run: load the check's detector now (not inside
        the first request), then move everything built so far out of the cyclic garbage collector's reach
        (`gc.freeze`). A full collection walks every object it tracks, and the detector's knowledge, its model
        and the engine's state are most of them: 90–170 ms measured, landing inside whichever request
        happened to trigger it (the queue's one slow read in docs/service.md). Frozen objects are never
        collected, so this is for a server's process, not for a library caller that builds many centres."""
        self.checker.warm()
        gc.collect()
        gc.freeze()

    def ensure_admin(self, username: str = "admin") -> str | None:
        """With no user yet, create an admin with a random password and return it (printed once)."""
        if self.accounts.user_count():
            return None
        password = secrets.token_urlsafe(12)
        self.accounts.create_user(LOCAL, username, password, "admin", display_name="管理员")
        return password

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "db": self.store.dialect,
            "engine": self.live.counts(),
            "replay": self.live.last_replay.to_dict(),
            "subscribers": self.hub.subscribers,
            "webhooks": {"delivered": self.webhooks.delivered, "failed": self.webhooks.failed},
        }

    def close(self) -> None:
        self.webhooks.stop()
        self.traces.close()
        self.cases.jobs.close()
        self.store.close()


__all__ = ["LOCAL", "Actor", "Centre", "Settings"]
