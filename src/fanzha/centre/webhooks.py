"""Integrators' webhooks: every alert revision at or above a webhook's level is delivered to its URL.

A delivery is a row written in the same transaction as the revision (so none is lost), unique by (webhook,
alert, revision) (so a replay adds none twice), with its own id that the receiver dedupes on. The worker posts
it as JSON with headers:

- ``X-Fanzha-Delivery``: the delivery id (the same on every retry)
- ``X-Fanzha-Timestamp``: seconds since the epoch
- ``X-Fanzha-Signature``: ``sha256=`` + HMAC-SHA256 of ``TIMESTAMP.BODY`` with the webhook's secret

A 2xx answer marks it delivered; anything else is retried after 2, 4, 8 … seconds (`Settings.webhook_backoff`)
up to `Settings.webhook_attempts`, then marked failed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.models import DeliveryRow, WebhookRow
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.errors import InputError

RANK = {"low": 0, "medium": 1, "high": 2}
#: (url, body, headers, timeout) → HTTP status; raises OSError-like errors on network failure
Sender = Callable[[str, bytes, dict[str, str], float], int]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def http_sender(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    import httpx

    return httpx.post(url, content=body, headers=headers, timeout=timeout).status_code


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    min_level: str
    active: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "min_level": self.min_level, "active": self.active}


class Webhooks:
    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        settings: Settings,
        now_us: Callable[[], int],
        sender: Sender = http_sender,
    ) -> None:
        self.store = store
        self.audit = audit
        self.settings = settings
        self.now_us = now_us
        self.sender = sender
        self._active: list[tuple[int, int]] | None = None  # (id, min rank) of active webhooks
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0
        self.failed = 0

    # -- management ------------------------------------------------------------------------------------

    def create(self, actor: Actor, url: str, min_level: str = "medium") -> tuple[Webhook, str]:
        """Register a URL; the signing secret is returned once."""
        self.audit.require(actor, "webhooks:manage", "webhook.create", resource="webhook")
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise InputError("E921", where="url", url=url[:200])
        if min_level not in RANK:
            raise InputError(
                "E927", where="min_level", option="min_level", valid=" | ".join(RANK), value=min_level
            )
        secret = secrets.token_hex(24)
        row = WebhookRow(
            url=url,
            secret=secret,
            min_level=min_level,
            active=True,
            created_by=actor.principal.label,
            created_us=self.now_us(),
        )
        with self.store.session() as s:
            s.add(row)
            s.flush()
            self.audit.log(
                s, actor, "webhook.create", resource="webhook", resource_id=str(row.id), detail={"url": url}
            )
        self._active = None
        return Webhook(row.id, url, min_level, True), secret

    def disable(self, actor: Actor, webhook_id: int) -> Webhook:
        self.audit.require(
            actor, "webhooks:manage", "webhook.disable", resource="webhook", resource_id=str(webhook_id)
        )
        with self.store.session() as s:
            row = s.get(WebhookRow, webhook_id)
            if row is None:
                raise Refused("E904", what="webhook", id=webhook_id)
            row.active = False
            self.audit.log(s, actor, "webhook.disable", resource="webhook", resource_id=str(webhook_id))
        self._active = None
        return Webhook(row.id, row.url, row.min_level, False)

    def all(self, actor: Actor) -> list[Webhook]:
        self.audit.require(actor, "webhooks:manage", "webhook.list", resource="webhook")
        with self.store.sessions() as s:
            return [Webhook(r.id, r.url, r.min_level, r.active) for r in s.scalars(select(WebhookRow))]

    def deliveries(self, actor: Actor, webhook_id: int, limit: int = 100) -> list[dict[str, Any]]:
        self.audit.require(actor, "webhooks:manage", "webhook.deliveries", resource="webhook")
        with self.store.sessions() as s:
            q = (
                select(DeliveryRow)
                .where(DeliveryRow.webhook_id == webhook_id)
                .order_by(DeliveryRow.created_us.desc())
                .limit(limit)
            )
            return [
                {
                    "id": d.id,
                    "alert_id": d.alert_id,
                    "revision": d.revision,
                    "status": d.status,
                    "attempts": d.attempts,
                    "last_error": d.last_error,
                }
                for d in s.scalars(q)
            ]

    # -- enqueue (inside the revisions' transaction) ---------------------------------------------------

    def enqueue(self, s: Session, revisions: list[dict[str, Any]]) -> int:
        if self._active is None:
            with self.store.sessions() as s2:
                self._active = [
                    (r.id, RANK[r.min_level])
                    for r in s2.scalars(select(WebhookRow).where(WebhookRow.active.is_(True)))
                ]
        if not self._active or not revisions:
            return 0
        now = self.now_us()
        rows = [
            {
                "id": uuid.uuid4().hex,
                "webhook_id": wid,
                "alert_id": r["alert_id"],
                "revision": r["revision"],
                "payload": orjson.dumps({"type": "alert.revision", "alert": r}).decode(),
                "status": "pending",
                "attempts": 0,
                "next_us": now,
                "last_error": None,
                "delivered_us": None,
                "created_us": now,
            }
            for r in revisions
            for wid, rank in self._active
            if RANK.get(r["level"], 0) >= rank
        ]
        self.store.insert_ignore(s, DeliveryRow.__table__, rows, ["webhook_id", "alert_id", "revision"])  # type: ignore[arg-type]
        return len(rows)

    # -- delivery --------------------------------------------------------------------------------------

    def deliver_due(self, limit: int = 100) -> int:
        """Attempt the deliveries that are due; the number attempted."""
        now = self.now_us()
        with self.store.sessions() as s:
            q = (
                select(DeliveryRow, WebhookRow.url, WebhookRow.secret)
                .join(WebhookRow, WebhookRow.id == DeliveryRow.webhook_id)
                .where(DeliveryRow.status == "pending", DeliveryRow.next_us <= now)
                .order_by(DeliveryRow.next_us)
                .limit(limit)
            )
            due = [(d.id, d.payload, d.attempts, url, secret) for d, url, secret in s.execute(q)]
        for did, payload, attempts, url, secret in due:
            body = payload.encode()
            ts = str(now // 1_000_000)
            headers = {
                "Content-Type": "application/json",
                "X-Fanzha-Delivery": did,
                "X-Fanzha-Timestamp": ts,
                "X-Fanzha-Signature": sign(secret, ts, body),
                "User-Agent": "fanzha-webhooks",
            }
            error: str | None = None
            try:
                status = self.sender(url, body, headers, self.settings.webhook_timeout)
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except Exception as exc:  # any network failure is retried
                error = f"{type(exc).__name__}: {exc}"[:500]
            self._record(did, attempts + 1, error)
        return len(due)

    def _record(self, did: str, attempts: int, error: str | None) -> None:
        now = self.now_us()
        backoff = int(self.settings.webhook_backoff.total_seconds() * 1_000_000)
        with self.store.session() as s:
            d = s.get(DeliveryRow, did)
            if d is None:
                return
            d.attempts = attempts
            d.last_error = error
            if error is None:
                d.status = "delivered"
                d.delivered_us = now
                self.delivered += 1
            elif attempts >= self.settings.webhook_attempts:
                d.status = "failed"
                self.failed += 1
            else:
                d.next_us = now + backoff * (2 ** (attempts - 1))

    def start(self) -> None:
        """Deliver in a background thread until `stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    busy = self.deliver_due()
                except Exception:  # the store is briefly unavailable: try again at the next tick
                    busy = 0
                if not busy:
                    self._stop.wait(self.settings.poll_seconds)

        self._thread = threading.Thread(target=loop, name="fanzha-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
