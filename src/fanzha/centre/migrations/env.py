"""Alembic's environment: the centre passes its open connection (`Store.migrate`); there is no offline mode."""

from __future__ import annotations

from alembic import context

from fanzha.centre.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `Store.migrate` runs these migrations
    raise RuntimeError("the centre's migrations run from fanzha.centre.store.Store.migrate")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
