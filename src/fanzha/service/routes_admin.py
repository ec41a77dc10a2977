"""Users, API keys, webhooks and the audit log (administrators; the audit log also for supervisors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fanzha.service.deps import ActorDep, CentreDep
from fanzha.service.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
)

router = APIRouter(prefix="/v1")
Username = Annotated[str, Query(max_length=100)]


@router.get("/users", tags=["admin"], response_model=list[UserPublic])
def list_users(actor: ActorDep, centre: CentreDep) -> list[dict[str, Any]]:
    """Every user."""
    return [u.to_dict() for u in centre.accounts.users(actor)]


@router.post("/users", tags=["admin"], response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """A new user (operator, supervisor, investigator or admin)."""
    user = centre.accounts.create_user(
        actor, body.username, body.password, body.role, display_name=body.display_name, station=body.station
    )
    return user.to_dict()


@router.patch("/users/{username}", tags=["admin"], response_model=UserPublic)
def update_user(username: str, body: UserUpdate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """Change a user's role, station, name, password, or deactivate them (their sessions end)."""
    return centre.accounts.update_user(actor, username, **body.model_dump(exclude_none=True)).to_dict()


@router.get("/keys", tags=["admin"], response_model=list[ApiKeyPublic])
def list_keys(actor: ActorDep, centre: CentreDep) -> list[dict[str, Any]]:
    """Every API key (never their secrets)."""
    return [k.to_dict() for k in centre.accounts.keys(actor)]


@router.post("/keys", tags=["admin"], response_model=ApiKeyCreated, status_code=201)
def create_key(body: ApiKeyCreate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """A key for an integrator, with scopes (check, events, alerts:read); the secret is shown once."""
    secret, key = centre.accounts.create_key(actor, body.name, list(body.scopes))
    return {**key.to_dict(), "secret": secret}


@router.delete("/keys/{key_id}", tags=["admin"], response_model=ApiKeyPublic)
def revoke_key(key_id: str, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """Revoke a key."""
    return centre.accounts.revoke_key(actor, key_id).to_dict()


@router.get("/webhooks", tags=["admin"], response_model=list[WebhookPublic])
def list_webhooks(actor: ActorDep, centre: CentreDep) -> list[dict[str, Any]]:
    """Every webhook."""
    return [w.to_dict() for w in centre.webhooks.all(actor)]


@router.post("/webhooks", tags=["admin"], response_model=WebhookCreated, status_code=201)
def create_webhook(body: WebhookCreate, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """Deliver every alert revision at or above `min_level` to `url` (HMAC-signed; the secret is shown
    once)."""
    hook, secret = centre.webhooks.create(actor, body.url, body.min_level)
    return {**hook.to_dict(), "secret": secret}


@router.delete("/webhooks/{webhook_id}", tags=["admin"], response_model=WebhookPublic)
def disable_webhook(webhook_id: int, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """Stop delivering to a webhook."""
    return centre.webhooks.disable(actor, webhook_id).to_dict()


@router.get("/webhooks/{webhook_id}/deliveries", tags=["admin"])
def list_deliveries(webhook_id: int, actor: ActorDep, centre: CentreDep) -> list[dict[str, Any]]:
    """The latest deliveries of a webhook and their state."""
    return centre.webhooks.deliveries(actor, webhook_id)


@router.get("/audit", tags=["admin"])
def read_audit(
    actor: ActorDep,
    centre: CentreDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    who: Annotated[
        str | None, Query(max_length=120, description="e.g. user:amy, key:3f9a…, anonymous")
    ] = None,
    outcome: Annotated[str | None, Query(pattern="^(ok|refused)$")] = None,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The audit log, oldest first after record `after` (reading it is audited too)."""
    centre.audit.require(actor, "audit:read", "audit.read", resource="audit")
    centre.audit.record(actor, "audit.read", resource="audit")
    return [
        r.to_dict()
        for r in centre.audit.read(action=action, actor=who, outcome=outcome, after_id=after, limit=limit)
    ]
