"""People who log in and keys integrators use.

Passwords are hashed with argon2 (argon2-cffi). A login gives a random session token; API keys are
``fzk_<key id>_<secret>``. Only SHA-256 digests of tokens and secrets are stored (they are long random strings,
so a fast digest is enough; a password is not, hence argon2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fanzha.centre.access import ROLES, SCOPES, Actor, Principal, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.models import ApiKeyRow, SessionRow, UserRow
from fanzha.centre.store import Store
from fanzha.errors import InputError

SESSION_PREFIX = "fzs_"
KEY_PREFIX = "fzk_"
#: how long a token's principal is cached
CACHE_SECONDS = 5.0


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    station: str | None
    active: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "station": self.station,
            "active": self.active,
        }

    @classmethod
    def of(cls, r: UserRow) -> User:
        return cls(r.id, r.username, r.display_name, r.role, r.station, r.active)


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: list[str]
    created_by: str
    revoked: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "scopes": self.scopes,
            "created_by": self.created_by,
            "revoked": self.revoked,
        }

    @classmethod
    def of(cls, r: ApiKeyRow) -> ApiKey:
        return cls(r.key_id, r.name, orjson.loads(r.scopes), r.created_by, r.revoked_us is not None)


class Accounts:
    """Users, their logins, and API keys."""

    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        now_us: Callable[[], int],
        *,
        session_ttl: timedelta,
        min_password: int,
        time_cost: int = 3,
        memory_kib: int = 65_536,
    ) -> None:
        self.store = store
        self.audit = audit
        self.now_us = now_us
        self.ttl = int(session_ttl.total_seconds() * 1_000_000)
        self.min_password = min_password
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        self._dummy = self.hasher.hash(secrets.token_hex(8))
        self._cache: dict[str, tuple[Principal, float]] = {}

    # -- users -----------------------------------------------------------------------------------------

    def create_user(
        self,
        actor: Actor,
        username: str,
        password: str,
        role: str,
        *,
        display_name: str | None = None,
        station: str | None = None,
    ) -> User:
        self.audit.require(actor, "users:manage", "user.create", resource="user", resource_id=username)
        if role not in ROLES:
            raise InputError("E927", where="role", option="role", valid=" | ".join(ROLES), value=role)
        self._check_password(password)
        row = UserRow(
            username=username,
            display_name=display_name or username,
            role=role,
            station=station,
            password_hash=self.hasher.hash(password),
            active=True,
            created_us=self.now_us(),
        )
        try:
            with self.store.session() as s:
                s.add(row)
                s.flush()
                self.audit.log(
                    s,
                    actor,
                    "user.create",
                    resource="user",
                    resource_id=username,
                    detail={"role": role, "station": station},
                )
        except IntegrityError:
            raise Refused("E919", username=username) from None
        return User.of(row)

    def update_user(
        self,
        actor: Actor,
        username: str,
        *,
        role: str | None = None,
        station: str | None = None,
        active: bool | None = None,
        password: str | None = None,
        display_name: str | None = None,
    ) -> User:
        self.audit.require(actor, "users:manage", "user.update", resource="user", resource_id=username)
        if role is not None and role not in ROLES:
            raise InputError("E927", where="role", option="role", valid=" | ".join(ROLES), value=role)
        if password is not None:
            self._check_password(password)
        with self.store.session() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                raise Refused("E904", what="user", id=username)
            changed: dict[str, Any] = {}
            for name, value in (
                ("role", role),
                ("station", station),
                ("active", active),
                ("display_name", display_name),
            ):
                if value is not None:
                    setattr(row, name, value)
                    changed[name] = value
            if password is not None:
                row.password_hash = self.hasher.hash(password)
                changed["password"] = "changed"
            self._cache.clear()
            if active is False or password is not None:
                s.execute(update(SessionRow).where(SessionRow.user_id == row.id).values(revoked=True))
            self.audit.log(s, actor, "user.update", resource="user", resource_id=username, detail=changed)
            return User.of(row)

    def users(self, actor: Actor) -> list[User]:
        self.audit.require(actor, "users:manage", "user.list", resource="user")
        with self.store.sessions() as s:
            return [User.of(r) for r in s.scalars(select(UserRow).order_by(UserRow.id))]

    def user_count(self) -> int:
        with self.store.sessions() as s:
            return len(s.scalars(select(UserRow.id)).all())

    def _check_password(self, password: str) -> None:
        if len(password) < self.min_password:
            raise InputError("E920", where="password", min=self.min_password)

    # -- logins ----------------------------------------------------------------------------------------

    def login(self, username: str, password: str, ip: str | None) -> tuple[str, User, int]:
        """A session token for a right password (E902 otherwise, after the same work either way)."""
        with self.store.sessions() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
        ok = False
        try:
            ok = self.hasher.verify(row.password_hash if row is not None else self._dummy, password)
        except (VerificationError, InvalidHashError):
            ok = False
        who = Actor(Principal("user", username, role=row.role if row is not None else None), ip)
        if not ok or row is None or not row.active:
            self.audit.record(who, "auth.login", resource="user", resource_id=username, outcome="refused")
            raise Refused("E902")
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = self.now_us()
        with self.store.session() as s:
            s.add(
                SessionRow(
                    token_hash=digest(token),
                    user_id=row.id,
                    created_us=now,
                    expires_us=now + self.ttl,
                    revoked=False,
                )
            )
            if self.hasher.check_needs_rehash(row.password_hash):
                s.execute(
                    update(UserRow)
                    .where(UserRow.id == row.id)
                    .values(password_hash=self.hasher.hash(password))
                )
            self.audit.log(s, who, "auth.login", resource="user", resource_id=username)
        return token, User.of(row), now + self.ttl

    def logout(self, actor: Actor, token: str) -> None:
        self._cache.clear()
        with self.store.session() as s:
            s.execute(update(SessionRow).where(SessionRow.token_hash == digest(token)).values(revoked=True))
            self.audit.log(s, actor, "auth.logout")

    def principal(self, token: str) -> Principal:
        """The principal a bearer token or API key stands for (E925 for one that expired or was revoked).
        Answers are cached for a few seconds; a logout, a revoked key or a changed user clears the cache."""
        hit = self._cache.get(token)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        p = self._principal(token)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (p, time.monotonic() + CACHE_SECONDS)
        return p

    def _principal(self, token: str) -> Principal:
        if token.startswith(KEY_PREFIX):
            return self._key_principal(token)
        with self.store.sessions() as s:
            sess = s.get(SessionRow, digest(token))
            user = s.get(UserRow, sess.user_id) if sess is not None else None
        if sess is None or user is None or sess.revoked or sess.expires_us < self.now_us() or not user.active:
            raise Refused("E925")
        return Principal("user", user.username, role=user.role, id=user.id, station=user.station)

    # -- API keys --------------------------------------------------------------------------------------

    def create_key(self, actor: Actor, name: str, scopes: list[str]) -> tuple[str, ApiKey]:
        """A new key: the secret is returned once and only its digest is kept."""
        self.audit.require(actor, "keys:manage", "key.create", resource="api_key", resource_id=name)
        bad = [x for x in scopes if x not in SCOPES]
        if bad or not scopes:
            raise InputError(
                "E927", where="scopes", option="scopes", valid=" | ".join(SCOPES), value=",".join(bad)
            )
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(24)
        row = ApiKeyRow(
            key_id=key_id,
            secret_hash=digest(secret),
            name=name,
            scopes=orjson.dumps(sorted(set(scopes))).decode(),
            created_by=actor.principal.label,
            created_us=self.now_us(),
            revoked_us=None,
        )
        with self.store.session() as s:
            s.add(row)
            self.audit.log(
                s,
                actor,
                "key.create",
                resource="api_key",
                resource_id=key_id,
                detail={"key_name": name, "scopes": sorted(set(scopes))},
            )
        return f"{KEY_PREFIX}{key_id}_{secret}", ApiKey.of(row)

    def revoke_key(self, actor: Actor, key_id: str) -> ApiKey:
        self.audit.require(actor, "keys:manage", "key.revoke", resource="api_key", resource_id=key_id)
        with self.store.session() as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_id == key_id))
            if row is None:
                raise Refused("E904", what="api_key", id=key_id)
            row.revoked_us = row.revoked_us or self.now_us()
            self._cache.clear()
            self.audit.log(s, actor, "key.revoke", resource="api_key", resource_id=key_id)
            return ApiKey.of(row)

    def keys(self, actor: Actor) -> list[ApiKey]:
        self.audit.require(actor, "keys:manage", "key.list", resource="api_key")
        with self.store.sessions() as s:
            return [ApiKey.of(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def _key_principal(self, token: str) -> Principal:
        body = token[len(KEY_PREFIX) :]
        key_id, _, secret = body.partition("_")
        with self.store.sessions() as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_id == key_id))
        if (
            row is None
            or row.revoked_us is not None
            or not hmac.compare_digest(row.secret_hash, digest(secret))
        ):
            raise Refused("E925")
        return Principal("key", key_id, scopes=frozenset(orjson.loads(row.scopes)), id=row.id)
