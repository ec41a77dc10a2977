"""The store: the shipped migrations create exactly the tables of the models, on SQLite and PostgreSQL, and
running them again changes nothing."""

from __future__ import annotations

import time
from pathlib import Path

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


def test_a_server_store_checkpoints_the_log_from_its_own_thread(tmp_path: Path) -> None:
    """With SQLite's own checkpoint off, the rows reach the database file only through the background thread
    (a request's commit no longer copies the log back); `close` stops the thread."""
    from sqlalchemy import event, text

    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    event.listen(store.engine, "connect", lambda conn, _: conn.execute("PRAGMA wal_autocheckpoint=0"))
    store.migrate()
    assert (
        store.checkpoint() is not None
    )  # the schema into the file: from here on only the rows below grow it
    size = (tmp_path / "c.db").stat().st_size
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
        conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "行" * 1000} for _ in range(500)])
    assert (tmp_path / "c.db").stat().st_size == size  # still only in the log
    store.start_checkpoints(every=0.01)
    thread = store._checkpoints
    assert thread is not None and thread.is_alive()
    for _ in range(2_000):  # a bounded wait for the thread, not a timing assertion
        if (tmp_path / "c.db").stat().st_size > size:
            break
        time.sleep(0.005)
    assert (tmp_path / "c.db").stat().st_size > size
    store.close()
    assert not thread.is_alive()


def test_postgresql_has_no_log_to_checkpoint(db_url: str) -> None:
    store = Store(db_url)
    store.start_checkpoints()
    assert (store.checkpoint() is None) == db_url.startswith("postgresql")
    assert store._checkpoints is None or not db_url.startswith("postgresql")
    store.close()


def test_a_store_of_an_earlier_version_keeps_its_flags_through_the_upgrade(db_url: str) -> None:
    """0003 → head: the flags given before phones could be listed are accounts, as they were, and the unique key
    now holds per subject (a phone and an account of the same id, reason and time are two flags)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from fanzha.centre.store import MIGRATIONS

    store = Store(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(
            text(
                "INSERT INTO payee_flags (account, time_us, reason, source, batch, created_by, created_us) "
                "VALUES ('6222021234567890123', 1, 'reported', 'R1', 0, 'user:admin', 2)"
            )
        )
    store.migrate()
    with store.engine.begin() as conn:
        rows = conn.execute(text("SELECT subject, account, reason FROM payee_flags")).all()
        assert [tuple(r) for r in rows] == [("account", "6222021234567890123", "reported")]
        conn.execute(
            text(
                "INSERT INTO payee_flags (subject, account, time_us, reason, source, batch, created_by, "
                "created_us) VALUES ('device', '6222021234567890123', 1, 'reported', 'R1', 0, 'user:admin', 2)"
            )
        )
        assert conn.execute(text("SELECT count(*) FROM payee_flags")).scalar() == 2
    store.close()
