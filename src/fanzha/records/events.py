"""Events: the versioned schema the warning engine reads (the one `fanzha sim` writes), validation and readers.

An event is one thing that happened to one person: a call, an SMS, a chat message, an app installed, screen
sharing started, a loan, a new payee, a transfer … (schema version 1.0, see docs/warn.md). Times are
timezone-aware; money is yuan with two decimals (held as integer fen inside the engine).

Readers yield `Raw` records (plain tuples: cheap to build, cheap to pass on) in batches, each with the file and
row it came from, so a bad row is reported as ``events.parquet:1234: E703 …`` and kept aside, never dropped
silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from fanzha.errors import Coded, FanzhaError, InputError, check_params, jsonable
from fanzha.records.kinds import EVENT_KINDS
from fanzha.records.kinds import MESSAGE_KINDS as MESSAGE_KINDS
from fanzha.records.units import US, datetime_of, parse_time, to_fen, us_of

SCHEMA_VERSION = "1.0"

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
    amount = data.get("amount")
    fen = None if amount is None else to_fen(amount, where=where)
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


@dataclass(slots=True)
class Chunk:
    """A run of consecutive input rows: the events (with their file rows) and the rows kept aside."""

    source: str
    raws: Sequence[RawRow]
    rows: Sequence[int]  # the file row of each event
    rejects: list[Rejected]
    n: int  # input rows covered (events + rejected)
    sources: Sequence[str] | None = None  # the file of each event, when they differ

    def where(self, i: int) -> tuple[str, int]:
        """(file, row) of the i-th event."""
        return (self.sources[i] if self.sources is not None else self.source), self.rows[i]


def event_files(path: str | Path) -> list[Path]:
    """The event files of a path: a Parquet or JSONL file, a world folder (its events.parquet), or a folder
    of such files (in name order)."""
    p = Path(path)
    if not p.exists():
        raise InputError("E700", where=str(p))
    if p.is_file():
        if p.suffix not in (".parquet", ".jsonl", ".json", ".ndjson"):
            raise InputError("E701", where=str(p), suffix=p.suffix or "-")
        return [p]
    if (p / "events.parquet").is_file():
        return [p / "events.parquet"]
    files = sorted(
        f for f in p.iterdir() if f.is_file() and f.suffix in (".parquet", ".jsonl", ".ndjson", ".json")
    )
    if not files:
        raise InputError("E709", where=str(p))
    return files


def fingerprint(files: list[Path]) -> str:
    """Identifies the input: names, sizes and modification times (a restart must read the same input)."""
    parts = []
    for f in files:
        st = os.stat(f)
        parts.append(f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


def _parquet_chunks(path: Path, batch_rows: int) -> Iterator[Chunk]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    label = path.name
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError("E007", where=str(path), reason=str(exc)) from None
    schema = pf.schema_arrow
    names = set(schema.names)
    for col, required in COLUMNS.items():
        if required and col not in names:
            raise InputError("E702", where=label, column=col)
    ttype = schema.field("time").type
    if not pa.types.is_timestamp(ttype):
        raise InputError("E713", where=label, column="time", type=str(ttype), expected="timestamp[us, tz]")
    if ttype.tz is None:
        raise InputError("E714", where=label, column="time")
    scale = {"s": US, "ms": 1000, "us": 1, "ns": None}[ttype.unit]
    present = [c for c in COLUMNS if c in names]
    row0 = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=present):
        n = batch.num_rows
        cols = {c: batch.column(c) for c in present}
        tcol = cols["time"].cast(pa.int64())
        if scale is None:
            tcol = pc.divide(tcol, 1000)
        elif scale != 1:
            tcol = pc.multiply(tcol, scale)
        # rows missing a required value
        bad_mask = pc.is_null(tcol)
        for c in ("event_id", "person_id", "kind"):
            col = cols[c]
            if not pa.types.is_string(col.type):
                col = col.cast(pa.string())
                cols[c] = col
            bad_mask = pc.or_(bad_mask, pc.fill_null(pc.equal(pc.utf8_length(col), 0), True))
        bad: dict[int, tuple[str, dict[str, Any]]] = {}
        if pc.any(bad_mask).as_py():
            for i in np.flatnonzero(bad_mask.to_numpy(zero_copy_only=False)).tolist():
                missing = [c for c in ("event_id", "person_id", "time", "kind") if not _present(cols, c, i)]
                bad[i] = ("E703", {"fields": missing})
        lists: dict[str, list[Any]] = {}
        for c in ("event_id", "person_id", "kind", *DETAILS):
            if c in cols:
                col = cols[c]
                lists[c] = col.to_pylist() if pa.types.is_string(col.type) else _strs(col)
            else:
                lists[c] = [None] * n
        fen: list[int | None] = [None] * n
        if "amount" in cols:
            fen, bad_amount = _fen_column(cols["amount"], n)
            for i, value in bad_amount.items():
                bad.setdefault(i, ("E705", {"value": value}))
        attrs: list[Any] = cols["attrs"].to_pylist() if "attrs" in cols else [None] * n
        for i, a in enumerate(attrs):
            if a is not None and isinstance(a, str):
                try:
                    attrs[i] = _parse_attrs(a, label)
                except InputError as exc:
                    bad.setdefault(i, (exc.code, exc.params))
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
        yield Chunk(label, raws, rows, rejects, n)


def _present(cols: dict[str, Any], c: str, i: int) -> bool:
    v = cols[c][i].as_py()
    return v is not None and v != ""


def _strs(col: Any) -> list[Any]:
    import pyarrow as pa

    return [None if v is None else str(v) for v in col.cast(pa.string()).to_pylist()]


def _fen_column(col: Any, n: int) -> tuple[list[int | None], dict[int, Any]]:
    """The amounts in fen, and the amounts that are not (by row)."""
    import pyarrow as pa

    bad: dict[int, Any] = {}
    typ = col.type
    if pa.types.is_decimal128(typ) and typ.scale == 2:
        from fanzha.records.arrow import decimal_to_fen

        vals = decimal_to_fen(col).tolist()
        if col.null_count == 0:
            return vals, bad
        if col.null_count == len(col):
            return [None] * n, bad
        valid = col.is_valid().to_pylist()
        return [v if ok else None for v, ok in zip(vals, valid, strict=True)], bad
    if pa.types.is_decimal(typ):
        values = col.to_pylist()
        out: list[int | None] = []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
                continue
            f = v * 100
            if f != f.to_integral_value():
                bad[i] = v
                out.append(None)
            else:
                out.append(int(f))
        return out, bad
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        out = []
        for i, v in enumerate(col.to_pylist()):
            if v is None:
                out.append(None)
                continue
            try:
                out.append(to_fen(v, where=""))
            except InputError:
                bad[i] = v
                out.append(None)
        return out, bad
    raise InputError("E713", column="amount", type=str(typ), expected="decimal128(…, 2), integer or floating")


def _jsonl_chunks(path: Path, batch_rows: int) -> Iterator[Chunk]:
    label = path.name
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError("E007", where=str(path), reason=str(exc)) from None
    raws: list[RawRow] = []
    rows: list[int] = []
    rejects: list[Rejected] = []
    n = 0
    with fh:
        for row, line in enumerate(fh, 1):
            n += 1
            stripped = line.strip()
            if stripped:
                data: Any = None
                try:
                    data = orjson.loads(stripped)
                    raw = raw_from_dict(data, where=f"{label}:{row}")
                except orjson.JSONDecodeError as exc:
                    rejects.append(Rejected.of(label, row, "E020", raw=_cut(line), reason=str(exc)))
                except InputError as exc:
                    eid = data.get("event_id") if isinstance(data, dict) else None
                    eid = eid if isinstance(eid, str) else None
                    rejects.append(Rejected.of_error(label, row, exc, event_id=eid, raw=_cut(line)))
                else:
                    raws.append(raw)
                    rows.append(row)
            if n >= batch_rows:
                yield Chunk(label, raws, rows, rejects, n)
                raws, rows, rejects, n = [], [], [], 0
    if n:
        yield Chunk(label, raws, rows, rejects, n)


def _cut(line: bytes, n: int = 500) -> str:
    return line[:n].decode("utf-8", errors="replace").rstrip("\n")


def read_chunks(files: list[Path], batch_rows: int = 8192) -> Iterator[Chunk]:
    """Every row of the files in order, in chunks of at most `batch_rows` rows (a chunk never spans files)."""
    for f in files:
        if f.suffix == ".parquet":
            yield from _parquet_chunks(f, batch_rows)
        else:
            yield from _jsonl_chunks(f, batch_rows)


def is_time_ordered(files: list[Path]) -> bool:
    """True when the rows of the files, in order, have non-decreasing times (checked on the time column only
    for Parquet)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    last: int | None = None
    for f in files:
        if f.suffix == ".parquet":
            col = pq.read_table(f, columns=["time"]).column("time")
            if len(col) == 0:
                continue
            ints = col.cast(pa.int64()).drop_null()
            if len(ints) == 0:
                continue
            if len(ints) > 1:
                arr = ints.combine_chunks()
                if pc.any(pc.less(arr.slice(1), arr.slice(0, len(arr) - 1))).as_py():
                    return False
            first = ints[0].as_py()
            unit = col.type.unit
            mult = {"s": US, "ms": 1000, "us": 1, "ns": 0}[unit]
            first_us = first // 1000 if mult == 0 else first * mult
            if last is not None and first_us < last:
                return False
            lv = ints[len(ints) - 1].as_py()
            last = lv // 1000 if mult == 0 else lv * mult
        else:
            for chunk in _jsonl_chunks(f, 65536):
                for raw in chunk.raws:
                    if last is not None and raw[2] < last:
                        return False
                    last = raw[2]
    return True


def read_sorted(files: list[Path], batch_rows: int = 8192) -> Iterator[Chunk]:
    """All rows of the files in event-time order (stable: ties keep the file order), in chunks of `batch_rows`;
    the rows kept aside come first. Used when the input is not already in time order: it holds the input in
    memory."""
    items: list[tuple[RawRow, str, int]] = []
    rejects: list[Rejected] = []
    for chunk in read_chunks(files, 65536):
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
