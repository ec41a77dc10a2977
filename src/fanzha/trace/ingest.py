"""Ledger ingest: bank exports (CSV or Parquet) with a column mapping, cleaned into DuckDB.

Every bank exports its own columns, so a `ColumnMap` says which source column holds which field. Rows are
read with pyarrow (so every row keeps its file and record number), cleaned in one SQL statement (amounts to
integer fen, times to microseconds with the ledger's timezone, channels to the contract's names) and
written to two tables of an embedded DuckDB database:

- `ledger(pos, transfer_id, src, dst, amount, t, channel, location, device, terminal)`, one row per transfer
  in ledger order (time, transfer_id); `pos` is that order, `src`/`dst` are account codes, `amount` is fen,
  `t` is µs since the epoch, `terminal` marks money leaving the traceable ledger (cash, POS, sinks);
- `accounts(aid, account_id, owner_id, kind, bank, city, opened, opening)`.

Rows that cannot be used are never dropped silently: they go to the table `rejected(file, row, code,
reason, raw)`, are counted in the load report, and `Ledger.write_rejected` writes them as CSV.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import time as _time
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.events import Rejected
from fanzha.records.files import SNIFF_BYTES, YamlError, load_yaml, stream_encoding
from fanzha.records.units import US_PER_SECOND
from fanzha.trace.model import (
    CASH_OUT_CHANNELS,
    CHANNELS,
    MAX_FEN,
    MAX_OPENING_FEN,
    MAX_US,
    MIN_US,
    SINK_KINDS,
)

TRANSFER_FIELDS: tuple[str, ...] = (
    "transfer_id",
    "src",
    "dst",
    "amount",
    "time",
    "channel",
    "location",
    "device",
)
TWO_SIDED_FIELDS: tuple[str, ...] = ("account", "counterparty", "direction")
ACCOUNT_FIELDS: tuple[str, ...] = (
    "account_id",
    "owner_id",
    "kind",
    "bank",
    "city",
    "opened",
    "opening_balance",
)

#: the keys of a column mapping file
MAPPING_KEYS: tuple[str, ...] = (
    "columns",
    "timezone",
    "amount_unit",
    "channels",
    "time_formats",
    "direction_out",
    "direction_in",
    "encoding",
)

DEFAULT_TIME_FORMATS: tuple[str, ...] = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d %H%M%S",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H时%M分%S秒",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)
DIRECTION_OUT: tuple[str, ...] = ("借", "D", "DR", "出", "支出", "转出", "付", "OUT", "DEBIT", "-")
DIRECTION_IN: tuple[str, ...] = ("贷", "C", "CR", "入", "收入", "转入", "收", "IN", "CREDIT", "+")

# (channel, regular expression over the raw value) tried in order after exact matches
CHANNEL_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("cash_withdrawal", r"(?i)ATM|取现|取款|现金支取"),
    ("cash_deposit", r"存现|现金存入|现金存款"),
    ("pos", r"(?i)POS|刷卡消费"),
    ("loan_repayment", r"还款|还贷"),
    ("loan_disbursement", r"放款|贷款发放|借款到账"),
    ("salary", r"工资|代发|薪资|薪金"),
    ("refund", r"退款|退货"),
    ("payment_account", r"(?i)支付宝|微信|财付通|云闪付|快捷支付|第三方|扫码|二维码|alipay|wechat"),
    ("merchant_payment", r"商户|网购|订单|消费"),
    ("bank_transfer", r"(?i)转账|汇款|网银|手机银行|跨行|行内|柜面|transfer"),
)


@dataclass
class ColumnMap:
    """Which source column holds which field of a transfer, and how to read values.

    `columns` maps a field (`transfer_id, src, dst, amount, time, channel, location, device`, or the
    two-sided form `account, counterparty, direction` of exports that list one account's in- and
    outflows) to one source column, or to several for `time` (joined with a space, e.g. date + time).
    """

    columns: dict[str, list[str]] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"
    amount_unit: str = "yuan"
    channels: dict[str, str] = field(default_factory=dict)
    time_formats: tuple[str, ...] = DEFAULT_TIME_FORMATS
    direction_out: tuple[str, ...] = DIRECTION_OUT
    direction_in: tuple[str, ...] = DIRECTION_IN
    encoding: str | None = None  # None: detected (`fanzha.records.files`)

    @classmethod
    def identity(cls) -> ColumnMap:
        """The sim's contract: every field in the column of the same name."""
        return cls(columns={f: [f] for f in TRANSFER_FIELDS})

    @classmethod
    def from_file(cls, path: str | Path) -> ColumnMap:
        """A mapping from YAML (`columns:`, `timezone:`, `amount_unit:`, `channels:`, `time_formats:`,
        `direction_out:`, `direction_in:`, `encoding:`)."""
        p = Path(path)
        try:
            data = load_yaml(p)
        except YamlError as exc:
            raise InputError("E516", where=exc.where, reason=exc.reason) from None
        if not isinstance(data, dict):
            raise InputError("E517", where=str(p), key=p.name)
        unknown = sorted(set(data) - set(MAPPING_KEYS))
        if unknown:
            raise InputError("E518", where=str(p), keys=unknown, valid=sorted(MAPPING_KEYS))
        cols = data.get("columns") or {}
        if not isinstance(cols, dict):
            raise InputError("E517", where=str(p), key="columns")
        out = cls(columns={str(k): _as_list(v) for k, v in cols.items()})
        if "timezone" in data:
            out.timezone = str(data["timezone"])
        if "amount_unit" in data:
            out.amount_unit = str(data["amount_unit"])
        if "channels" in data:
            ch = data["channels"] or {}
            if not isinstance(ch, dict):
                raise InputError("E517", where=str(p), key="channels")
            out.channels = {str(k): str(v) for k, v in ch.items()}
        if "time_formats" in data:
            out.time_formats = tuple(_as_list(data["time_formats"]))
        if "direction_out" in data:
            out.direction_out = tuple(_as_list(data["direction_out"]))
        if "direction_in" in data:
            out.direction_in = tuple(_as_list(data["direction_in"]))
        if "encoding" in data:
            out.encoding = str(data["encoding"])
        out.validate(where=str(p))
        return out

    def with_overrides(self, pairs: Sequence[str]) -> ColumnMap:
        """A copy with `FIELD=COLUMN` pairs applied (`time=日期+时间` joins two columns)."""
        cols = {k: list(v) for k, v in self.columns.items()}
        for pair in pairs:
            if "=" not in pair:
                raise InputError("E534", where="--map", value=pair)
            k, v = pair.split("=", 1)
            k = k.strip()
            if not v.strip():
                cols.pop(k, None)
                continue
            cols[k] = [c.strip() for c in v.split("+")]
        given = {p.split("=", 1)[0].strip() for p in pairs if "=" in p}
        if given & {"account", "counterparty"} and not given & {"src", "dst"}:
            cols.pop("src", None)
            cols.pop("dst", None)
        out = ColumnMap(
            cols,
            self.timezone,
            self.amount_unit,
            dict(self.channels),
            self.time_formats,
            self.direction_out,
            self.direction_in,
            self.encoding,
        )
        out.validate(where="--map")
        return out

    def validate(self, *, where: str) -> None:
        """Raise E519, E531–E533 or E512 naming `where` when the mapping cannot work."""
        valid = set(TRANSFER_FIELDS) | set(TWO_SIDED_FIELDS)
        for k in self.columns:
            if k not in valid:
                raise InputError("E519", where=where, field=k, valid=TRANSFER_FIELDS + TWO_SIDED_FIELDS)
        two = [f for f in ("account", "counterparty") if f in self.columns]
        if two and len(two) != 2:
            raise InputError("E531", where=where, fields=["account", "counterparty"])
        if not two and not ("src" in self.columns and "dst" in self.columns):
            raise InputError("E531", where=where, fields=["src", "dst"])
        for f in ("amount", "time"):
            if f not in self.columns:
                raise InputError("E531", where=where, fields=[f])
        if self.amount_unit not in ("yuan", "fen"):
            raise InputError("E532", where=where, value=self.amount_unit)
        for raw, ch in self.channels.items():
            if ch not in CHANNELS:
                raise InputError("E533", where=where, value=raw, channel=ch, valid=CHANNELS)
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InputError("E512", where=where, timezone=self.timezone) from None

    @property
    def two_sided(self) -> bool:
        """True for one-account exports (account, counterparty, direction)."""
        return "account" in self.columns


def _as_list(v: Any) -> list[str]:
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    return [str(v)]


@dataclass
class LoadReport:
    """What a load did: files, rows read, loaded and rejected (by code), accounts, time taken."""

    files: list[str]
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    accounts_file: str | None = None
    accounts: int = 0
    timezone: str = "Asia/Shanghai"
    seconds: float = 0.0

    @property
    def rows_rejected(self) -> int:
        """Number of rows kept aside, all codes together."""
        return sum(self.rejected.values())

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able data."""
        return {
            "files": self.files,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rejected_by_code": dict(sorted(self.rejected.items())),
            "accounts_file": self.accounts_file,
            "accounts": self.accounts,
            "timezone": self.timezone,
            "seconds": round(self.seconds, 3),
        }


class Ledger:
    """A loaded ledger: the DuckDB connection holding `ledger`, `accounts` and `rejected`, and the report."""

    def __init__(self, con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
        self.con = con
        self.report = report
        self._ids: list[str] | None = None
        self._codes: dict[str, int] | None = None

    @property
    def n_transfers(self) -> int:
        """Number of transfers loaded."""
        row = _one(self.con, "SELECT count(*) FROM ledger")
        return int(row[0]) if row else 0

    def account_ids(self) -> list[str]:
        """account_id of every account code (the list index is the code)."""
        if self._ids is None:
            self._ids = [
                r[0] for r in self.con.execute("SELECT account_id FROM accounts ORDER BY aid").fetchall()
            ]
        return self._ids

    def account_codes(self) -> dict[str, int]:
        """account_id → code for every account (built once; prefer `lookup_accounts` for a few)."""
        if self._codes is None:
            self._codes = {a: i for i, a in enumerate(self.account_ids())}
        return self._codes

    def lookup_accounts(self, account_ids: Sequence[str]) -> dict[str, int]:
        """account_id → code for the ids that are in the ledger (one query, no full id list)."""
        want = pa.table({"account_id": pa.array(sorted(set(account_ids)), pa.string())})
        self.con.register("q_acc", want)
        try:
            rows = self.con.execute(
                "SELECT a.account_id, a.aid FROM accounts a JOIN q_acc USING (account_id)"
            ).fetchall()
        finally:
            self.con.unregister("q_acc")
        return {str(a): int(c) for a, c in rows}

    def account_info(self, codes: Sequence[int]) -> dict[int, tuple[str, str | None, str | None, str | None]]:
        """code → (account_id, kind, bank, city) for the given codes."""
        want = pa.table({"aid": pa.array(sorted(set(codes)), pa.int32())})
        self.con.register("q_aid", want)
        try:
            rows = self.con.execute(
                "SELECT a.aid, a.account_id, a.kind, a.bank, a.city FROM accounts a JOIN q_aid USING (aid)"
            ).fetchall()
        finally:
            self.con.unregister("q_aid")
        return {int(r[0]): (str(r[1]), r[2], r[3], r[4]) for r in rows}

    def accounts_table(self) -> pa.Table:
        """The accounts table (code, id, owner, kind, bank, city, opened, opening) as Arrow."""
        return self.con.sql("SELECT * FROM accounts ORDER BY aid").to_arrow_table()

    def transfers_at(self, positions: Sequence[int]) -> pa.Table:
        """The ledger rows at `positions` (any order; result sorted by pos) with account ids as strings."""
        pos_t = pa.table({"pos": pa.array(sorted(set(positions)), pa.int64())})
        self.con.register("_want_pos", pos_t)
        try:
            return self.con.sql(
                "SELECT l.pos, l.transfer_id, sa.account_id AS src, da.account_id AS dst, l.src AS src_aid, l.dst AS dst_aid, l.amount, l.t, "
                "l.channel, l.location, l.device, l.terminal "
                "FROM ledger l JOIN _want_pos w USING (pos) "
                "JOIN accounts sa ON sa.aid = l.src JOIN accounts da ON da.aid = l.dst ORDER BY l.pos"
            ).to_arrow_table()
        finally:
            self.con.unregister("_want_pos")

    def write_rejected(self, path: str | Path | BinaryIO) -> int:
        """Write the rejected rows as CSV (`file, row, code, reason, raw`; the reason in the default language) to a
        file, or to an open binary file; the number written."""
        rows = self.con.execute("SELECT file, row, reason, raw FROM rejected ORDER BY file, row").fetchall()
        with contextlib.ExitStack() as stack:
            fh: Any
            if isinstance(path, str | Path):
                fh = stack.enter_context(open(Path(path), "w", encoding="utf-8", newline=""))
            else:  # the caller's file stays open: only the text layer over it goes
                fh = io.TextIOWrapper(path, encoding="utf-8", newline="", write_through=True)
                stack.callback(fh.detach)
                stack.callback(fh.flush)
            w = csv.writer(fh)
            w.writerow(["file", "row", "code", "reason", "raw"])
            for file, row, reason, raw in rows:
                rej = rejected_row(file, row, reason)
                w.writerow([file, row, rej.code, rej.message(), raw])
        return len(rows)


# -- reading files ----------------------------------------------------------------------------------------
def read_rows(path: Path, encoding: str | None = None) -> pa.Table:
    """A CSV (every column as text) or Parquet file as an Arrow table. A CSV's encoding is `encoding` when
    given (E513 when its head does not decode in it), else the one `fanzha.records.files` detects: a
    byte-order mark, UTF-8, GB18030, UTF-16 with or without a mark (E003 binary data, E004 none fits)."""
    if not path.is_file():
        raise InputError("E002" if path.is_dir() else "E001", where=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pq.read_table(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return _read_csv(path, encoding, "\t" if suffix == ".tsv" else ",")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeError) as exc:
        raise InputError("E007", where=str(path), reason=str(exc).splitlines()[0]) from None
    except OSError as exc:
        raise InputError("E007", where=str(path), reason=exc.strerror or str(exc)) from None
    raise InputError("E501", where=str(path), suffix=suffix or "-")


def _read_csv(path: Path, encoding: str | None, delimiter: str) -> pa.Table:
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    where = str(path)
    if encoding is not None:  # the mapping names it
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < SNIFF_BYTES)
        except (UnicodeDecodeError, LookupError):
            raise InputError("E513", where=where, encoding=encoding) from None
        enc = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    else:
        enc = stream_encoding(head, where=where)
    if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    skip = len(codecs.BOM_UTF8) if enc == "utf-8-sig" and head.startswith(codecs.BOM_UTF8) else 0
    text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=False)
    try:  # any line break ends the header (a lone \r too, as Arrow reads it)
        first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter), None)
    except csv.Error as exc:  # a name beyond the csv module's 128 KiB
        raise InputError("E007", where=f"{where}:1", reason=str(exc)) from None
    if not first:
        raise InputError("E514", where=where)
    names = [c.strip() for c in first]
    # UTF-8 is read by Arrow itself (after the mark); any other encoding is transcoded as it is read
    arrow_enc = "utf8" if enc in ("utf-8", "utf-8-sig") else enc
    read = pacsv.ReadOptions(encoding=arrow_enc, column_names=names, skip_rows=1)
    conv = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=True, null_values=[""]
    )
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    with open(path, "rb") as fh:
        fh.seek(skip)
        return pacsv.read_csv(fh, read_options=read, parse_options=parse, convert_options=conv)


# -- SQL building -----------------------------------------------------------------------------------------
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _str(col: str, table: str = "") -> str:
    """SQL: a column's value as text (NULL when it has none: bytes that are not UTF-8)."""
    return f"TRY_CAST({table}{_q(col)} AS VARCHAR)"


def _text(col: str) -> str:
    return f"nullif(trim({_str(col)}), '')"


def amount_sql(col: str, typ: pa.DataType, unit: str, limit: int = MAX_FEN) -> tuple[str, str, str]:
    """(expression giving fen as HUGEINT-or-NULL, expression true when the value has sub-fen digits,
    expression true when the value is beyond `limit` fen either way)."""
    c = _q(col)
    scale = 100 if unit == "yuan" else 1
    if pa.types.is_decimal(typ) or pa.types.is_integer(typ):
        src = c
        val = f"TRY_CAST({c} AS DECIMAL(38,6))"
    elif pa.types.is_floating(typ):
        src = c
        val = f"TRY_CAST(round({c}, 6) AS DECIMAL(38,6))"
    else:
        src = f"regexp_replace(trim({_str(col)}), '[¥￥,，\\s元]|RMB|CNY', '', 'g')"
        val = f"TRY_CAST({src} AS DECIMAL(38,6))"
    number = f"TRY_CAST({src} AS DOUBLE)"
    over = f"coalesce(isfinite({number}) AND abs({number}) > {limit // scale}, false)"
    scaled = f"(CASE WHEN NOT {over} THEN {val} END * {scale})"  # never multiplied beyond the range
    return f"TRY_CAST({scaled} AS HUGEINT)", f"({scaled} <> round({scaled}))", over


def _coarse_times_as_us(table: pa.Table) -> pa.Table:
    """`table` with its timestamps in seconds or milliseconds as µs, a value beyond µs's range null (E524).
    DuckDB cannot be given them as they are: it scans a zoned one beyond that range as an error, and casting one
    without a zone is a fatal error that invalidates the connection."""
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type) and f.type.unit in ("s", "ms"):
            per = US_PER_SECOND if f.type.unit == "s" else US_PER_SECOND // 1000
            ticks = table.column(i).cast(pa.int64())
            most = np.iinfo(np.int64).max // per
            fits = pc.and_(pc.greater_equal(ticks, -most), pc.less_equal(ticks, most))
            us = pc.if_else(fits, pc.multiply(ticks, per), None)
            typ = pa.timestamp("us", f.type.tz)
            table = table.set_column(i, f.with_type(typ), us.cast(typ))
    return table


def time_sql(cols: list[str], typ: pa.DataType, tz: str, formats: Sequence[str]) -> str:
    """Expression giving µs since the epoch (UTC) or NULL."""
    if len(cols) == 1 and pa.types.is_timestamp(typ):
        c = _q(cols[0])
        if typ.tz is not None:  # any unit as µs; beyond µs's range NULL (E524)
            return f"epoch_us(TRY_CAST({c} AS TIMESTAMPTZ))"
        return f"epoch_us(timezone({_lit(tz)}, TRY_CAST({c} AS TIMESTAMP)))"
    if len(cols) == 1 and pa.types.is_date(typ):
        return f"epoch_us(timezone({_lit(tz)}, TRY_CAST({_q(cols[0])} AS TIMESTAMP)))"
    parts = ", ".join(f"trim({_str(c)})" for c in cols)
    s = f"concat_ws(' ', {parts})" if len(cols) > 1 else f"trim({_str(cols[0])})"
    fmts = "[" + ", ".join(_lit(f) for f in formats) + "]"
    return (
        f"coalesce(epoch_us(TRY_CAST({s} AS TIMESTAMPTZ)), "
        f"epoch_us(timezone({_lit(tz)}, try_strptime({s}, {fmts}))))"
    )


def channel_sql(col: str | None, mapping: dict[str, str]) -> str:
    """CASE expression mapping a raw channel value to a contract channel (`other` when none fits)."""
    if col is None:
        return "'other'"
    v = _text(col)
    whens = [f"WHEN {v} = {_lit(raw)} THEN {_lit(ch)}" for raw, ch in mapping.items()]
    whens += [f"WHEN lower({v}) = {_lit(ch)} THEN {_lit(ch)}" for ch in CHANNELS]
    whens += [f"WHEN regexp_matches({v}, {_lit(rx)}) THEN {_lit(ch)}" for ch, rx in CHANNEL_SYNONYMS]
    return "CASE WHEN " + v + " IS NULL THEN 'other' " + " ".join(whens) + " ELSE 'other' END"


def raw_sql(cmap: ColumnMap) -> str:
    """Expression rebuilding a row's mapped source values as text (for rejected rows only)."""
    cols = sorted({c for cs in cmap.columns.values() for c in cs})
    return " || ' | ' || ".join(f"{_lit(c + '=')} || coalesce({_str(c, 'r.')}, '')" for c in cols)


#: The codes of rows kept aside and the params of each, in order. In SQL a row's `reason` is its code followed by
#: the values of its params, separated by spaces (the last value takes the rest: a path may hold spaces).
REJECT_PARAMS: dict[str, tuple[str, ...]] = {
    "E520": ("field",),
    "E521": ("value",),
    "E522": (),
    "E523": (),
    "E524": (),
    "E525": (),
    "E526": ("field", "first"),
    "E527": (),
    "E528": ("value",),
    "E529": ("field", "value"),
}


def _why(code: str, *values: str) -> str:
    """SQL for the `reason` of a row kept aside: `code`, then the SQL expressions `values` of its params."""
    assert len(values) == len(REJECT_PARAMS[code]), code
    return " || ' ' || ".join([_lit(code), *values])


def _quoted(column: str) -> str:
    """SQL: the text of `column` in double quotes, or NULL."""
    return f"coalesce('\"' || {column} || '\"', 'NULL')"


def rejected_row(file: str, row: int, reason: str) -> Rejected:
    """A row kept aside as the `rejected` table holds it (`reason`: its code and the values of its params)."""
    code, _, rest = reason.partition(" ")
    names = REJECT_PARAMS[code]
    values = rest.split(" ", len(names) - 1) if names else []
    return Rejected.of(file, int(row), code, **dict(zip(names, values, strict=True)))


def _once(names: list[str], used: Iterable[str], where: str) -> None:
    """E543 when a column that is read appears more than once in a file (which one holds the field is unclear)."""
    twice = sorted(n for n in set(used) if names.count(n) > 1)
    if twice:
        raise InputError("E543", where=where, columns=twice)


def row_column(names: Sequence[str]) -> str:
    """The name of the row-number column added to a file's table: ``__row``, or ``__row_N`` when the file has a
    column of that name already (its own columns stay as they are, and may be mapped)."""
    taken = set(names)
    return next(name for n in range(len(taken) + 1) if (name := f"__row_{n}" if n else "__row") not in taken)


def with_row_numbers(table: pa.Table) -> tuple[pa.Table, str]:
    """`table` with its rows numbered from 1 in a column of its own, and that column's name."""
    row = row_column(table.column_names)
    return table.append_column(row, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))), row


def clean_sql(
    view: str, file_label: str, schema: pa.Schema, cmap: ColumnMap, k: int = 0, row: str = "__row"
) -> str:
    """One SELECT over `view` producing typed transfer fields and `reason` (NULL for a good row); `row` is the
    view's row-number column."""
    cols = cmap.columns
    used = {c for cs in cols.values() for c in cs}
    missing = sorted(used - set(schema.names))
    if missing:
        present = [n for n in schema.names if n != row]
        raise InputError("E502", where=file_label, columns=missing, present=present)
    _once(schema.names, used, file_label)

    def one(f: str) -> str | None:
        return cols[f][0] if f in cols else None

    amt_col = one("amount")
    assert amt_col is not None
    fen, subfen, over = amount_sql(amt_col, schema.field(amt_col).type, cmap.amount_unit)
    t_cols = cols["time"]
    t_expr = time_sql(t_cols, schema.field(t_cols[0]).type, cmap.timezone, cmap.time_formats)
    t_raw = "concat_ws(' ', " + ", ".join(_str(c) for c in t_cols) + ")"
    tid = one("transfer_id")
    tid_expr = _text(tid) if tid else f"{_lit(file_label + '#')} || CAST({row} AS VARCHAR)"
    if cmap.two_sided:
        dcol = one("direction")
        sides = (
            f"{_text(cols['account'][0])} AS __acc, {_text(cols['counterparty'][0])} AS __cp, "
            f"{('upper(' + _text(dcol) + ')') if dcol else 'NULL'} AS __dirraw, "
        )
        if dcol is not None:
            outs = ", ".join(_lit(x.upper()) for x in cmap.direction_out)
            ins = ", ".join(_lit(x.upper()) for x in cmap.direction_in)
            dir_expr = f"CASE WHEN __dirraw IN ({outs}) THEN 'out' WHEN __dirraw IN ({ins}) THEN 'in' END"
            fen_final = "__fen"
        else:
            dir_expr = "CASE WHEN __fen < 0 THEN 'out' WHEN __fen > 0 THEN 'in' ELSE 'in' END"
            fen_final = "abs(__fen)"
        src_final = "CASE WHEN __dir = 'out' THEN __acc ELSE __cp END"
        dst_final = "CASE WHEN __dir = 'out' THEN __cp ELSE __acc END"
    else:
        src_col, dst_col = one("src"), one("dst")
        assert src_col is not None and dst_col is not None
        sides = f"{_text(src_col)} AS __s, {_text(dst_col)} AS __d, "
        dir_expr = "'-'"
        fen_final = "__fen"
        src_final, dst_final = "__s", "__d"
    loc, dev = one("location"), one("device")
    inner = (
        f"SELECT {row} AS __row, {_lit(file_label)} AS file, {tid_expr} AS transfer_id, {fen} AS __fen, {subfen} AS __subfen, "
        f"{over} AS __over, {t_raw} AS __t_raw, "
        f"{t_expr} AS t, {channel_sql(one('channel'), cmap.channels)} AS channel, "
        f"{_text(loc) if loc else 'NULL'} AS location, {_text(dev) if dev else 'NULL'} AS device, "
        f"{_str(amt_col)} AS __amt_raw, {sides}{k} AS k FROM {view}"
    )
    mid = f"SELECT *, {dir_expr} AS __dir FROM ({inner})"
    return (
        f"SELECT __row AS row, file, transfer_id, {src_final} AS src, {dst_final} AS dst, "
        f"TRY_CAST({fen_final} AS BIGINT) AS amount, t, channel, location, device, k, "
        "CASE "
        f"WHEN transfer_id IS NULL THEN {_why('E520', _lit('transfer_id'))} "
        f"WHEN __over THEN {_why('E529', _lit('amount'), _quoted('__amt_raw'))} "
        f"WHEN __fen IS NULL THEN {_why('E521', _quoted('__amt_raw'))} "
        f"WHEN __subfen THEN {_why('E523')} "
        f"WHEN {fen_final} <= 0 THEN {_why('E522')} "
        f"WHEN __dir IS NULL THEN {_why('E527')} "
        f"WHEN {src_final} IS NULL THEN {_why('E520', _lit('src'))} "
        f"WHEN {dst_final} IS NULL THEN {_why('E520', _lit('dst'))} "
        f"WHEN t IS NULL THEN {_why('E524')} "
        f"WHEN t < {MIN_US} OR t >= {MAX_US} THEN {_why('E529', _lit('time'), _quoted('__t_raw'))} "
        f"WHEN {src_final} = {dst_final} THEN {_why('E525')} "
        "END AS reason "
        f"FROM ({mid})"
    )


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    """The first row of a query (the whole result is consumed)."""
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Execute a statement and consume its result (DuckDB wants results finished before the next call)."""
    con.execute(sql).fetchall()


# -- loading ----------------------------------------------------------------------------------------------
def resolve_ledger_paths(ledger: str | Path | Sequence[str | Path]) -> tuple[list[Path], Path | None]:
    """Ledger files (a world folder means its transfers.parquet) and the accounts file found beside them."""
    items = [ledger] if isinstance(ledger, str | Path) else list(ledger)
    files: list[Path] = []
    accounts: Path | None = None
    for item in items:
        p = Path(item)
        if p.is_dir():
            if (p / "transfers.parquet").is_file():
                files.append(p / "transfers.parquet")
                if (p / "accounts.parquet").is_file():
                    accounts = p / "accounts.parquet"
            else:
                found = sorted([*p.glob("*.csv"), *p.glob("*.parquet")])
                if not found:
                    raise InputError("E500", where=str(p))
                files.extend(found)
        else:
            files.append(p)
    if not files:
        raise InputError("E500", where="--ledger")
    return files, accounts


def load_ledger(
    ledger: str | Path | Sequence[str | Path] | pa.Table,
    *,
    mapping: ColumnMap | None = None,
    accounts: str | Path | pa.Table | None = None,
    db: str | Path | None = None,
    threads: int | None = None,
    progress: Progress = silent,
) -> Ledger:
    """Read ledger files into DuckDB (`db` file, or in memory) and return the `Ledger`; `progress` is told the
    files read (stage "ledger files"), then the cleaning steps (stage "load").

    `ledger` is a file, several files, or a folder (a sim world's `transfers.parquet` plus its
    `accounts.parquet`, or every CSV / Parquet file in it), or an Arrow table (rows are then reported
    as `<table>:N`). Bad rows are kept in the `rejected` table.
    """
    started = _time.perf_counter()
    cmap = mapping or ColumnMap.identity()
    given: dict[Path, pa.Table] = {}
    if isinstance(ledger, pa.Table):
        files, found_accounts = [Path("<table>")], None
        given[files[0]] = ledger
    else:
        files, found_accounts = resolve_ledger_paths(ledger)
    acc_path: Path | pa.Table | None = found_accounts
    if isinstance(accounts, pa.Table):
        acc_path = accounts
    elif accounts is not None:
        acc_path = Path(accounts)
    con = connect_db(db)
    if threads:
        _run(con, f"SET threads = {int(threads)}")
    _run(con, "SET enable_progress_bar = false")
    _run(con, f"SET TimeZone = {_lit(cmap.timezone)}")
    report = LoadReport(files=[str(f) for f in files], timezone=cmap.timezone)
    parts: list[str] = []
    rows: list[str] = []  # each file's row-number column
    offsets: list[int] = []
    ordered = True  # are the rows already in ledger order (time, transfer_id)? then no sort is needed
    last: list[Any] = []
    for k, path in enumerate(files):
        progress("ledger files", k, len(files))
        table = given[path] if path in given else read_rows(path, cmap.encoding)
        if cmap.columns == ColumnMap.identity().columns:  # optional columns of the contract may be absent
            absent = [
                f for f in ("transfer_id", "channel", "location", "device") if f not in table.column_names
            ]
            if absent:
                cmap = ColumnMap(
                    {f: v for f, v in cmap.columns.items() if f not in absent},
                    cmap.timezone,
                    cmap.amount_unit,
                    cmap.channels,
                    cmap.time_formats,
                    cmap.direction_out,
                    cmap.direction_in,
                    cmap.encoding,
                )
        table = _coarse_times_as_us(table)
        table, row = with_row_numbers(table)
        rows.append(row)
        offsets.append(report.rows_read)
        report.rows_read += table.num_rows
        view = f"_raw{k}"
        con.register(view, table)
        parts.append(clean_sql(view, str(path), table.schema, cmap, k, row))
        ordered = ordered and _in_ledger_order(table, cmap, last)
    progress("ledger files", len(files), len(files))
    progress("load", 0, 3)
    _run(con, "CREATE TEMP TABLE _clean AS " + " UNION ALL ".join(parts))
    progress("load", 1, 3)
    # duplicates of transfer_id among good rows: keep the first (file, row), reject the others
    dups = _one(
        con,
        "SELECT count(*) FROM (SELECT transfer_id FROM _clean WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1)",
    )
    if dups and dups[0]:
        _run(
            con,
            "CREATE TEMP TABLE _dup AS SELECT file, row, first_value(file || ':' || row) OVER w AS first, "
            "row_number() OVER w AS k FROM _clean WHERE reason IS NULL "
            "WINDOW w AS (PARTITION BY transfer_id ORDER BY file, row)",
        )
        _run(
            con,
            f"UPDATE _clean SET reason = {_why('E526', _lit('transfer_id'), 'd.first')} "
            "FROM _dup d WHERE d.k > 1 AND _clean.file = d.file AND _clean.row = d.row",
        )
    raw = raw_sql(cmap)
    _run(
        con,
        "CREATE OR REPLACE TABLE rejected AS "
        + " UNION ALL ".join(
            f"SELECT c.file, c.row, split_part(c.reason, ' ', 1) AS code, c.reason, {raw} AS raw "
            f"FROM _clean c JOIN _raw{k} r ON r.{rows[k]} = c.row WHERE c.k = {k} AND c.reason IS NOT NULL"
            for k in range(len(files))
        ),
    )
    for k in range(len(files)):
        con.unregister(f"_raw{k}")
    _load_accounts(con, acc_path, cmap, report)
    progress("load", 2, 3)
    _run(
        con,
        "CREATE OR REPLACE TEMP TABLE _ids AS SELECT account_id FROM _acc_in UNION "
        "SELECT src FROM _clean WHERE reason IS NULL UNION SELECT dst FROM _clean WHERE reason IS NULL",
    )
    _run(
        con,
        "CREATE OR REPLACE TABLE accounts AS SELECT CAST(row_number() OVER (ORDER BY i.account_id) - 1 AS INTEGER) AS aid, "
        "i.account_id, a.owner_id, a.kind, a.bank, a.city, a.opened, coalesce(a.opening, 0) AS opening, "
        "a.account_id IS NOT NULL AS listed FROM _ids i LEFT JOIN _acc_in a USING (account_id)",
    )
    sinks = ", ".join(_lit(k) for k in SINK_KINDS)
    cash = ", ".join(_lit(c) for c in CASH_OUT_CHANNELS)
    n_rejected = _one(con, "SELECT count(*) FROM _clean WHERE reason IS NOT NULL")
    if ordered and n_rejected and n_rejected[0] == 0:  # pos is the row's place in the input
        cases = " ".join(f"WHEN {k} THEN {off}" for k, off in enumerate(offsets))
        pos = f"(CASE c.k {cases} END + c.row - 1)"
    elif ordered:
        pos = "(row_number() OVER (ORDER BY c.k, c.row) - 1)"
    else:
        pos = "(row_number() OVER (ORDER BY c.t, c.transfer_id) - 1)"
    _run(
        con,
        f"CREATE OR REPLACE TABLE ledger AS SELECT {pos} AS pos, c.transfer_id, sa.aid AS src, da.aid AS dst, "
        "c.amount, c.t, c.channel, c.location, c.device, "
        f"(c.channel IN ({cash}) OR coalesce(da.kind IN ({sinks}), false)) AS terminal "
        "FROM _clean c JOIN accounts sa ON sa.account_id = c.src JOIN accounts da ON da.account_id = c.dst "
        "WHERE c.reason IS NULL ORDER BY pos",
    )
    progress("load", 3, 3)
    _run(con, "DROP TABLE _clean")
    _run(con, "DROP TABLE IF EXISTS _dup")
    _run(con, "DROP TABLE _ids")
    _run(con, "DROP TABLE _acc_in")
    for code_count in con.execute("SELECT code, count(*) FROM rejected GROUP BY 1").fetchall():
        report.rejected[str(code_count[0])] = report.rejected.get(str(code_count[0]), 0) + int(code_count[1])
    n = _one(con, "SELECT count(*) FROM ledger")
    report.rows_loaded = int(n[0]) if n else 0
    na = _one(con, "SELECT count(*) FROM accounts")
    report.accounts = int(na[0]) if na else 0
    report.seconds = _time.perf_counter() - started
    if report.rows_loaded == 0:
        first = _one(con, "SELECT file, row, reason FROM rejected ORDER BY file, row LIMIT 1")
        where = f"{first[0]}:{first[1]}" if first else report.files[0]
        problem = rejected_row(*first) if first else None
        raise InputError("E503", where=where, rows=report.rows_read, first=problem)
    return Ledger(con, report)


def connect_db(db: str | Path | None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the file `db` (in memory when None); E541 when DuckDB cannot open it (not a
    DuckDB file, locked by another process, not writable)."""
    if db is None:
        return duckdb.connect(":memory:")
    try:
        return duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise InputError("E541", where=f"--db {db}", reason=str(exc).splitlines()[0]) from None


def open_ledger(db: str | Path) -> Ledger:
    """A ledger loaded earlier into the DuckDB file `db` (`load_ledger(..., db=...)`), without reloading."""
    p = Path(db)
    if not p.is_file():
        raise InputError("E001", where=str(p))
    con = connect_db(p)
    _run(con, "SET enable_progress_bar = false")
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {"ledger", "accounts", "rejected"} <= tables:
        con.close()
        raise InputError("E515", where=str(p))
    n = _one(con, "SELECT count(*) FROM ledger")
    report = LoadReport(files=[str(p)], rows_loaded=int(n[0]) if n else 0)
    return Ledger(con, report)


def _in_ledger_order(table: pa.Table, cmap: ColumnMap, last: list[Any]) -> bool:
    """True when a file's rows are already sorted by (time, transfer_id) and follow the previous file's
    (`last` carries its final (t, id)). Only decided for timestamp-typed times; text times return False."""
    tcols = cmap.columns.get("time", [])
    tid = cmap.columns.get("transfer_id", [None])[0]
    if len(tcols) != 1 or tid is None or tid not in table.column_names:
        return False
    col = table[tcols[0]]
    if not pa.types.is_timestamp(col.type) or col.null_count or table.num_rows == 0:
        return False
    if not pa.types.is_string(table[tid].type):  # ids of another type are ordered as the load's text
        return False

    try:
        t = np.asarray(col.cast(pa.timestamp("us", tz=col.type.tz)).cast(pa.int64()).combine_chunks())
    except pa.ArrowInvalid:  # beyond µs's range: the load keeps those rows aside
        return False
    ids = table[tid]
    d = np.diff(t)
    if (d < 0).any():
        return False
    ties = np.flatnonzero(d == 0)
    for i in ties.tolist():
        a, b = ids[i].as_py(), ids[i + 1].as_py()
        if a is None or b is None or not a < b:
            return False
    first = (int(t[0]), ids[0].as_py())
    if last and (first[1] is None or (last[0], last[1]) >= first):
        return False
    last[:] = [int(t[-1]), ids[-1].as_py()]
    return True


def _load_accounts(
    con: duckdb.DuckDBPyConnection, path: Path | pa.Table | None, cmap: ColumnMap, report: LoadReport
) -> None:
    empty = (
        "CREATE OR REPLACE TEMP TABLE _acc_in (account_id VARCHAR, owner_id VARCHAR, kind VARCHAR, bank VARCHAR, "
        "city VARCHAR, opened BIGINT, opening BIGINT)"
    )
    if path is None:
        _run(con, empty)
        return
    if isinstance(path, pa.Table):
        table, path = path, Path("<accounts>")
    else:
        table = read_rows(path, cmap.encoding)
    report.accounts_file = str(path)
    if "account_id" not in table.column_names:
        raise InputError("E510", where=str(path), present=table.column_names)
    _once(table.column_names, ACCOUNT_FIELDS, str(path))
    table = _coarse_times_as_us(table)
    table, row = with_row_numbers(table)
    con.register("_acc_raw", table)
    names = set(table.column_names)

    def col(name: str) -> str:
        return _text(name) if name in names else "NULL"

    if "opening_balance" in names:
        fen, subfen, over = amount_sql(
            "opening_balance", table.schema.field("opening_balance").type, "yuan", MAX_OPENING_FEN
        )
        opening = f"CASE WHEN {_q('opening_balance')} IS NULL THEN 0 ELSE {fen} END"
        bad_open = (
            f"({_q('opening_balance')} IS NOT NULL AND ({over} OR {fen} IS NULL OR {subfen} OR {fen} < 0))"
        )
    else:
        opening, bad_open = "0", "false"
    opened = (
        time_sql(["opened"], table.schema.field("opened").type, cmap.timezone, cmap.time_formats)
        if "opened" in names
        else "NULL"
    )
    _run(
        con,
        f"CREATE OR REPLACE TEMP TABLE _acc_all AS SELECT {row} AS row, {col('account_id')} AS account_id, "
        f"{col('owner_id')} AS owner_id, {col('kind')} AS kind, {col('bank')} AS bank, {col('city')} AS city, "
        f"{opened} AS opened, CAST({opening} AS BIGINT) AS opening, {bad_open} AS bad_open, "
        f"{col('opening_balance')} AS opening_raw, "
        f"row_number() OVER (PARTITION BY {col('account_id')} ORDER BY {row}) AS k, "
        f"first_value({row}) OVER (PARTITION BY {col('account_id')} ORDER BY {row}) AS first_row FROM _acc_raw",
    )
    con.unregister("_acc_raw")
    _run(
        con,
        f"INSERT INTO rejected SELECT {_lit(str(path))}, row, split_part(r, ' ', 1), r, 'account_id=' || coalesce(account_id, '') "
        f"FROM (SELECT *, CASE WHEN account_id IS NULL THEN {_why('E520', _lit('account_id'))} "
        f"WHEN bad_open THEN {_why('E528', _quoted('opening_raw'))} "
        f"WHEN k > 1 THEN {_why('E526', _lit('account_id'), _lit(str(path) + ':') + ' || first_row')} "
        "END AS r FROM _acc_all) WHERE r IS NOT NULL",
    )
    _run(
        con,
        "CREATE OR REPLACE TEMP TABLE _acc_in AS SELECT account_id, owner_id, kind, bank, city, opened, opening "
        "FROM _acc_all WHERE account_id IS NOT NULL AND NOT bad_open AND k = 1",
    )
    _run(con, "DROP TABLE _acc_all")
