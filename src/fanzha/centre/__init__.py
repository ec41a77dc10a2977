"""The anti-fraud centre's application (the floor above the engines, beside `fanzha.evaluate`).

The store (SQLAlchemy; SQLite or PostgreSQL; Alembic migrations in `migrations/`), event ingest and the live
warning engine (`live`), the alert queue and its workflow (`alerts`), trace jobs (`traces`), figures (`stats`),
users, API keys and permissions (`accounts`, `access`), the append-only audit log (`audit`), webhooks
(`webhooks`), a stored world's reports as cases (`cases`, over `fanzha.cases`) and the demo city (`demo`). The
HTTP service (`fanzha.service`) and the console call `Centre`. See docs/service.md.
"""

from fanzha.centre.access import ANONYMOUS, LOCAL, Actor, Principal, Refused
from fanzha.centre.alerts import QueueFilter
from fanzha.centre.app import Centre
from fanzha.centre.settings import Settings

__all__ = ["ANONYMOUS", "LOCAL", "Actor", "Centre", "Principal", "QueueFilter", "Refused", "Settings"]
