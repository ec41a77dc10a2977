"""Replaying events into alerts — files (Parquet, JSONL) or standard input — incremental and resumable.

The store keeps, for each input, how much of it the committed batches read (`fanzha.records.events.Mark`: the
bytes or rows read and a sha256 of them). A run reads only what is new since: the rows appended to a JSONL
file, the files new in a folder, what comes on standard input. So a run killed half-way, a file that grew and a
folder with a new file all go on exactly where the store stopped, and the alerts are those of one run over
everything (the engine does not depend on how events are batched). A file whose read part changed is refused
(E747); a file already read that is gone is left alone (its events are in the store).

Before anything is written, let alone deleted (`--fresh`): every input file is checked (format, columns,
encoding), every output (not an input, not another output, in a writable folder), and the new rows' times (more
than half of them later than the lateness bound is refused: E748). The store stamps the settings with its first
committed batch, so a first run that failed before committing anything does not hold back the next.

`--order time` reads the new rows of a run in event-time order: when they are not in order already they are
sorted in memory, and the store remembers that sorted run (`segment`: where each file ends and how many rows
were committed) so that a kill in the middle resumes it exactly. `--order file` (and standard input) feeds the
rows as they come, like a live stream.

ALERTS.jsonl is written from the store (`fanzha.warn.store.AlertLog`): appended with complete lines after each
committed batch, so it has every revision exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from fanzha.errors import InputError
from fanzha.kb.sequences import RuleSet
from fanzha.progress import Progress, silent
from fanzha.records.events import (
    SUFFIXES,
    Chunk,
    Cursor,
    EventFile,
    Mark,
    cursor,
    cursor_times,
    event_files,
    open_event_file,
    read_cursor,
    read_stream,
    sort_chunks,
)
from fanzha.records.outputs import atomic_file, check_output
from fanzha.warn.engine import Counters, WarnConfig, WarnEngine
from fanzha.warn.payees import PayeeIntel
from fanzha.warn.store import AlertLog, WarnStore
from fanzha.warn.textscore import Scorer

STDIN = "-"
#: refuse a run when more than this share of its new rows would come later than the lateness bound
LATE_SHARE = 0.5


@dataclass
class ReplayResult:
    """What a replay did (counters are cumulative over the runs of the store)."""

    counters: Counters
    rows: int  # rows read over all runs
    resumed_at: int  # rows read before this run
    seconds: float
    alerts_open: int
    states_live: int
    ordered: str
    #: what this run alone kept aside, and how much of it was late
    rejected_now: int = 0
    late_now: int = 0
    #: files whose last line was left for the next run (no line end, not complete JSON)
    incomplete: list[str] = field(default_factory=list)

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


def replay(
    events: str | Path | BinaryIO,
    *,
    out: str | Path,
    db: str | Path | None = None,
    config: WarnConfig | None = None,
    rules: RuleSet | None = None,
    scorer: Scorer | None = None,
    batch_size: int = 5000,
    order: str | None = None,
    fresh: bool = False,
    rejects: str | Path | None = None,
    progress: Progress = silent,
    payees: PayeeIntel | None = None,
) -> ReplayResult:
    """Run the new events of `events` — a file, a folder, a world, ``-`` (standard input) or a binary stream —
    through the engine, appending alert revisions to `out` (JSONL) and keeping the state in `db` (SQLite;
    default OUT.db). `order`: ``time`` (default for files) or ``file`` (as read; always for a stream)."""
    import sys

    stream: BinaryIO | None = None
    if isinstance(events, str) and events == STDIN:
        stream = sys.stdin.buffer
    elif not isinstance(events, str | Path):
        stream = events
    order = order or ("file" if stream is not None else "time")
    if batch_size < 1:
        raise InputError("E741", where="--batch-size", option="batch_size", valid="≥ 1", value=batch_size)
    if order not in ("time", "file") or (stream is not None and order == "time"):
        valid = "file (standard input is read as it comes)" if stream is not None else "time | file"
        raise InputError("E741", where="--order", option="order", valid=valid, value=order)
    files = [] if stream is not None else [open_event_file(p) for p in event_files(Path(str(events)))]
    out = Path(out)
    db_path = Path(db) if db is not None else out.with_name(out.name + ".db")
    rejects = Path(rejects) if rejects is not None else None
    _check_outputs(None if stream is not None else Path(str(events)), files, out, db_path, rejects)
    config = config or WarnConfig()
    lateness = int(config.lateness.total_seconds() * 1_000_000)
    plan: _Plan | None = None
    if stream is None and (
        fresh or not db_path.exists()
    ):  # the new input is checked before the old results go
        plan = _plan(files, {}, 0, lateness, order)
    if fresh:
        for p in (out, *(Path(str(db_path) + s) for s in ("", "-wal", "-shm"))):
            p.unlink(missing_ok=True)
    store = WarnStore(db_path)
    run: _Run | None = None
    try:
        engine = WarnEngine(rules, config=config, scorer=scorer, store=store, payees=payees)
        run = _Run(engine, out, batch_size, progress)
        result = run.go(stream, files, plan, order)
        if rejects is not None:
            write_rejects(store, rejects)
        return result
    finally:
        if run is not None and run.opened is not None:
            run.opened.close()
        store.close()


def _check_outputs(
    events: Path | None, files: list[EventFile], out: Path, db: Path, rejects: Path | None
) -> None:
    """Refuse, before any work, outputs that would destroy an input or each other (E040, E041, E002, E749)."""
    named = [("--out", out), ("--db", db)] + ([("--rejects", rejects)] if rejects is not None else [])
    inputs = [f.path for f in files]
    for option, path in named:
        check_output(path, inputs=inputs, option=option)
    for (o1, p1), (o2, p2) in combinations(named, 2):
        if p1.resolve() == p2.resolve():
            raise InputError("E749", where=f"{o2} {p2}", option=o1, other=o2)
    # in a folder of event files, an output named like one would be read as events by the next run
    if events is not None and events.is_dir() and not (events / "events.parquet").is_file():
        for option, path in named:
            if path.suffix in SUFFIXES and path.resolve().parent == events.resolve():
                raise InputError("E040", where=f"{option} {path}", input=str(events))


@dataclass
class _Plan:
    """The new rows of a run: a cursor per file with something new, their times in feeding order, whether
    that order is time order, and the files whose last line waits for the next run."""

    cursors: list[Cursor]
    rows: int
    ordered: bool
    incomplete: list[str]


def _plan(
    files: list[EventFile],
    marks: dict[str, Mark],
    watermark: int,
    lateness: int,
    order: str,
    until: dict[str, Mark] | None = None,
) -> _Plan:
    """Where each file goes on (E747 when what was read changed) and what its new rows are; refuses (E748) new
    rows mostly later than the lateness bound in the order they would be fed."""
    import numpy as np

    cursors: list[Cursor] = []
    times: list[Any] = []
    rows = 0
    for f in files:
        if until is not None and f.key not in until:
            continue
        c = cursor(f, marks.get(f.key), until=None if until is None else until[f.key])
        t, n = cursor_times(c)
        if n or c.incomplete or until is not None:
            cursors.append(c)
            times.append(t)
            rows += n
    all_t = np.concatenate(times) if times else np.zeros(0, dtype=np.int64)
    ordered = bool(len(all_t) < 2 or (np.diff(all_t) >= 0).all())
    fed = np.sort(all_t, kind="stable") if order == "time" and not ordered else all_t
    if len(fed) and until is None:
        high = np.maximum.accumulate(np.concatenate([[watermark], fed]))[:-1]
        late = int((fed < high - lateness).sum())
        if late > LATE_SHARE * len(fed):
            raise InputError(
                "E748",
                where=", ".join(c.file.label for c in cursors),
                late=late,
                rows=len(fed),
                bound=lateness // 1_000_000,
            )
    return _Plan(cursors, rows, ordered, [c.file.label for c in cursors if c.incomplete])


class _Run:
    """One run: feeds chunks to the engine, commits each with how far it read, keeps ALERTS.jsonl in step."""

    def __init__(self, engine: WarnEngine, out: Path, batch_size: int, progress: Progress) -> None:
        self.engine = engine
        self.out = out
        self.opened: AlertLog | None = None
        self.store = engine.store
        assert self.store is not None
        self.batch_size = batch_size
        self.progress = progress
        self.done = 0
        self.total: int | None = None

    @property
    def log(self) -> AlertLog:
        """ALERTS.jsonl, opened when the first batch is about to be committed (after the plan's checks)."""
        if self.opened is None:
            assert self.engine.store is not None
            self.opened = AlertLog(self.engine.store, self.out)
        return self.opened

    def go(
        self, stream: BinaryIO | None, files: list[EventFile], plan: _Plan | None, order: str
    ) -> ReplayResult:
        engine, store = self.engine, self.store
        assert store is not None
        t0 = time.perf_counter()
        start = Counters(**engine.counters.to_dict())
        marks = store.marks()
        before = sum(m.rows for m in marks.values())
        lateness = engine.lateness
        incomplete: list[str] = []
        ordered = "as read"
        if stream is not None:
            mark = marks.get(STDIN, Mark())
            chunks = read_stream(stream, self.batch_size, rows=mark.rows, label=STDIN)
            self._stream(
                (c, {STDIN: replace(c.mark, size=mark.size + c.mark.size)}) for c in chunks if c.mark
            )
        else:
            segment = store.get_json("segment")
            if segment is not None:  # a sorted run that was killed: finish it first
                ends = {k: Mark.from_dict(v) for k, v in segment["ends"].items()}
                missing = sorted(set(ends) - {f.key for f in files})
                if missing:
                    raise InputError("E700", where=missing[0])
                done = _plan(files, marks, engine.watermark, lateness, "time", until=ends)
                self._sorted(done, int(segment["pos"]))
                marks = store.marks()
            if plan is None:
                plan = _plan(files, marks, engine.watermark, lateness, order)
            incomplete = plan.incomplete
            self.total = self.done + plan.rows
            if order == "time" and not plan.ordered:
                ordered = "sorted"
                self._sorted(plan, 0)
            else:
                ordered = "already in time order" if order == "time" else "as read"
                self._stream(
                    (c, {cur.file.key: c.mark})
                    for cur in plan.cursors
                    for c in read_cursor(cur, self.batch_size)
                    if c.mark
                )
        log = self.log
        engine.commit()
        log.sync()
        after = store.marks()
        c = engine.counters
        return ReplayResult(
            c,
            sum(m.rows for m in after.values()),
            before,
            time.perf_counter() - t0,
            len(engine.open_alerts()),
            len(engine.states),
            ordered,
            rejected_now=c.rejected - start.rejected,
            late_now=c.late - start.late,
            incomplete=incomplete,
        )

    def _stream(self, chunks: Iterable[tuple[Chunk, dict[str, Mark]]]) -> None:
        """Feed chunks as they come; each commit records how far its file was read."""
        for chunk, marks in chunks:
            self._batch(chunk, marks=marks)

    def _sorted(self, plan: _Plan, skip: int) -> None:
        """Feed the plan's rows in time order; the store keeps where each file ends and the rows committed,
        so that a kill resumes the same sorted run (`skip`: the rows committed already)."""
        ends: dict[str, Mark] = {}

        def reading() -> Iterator[Chunk]:
            for cur in plan.cursors:
                for chunk in read_cursor(cur, 65536):
                    if chunk.mark is not None:
                        ends[cur.file.key] = chunk.mark
                    yield chunk

        pos = 0
        for chunk in sort_chunks(reading(), self.batch_size):
            if pos + chunk.n <= skip:
                pos += chunk.n
                continue
            part = _tail(chunk, skip - pos) if pos < skip else chunk
            pos += chunk.n
            segment = {"ends": {k: m.to_dict() for k, m in ends.items()}, "pos": pos}
            self._batch(part, meta={"segment": segment})
        for cur in plan.cursors:  # files with no row left (an empty file, only a line end)
            ends.setdefault(cur.file.key, cur.start)
        self.engine.commit({"segment": None}, marks=ends)
        self.log.sync()

    def _batch(
        self, chunk: Chunk, *, marks: dict[str, Mark] | None = None, meta: dict[str, Any] | None = None
    ) -> None:
        log = self.log  # opened (and checked: E752, E739) before the first commit
        self.engine.process_chunk(chunk)
        self.engine.commit(meta, marks=marks)
        log.sync()
        self.done += chunk.n
        self.progress("events", self.done, self.total)


def _tail(chunk: Chunk, k: int) -> Chunk:
    """A sorted chunk without its first `k` rows (sorted chunks hold rows kept aside or events, not both)."""
    if chunk.rejects:
        return Chunk(chunk.source, [], [], chunk.rejects[k:], chunk.n - k)
    sources = chunk.sources[k:] if chunk.sources is not None else None
    return Chunk(chunk.source, chunk.raws[k:], chunk.rows[k:], [], chunk.n - k, sources)


def write_rejects(store: WarnStore, path: str | Path) -> int:
    """All rows kept aside, as JSONL, by file and row (written whole and atomically: never duplicates, never
    half a file)."""
    n = 0
    with atomic_file(Path(path), option="--rejects") as fh:
        for r in store.rejects():
            fh.write(orjson.dumps(r.to_dict()) + b"\n")
            n += 1
    return n
