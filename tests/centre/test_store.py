"""The store: the shipped migrations create exactly the tables of the models, on SQLite and PostgreSQL, and
running them again changes nothing."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fanzha.centre.models import Base
from fanzha.centre.store import Store, database_url
from fanzha.errors import InputError


def test_the_migrations_create_the_models_schema_and_are_idempotent(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    store.migrate()
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    store.close()


def test_database_urls() -> None:
    assert database_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("sqlite:///rel.db") == "sqlite:///rel.db"
    with pytest.raises(InputError) as exc:
        database_url("mysql://root:secret@db/x")
    assert exc.value.code == "E914" and "secret" not in exc.value.render("en")
