"""Who is asking, and what each role and API key scope may do.

A `Principal` is a logged-in person (operator, supervisor, investigator, admin), an integrator's API key (with
scopes) or an anonymous citizen. An `Actor` is a principal at an address: every action and every refusal is
written to the audit log with both.

| permission | who |
|---|---|
| check | everyone (anonymous callers are rate-limited by the service) |
| events:write | keys with scope `events`; admin |
| payees:write | keys with scope `payees` (a bank's or platform's feed); investigator, supervisor, admin: put accounts on the shared scam-account list, or take them off |
| payees:read | keys with scope `payees`; every role: what the list says of an account |
| alerts:read | keys with scope `alerts:read`; every role (the queue, an alert, the stream — no personal data) |
| alerts:pii | operator, supervisor, investigator: the person's name, phone and station (audited) |
| alerts:work | operator, supervisor: claim, release, notes, outcome, hand-off |
| alerts:supervise | supervisor: release or close another operator's alert |
| traces | investigator, supervisor |
| cases | investigator, supervisor, admin: reports taken in, cases read, linking and leak-source jobs (audited) |
| stats:read | every role |
| persons:write | admin |
| users:manage, keys:manage, webhooks:manage | admin |
| audit:read | supervisor, admin |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fanzha.errors import FanzhaError

ROLES: tuple[str, ...] = ("operator", "supervisor", "investigator", "admin")
SCOPES: tuple[str, ...] = ("check", "events", "alerts:read", "payees")
PERMISSIONS: tuple[str, ...] = (
    "check",
    "events:write",
    "payees:write",
    "payees:read",
    "alerts:read",
    "alerts:pii",
    "alerts:work",
    "alerts:supervise",
    "traces",
    "cases",
    "stats:read",
    "persons:write",
    "users:manage",
    "keys:manage",
    "webhooks:manage",
    "audit:read",
)
_OPERATOR = frozenset({"check", "alerts:read", "alerts:pii", "alerts:work", "stats:read", "payees:read"})
BY_ROLE: dict[str, frozenset[str]] = {
    "operator": _OPERATOR,
    "supervisor": _OPERATOR | {"alerts:supervise", "traces", "cases", "audit:read", "payees:write"},
    "investigator": frozenset(
        {"check", "alerts:read", "alerts:pii", "traces", "cases", "stats:read", "payees:read", "payees:write"}
    ),
    "admin": frozenset(
        {
            "check",
            "alerts:read",
            "stats:read",
            "events:write",
            "payees:read",
            "payees:write",
            "persons:write",
            "users:manage",
            "keys:manage",
            "webhooks:manage",
            "audit:read",
            "cases",
        }
    ),
}
BY_SCOPE: dict[str, frozenset[str]] = {
    "check": frozenset({"check"}),
    "events": frozenset({"events:write"}),
    "alerts:read": frozenset({"alerts:read"}),
    "payees": frozenset({"payees:read", "payees:write"}),
}

Kind = Literal["user", "key", "anonymous"]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (with a role), an API key (with scopes) or nobody in particular."""

    kind: Kind
    name: str
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    id: int | None = None
    station: str | None = None

    @property
    def permissions(self) -> frozenset[str]:
        if self.kind == "user" and self.role is not None:
            return BY_ROLE.get(self.role, frozenset())
        if self.kind == "key":
            return frozenset().union(*(BY_SCOPE.get(s, frozenset()) for s in self.scopes))
        return frozenset({"check"})

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def label(self) -> str:
        """How the audit log names it: ``user:amy``, ``key:k3f9…``, ``anonymous``."""
        return "anonymous" if self.kind == "anonymous" else f"{self.kind}:{self.name}"


ANONYMOUS = Principal("anonymous", "anonymous")
SYSTEM = Principal("user", "system", role="admin")


@dataclass(frozen=True)
class Actor:
    """A principal acting from an address (the client's IP, or ``local`` for the process itself)."""

    principal: Principal
    ip: str | None = None


LOCAL = Actor(SYSTEM, "local")


class Refused(FanzhaError):
    """The centre refuses a request: not authenticated, not allowed, not found, or not in this state. The
    code says which (the HTTP service maps codes to statuses)."""
