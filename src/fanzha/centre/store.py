"""The store: a SQLAlchemy engine on SQLite (default: one file, nothing to install) or PostgreSQL, migrated by
the Alembic scripts shipped in `fanzha/centre/migrations` when the centre starts.

SQLite runs in WAL mode with ``synchronous=FULL`` (a committed transaction survives a power cut) and a busy
timeout, so readers never block the one writer and a second writer waits instead of failing. A server's store
checkpoints the log from a thread of its own (`Store.start_checkpoints`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fanzha.errors import InputError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger("fanzha.centre")


def database_url(db: str) -> str:
    """The SQLAlchemy URL of `db`: ``sqlite:///FILE``, a plain path (SQLite), ``postgresql://…`` (psycopg 3)."""
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser()}"
    try:
        url = make_url(db)
    except ArgumentError:
        raise InputError("E914", where="--db", url=masked_url(db)) from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.drivername == "sqlite":
        return db
    raise InputError("E914", where="--db", url=masked_url(db))


def masked_url(db: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return db.split("@")[-1]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


class Store:
    """The database: an engine, sessions, the migrations and the dialect's insert-or-ignore."""

    def __init__(self, db: str) -> None:
        self.url = database_url(db)
        self.shown = masked_url(self.url)
        self.dialect = "postgresql" if self.url.startswith("postgresql") else "sqlite"
        kwargs: dict[str, Any] = {"json_serializer": _json, "json_deserializer": orjson.loads}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._plans: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}
        self._stop = threading.Event()
        self._checkpoints: threading.Thread | None = None

    def start_checkpoints(self, every: float = 0.2) -> None:
        """SQLite: copy the write-ahead log into the database from a thread of its own every `every` seconds.
        SQLite's own checkpoint runs inside whichever commit takes the log past 1,000 pages — with its fsync,
        up to ~120 ms measured inside one queue read (every read writes an audit row). The checkpoint here is
        PASSIVE (it waits for no reader and no writer; what it cannot copy yet waits for the next one), so the
        log is copied back long before a request's commit would have to; SQLite's own stays as the safety
        net. Nothing to do on PostgreSQL. Stopped by `close`."""
        if self.dialect != "sqlite" or self._checkpoints is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.checkpoint()
                except Exception:  # a busy or closed database: the next round tries again
                    log.warning("the background WAL checkpoint failed", exc_info=True)

        self._checkpoints = threading.Thread(target=loop, name="fanzha-checkpoints", daemon=True)
        self._checkpoints.start()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One passive checkpoint of SQLite's log: (busy, pages in the log, pages copied); None on PostgreSQL."""
        if self.dialect != "sqlite":
            return None
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(row[0]), int(row[1]), int(row[2])

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent; run on every start)."""
        from alembic import command
        from alembic.config import Config

        if self.dialect == "sqlite":
            Path(self.engine.url.database or "").parent.mkdir(parents=True, exist_ok=True)
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        last: Exception | None = None
        for _ in range(20):  # a PostgreSQL server that is still starting
            try:
                with self.engine.begin() as conn:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                return
            except OperationalError as exc:
                last = exc
                time.sleep(0.25)
        raise InputError("E915", where="--db", url=self.shown, reason=str(getattr(last, "orig", last)))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed at the end of the block, rolled back on an exception."""
        with self.sessions() as s, s.begin():
            yield s

    @contextmanager
    def derived(self) -> Iterator[Session]:
        """A session for data the centre can derive again from the events (alert revisions, the queue's engine
        side, webhook deliveries): on SQLite its commit does not wait for the disk (``synchronous=NORMAL`` in WAL
        mode: safe against a killed process; after a power cut the replay writes them again). Everything else
        commits with ``synchronous=FULL``."""
        with self.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection if self.dialect == "sqlite" else None
            if raw is not None:  # outside any transaction (SQLite refuses it inside one)
                raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with Session(bind=conn, expire_on_commit=False) as s, s.begin():
                    yield s
            finally:
                if raw is not None:
                    conn.rollback()
                    raw.execute("PRAGMA synchronous=FULL")

    def insert_ignore(
        self, conn: Connection | Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
    ) -> int | None:
        """Insert `rows` (dicts with the same keys), skipping those whose `keys` are already there (idempotent
        writes). The dialect's ``INSERT … ON CONFLICT DO NOTHING`` is compiled once per table and columns and
        handed to the driver's executemany: SQLAlchemy's per-row parameter processing cost more CPU than
        SQLite's own insert (docs/service.md, "Reading these figures"). Tables with a column whose type
        converts values on the way in keep the ordinary Core insert.

        Returns how many rows were inserted when the driver counts an executemany's rows (sqlite3 and
        psycopg sum them; a skipped row is no change), None when it cannot say (the Core insert)."""
        if not rows:
            return 0
        columns = tuple(rows[0])
        plan = self._insert_plan(table, columns, tuple(keys))
        c = conn if isinstance(conn, Connection) else conn.connection()
        if isinstance(plan, str):  # the driver takes the dicts as they are (named parameters)
            result = c.exec_driver_sql(plan, list(rows))
        elif isinstance(plan, tuple):
            sql, order = plan
            row_of = itemgetter(*order)  # C-level: a generator per row cost as much as SQLite's insert
            params = list(map(row_of, rows)) if len(order) > 1 else [(row_of(r),) for r in rows]
            result = c.exec_driver_sql(sql, params)
        else:
            c.execute(plan, list(rows))
            return None
        n = result.rowcount
        return n if n >= 0 and c.dialect.supports_sane_multi_rowcount else None

    def _insert_plan(self, table: Table, columns: tuple[str, ...], keys: tuple[str, ...]) -> Any:
        """The insert-or-ignore of `columns` into `table`: SQL with named parameters (a str), SQL with
        positional ones and their order (a tuple), or the Core statement when a column's type processes
        values."""
        plan = self._plans.get((table.name, columns, keys))
        if plan is not None:
            return plan
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt: Any = pg_insert(table).on_conflict_do_nothing(index_elements=list(keys))
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=list(keys))
        dialect = self.engine.dialect
        if any(table.c[k].type.bind_processor(dialect) is not None for k in columns):
            plan = stmt
        else:
            compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
            order = compiled.positiontup
            plan = (compiled.string, tuple(order)) if compiled.positional and order else compiled.string
        self._plans[(table.name, columns, keys)] = plan
        return plan

    def close(self) -> None:
        self._stop.set()
        if self._checkpoints is not None:
            self._checkpoints.join(timeout=5)
            self._checkpoints = None
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
