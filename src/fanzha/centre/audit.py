"""The append-only audit log: who did what to which record, when, from where, and whether it was allowed.

Every read of personal data and every action is written here; so is every refusal. Details are masked before
they are written (`mask`): phone numbers keep their first three and last four digits, longer numbers (cards,
identity numbers) their first and last four, names their first character. The database refuses updates and
deletes of this table (triggers created by the migration).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from fanzha.centre.access import Actor, Refused
from fanzha.centre.models import AuditRow
from fanzha.centre.store import Store

_DIGITS = re.compile(r"(?<!\d)(\+?86)?(\d{7,})(?!\d)")
#: detail keys whose value is a person's name
NAME_KEYS = frozenset({"name", "display_name", "person_name"})


def _mask_digits(m: re.Match[str]) -> str:
    digits = m.group(2)
    n = len(digits)
    if n == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if n >= 12:
        return f"{digits[:4]}{'*' * (n - 8)}{digits[-4:]}"
    return f"{digits[:2]}{'*' * (n - 4)}{digits[-2:]}"


def mask_text(text: str) -> str:
    """`text` with every run of 7 or more digits masked (phones, cards, identity numbers, QQ numbers)."""
    return _DIGITS.sub(_mask_digits, text)


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def mask(value: Any, key: str | None = None) -> Any:
    """A detail value as the audit log keeps it: names and numbers masked, structure kept."""
    if isinstance(value, str):
        return mask_name(value) if key in NAME_KEYS else mask_text(value)
    if isinstance(value, Mapping):
        return {str(k): mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v, key) for v in value]
    return value


class MaskingFilter(logging.Filter):
    """A logging filter that masks the numbers in every record's message (access logs carry query strings).

    The arguments are masked one by one and keep their shape: a formatter may read them (uvicorn's access
    formatter unpacks the client, method, path, version and status from them), so they are not merged into the
    message. Numbers stay numbers (a status code or a count is formatted with %d: an identifier the code logs is
    passed as text); anything else is masked as its text."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_masked_arg(a) for a in args)
        elif isinstance(args, Mapping):
            record.args = {k: _masked_arg(v) for k, v in args.items()}
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        return True


def _masked_arg(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return mask_text(value if isinstance(value, str) else str(value))


@dataclass(frozen=True)
class AuditRecord:
    id: int
    time_us: int
    actor: str
    role: str | None
    action: str
    resource: str | None
    resource_id: str | None
    outcome: str
    ip: str | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        from fanzha.records.units import datetime_of

        return {
            "id": self.id,
            "time": datetime_of(self.time_us).isoformat(timespec="milliseconds"),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "resource": self.resource,
            "resource_id": self.resource_id,
            "outcome": self.outcome,
            "ip": self.ip,
            "detail": self.detail,
        }


class AuditLog:
    """Writes and reads the audit log."""

    def __init__(self, store: Store, now_us: Callable[[], int]) -> None:
        self.store = store
        self.now_us = now_us

    def row(
        self,
        actor: Actor,
        action: str,
        *,
        resource: str | None = None,
        resource_id: str | None = None,
        outcome: str = "ok",
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The row of one record (for callers that write it inside their own transaction)."""
        p = actor.principal
        return {
            "time_us": self.now_us(),
            "actor": p.label,
            "role": p.role if p.kind == "user" else None,
            "action": action,
            "resource": resource,
            "resource_id": mask_text(resource_id) if resource_id else None,
            "outcome": outcome,
            "ip": actor.ip,
            "detail": orjson.dumps(mask(dict(detail or {}))).decode(),
        }

    def require(
        self,
        actor: Actor,
        permission: str,
        action: str,
        *,
        resource: str | None = None,
        resource_id: str | None = None,
    ) -> None:
        """Go on when the actor has `permission`; else write a refusal and raise E903 (E901 for nobody)."""
        if actor.principal.can(permission):
            return
        self.record(
            actor,
            action,
            resource=resource,
            resource_id=resource_id,
            outcome="refused",
            detail={"needs": permission},
        )
        if actor.principal.kind == "anonymous":
            raise Refused("E901")
        raise Refused("E903", permission=permission)

    def write(self, conn: Connection | Session, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(AuditRow), rows)

    def log(self, conn: Connection | Session, actor: Actor, action: str, **fields: Any) -> None:
        """Write one record inside the caller's transaction (`row` takes the `fields`)."""
        self.write(conn, [self.row(actor, action, **fields)])

    def record(self, actor: Actor, action: str, **fields: Any) -> None:
        """Write one record in its own transaction (`row` takes the `fields`)."""
        with self.store.engine.begin() as conn:
            self.log(conn, actor, action, **fields)

    def read(
        self,
        *,
        action: str | None = None,
        actor: str | None = None,
        outcome: str | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Records in the order they were written, after `after_id`, optionally filtered."""
        q = select(AuditRow).where(AuditRow.id > after_id)
        if action is not None:
            q = q.where(AuditRow.action == action)
        if actor is not None:
            q = q.where(AuditRow.actor == actor)
        if outcome is not None:
            q = q.where(AuditRow.outcome == outcome)
        q = q.order_by(AuditRow.id).limit(limit)
        with self.store.sessions() as s:
            return [
                AuditRecord(
                    r.id,
                    r.time_us,
                    r.actor,
                    r.role,
                    r.action,
                    r.resource,
                    r.resource_id,
                    r.outcome,
                    r.ip,
                    orjson.loads(r.detail),
                )
                for r in s.scalars(q)
            ]
