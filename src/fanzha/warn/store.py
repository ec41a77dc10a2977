"""Embedded persistence: one SQLite file in WAL mode.

Each batch of events is one transaction: the persons' states that changed (and those that expired), the alert
revisions raised, the rows kept aside, the watermark, the counters and the input cursor — so after a crash
(kill -9) a restart resumes exactly where the last committed batch ended: no accepted event is lost and none is
applied twice. Alert revisions are keyed by (alert_id, revision) and inserted with ``INSERT OR IGNORE``, and
alert ids are deterministic, so a replay cannot duplicate them.

ALERTS.jsonl is written from the store with a durable cursor: the store records how many revisions and bytes
the file holds; on restart the file is cut back to that length (dropping a line written after the last
commit) and continued.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from fanzha.errors import InputError, jsonable
from fanzha.records.events import Mark, Rejected

# v2: rows kept aside hold their message's params, not its text; v3: the inputs read (a mark per file) and the
# run's settings, stamped by the first committed batch
STORE_SCHEMA = "fanzha.warn.store.v3"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS states (person_id TEXT PRIMARY KEY, last_us INTEGER NOT NULL, data BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, revision INTEGER NOT NULL, status TEXT NOT NULL,
    level TEXT NOT NULL, time_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, data TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revisions (
    seq INTEGER PRIMARY KEY, alert_id TEXT NOT NULL, revision INTEGER NOT NULL, data TEXT NOT NULL,
    UNIQUE (alert_id, revision)
);
CREATE TABLE IF NOT EXISTS rejects (
    seq INTEGER PRIMARY KEY, source TEXT NOT NULL, row INTEGER NOT NULL, code TEXT NOT NULL,
    params TEXT NOT NULL, event_id TEXT, raw TEXT
);
CREATE TABLE IF NOT EXISTS inputs (source TEXT PRIMARY KEY, mark TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_person ON alerts (person_id);
CREATE TABLE IF NOT EXISTS payee_flags (
    account TEXT NOT NULL, reason TEXT NOT NULL, time_us INTEGER NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (account, reason)
) WITHOUT ROWID;
"""


class WarnStore:
    """The engine's SQLite store (WAL, synchronous=FULL: a committed batch survives kill -9 and power loss)."""

    def __init__(self, path: str | Path, *, fresh: bool = False) -> None:
        self.path = Path(path)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(self.path) + suffix)
                if p.exists():
                    p.unlink()
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_DDL)
        except sqlite3.Error as exc:
            raise InputError("E711", where=str(self.path), reason=str(exc)) from None
        schema = self.get("schema")
        if schema is None:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (STORE_SCHEMA,))
        elif schema != STORE_SCHEMA:
            raise InputError("E719", where=str(self.path), was=schema, now=STORE_SCHEMA)

    # -- meta ---------------------------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def get_json(self, key: str, default: Any = None) -> Any:
        v = self.get(key)
        return default if v is None else orjson.loads(v)

    def set_meta(self, items: dict[str, Any]) -> None:
        """Set meta keys in their own transaction."""
        with self.transaction():
            self._set(items)

    def _set(self, items: dict[str, Any]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(k, v if isinstance(v, str) else orjson.dumps(v).decode()) for k, v in items.items()],
        )

    def transaction(self) -> _Tx:
        return _Tx(self.db)

    # -- states ---------------------------------------------------------------------------------------------

    def load_states(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT person_id, data FROM states ORDER BY person_id")

    def load_payee_flags(self) -> Iterator[tuple[str, str, int, str]]:
        """The payees the engine learned of (account, reason, time µs, source), as the store kept them."""
        yield from self.db.execute(
            "SELECT account, reason, time_us, source FROM payee_flags ORDER BY account"
        )

    def count_states(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM states").fetchone()[0])

    # -- one batch ------------------------------------------------------------------------------------

    def commit(
        self,
        states: list[tuple[str, int, bytes]],
        deleted: list[str],
        alerts: list[tuple[str, str, int, str, str, int, int, str]],
        rejects: list[Rejected],
        meta: dict[str, Any],
        marks: dict[str, Mark] | None = None,
        payee_flags: list[tuple[str, str, int, str]] | None = None,
    ) -> None:
        """Write one batch's changes in one transaction (with `marks`: how much of each input it read; with
        `payee_flags`, the payees the batch learned of: account, reason, time µs, source — the earliest wins)."""
        db = self.db
        with self.transaction():
            if payee_flags:
                db.executemany(
                    "INSERT INTO payee_flags VALUES (?, ?, ?, ?) ON CONFLICT (account, reason) DO UPDATE SET "
                    "time_us = excluded.time_us, source = excluded.source WHERE excluded.time_us < time_us",
                    payee_flags,
                )
            if marks:
                db.executemany(
                    "INSERT OR REPLACE INTO inputs VALUES (?, ?)",
                    [(k, orjson.dumps(m.to_dict()).decode()) for k, m in marks.items()],
                )
            if states:
                db.executemany("INSERT OR REPLACE INTO states VALUES (?, ?, ?)", states)
            if deleted:
                db.executemany("DELETE FROM states WHERE person_id = ?", [(p,) for p in deleted])
            if alerts:
                db.executemany(
                    "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO UPDATE SET "
                    "revision = excluded.revision, status = excluded.status, level = excluded.level, "
                    "updated_us = excluded.updated_us, data = excluded.data WHERE excluded.revision > revision",
                    alerts,
                )
                db.executemany(
                    "INSERT OR IGNORE INTO revisions (alert_id, revision, data) VALUES (?, ?, ?)",
                    [(a[0], a[2], a[7]) for a in alerts],
                )
            if rejects:
                db.executemany(
                    "INSERT INTO rejects (source, row, code, params, event_id, raw) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (r.source, r.row, r.code, orjson.dumps(jsonable(r.params)), r.event_id, r.raw)
                        for r in rejects
                    ],
                )
            if meta:
                self._set(meta)

    # -- reading back ----------------------------------------------------------------------------------

    def revisions_after(self, seq: int) -> Iterator[tuple[int, str]]:
        yield from self.db.execute("SELECT seq, data FROM revisions WHERE seq > ? ORDER BY seq", (seq,))

    def alerts(self, status: str | None = None) -> list[dict[str, Any]]:
        sql = (
            "SELECT data FROM alerts"
            + (" WHERE status = ?" if status else "")
            + " ORDER BY time_us, alert_id"
        )
        rows = self.db.execute(sql, (status,) if status else ())
        return [orjson.loads(r[0]) for r in rows]

    def marks(self) -> dict[str, Mark]:
        """How much of each input the committed batches read (by `EventFile.key`, ``-`` standard input)."""
        return {k: Mark.from_dict(orjson.loads(v)) for k, v in self.db.execute("SELECT * FROM inputs")}

    def rejects(self) -> Iterator[Rejected]:
        """The rows kept aside, by file and row (an order that does not depend on how they were batched)."""
        for source, row, code, params, eid, raw in self.db.execute(
            "SELECT source, row, code, params, event_id, raw FROM rejects ORDER BY source, row, seq"
        ):
            yield Rejected(source, row, code, orjson.loads(params), eid, raw)

    def close(self) -> None:
        self.db.close()


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


class AlertLog:
    """ALERTS.jsonl written from the store, with a durable cursor (revisions and bytes written).

    Appended, not rewritten: after each committed batch its new revisions are appended as complete lines and
    fsynced, then the cursor is committed. A reader can follow the file as it grows (``tail -f``): a line is
    there for good once it ends with a newline. A crash between the append and the cursor leaves lines the
    store does not count: the next run cuts the file back to the cursor and appends the same revisions again,
    the same bytes. A file the store has no cursor for is refused (E752), never cut."""

    def __init__(self, store: WarnStore, path: str | Path) -> None:
        self.store = store
        self.path = Path(path)
        key = str(self.path.resolve())
        self.key = f"out:{key}"
        cur = store.get_json(self.key)
        if cur is None:  # a file this store never wrote is not ours to cut or extend
            if self.path.exists() and self.path.stat().st_size > 0:
                raise InputError("E752", where=str(self.path))
            cur = {"seq": 0, "bytes": 0}
            store.set_meta({self.key: cur})
        self.seq = int(cur["seq"])
        size = int(cur["bytes"])
        try:
            self.fh = self.path.open("ab")
        except OSError as exc:
            raise InputError("E712", where=str(self.path), reason=str(exc)) from None
        if self.fh.tell() != size:  # written after the last commit (or someone else's file): cut back
            if self.fh.tell() < size:
                raise InputError("E739", where=str(self.path), size=self.fh.tell(), expected=size)
            self.fh.truncate(size)
            self.fh.seek(size)
        self.bytes = size

    def sync(self) -> int:
        """Append the revisions committed since the cursor; then commit the new cursor. Returns lines written."""
        n = 0
        seq = self.seq
        for s, data in self.store.revisions_after(self.seq):
            line = data.encode() + b"\n"
            self.fh.write(line)
            self.bytes += len(line)
            seq = s
            n += 1
        if n:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.seq = seq
            self.store.set_meta({self.key: {"seq": self.seq, "bytes": self.bytes}})
        return n

    def close(self) -> None:
        self.fh.close()
