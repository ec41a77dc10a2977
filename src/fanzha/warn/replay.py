"""Replaying event files through the engine, in event-time order, resumable after a crash.

The store holds a cursor: how many rows of the input (in processing order) the committed batches covered. A
restart with the same store and input skips those rows and goes on; ALERTS.jsonl is written from the store
(`fanzha.warn.store.AlertLog`), so it has every revision exactly once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fanzha.errors import InputError
from fanzha.kb.sequences import RuleSet
from fanzha.records.events import Chunk, event_files, fingerprint, is_time_ordered, read_chunks, read_sorted
from fanzha.warn.engine import Counters, WarnConfig, WarnEngine
from fanzha.warn.store import AlertLog, WarnStore
from fanzha.warn.textscore import Scorer


@dataclass
class ReplayResult:
    """What a replay did (counters are cumulative over restarts)."""

    counters: Counters
    rows: int
    resumed_at: int
    seconds: float
    alerts_open: int
    states_live: int
    ordered: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "resumed_at": self.resumed_at,
            "seconds": round(self.seconds, 3),
            "alerts_open": self.alerts_open,
            "states_live": self.states_live,
            "ordered": self.ordered,
            **self.counters.to_dict(),
        }


def _resume(chunks: Iterator[Chunk], skip: int) -> Iterator[tuple[int, Chunk]]:
    """The chunks after the first `skip` rows, each with the input position after it."""
    pos = 0
    for chunk in chunks:
        if pos + chunk.n <= skip:
            pos += chunk.n
            continue
        if pos < skip:
            raise InputError("E717", cursor=skip)
        pos += chunk.n
        yield pos, chunk


def replay(
    events: str | Path,
    *,
    out: str | Path,
    db: str | Path | None = None,
    config: WarnConfig | None = None,
    rules: RuleSet | None = None,
    scorer: Scorer | None = None,
    batch_size: int = 5000,
    order: str = "time",
    fresh: bool = False,
    rejects: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReplayResult:
    """Run the events under `events` (file or folder) through the engine, writing alert revisions to `out`
    (JSONL) and the state to `db` (SQLite; default OUT.db). Resumes from the store's cursor."""
    if batch_size < 1:
        raise InputError("E741", where="--batch-size", option="batch_size", valid="≥ 1", value=batch_size)
    if order not in ("time", "file"):
        raise InputError("E741", where="--order", option="order", valid="time | file", value=order)
    files = event_files(events)
    out = Path(out)
    db_path = Path(db) if db is not None else out.with_name(out.name + ".db")
    store = WarnStore(db_path, fresh=fresh)
    if fresh and out.exists():
        out.unlink()
    try:
        source = fingerprint(files) + f"\norder={order}"
        prev = store.get("source")
        if prev is not None and prev != source:
            raise InputError("E718", where=str(db_path))
        engine = WarnEngine(rules, config=config, scorer=scorer, store=store)
        store.set_meta({"source": source})
        log = AlertLog(store, out)
        try:
            cursor = int(store.get_json("cursor", 0))
            batch_size = int(store.get_json("batch_size", batch_size))  # a resumed run keeps the first run's
            store.set_meta({"batch_size": batch_size})
            t0 = time.perf_counter()
            chunks: Iterator[Chunk]
            if order == "time" and not is_time_ordered(files):
                chunks = read_sorted(files, batch_size)
                ordered = "sorted"
            else:
                chunks = read_chunks(files, batch_size)
                ordered = "as read" if order == "file" else "already in time order"
            rows = cursor
            last_report = t0
            for pos, chunk in _resume(chunks, cursor):
                engine.process_chunk(chunk)
                engine.commit({"cursor": pos})
                log.sync()
                rows = pos
                now = time.perf_counter()
                if progress is not None and now - last_report > 2.0:
                    last_report = now
                    rate = (rows - cursor) / (now - t0)
                    progress(f"{rows:,} rows, {engine.counters.alerts:,} alerts, {rate:,.0f} rows/s")
            engine.commit({"cursor": rows, "complete": True})
            log.sync()
            seconds = time.perf_counter() - t0
            if rejects is not None:
                write_rejects(store, rejects)
            return ReplayResult(
                engine.counters,
                rows,
                cursor,
                seconds,
                len(engine.open_alerts()),
                len(engine.states),
                ordered,
            )
        finally:
            log.close()
    finally:
        store.close()


def write_rejects(store: WarnStore, path: str | Path) -> int:
    """All rows kept aside, as JSONL (rewritten whole, so it never has duplicates)."""
    n = 0
    with Path(path).open("wb") as fh:
        for r in store.rejects():
            fh.write(orjson.dumps(r.to_dict()) + b"\n")
            n += 1
    return n


def stderr_progress(line: str) -> None:
    print(f"\r{line}   ", end="", file=sys.stderr, flush=True)
