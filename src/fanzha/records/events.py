"""Events: the versioned schema the warning engine reads (the one `fanzha sim` writes), validation and readers.

An event is one thing that happened to one person: a call, an SMS, a chat message, an app installed, screen
sharing started, a loan, a new payee, a transfer … (schema version 1.0, see docs/warn.md). Times are
timezone-aware; money is yuan with two decimals (held as integer fen inside the engine).

Readers yield `Raw` records (plain tuples: cheap to build, cheap to pass on) in batches, each with the file and
row it came from, so a bad row is reported as ``events.parquet:1234: E703 …`` and kept aside, never dropped
silently.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import orjson

from fanzha.errors import Coded, FanzhaError, InputError, check_params, jsonable
from fanzha.records.files import is_wide
from fanzha.records.kinds import EVENT_KINDS
from fanzha.records.kinds import MESSAGE_KINDS as MESSAGE_KINDS
from fanzha.records.units import US, datetime_of, parse_time, to_fen, us_of

SCHEMA_VERSION = "1.0"

#: the times an event may have (the alerts render them in any zone): others are kept aside (E750)
TIME_RANGE = ("0001-01-02", "9999-12-30")
TIME_LOW_US = us_of(datetime(1, 1, 2, tzinfo=UTC))
TIME_HIGH_US = us_of(datetime(9999, 12, 30, tzinfo=UTC))
#: the largest amount of an event, in fen (10 trillion yuan): larger ones are kept aside (E751)
MAX_FEN = 10**15

#: the kinds the engine knows (others are accepted, counted and raise no signal): the ones `fanzha sim` writes
KINDS: tuple[str, ...] = EVENT_KINDS

#: The event record, in column order: (name, required, type). The one definition that the Arrow schema
#: (`fanzha.records.schema.EVENTS`), the readers below, `Event`, `Raw` and the world's writer follow.
#: Types: ``string``; ``time`` (timezone-aware; µs inside); ``money`` (yuan with two decimals; fen inside);
#: ``json`` (an object, written as a JSON string).
FIELDS: tuple[tuple[str, bool, str], ...] = (
    ("event_id", True, "string"),
    ("person_id", True, "string"),
    ("time", True, "time"),
    ("kind", True, "string"),
    ("channel", False, "string"),
    ("direction", False, "string"),
    ("counterparty", False, "string"),
    ("text", False, "string"),
    ("app", False, "string"),
    ("amount", False, "money"),
    ("transfer_id", False, "string"),
    ("attrs", False, "json"),
)
#: columns: name → required
COLUMNS: dict[str, bool] = {name: required for name, required, _ in FIELDS}
#: what an event says beyond who, when and what kind: optional strings, the same names everywhere
DETAILS: tuple[str, ...] = ("channel", "direction", "counterparty", "text", "app")


class Raw(NamedTuple):
    """An event as the engine consumes it: validated, time in µs since the epoch, amount in fen — the fields
    of `FIELDS` in their order, without ``transfer_id``. Unpack it by name (``eid, pid, t, kind, *_ = raw``)."""

    event_id: str
    person_id: str
    t: int
    kind: str
    channel: str | None
    direction: str | None
    counterparty: str | None
    text: str | None
    app: str | None
    fen: int | None
    attrs: Mapping[str, Any] | None


#: a `Raw` as a plain tuple (what the readers build: cheaper than the named tuple)
RawRow = tuple[
    str, str, int, str, str | None, str | None, str | None, str | None, str | None, int | None, Any
]


@dataclass(frozen=True, slots=True)
class Event:
    """One event of one person (the public, typed form; `to_raw` gives what the engine consumes)."""

    event_id: str
    person_id: str
    time: datetime
    kind: str
    channel: str | None = None
    direction: str | None = None
    counterparty: str | None = None
    text: str | None = None
    app: str | None = None
    amount: Decimal | None = None
    transfer_id: str | None = None
    attrs: Mapping[str, Any] | None = field(default=None)

    def __post_init__(self) -> None:
        where = self.event_id if isinstance(self.event_id, str) and self.event_id else None
        for name in ("event_id", "person_id", "kind"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise InputError("E703", where=where, fields=name)
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise InputError("E704", where=where, value=str(self.time))

    def to_raw(self) -> Raw:
        fen = None if self.amount is None else to_fen(self.amount, where=self.event_id)
        return Raw(
            self.event_id,
            self.person_id,
            us_of(self.time),
            self.kind,
            self.channel,
            self.direction,
            self.counterparty,
            self.text,
            self.app,
            fen,
            self.attrs,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "event") -> Event:
        """An event from a JSON object (time as ISO 8601 with an offset, amount in yuan)."""
        raw = raw_from_dict(data, where=where)
        amount = None if raw.fen is None else Decimal(raw.fen) / 100
        tid = data.get("transfer_id")
        return cls(
            raw.event_id,
            raw.person_id,
            datetime_of(raw.t),
            raw.kind,
            raw.channel,
            raw.direction,
            raw.counterparty,
            raw.text,
            raw.app,
            amount,
            tid if isinstance(tid, str) else None,
            raw.attrs,
        )


def _opt_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    v = data.get(key)
    if v is None or isinstance(v, str):
        return v
    raise InputError("E715", where=where, field=key, type=type(v).__name__)


def raw_from_dict(data: Mapping[str, Any], *, where: str) -> Raw:
    """Validate one event given as a mapping (a JSONL line); every problem is an `InputError` at `where`."""
    if not isinstance(data, Mapping):
        raise InputError("E023", where=where, type=type(data).__name__)
    eid, pid, kind = data.get("event_id"), data.get("person_id"), data.get("kind")
    if not (
        eid and pid and kind and isinstance(eid, str) and isinstance(pid, str) and isinstance(kind, str)
    ) or (data.get("time") is None):
        missing = [k for k in ("event_id", "person_id", "time", "kind") if not _given(data.get(k), k)]
        raise InputError("E703", where=where, fields=missing)
    t = parse_time(data["time"], where=where)
    if not TIME_LOW_US <= t <= TIME_HIGH_US:
        raise InputError("E750", where=where, value=str(data["time"]), low=TIME_RANGE[0], high=TIME_RANGE[1])
    amount = data.get("amount")
    fen = None if amount is None else _fen(amount, where)
    attrs = data.get("attrs")
    if isinstance(attrs, str):
        attrs = _parse_attrs(attrs, where)
    elif attrs is not None and not isinstance(attrs, Mapping):
        raise InputError("E706", where=where, type=type(attrs).__name__)
    return Raw(
        data["event_id"],
        data["person_id"],
        t,
        data["kind"],
        _opt_str(data, "channel", where),
        _opt_str(data, "direction", where),
        _opt_str(data, "counterparty", where),
        _opt_str(data, "text", where),
        _opt_str(data, "app", where),
        fen,
        attrs,
    )


def _fen(value: Any, where: str) -> int:
    """Yuan → fen (E705), within ±`MAX_FEN` (E751)."""
    try:
        fen = to_fen(value, where=where)
    except ArithmeticError:  # an exponent beyond what a decimal holds
        fen = MAX_FEN + 1
    if abs(fen) > MAX_FEN:
        raise InputError("E751", where=where, value=str(value)[:40], limit=MAX_FEN // 100)
    return fen


def _given(value: Any, key: str) -> bool:
    """A required field is there: a non-empty string (any value for time, which is parsed next)."""
    return value is not None if key == "time" else isinstance(value, str) and bool(value)


def _parse_attrs(text: str, where: str) -> dict[str, Any]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError("E716", where=where, reason=str(exc)) from None
    if not isinstance(value, dict):
        raise InputError("E706", where=where, type=type(value).__name__)
    return value


# -- reading files -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejected(Coded):
    """A row that could not be used, kept aside with where it came from and why: a catalogue code and its
    params (`str(rejected)` is ``source:row: CODE message`` in the default language)."""

    source: str
    row: int
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    event_id: str | None = None
    raw: str | None = None

    @classmethod
    def of(
        cls,
        source: str,
        row: int,
        code: str,
        /,
        *,
        event_id: str | None = None,
        raw: str | None = None,
        **params: Any,
    ) -> Rejected:
        """The row `source:row` kept aside for `code` with the params its message takes."""
        check_params(code, params)
        return cls(source, row, code, params, event_id, raw)

    @classmethod
    def of_error(
        cls, source: str, row: int, exc: FanzhaError, *, event_id: str | None = None, raw: str | None = None
    ) -> Rejected:
        """The row kept aside for the error reading it raised."""
        return cls(source, row, exc.code, exc.params, event_id, raw)

    def location(self) -> str:
        return f"{self.source}:{self.row}"

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """As a JSON object: the message in `lang` (default: the process default language) and its params."""
        return {
            "source": self.source,
            "row": self.row,
            "code": self.code,
            "message": self.message(lang),
            "params": jsonable(self.params),
            "event_id": self.event_id,
            "raw": self.raw,
        }


@dataclass(frozen=True, slots=True)
class Mark:
    """How much of one input has been read: the cursor the warning engine's store keeps for each file.

    `size`: the bytes read, for a JSONL file in UTF-8 or GB18030 (it can grow by appended lines); the whole
    file's size for Parquet and UTF-16 (they cannot: their unit is the row). `rows`: the rows read. `digest`:
    sha256 of the bytes read (of the whole file for Parquet and UTF-16), so that a file rewritten since is
    recognised. `open_line`: the last row read had no line end yet (a complete JSON object ending the file)."""

    size: int = 0
    rows: int = 0
    digest: str = ""
    open_line: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "rows": self.rows, "digest": self.digest, "open_line": self.open_line}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Mark:
        return cls(int(d["size"]), int(d["rows"]), str(d["digest"]), bool(d.get("open_line", False)))


@dataclass(slots=True)
class Chunk:
    """A run of consecutive input rows: the events (with their file rows) and the rows kept aside."""

    source: str
    raws: Sequence[RawRow]
    rows: Sequence[int]  # the file row of each event
    rejects: list[Rejected]
    n: int  # input rows covered (events + rejected)
    sources: Sequence[str] | None = None  # the file of each event, when they differ
    mark: Mark | None = None  # how much of its file is read after this chunk (a file's chunks only)

    def where(self, i: int) -> tuple[str, int]:
        """(file, row) of the i-th event."""
        return (self.sources[i] if self.sources is not None else self.source), self.rows[i]


#: the file names read as events
SUFFIXES = (".parquet", ".jsonl", ".ndjson", ".json")
_HEAD = 65536


def event_files(path: str | Path) -> list[Path]:
    """The event files of a path: a Parquet or JSONL file, a world folder (its events.parquet), or a folder
    of such files (in name order)."""
    p = Path(path)
    if not p.exists():
        raise InputError("E700", where=str(p))
    if p.is_file():
        if p.suffix not in SUFFIXES:
            raise InputError("E701", where=str(p), suffix=p.suffix or "-")
        return [p]
    if (p / "events.parquet").is_file():
        return [p / "events.parquet"]
    if (p / "manifest.json").is_file():  # a world without its events (a `fanzha sim` that did not finish)
        raise InputError("E740", where=str(p), file="events.parquet")
    files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in SUFFIXES)
    if not files:
        raise InputError("E709", where=str(p))
    return files


@dataclass(frozen=True, slots=True)
class EventFile:
    """One events file, checked before any of its rows is read: Parquet with the columns and types of the
    schema, or JSONL in a known encoding."""

    path: Path
    kind: str  # "parquet" or "jsonl"
    size: int
    encoding: str | None = None  # JSONL: the codec `fanzha.records.files.stream_encoding` found
    rows: int | None = None  # Parquet: its row count

    @property
    def label(self) -> str:
        """How rows kept aside name it (``events.jsonl:12``)."""
        return self.path.name

    @property
    def key(self) -> str:
        """How a store names it: the absolute path."""
        return str(self.path.resolve())

    @property
    def appendable(self) -> bool:
        """Read by bytes, so it can grow by lines appended at its end (JSONL in UTF-8 or GB18030); Parquet and
        UTF-16 are read by rows, whole."""
        return self.kind == "jsonl" and not is_wide(self.encoding)


def open_event_file(path: Path) -> EventFile:
    """Check an events file before reading it: E007 unreadable, E003 binary where JSONL is expected;
    Parquet's columns and types (E007 not Parquet or damaged, E702, E713, E714)."""
    from fanzha.records.files import stream_encoding

    where = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:  # gone since it was listed, or unreadable
        raise InputError("E007", where=where, reason=exc.strerror or str(exc)) from None
    if path.suffix == ".parquet":
        return EventFile(path, "parquet", size, rows=_parquet_file(path).metadata.num_rows)
    return EventFile(path, "jsonl", size, encoding=stream_encoding(head, where=where))


@dataclass
class Cursor:
    """Where reading one file starts (`start`, with the sha256 of the bytes before it) and ends (`end`: a byte
    offset for an appendable file, a row count otherwise); `incomplete`: an unfinished last line is left
    for later."""

    file: EventFile
    start: Mark
    hasher: Any
    end: int
    incomplete: bool = False


def _sha256_of(path: Path, size: int | None = None) -> Any:
    """The sha256 state of the first `size` bytes of a file (all of it when None)."""
    import hashlib

    h = hashlib.sha256()
    left = size
    with path.open("rb") as fh:
        while left is None or left > 0:
            block = fh.read(1 << 20 if left is None else min(1 << 20, left))
            if not block:
                break
            h.update(block)
            if left is not None:
                left -= len(block)
    return h


def cursor(f: EventFile, mark: Mark | None = None, *, until: Mark | None = None) -> Cursor:
    """Continue reading `f` after `mark` (from the start when None) up to `until` (default: all there is
    now). The bytes (or, for a file read whole, the file) read before must still be there: E747 otherwise."""
    start = mark or Mark()
    if not f.appendable:
        h = _sha256_of(f.path)
        digest = h.hexdigest()
        if start.rows and start.digest != digest:
            raise InputError("E747", where=str(f.path), size=start.size, rows=start.rows)
        end = until.rows if until is not None else (f.rows if f.rows is not None else -1)
        return Cursor(f, Mark(f.size, start.rows, digest), h, end)
    h = _sha256_of(f.path, min(start.size, f.size))
    if f.size < start.size or (start.size and h.hexdigest() != start.digest):
        raise InputError("E747", where=str(f.path), size=start.size, rows=start.rows)
    if until is not None:  # the same bytes as when `until` was read
        if f.size < until.size or _sha256_of(f.path, until.size).hexdigest() != until.digest:
            raise InputError("E747", where=str(f.path), size=until.size, rows=until.rows)
        return Cursor(f, start, h, until.size)
    end, incomplete = _extent(f, start.size)
    return Cursor(f, start, h, end, incomplete)


def _extent(f: EventFile, start: int) -> tuple[int, bool]:
    """Where the rows of an appendable file end: its size, unless the last line has no line end and is not
    complete JSON (being written): then before that line."""
    size = f.size
    if size <= start:
        return start, False
    with f.path.open("rb") as fh:
        pos = size
        tail = b""
        while pos > start:
            step = min(_HEAD, pos - start)
            fh.seek(pos - step)
            block = fh.read(step)
            k = block.rfind(b"\n")
            if k >= 0:
                tail = block[k + 1 :] + tail
                pos = pos - step + k + 1
                break
            tail = block + tail
            pos -= step
        else:
            pos = start
    if pos == 0 and f.encoding == "utf-8-sig":
        tail = tail[len(codecs.BOM_UTF8) :]
    if not tail.strip():
        return size, False
    try:
        orjson.loads(_decoded(tail, f.encoding, strict=True))
    except (orjson.JSONDecodeError, UnicodeDecodeError):
        return pos, True
    return size, False


def read_cursor(c: Cursor, batch_rows: int = 8192, *, digest: bool = True) -> Iterator[Chunk]:
    """The rows of a file from `c.start` to `c.end`, in chunks of at most `batch_rows` rows, each with the
    file's `Mark` after it (its digest only when `digest`)."""
    if c.file.kind == "parquet":
        yield from _parquet_chunks(c, batch_rows)
    elif c.file.appendable:
        yield from _jsonl_chunks(c, batch_rows, c.hasher.copy() if digest else None)
    else:
        yield from _text_chunks(c, batch_rows)


def read_chunks(files: list[Path], batch_rows: int = 8192) -> Iterator[Chunk]:
    """Every row of the files in order, in chunks of at most `batch_rows` rows (a chunk never spans files)."""
    for f in files:
        yield from read_cursor(cursor(open_event_file(f)), batch_rows, digest=False)


def sort_chunks(chunks: Iterable[Chunk], batch_rows: int = 8192) -> Iterator[Chunk]:
    """The rows of `chunks` in event-time order (stable: ties keep the input order), in chunks of `batch_rows`;
    the rows kept aside come first. It holds them all in memory."""
    items: list[tuple[RawRow, str, int]] = []
    rejects: list[Rejected] = []
    for chunk in chunks:
        items.extend(zip(chunk.raws, [chunk.source] * len(chunk.raws), chunk.rows, strict=True))
        rejects.extend(chunk.rejects)
    items.sort(key=lambda it: it[0][2])
    for k in range(0, len(rejects), batch_rows):
        bad = rejects[k : k + batch_rows]
        yield Chunk(bad[0].source, [], [], bad, len(bad))
    for k in range(0, len(items), batch_rows):
        part = items[k : k + batch_rows]
        srcs = [s for _, s, _ in part]
        several = len(set(srcs)) > 1
        yield Chunk(
            srcs[0],
            [r for r, _, _ in part],
            [row for _, _, row in part],
            [],
            len(part),
            srcs if several else None,
        )


def read_sorted(files: list[Path], batch_rows: int = 8192) -> Iterator[Chunk]:
    """All rows of the files in event-time order (`sort_chunks`)."""
    return sort_chunks(read_chunks(files, 65536), batch_rows)


def cursor_times(c: Cursor) -> tuple[Any, int]:
    """The times (µs, an int64 numpy array) of the rows `read_cursor(c)` would give, in that order, leaving
    out the rows it would keep aside; and how many rows it would read. Reads only the time column of a
    Parquet file."""
    import numpy as np

    if c.file.kind != "parquet":
        times: list[int] = []
        rows = 0
        for chunk in read_cursor(c, 65536, digest=False):
            times.extend(r[2] for r in chunk.raws)
            rows += chunk.n
        return np.asarray(times, dtype=np.int64), rows
    pf = _parquet_file(c.file.path)
    rows = max(c.end - c.start.rows, 0)
    try:
        col = pf.read(columns=["time"]).column("time").slice(c.start.rows, rows)
    except (OSError, _arrow_errors()) as exc:
        raise InputError("E007", where=str(c.file.path), reason=str(exc)) from None
    us, bad = _times_us(col.combine_chunks(), col.type.unit)
    return np.asarray(us.filter(_not(bad)).to_numpy(zero_copy_only=False), dtype=np.int64), rows


# -- Parquet ---------------------------------------------------------------------------------------------


def _arrow_errors() -> type[Exception]:
    import pyarrow as pa

    return pa.ArrowException  # type: ignore[no-any-return]


def _parquet_file(path: Path) -> Any:
    """The `pyarrow.parquet.ParquetFile`, its schema checked against `FIELDS`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    label = path.name
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError("E007", where=str(path), reason=str(exc)) from None
    schema = pf.schema_arrow
    for col, required in COLUMNS.items():
        if required and col not in schema.names:
            raise InputError("E702", where=label, column=col)
    for name, _, kind in FIELDS:
        if name not in schema.names:
            continue
        typ = schema.field(name).type
        ok, expected = _TYPE_CHECKS[kind]
        if not ok(pa, typ):
            raise InputError("E713", where=label, column=name, type=str(typ), expected=expected)
    if schema.field("time").type.tz is None:
        raise InputError("E714", where=label, column="time")
    return pf


def _is_text(pa: Any, t: Any) -> bool:
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_integer(t)
        or pa.types.is_null(t)
        or (pa.types.is_dictionary(t) and _is_text(pa, t.value_type))
    )


#: field type → (the Arrow types read as it, what the error names)
_TYPE_CHECKS: dict[str, tuple[Any, str]] = {
    "string": (_is_text, "string"),
    "time": (lambda pa, t: pa.types.is_timestamp(t), "timestamp[us, tz]"),
    "money": (
        lambda pa, t: (
            pa.types.is_decimal(t) or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t)
        ),
        "decimal128(18, 2), integer or floating",
    ),
    "json": (
        lambda pa, t: (
            pa.types.is_string(t)
            or pa.types.is_large_string(t)
            or pa.types.is_null(t)
            or pa.types.is_struct(t)
        ),
        "string (a JSON object)",
    ),
}


def _not(mask: Any) -> Any:
    import pyarrow.compute as pc

    return pc.invert(pc.fill_null(mask, True))


def _times_us(col: Any, unit: str) -> tuple[Any, Any]:
    """A timestamp column as int64 µs, and the mask of the values outside `TIME_RANGE` (null stays null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = col.cast(pa.int64())
    if unit == "ns":  # int64 nanoseconds cannot leave the range
        return pc.divide(raw, 1000), pc.is_null(raw)
    scale = {"s": US, "ms": 1000, "us": 1}[unit]
    bad = pc.or_(pc.less(raw, TIME_LOW_US // scale), pc.greater(raw, TIME_HIGH_US // scale))
    if scale == 1:
        return raw, bad
    return pc.multiply(pc.if_else(bad, 0, raw), scale), bad


def _parquet_chunks(c: Cursor, batch_rows: int) -> Iterator[Chunk]:
    path = c.file.path
    pf = _parquet_file(path)
    try:
        yield from _parquet_batches(pf, c, batch_rows)
    except (OSError, _arrow_errors()) as exc:
        raise InputError("E007", where=str(path), reason=str(exc)) from None


def _parquet_batches(pf: Any, c: Cursor, batch_rows: int) -> Iterator[Chunk]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    label = c.file.label
    names = set(pf.schema_arrow.names)
    unit = pf.schema_arrow.field("time").type.unit
    present = [col for col in COLUMNS if col in names]
    # skip the row groups read already
    row0, group = 0, 0
    meta = pf.metadata
    while group < meta.num_row_groups and row0 + meta.row_group(group).num_rows <= c.start.rows:
        row0 += meta.row_group(group).num_rows
        group += 1
    end = c.end
    groups = list(range(group, meta.num_row_groups))
    batches = pf.iter_batches(batch_size=batch_rows, columns=present, row_groups=groups) if groups else []
    for batch in batches:
        if row0 + batch.num_rows <= c.start.rows:
            row0 += batch.num_rows
            continue
        if row0 < c.start.rows:
            batch = batch.slice(c.start.rows - row0)
            row0 = c.start.rows
        if row0 >= end:
            break
        if row0 + batch.num_rows > end:
            batch = batch.slice(0, end - row0)
        n = batch.num_rows
        cols = {col: batch.column(col) for col in present}
        tcol, out_of_range = _times_us(cols["time"], unit)
        # rows missing a required value
        bad_mask = pc.is_null(tcol)
        for col in ("event_id", "person_id", "kind"):
            arr = cols[col]
            if not pa.types.is_string(arr.type):
                arr = arr.cast(pa.string())
                cols[col] = arr
            bad_mask = pc.or_(bad_mask, pc.fill_null(pc.equal(pc.utf8_length(arr), 0), True))
        bad: dict[int, tuple[str, dict[str, Any]]] = {}
        if pc.any(bad_mask).as_py():
            for i in np.flatnonzero(bad_mask.to_numpy(zero_copy_only=False)).tolist():
                missing = [k for k in ("event_id", "person_id", "time", "kind") if not _present(cols, k, i)]
                bad[i] = ("E703", {"fields": missing})
        if pc.any(out_of_range).as_py():
            for i in np.flatnonzero(
                pc.fill_null(out_of_range, False).to_numpy(zero_copy_only=False)
            ).tolist():
                bad.setdefault(
                    i,
                    (
                        "E750",
                        {
                            "value": f"{cols['time'].cast(pa.int64())[i]} {unit}",
                            "low": TIME_RANGE[0],
                            "high": TIME_RANGE[1],
                        },
                    ),
                )
        lists: dict[str, list[Any]] = {}
        for col in ("event_id", "person_id", "kind", *DETAILS):
            if col in cols:
                arr = cols[col]
                lists[col] = arr.to_pylist() if pa.types.is_string(arr.type) else _strs(arr)
            else:
                lists[col] = [None] * n
        fen: list[int | None] = [None] * n
        if "amount" in cols:
            fen = _fen_column(cols["amount"], n, bad)
        attrs: list[Any] = cols["attrs"].to_pylist() if "attrs" in cols else [None] * n
        for i, a in enumerate(attrs):
            if a is not None and isinstance(a, str):
                try:
                    attrs[i] = _parse_attrs(a, label)
                except InputError as exc:
                    bad.setdefault(i, (exc.code, dict(exc.params)))
        # plain tuples in the field order of `Raw` (building namedtuples would cost more than the rest)
        raws: list[RawRow] = list(
            zip(
                lists["event_id"],
                lists["person_id"],
                tcol.to_pylist(),
                lists["kind"],
                lists["channel"],
                lists["direction"],
                lists["counterparty"],
                lists["text"],
                lists["app"],
                fen,
                attrs,
                strict=True,
            )
        )
        rows: Sequence[int] = range(row0 + 1, row0 + n + 1)
        rejects: list[Rejected] = []
        if bad:
            rejects = [
                Rejected(label, row0 + i + 1, code, params, lists["event_id"][i] or None)
                for i, (code, params) in sorted(bad.items())
            ]
            raws = [r for i, r in enumerate(raws) if i not in bad]
            rows = [row0 + i + 1 for i in range(n) if i not in bad]
        row0 += n
        yield Chunk(label, raws, rows, rejects, n, mark=Mark(c.start.size, row0, c.start.digest))
        if row0 >= end:
            break


def _present(cols: dict[str, Any], c: str, i: int) -> bool:
    v = cols[c][i]
    return bool(v.is_valid) and (c == "time" or v.as_py() != "")


def _strs(col: Any) -> list[Any]:
    import pyarrow as pa

    return [None if v is None else str(v) for v in col.cast(pa.string()).to_pylist()]


def _fen_column(col: Any, n: int, bad: dict[int, tuple[str, dict[str, Any]]]) -> list[int | None]:
    """The amounts in fen; the rows whose amount is not one go into `bad`."""
    import numpy as np
    import pyarrow as pa

    typ = col.type
    if pa.types.is_decimal128(typ) and typ.scale == 2 and typ.precision <= 18:  # fits in 64 bits
        from fanzha.records.arrow import decimal_to_fen

        arr = decimal_to_fen(col)
        if col.null_count == len(col):
            return [None] * n
        if (np.abs(arr) > MAX_FEN).any():
            for i in np.flatnonzero(np.abs(arr) > MAX_FEN).tolist():
                bad.setdefault(i, ("E751", {"value": str(col[i].as_py()), "limit": MAX_FEN // 100}))
        vals: list[int | None] = arr.tolist()
        if col.null_count == 0:
            return vals
        valid = col.is_valid().to_pylist()
        return [v if ok else None for v, ok in zip(vals, valid, strict=True)]
    out: list[int | None] = []
    for i, v in enumerate(col.to_pylist()):
        if v is None:
            out.append(None)
            continue
        try:
            out.append(_fen(v, ""))
        except InputError as exc:
            bad.setdefault(i, (exc.code, dict(exc.params)))
            out.append(None)
    return out


# -- JSONL -----------------------------------------------------------------------------------------------


class _Rows:
    """The chunk being filled from lines of text."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.raws: list[RawRow] = []
        self.rows: list[int] = []
        self.rejects: list[Rejected] = []
        self.n = 0

    def line(self, row: int, payload: bytes | str, line: bytes) -> None:
        """One row: `payload` is its text (UTF-8 bytes or a decoded str), `line` what the file had."""
        self.n += 1
        if not payload.strip():
            return
        data: Any = None
        label = self.label
        try:
            data = orjson.loads(payload)
            raw = raw_from_dict(data, where=f"{label}:{row}")
        except orjson.JSONDecodeError as exc:
            self.rejects.append(Rejected.of(label, row, "E020", raw=_cut(line), reason=str(exc)))
        except InputError as exc:
            eid = data.get("event_id") if isinstance(data, dict) else None
            eid = eid if isinstance(eid, str) else None
            self.rejects.append(Rejected.of_error(label, row, exc, event_id=eid, raw=_cut(line)))
        else:
            self.raws.append(raw)
            self.rows.append(row)

    def chunk(self, mark: Mark | None) -> Chunk:
        out = Chunk(self.label, self.raws, self.rows, self.rejects, self.n, mark=mark)
        self.raws, self.rows, self.rejects, self.n = [], [], [], 0
        return out


def _decoded(line: bytes, encoding: str | None, *, strict: bool = False) -> bytes | str:
    """A line as orjson reads it: UTF-8 bytes as they are, another encoding decoded (undecodable bytes stay, or
    raise with `strict`: the line is then E020)."""
    if encoding in (None, "utf-8", "utf-8-sig"):
        return line
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        if strict:
            raise
        return line


def _jsonl_chunks(c: Cursor, batch_rows: int, hasher: Any) -> Iterator[Chunk]:
    f = c.file
    enc = f.encoding
    acc = _Rows(f.label)
    pos, row, open_line = c.start.size, c.start.rows, c.start.open_line
    cont = open_line  # the first line read ends a row read before
    last = pos

    def mark() -> Mark:
        return Mark(pos, row, hasher.hexdigest() if hasher is not None else "", open_line)

    try:
        fh = f.path.open("rb")
    except OSError as exc:
        raise InputError("E007", where=str(f.path), reason=exc.strerror or str(exc)) from None
    with fh:
        fh.seek(pos)
        while pos < c.end:
            line = fh.readline(c.end - pos)
            if not line:
                break
            if hasher is not None:
                hasher.update(line)
            payload = line[3:] if pos == 0 and enc == "utf-8-sig" else line
            pos += len(line)
            open_line = not line.endswith(b"\n")
            if cont:
                cont = False
                if not line.strip():
                    continue
                acc.n += 1  # text after the complete JSON object read last time: the row is not JSON
                reason = "text after a complete JSON object"
                acc.rejects.append(Rejected.of(f.label, row, "E020", raw=_cut(line), reason=reason))
                continue
            row += 1
            acc.line(row, _decoded(payload, enc), line)
            if acc.n >= batch_rows:
                yield acc.chunk(mark())
                last = pos
    if acc.n or pos != last:
        yield acc.chunk(mark())


def _text_chunks(c: Cursor, batch_rows: int) -> Iterator[Chunk]:
    """A JSONL file read whole (UTF-16): its rows after `c.start.rows`."""
    f = c.file
    try:
        text = f.path.read_bytes().decode(f.encoding or "utf-16")
    except UnicodeDecodeError:
        raise InputError("E004", where=str(f.path)) from None
    except OSError as exc:
        raise InputError("E007", where=str(f.path), reason=exc.strerror or str(exc)) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    acc = _Rows(f.label)
    row = c.start.rows
    for line in lines[row : c.end if c.end >= 0 else None]:
        row += 1
        acc.line(row, line, line.encode("utf-8", errors="surrogateescape"))
        if acc.n >= batch_rows:
            yield acc.chunk(Mark(f.size, row, c.start.digest))
    if acc.n:
        yield acc.chunk(Mark(f.size, row, c.start.digest))


def read_stream(
    stream: BinaryIO, batch_rows: int = 8192, *, rows: int = 0, label: str = "-", flush: float = 1.0
) -> Iterator[Chunk]:
    """JSONL from a stream (standard input) as it arrives: a chunk every `batch_rows` rows, or as soon as no
    line has come for `flush` seconds (a live feed is not held back). Rows are numbered after `rows`. The
    encoding is found from the first line (a BOM, else UTF-8 or, line by line, GB18030)."""
    import queue
    import threading

    lines: queue.Queue[bytes | None] = queue.Queue(maxsize=4 * batch_rows)

    def pump() -> None:
        try:
            first = True
            decoder: Any = None
            pending = ""
            for raw in stream:
                if first and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
                elif first and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                first = False
                if decoder is None:
                    lines.put(raw)
                    continue
                pending += decoder.decode(raw)
                *done, pending = pending.split("\n")
                for text in done:
                    lines.put(text.encode("utf-8", errors="surrogateescape") + b"\n")
            if pending:
                lines.put(pending.encode("utf-8", errors="surrogateescape"))
        finally:
            lines.put(None)

    threading.Thread(target=pump, name="fanzha-stdin", daemon=True).start()
    acc = _Rows(label)
    size = 0
    while True:
        try:
            line = lines.get(timeout=flush) if acc.n else lines.get()
        except queue.Empty:
            yield acc.chunk(Mark(size, rows))
            continue
        if line is None:
            break
        rows += 1
        size += len(line)
        payload: bytes | str = line
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            payload = _decoded(line, "gb18030")
        acc.line(rows, payload, line)
        if acc.n >= batch_rows:
            yield acc.chunk(Mark(size, rows))
    if acc.n:
        yield acc.chunk(Mark(size, rows))


def _cut(line: bytes, n: int = 500) -> str:
    return line[:n].decode("utf-8", errors="replace").rstrip("\n")
