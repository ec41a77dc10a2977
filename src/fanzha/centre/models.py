"""The centre's tables (SQLAlchemy 2). Times are µs since the epoch (UTC), money is integer fen.

- `events`: every event accepted, in ingestion order (`seq`) with its ingest `batch`: the source of truth the
  live warning engine is rebuilt from.
- `alert_revisions`: what the engine raised, unique by (alert_id, revision), so a replay never adds one twice.
- `alerts`: the queue: each alert's latest revision and its workflow (claim, outcome, hand-off).
- `alert_actions`: the workflow's history (claims, releases, notes, outcomes, hand-offs).
- `persons`: the registry an operator calls from (name, phone, station).
- `users`, `sessions`, `api_keys`: who may do what.
- `audit_log`: append-only (the database refuses updates and deletes), personal data masked.
- `webhooks`, `webhook_deliveries`: integrators' endpoints and each revision's delivery, retried with backoff.
- `traces`: trace jobs. `cases`: reports filed as cases; `case_jobs`: their linking and leak-source jobs.
- `payee_flags`: the shared scam-account list as given to the centre (`POST /v1/payees`: reported accounts, the
  receiving banks' flags), each with the ingest batch after which the live engine read it.
- `centre_meta`: small key-value facts.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: an autoincrementing 64-bit key (SQLite's rowid alias must be spelled INTEGER)
SERIAL = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    batch: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    time_us: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(
        Text
    )  # the validated event (`fanzha.records.events.Raw`) as a JSON array
    kept_aside: Mapped[str | None] = mapped_column(String(8))  # the engine's code (E708 late) when it was
    received_us: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(200))


class RevisionRow(Base):
    __tablename__ = "alert_revisions"
    __table_args__ = (UniqueConstraint("alert_id", "revision", name="uq_alert_revision"),)
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    risk: Mapped[float] = mapped_column(Float)
    stage: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(64))
    updated_us: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)  # the revision as the engine rendered it (JSON)
    created_us: Mapped[int] = mapped_column(BigInteger)


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # the queue's order (risk, then due) under each filter it offers, so a page is an index range
        Index("ix_alerts_active_queue", "active", "risk", "due_us"),
        Index("ix_alerts_status_queue", "status", "risk", "due_us"),
        Index("ix_alerts_level_queue", "level", "active", "risk", "due_us"),
        Index("ix_alerts_station_queue", "station", "active", "risk", "due_us"),
        Index("ix_alerts_variant_queue", "variant", "active", "risk", "due_us"),
        Index("ix_alerts_assignee_queue", "assignee", "active", "risk", "due_us"),
    )
    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    revision_row: Mapped[int] = mapped_column(BigInteger)  # alert_revisions.id of the latest revision
    engine_status: Mapped[str] = mapped_column(String(16))  # open | closed (the engine's)
    level: Mapped[str] = mapped_column(String(16))
    risk: Mapped[float] = mapped_column(Float)
    stage: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(64))
    raised_us: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_us: Mapped[int] = mapped_column(BigInteger)
    due_us: Mapped[int] = mapped_column(BigInteger)
    amount_at_stake_fen: Mapped[int] = mapped_column(BigInteger)
    station: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # new | claimed | handed_off | resolved
    active: Mapped[bool] = mapped_column(Boolean)  # status != resolved
    assignee: Mapped[str | None] = mapped_column(String(100))
    claimed_us: Mapped[int | None] = mapped_column(BigInteger)
    first_claim_us: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str | None] = mapped_column(String(32))
    amount_protected_fen: Mapped[int | None] = mapped_column(BigInteger)
    outcome_us: Mapped[int | None] = mapped_column(BigInteger)
    outcome_by: Mapped[str | None] = mapped_column(String(100))
    handed_to: Mapped[str | None] = mapped_column(String(200))
    created_us: Mapped[int] = mapped_column(BigInteger)  # wall clock: when the centre first saw it


class ActionRow(Base):
    __tablename__ = "alert_actions"
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(String(64), index=True)
    time_us: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # claim | release | note | outcome | handoff
    detail: Mapped[str] = mapped_column(Text)  # JSON


class PersonRow(Base):
    __tablename__ = "persons"
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(64))
    station: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    station: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_us: Mapped[int] = mapped_column(BigInteger)


class SessionRow(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_us: Mapped[int] = mapped_column(BigInteger)
    expires_us: Mapped[int] = mapped_column(BigInteger)
    revoked: Mapped[bool] = mapped_column(Boolean)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[str] = mapped_column(Text)  # JSON list
    created_by: Mapped[str] = mapped_column(String(100))
    created_us: Mapped[int] = mapped_column(BigInteger)
    revoked_us: Mapped[int | None] = mapped_column(BigInteger)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    time_us: Mapped[int] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    resource: Mapped[str | None] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | refused
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)  # JSON, personal data masked


class WebhookRow(Base):
    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    min_level: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(100))
    created_us: Mapped[int] = mapped_column(BigInteger)


class DeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "alert_id", "revision", name="uq_delivery"),
        Index("ix_deliveries_due", "status", "next_us"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the delivery id receivers dedupe on
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    alert_id: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_us: Mapped[int] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_us: Mapped[int | None] = mapped_column(BigInteger)
    created_us: Mapped[int] = mapped_column(BigInteger)


class JobColumns:
    """The columns of a background job's row (`fanzha.centre.jobs`)."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    created_by: Mapped[str] = mapped_column(String(100))
    created_us: Mapped[int] = mapped_column(BigInteger)
    started_us: Mapped[int | None] = mapped_column(BigInteger)
    finished_us: Mapped[int | None] = mapped_column(BigInteger)
    params: Mapped[str] = mapped_column(Text)  # JSON
    summary: Mapped[str | None] = mapped_column(Text)  # JSON
    error: Mapped[str | None] = mapped_column(Text)  # JSON {code, params}
    folder: Mapped[str] = mapped_column(String(1000))


class TraceRow(JobColumns, Base):
    __tablename__ = "traces"


class CaseJobRow(JobColumns, Base):
    """A linking (串并案) or leak-source job over the stored cases."""

    __tablename__ = "case_jobs"
    kind: Mapped[str] = mapped_column(String(16), index=True)  # link | leaks


class CaseRow(Base):
    """A report filed as a case (`fanzha.cases.model.Case`), unique by its report id."""

    __tablename__ = "cases"
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[str | None] = mapped_column(String(200), index=True)
    time_us: Mapped[int] = mapped_column(BigInteger, index=True)  # when reported
    label: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(64))
    variant: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[int | None] = mapped_column(Integer)
    loss_fen: Mapped[int] = mapped_column(BigInteger)
    received_us: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)  # the case as JSON (`Case.to_dict`)


class PayeeFlagRow(Base):
    """An account (or a phone: `subject` "device") flagged on the shared list (`fanzha.warn.payees`): known from
    `time_us`, read by the live engine from the ingest batch after `batch` on (a replay reads it at the same
    place)."""

    __tablename__ = "payee_flags"
    __table_args__ = (UniqueConstraint("subject", "account", "reason", "time_us", name="uq_payee_flags"),)
    id: Mapped[int] = mapped_column(SERIAL, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(16), server_default="account")
    account: Mapped[str] = mapped_column(String(200), index=True)
    time_us: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))
    batch: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(100))
    created_us: Mapped[int] = mapped_column(BigInteger)


class MetaRow(Base):
    __tablename__ = "centre_meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
