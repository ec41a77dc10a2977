"""Intake: reports (free text, JSON, JSONL, or CSV rows of a police system's export with a column mapping) become
cases — the detector's reading, the identifiers typed and keyed with their spans, the loss, the modus operandi.

Every input row is either accepted or kept aside (`fanzha.records.events.Rejected`: a code of the catalogue and
its place, ``file:row``); a bad row never stops the others and nothing accepted is lost. Problems with an input as
a whole (missing, unreadable, binary, an unknown format, a mapping naming columns the file lacks) are raised as
coded errors before anything is written. The output folder is refused before any work when it would destroy data
and written beside its target, renamed into place when complete (`fanzha.records.outputs`).

The codes (docs/errors.md, "Cases"): a row kept aside for E020 (not JSON), E023 (not an object), E804 (a field is
no value), E805 (no text), E809 (binary text), E814 (too long), E806 (no time), E705 / E807 (no amount, or a
negative one), E808 (a report_id given twice), E817 / E818 (not a CSV row); an input as a whole E001–E007,
E800–E803, E810, E813, E815, E816; the column mapping E850–E857; the output E040–E042, E008.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time as _time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from fanzha.cases.model import (
    CASES,
    CASES_FILE,
    CASES_JSONL,
    IDENTIFIERS,
    IDENTIFIERS_FILE,
    REJECTED_FILE,
    SUMMARY_FILE,
    Case,
    Mention,
)
from fanzha.detect import Detector
from fanzha.detect.verdict import Verdict
from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.arrow import fen_to_decimal, times
from fanzha.records.events import Rejected
from fanzha.records.files import MAX_FILE_BYTES, YamlError, decode_bytes, load_yaml, read_bytes
from fanzha.records.outputs import atomic_dir, check_output
from fanzha.records.units import TZ, US_PER_HOUR, parse_time, to_fen, us_of
from fanzha.text.entities import Entity, extract_entities
from fanzha.text.identifiers import channel_kind, normalize, of_entity

#: the fields of a report; `text` is required, the others optional
FIELDS: tuple[str, ...] = ("report_id", "person_id", "time", "reporter", "text", "amount_claimed")
#: identifier columns a police export may carry besides the text: field → identifier kind
ID_FIELDS: dict[str, str] = {
    "caller": "phone",
    "qq": "qq",
    "wechat_id": "wechat_id",
    "bank_card": "bank_card",
    "payment_account": "payment_account",
    "url": "domain",
    "meeting_id": "meeting_id",
}
FORMATS: tuple[str, ...] = (".txt", ".json", ".jsonl", ".ndjson", ".csv", ".tsv")
#: the keys of a mapping file
MAPPING_KEYS: tuple[str, ...] = ("columns", "timezone", "encoding")
MAX_TEXT = 100_000
#: a file of reports is read whole: up to this many bytes
MAX_INPUT_BYTES = MAX_FILE_BYTES * 16
#: the characters of an input row kept with it when it is set aside
RAW_CHARS = 500
TIME_FORMATS: tuple[str, ...] = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)
#: words before a loss amount (共计损失3800元); without one, the largest amount of the text is the loss
_LOSS_RE = re.compile(r"(?:共计|总共|合计|一共|被骗|损失|骗走|骗了|转了|转账)[^，。；,;]{0,8}$")
#: what an alert's text names that is no key: its words are the gang's to the person, and the order number or
#: its tail they quote (订单尾号4914) is the person's own purchase — the leak's evidence, not the gang's — while
#: a tail of four digits among thousands of alerts ends another person's order number by chance
ALERT_NO_KEYS = ("order_number", "partial_number")
#: where an alert's evidence line turns from the event to what the engine made of it (zh, en)
_MEANING_RE = re.compile(r" —— | — ")
_VICTIM_RE = re.compile(r"(?:报警人|本人|事主|受害人|我的|我)(?:联系)?(?:电话|手机|号码)[^，。；]{0,3}$")


# -- the column mapping ----------------------------------------------------------------------------------------


@dataclass
class ReportMap:
    """Which column (or JSON key) holds which field of a report: `FIELDS` and the identifier columns
    `ID_FIELDS`, the time zone of times written without an offset, and the encoding of CSV files (detected when
    not given)."""

    columns: dict[str, str] = field(default_factory=dict)
    timezone: str = TZ
    encoding: str | None = None

    @classmethod
    def identity(cls) -> ReportMap:
        """Every field under its own name (reports.jsonl of a sim world, JSON objects)."""
        return cls({f: f for f in FIELDS})

    @classmethod
    def from_file(cls, path: str | Path) -> ReportMap:
        """A mapping from YAML: ``columns: {text: 简要案情, time: 报案时间, …}``, ``timezone:``, ``encoding:``."""
        p = Path(path)
        try:
            data = load_yaml(p)
        except YamlError as exc:
            raise InputError("E850", where=exc.where, reason=exc.reason) from None
        return cls.from_dict(data, where=str(p))

    @classmethod
    def from_text(cls, text: str, *, where: str) -> ReportMap:
        """A mapping from a mapping file's text (YAML, or JSON) sent without the file."""
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            raise InputError("E850", where=where, reason=" ".join(str(reason).split())) from None
        return cls.from_dict(data, where=where)

    @classmethod
    def from_dict(cls, data: Any, *, where: str) -> ReportMap:
        """A mapping from its parsed form (a mapping file's, a request's): E851, E852, E854–E857 naming `where`."""
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise InputError("E851", where=where)
        unknown = sorted(set(data) - set(MAPPING_KEYS))
        if unknown:
            raise InputError("E852", where=where, keys=unknown, valid=MAPPING_KEYS)
        out = cls(
            {str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            str(data.get("timezone", TZ)),
            str(data["encoding"]) if data.get("encoding") else None,
        )
        out.validate(where=where)
        return out

    def with_overrides(self, pairs: Sequence[str]) -> ReportMap:
        """A copy with ``FIELD=COLUMN`` pairs applied (``FIELD=`` drops a field)."""
        cols = dict(self.columns)
        for pair in pairs:
            if "=" not in pair:
                raise InputError("E853", where="--map", value=pair)
            k, v = (x.strip() for x in pair.split("=", 1))
            if v:
                cols[k] = v
            else:
                cols.pop(k, None)
        out = ReportMap(cols, self.timezone, self.encoding)
        out.validate(where="--map")
        return out

    def validate(self, *, where: str) -> None:
        """Raise E854–E857 naming `where` when the mapping cannot work."""
        valid = (*FIELDS, *ID_FIELDS)
        for k in self.columns:
            if k not in valid:
                raise InputError("E854", where=where, field=k, valid=valid)
        if "text" not in self.columns:
            raise InputError("E855", where=where)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError("E856", where=where, timezone=self.timezone) from None
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise InputError("E857", where=where, encoding=self.encoding) from None


# -- reading ---------------------------------------------------------------------------------------------------


@dataclass
class Record:
    """One input row: where it is and its fields (by the mapping's field names); for an alert of the warning
    engine, the identifiers its evidence names (kind, value as given) and its origin."""

    file: str
    row: int
    fields: dict[str, Any]
    mtime: int | None = None  # µs: the file's, for a text file without a time
    ids: list[tuple[str, str]] = field(default_factory=list)
    origin: str = "report"  # report | alert
    revision: int | None = None  # an alert's revision (a later one supersedes it)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row}"


def input_files(inputs: Sequence[str | Path]) -> list[Path]:
    """The files to read: each input, or the files of a folder with a format intake reads (sorted)."""
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in FORMATS)
            if not found:
                raise InputError("E813", where=str(p), formats=FORMATS)
            files.extend(found)
        elif not p.exists():
            raise InputError("E001", where=str(p))
        elif p.suffix.lower() not in FORMATS:
            raise InputError("E801", where=str(p), suffix=p.suffix or "-", formats=FORMATS)
        else:
            files.append(p)
    if not files:
        raise InputError("E800", where="REPORTS", formats=FORMATS)
    return files


def read_records(path: Path, mapping: ReportMap) -> Iterator[Record | Rejected]:
    """The rows of one file as records (fields under the mapping's names) or rows kept aside."""
    data = read_bytes(path, limit=MAX_INPUT_BYTES)
    mtime = int(path.stat().st_mtime * 1_000_000)
    yield from read_data(str(path), path.suffix.lower(), data, mapping, mtime)


def read_data(
    where: str, suffix: str, data: bytes, mapping: ReportMap, mtime: int | None = None
) -> Iterator[Record | Rejected]:
    """The rows of one input's bytes (a file's, an upload's) read by its `suffix` (`FORMATS`)."""
    if suffix not in FORMATS:
        raise InputError("E801", where=where, suffix=suffix or "-", formats=FORMATS)
    if suffix == ".txt":
        text = decode_bytes(data, where=where)
        yield Record(where, 1, {"text": text, "report_id": Path(where).stem}, mtime)
        return
    if suffix in (".jsonl", ".ndjson"):
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError("E003", where=where)
        lines = enumerate(data.splitlines(), start=1)
        yield from _latest_alerts(_from_json(where, n, raw, mapping) for n, raw in lines if raw.strip())
        return
    if suffix == ".json":
        text = decode_bytes(data, where=where)
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise InputError("E803", where=where, reason=str(exc)) from None
        items = obj.get("reports") if isinstance(obj, dict) and isinstance(obj.get("reports"), list) else obj
        items = items if isinstance(items, list) else [items]
        yield from _latest_alerts(
            _from_object(where, n, item, mapping, orjson.dumps(item).decode(errors="replace"))
            for n, item in enumerate(items, start=1)
        )
        return
    # CSV / TSV: a police system's export
    text = (
        decode_bytes(data, where=where)
        if mapping.encoding is None
        else _decode(data, mapping.encoding, where)
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if suffix == ".tsv" else ",")
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError("E817", where=f"{where}:1", reason=str(exc)) from None
    if not header:
        raise InputError("E816", where=where)
    names = [h.strip().lstrip("\ufeff") for h in header]
    column = mapping.columns["text"]
    if column not in names:
        raise InputError("E802", where=f"{where}:1", column=column, present=names)
    at = {c: i for i, c in enumerate(names)}
    row_no = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            yield Rejected.of(where, row_no, "E817", reason=str(exc), raw="")
            continue
        row_no += 1
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(names):
            line = ",".join(row)[:RAW_CHARS]
            yield Rejected.of(where, row_no, "E818", got=len(row), expected=len(names), raw=line)
            continue
        fields = {f: row[at[c]] for f, c in mapping.columns.items() if c in at and row[at[c]].strip() != ""}
        yield Record(where, row_no, fields)


def _latest_alerts(items: Iterable[Record | Rejected]) -> Iterator[Record | Rejected]:
    """`items` with each alert once, at its latest revision (an alerts file holds every revision of an alert):
    the reports and the rows kept aside as they come, then the alerts in the order they were first seen."""
    alerts: dict[str, Record] = {}
    for item in items:
        if isinstance(item, Record) and item.origin == "alert":
            rid = str(item.fields["report_id"])
            if rid not in alerts or _supersedes(item, alerts[rid]):
                alerts[rid] = item
            continue
        yield item
    yield from alerts.values()


def _supersedes(new: Record, old: Record) -> bool:
    """Whether alert record `new` is a later revision of the same alert than `old` (or the same one, read
    later)."""
    return (new.revision or 0) >= (old.revision or 0)


def _decode(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError("E815", where=where, encoding=encoding) from None


def _from_json(where: str, n: int, raw: bytes, mapping: ReportMap) -> Record | Rejected:
    line = raw[:RAW_CHARS].decode("utf-8", errors="replace")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Rejected.of(where, n, "E020", reason=str(exc), raw=line)
    return _from_object(where, n, obj, mapping, line)


def _from_object(where: str, n: int, obj: Any, mapping: ReportMap, raw: str) -> Record | Rejected:
    if not isinstance(obj, dict):
        return Rejected.of(where, n, "E023", type=type(obj).__name__, raw=raw[:RAW_CHARS])
    if "alert_id" in obj and "evidence" in obj:
        return _from_alert(where, n, obj, raw)
    fields: dict[str, Any] = {}
    for f, key in mapping.columns.items():
        value = obj.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (dict, list, bool)):
            return Rejected.of(where, n, "E804", field=key, type=type(value).__name__, raw=raw[:RAW_CHARS])
        fields[f] = value
    return Record(where, n, fields)


def _from_alert(where: str, n: int, obj: dict[str, Any], raw: str) -> Record | Rejected:
    """A revision of an alert of `fanzha warn` (a line of ALERTS.jsonl) as a record: the person, the time it was
    raised, its evidence's events as the text, the money sent as the loss, and the identifiers the evidence
    names (its counterparties, typed by channel: `alert_identifiers`). E832 when it is not shaped as one."""
    evidence = obj.get("evidence")
    for k in ("alert_id", "person_id", "time"):
        if not isinstance(obj.get(k), str) or not obj[k]:
            return Rejected.of(where, n, "E832", field=k, raw=raw[:RAW_CHARS])
    if not isinstance(evidence, list) or not all(isinstance(e, dict) for e in evidence):
        return Rejected.of(where, n, "E832", field="evidence", raw=raw[:RAW_CHARS])
    revision = obj.get("revision", 0)
    if not isinstance(revision, int) or isinstance(revision, bool):
        return Rejected.of(where, n, "E832", field="revision", raw=raw[:RAW_CHARS])
    # each event as it happened, without the engine's reading of it (" —— 消息被判定为诈骗话术…"), which is a
    # warning's wording, not the scam's
    lines = [_MEANING_RE.split(str(e["summary"]), 1)[0] for e in evidence if e.get("summary")]
    fields = {
        "report_id": obj["alert_id"],
        "person_id": obj["person_id"],
        "time": obj["time"],
        "text": "\n".join(lines),
    }
    # the loss is the money the alerted person had sent (the engine's figure), never an amount of the text
    sent = obj.get("amount_sent")
    fields["amount_claimed"] = sent if isinstance(sent, (int, float)) and not isinstance(sent, bool) else 0
    return Record(where, n, fields, ids=alert_identifiers(evidence), origin="alert", revision=revision)


def alert_identifiers(evidence: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind, value) of each counterparty an alert's evidence names, once: a number on the phone network, a QQ
    or WeChat id on its channel (`fanzha.text.identifiers.channel_kind`), a meeting room on a screen share or meeting event, a payee
    account as a card number when it is one, else a payment account."""
    out: dict[tuple[str, str], None] = {}
    for e in evidence:
        value = e.get("counterparty")
        if not isinstance(value, str) or not value:
            continue
        channel, kind = e.get("channel"), str(e.get("kind", ""))
        on_channel = channel_kind(channel if isinstance(channel, str) else None, kind)
        kinds: tuple[str, ...]
        if on_channel is not None:
            kinds = (on_channel,)
        elif kind.startswith(("screen_share", "meeting")):
            kinds = ("meeting_id",)
        elif kind in ("payee_added", "transfer"):
            kinds = ("bank_card", "payment_account")
        else:
            continue
        for k in kinds:
            if normalize(k, value) is not None:
                out[k, value] = None
                break
    return list(out)


# -- a record becomes a case ----------------------------------------------------------------------------------


def _time_of(value: Any, tz: str, where: str) -> int:
    """A time field: ISO 8601 (an offset, or the mapping's zone), one of `TIME_FORMATS`, or epoch seconds."""
    if isinstance(value, (int, float)):
        if not 0 < value < 4_102_444_800:
            raise InputError("E806", where=where, value=value)
        return int(value * 1_000_000)
    text = str(value).strip()
    try:
        return parse_time(text, where=where, tz=tz)
    except InputError:
        pass
    for fmt in TIME_FORMATS:
        try:
            return us_of(datetime.strptime(text, fmt).replace(tzinfo=ZoneInfo(tz)))
        except ValueError:
            continue
    raise InputError("E806", where=where, value=text)


def check_record(rec: Record, tz: str) -> tuple[str, int | None, int | None] | Rejected:
    """(text, report time or None, claimed loss in fen or None) of a record, or the reason it is kept aside."""
    f = rec.fields
    raw = orjson.dumps(
        {k: v for k, v in f.items() if k != "text"} | {"text": str(f.get("text", ""))[:200]}
    ).decode()
    text = f.get("text")
    if text is not None and not isinstance(text, str):
        return Rejected.of(rec.file, rec.row, "E804", field="text", type=type(text).__name__, raw=raw)
    if text is None or not text.strip():
        return Rejected.of(rec.file, rec.row, "E805", raw=raw)
    if len(text) > MAX_TEXT:
        return Rejected.of(rec.file, rec.row, "E814", length=len(text), limit=MAX_TEXT, raw=raw)
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    if printable < 0.9 * len(text):
        return Rejected.of(rec.file, rec.row, "E809", raw=raw)
    for k in ("report_id", "person_id", "reporter"):
        if k in f and not isinstance(f[k], (str, int)):
            return Rejected.of(rec.file, rec.row, "E804", field=k, type=type(f[k]).__name__, raw=raw)
    when: int | None = None
    if "time" in f:
        try:
            when = _time_of(f["time"], tz, rec.where)
        except InputError as exc:
            return Rejected.of_error(rec.file, rec.row, exc, raw=raw)
    loss: int | None = None
    if "amount_claimed" in f:
        amount = str(f["amount_claimed"]).replace(",", "").replace("元", "").strip()
        try:
            loss = to_fen(amount, where=rec.where)
        except InputError as exc:
            return Rejected.of_error(rec.file, rec.row, exc, raw=raw)
        if loss < 0:
            return Rejected.of(rec.file, rec.row, "E807", value=amount, raw=raw)
    return text, when, loss


def build_case(
    rec: Record,
    case_id: str,
    checked: tuple[str, int | None, int | None],
    verdict: Verdict,
    entities: list[Entity],
    tz: str,
) -> Case:
    """A case from an accepted record, the detector's verdict on its text and the text's entities."""
    text, when, claimed = checked
    f = rec.fields
    mentions = [_mention(e, text) for e in entities]
    for fname, kind in ID_FIELDS.items():
        if fname in f:
            value = str(f[fname])
            key = of_entity(
                Entity(kind if kind != "domain" else "url", 0, 0, value, value, {"domain": _host(value)})
            )
            if key is not None:
                mentions.append(
                    Mention(key[0], None, None, value, value, key[1], "reported", {"from": fname})
                )
    if rec.origin == "alert":  # see ALERT_NO_KEYS
        for m in mentions:
            if m.kind in ALERT_NO_KEYS:
                m.key = m.role = None
    for kind, value in rec.ids:  # an alert's counterparties, unless its text named them already
        id_key = normalize(kind, value)
        if id_key is not None and not any(m.kind == kind and m.key == id_key for m in mentions):
            mentions.append(Mention(kind, None, None, value, value, id_key, "reported", {"from": "evidence"}))
    contact = _contact_time(mentions, when)
    time_source = "field"
    if when is None:
        full = [m for m in mentions if m.kind == "time" and m.extra.get("year")]
        if full:
            when, time_source = _iso_us(str(full[-1].value), tz), "text"
        else:
            when, time_source = rec.mtime if rec.mtime is not None else 0, "file"
        contact = contact if contact is not None else _contact_time(mentions, when)
    loss, loss_source = (claimed, "field") if claimed is not None else _loss_in(text, mentions)
    findings = [
        {"indicator": x.indicator, "start": x.start, "end": x.end, "text": x.text, "stage": x.stage}
        for x in verdict.findings
        if x.role == "scam" and x.score > 0
    ]
    case = Case(
        case_id=case_id,
        report_id=str(f.get("report_id", case_id)),
        source=rec.where,
        person_id=str(f["person_id"]) if "person_id" in f else None,
        reporter=str(f["reporter"]) if "reporter" in f else None,
        time=when,
        time_source=time_source,
        text=text,
        label=verdict.label,
        kind=verdict.kind,
        category=verdict.category,
        variant=verdict.variant,
        stage=verdict.stage,
        score=verdict.score,
        contact_time=contact,
        loss_fen=loss,
        loss_source=loss_source,
        findings=findings,
        mentions=mentions,
        origin=rec.origin,
        revision=rec.revision,
    )
    case.mo = modus_operandi(case)
    return case


def _host(value: str) -> str:
    return value.split("://", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")


def _mention(e: Entity, text: str) -> Mention:
    key = of_entity(e)
    m = Mention(e.kind if key is None else key[0], e.start, e.end, e.text, e.value, extra=dict(e.extra))
    if key is not None:
        m.key = key[1]
        if e.kind == "phone" and e.extra.get("name"):
            m.role = "public"  # a service number the lexicon knows (96110, 95188 …)
        elif _VICTIM_RE.search(text[max(0, e.start - 12) : e.start]):
            m.role = "victim"
        else:
            m.role = "reported"
    return m


def _iso_us(value: str, tz: str) -> int:
    """µs of an ISO date-time with a year (a time entity's value)."""
    return us_of(
        datetime.fromisoformat(value if "T" in value else value + "T00:00").replace(tzinfo=ZoneInfo(tz))
    )


def _contact_time(mentions: list[Mention], reported: int | None) -> int | None:
    """When the scammer made contact: the first time the text names, its year taken from the report's time (the
    year before, when the date would otherwise fall after the report)."""
    for m in mentions:
        if m.kind != "time":
            continue
        x = m.extra
        if reported is None and not x.get("year"):
            continue
        zone = ZoneInfo(TZ)
        year = x.get("year") or datetime.fromtimestamp((reported or 0) / 1_000_000, zone).year
        try:
            t = datetime(
                int(year),
                int(x["month"]),
                int(x["day"]),
                int(x.get("hour") or 0),
                int(x.get("minute") or 0),
                tzinfo=zone,
            )
        except (ValueError, KeyError):
            continue
        us = us_of(t)
        if not x.get("year") and reported is not None and us > reported + 24 * US_PER_HOUR:
            try:
                us = us_of(t.replace(year=t.year - 1))
            except ValueError:
                continue
        return us
    return None


def _loss_in(text: str, mentions: list[Mention]) -> tuple[int, str]:
    """The loss a text states: the amount after a loss word (共计, 被骗, 损失 …), else the largest amount."""
    amounts = [m for m in mentions if m.kind == "amount" and isinstance(m.value, int) and m.start is not None]
    if not amounts:
        return 0, "none"
    stated = [m for m in amounts if _LOSS_RE.search(text[max(0, (m.start or 0) - 12) : m.start])]
    pick = max(stated or amounts, key=lambda m: int(m.value))
    return int(pick.value), "text"


def modus_operandi(case: Case) -> list[str]:
    """The features that describe how the scam was run (weak evidence for linking): variant, platforms and
    couriers named, apps, and moves (a test transfer, a loan, a meeting, a link, a partial card)."""
    out: set[str] = set()
    if case.variant:
        out.add(f"variant:{case.variant}")
    for m in case.mentions:
        if m.kind in ("platform", "courier"):
            out.add(f"{m.kind}:{m.value}")
        elif m.kind == "app":
            out.add(f"app:{m.value}")
        elif m.key is not None and m.role != "victim" and m.kind not in ("partial_number", "order_number"):
            out.add(f"uses:{m.kind}")
    low = case.text
    for word, feature in (("试", "test_transfer"), ("借", "loan"), ("贷", "loan"), ("屏幕共享", "screen_share"),
                          ("会议", "meeting"), ("备用金", "reserve_fund"), ("链接", "link"), ("验证码", "otp")):  # fmt: skip
        if word in low:
            out.add(feature)
    return sorted(out)


# -- the whole intake -------------------------------------------------------------------------------------------


@dataclass
class IntakeResult:
    """What one intake did."""

    cases: list[Case]
    rejected: list[Rejected]
    files: list[str]
    rows: int
    seconds: float
    out: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        codes: dict[str, int] = {}
        for r in self.rejected:
            codes[r.code] = codes.get(r.code, 0) + 1
        labels: dict[str, int] = {}
        for c in self.cases:
            labels[c.label] = labels.get(c.label, 0) + 1
        return {
            "files": self.files,
            "rows": self.rows,
            "accepted": len(self.cases),
            "rejected": len(self.rejected),
            "rejected_by_code": dict(sorted(codes.items())),
            "labels": dict(sorted(labels.items())),
            "identifiers": sum(len(c.identifiers()) for c in self.cases),
            "seconds": round(self.seconds, 3),
        }


def intake(
    inputs: str | Path | Sequence[str | Path],
    out: str | Path | None = None,
    *,
    mapping: ReportMap | None = None,
    detector: Detector | None = None,
    force: bool = False,
    progress: Progress = silent,
) -> IntakeResult:
    """Read reports into cases; write the case folder `out` (when given; refused before any work when it is not
    empty, without `force`, or holds an input). See the module for the codes."""
    started = _time.perf_counter()
    items = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    files = input_files(items)
    cmap = mapping or ReportMap.identity()
    cmap.validate(where="mapping")
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        check_output(out_dir, inputs=files, folder=True, force=force)
    cases, rejected, rows = file_cases(
        (read_records(path, cmap) for path in files), cmap, detector or Detector(), progress=progress
    )
    if not cases:
        first = rejected[0] if rejected else None
        where = first.location() if first else str(files[0])
        raise InputError("E810", where=where, rows=rows, first=first)
    result = IntakeResult(
        cases, rejected, [str(f) for f in files], rows, _time.perf_counter() - started, out_dir
    )
    if out_dir is not None:
        write_cases(result, out_dir, inputs=files, force=force)
    return result


def _numbered(i: int, rec: Record) -> str:
    return f"C{i:08d}"


def file_cases(
    inputs: Iterable[Iterator[Record | Rejected]],
    mapping: ReportMap,
    detector: Detector,
    *,
    case_id: Callable[[int, Record], str] = _numbered,
    report_id: Callable[[Record], str] | None = None,
    progress: Progress = silent,
) -> tuple[list[Case], list[Rejected], int]:
    """The cases, the rows kept aside and the rows read of `inputs` (each an input's rows, `read_data`): every
    row checked, a report id given twice kept aside (E808) — but an alert met again (the same alert in two
    alerts files) is filed once, at its latest revision, where it was first met —, the rest read by `detector`.
    `case_id` names the i-th case (C00000000 …); `report_id`, when given, names a row that has no report id of
    its own."""
    records: list[tuple[Record, tuple[str, int | None, int | None]]] = []
    rejected: list[Rejected] = []
    rows = 0
    seen: dict[str, str] = {}
    alert_at: dict[str, int] = {}  # an alert's report id → its place in `records`
    for items in inputs:
        for item in items:
            rows += 1
            if isinstance(item, Rejected):
                rejected.append(item)
                continue
            checked = check_record(item, mapping.timezone)
            if isinstance(checked, Rejected):
                rejected.append(checked)
                continue
            rid = item.fields.get("report_id")
            if rid is None and report_id is not None:
                rid = item.fields["report_id"] = report_id(item)
            if rid is not None:
                rid = str(rid)
                at = alert_at.get(rid)
                if at is not None and item.origin == "alert":
                    if _supersedes(item, records[at][0]):
                        records[at] = (item, checked)
                    continue
                if rid in seen:
                    rejected.append(
                        Rejected.of(item.file, item.row, "E808", id=rid, first=seen[rid], raw=rid)
                    )
                    continue
                seen[rid] = item.where
                if item.origin == "alert":
                    alert_at[rid] = len(records)
            records.append((item, checked))
    cases: list[Case] = []
    texts = [checked[0] for _, checked in records]
    for i, verdict in enumerate(detector.analyze_many(texts) if texts else []):
        rec, checked = records[i]
        norm = detector.normalize(checked[0])
        entities = extract_entities(norm, lexicon=detector.compiled.lexicon)
        cases.append(build_case(rec, case_id(i, rec), checked, verdict, entities, mapping.timezone))
        progress("reports", i + 1, len(records))
    return cases, rejected, rows


def write_cases(result: IntakeResult, out: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> None:
    """The case folder (see `fanzha.cases.model`), written beside `out` and renamed into place
    (`fanzha.records.outputs.atomic_dir`)."""
    with atomic_dir(out, inputs=inputs, force=force) as tmp:
        with open(tmp / CASES_JSONL, "wb") as fh:
            for c in result.cases:
                fh.write(orjson.dumps(c.to_dict()) + b"\n")
        with open(tmp / REJECTED_FILE, "wb") as fh:
            for r in result.rejected:
                fh.write(orjson.dumps(r.to_dict()) + b"\n")
        pq.write_table(cases_table(result.cases), tmp / CASES_FILE)
        pq.write_table(identifiers_table(result.cases), tmp / IDENTIFIERS_FILE)
        (tmp / SUMMARY_FILE).write_bytes(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2) + b"\n")


def cases_table(cases: Sequence[Case]) -> pa.Table:
    """The case table (`fanzha.cases.model.CASES`)."""
    return pa.table(
        [
            pa.array([c.case_id for c in cases], pa.string()),
            pa.array([c.report_id for c in cases], pa.string()),
            pa.array([c.source for c in cases], pa.string()),
            pa.array([c.person_id for c in cases], pa.string()),
            pa.array([c.reporter for c in cases], pa.string()),
            times([c.time for c in cases]),
            pa.array(
                [c.contact_time if c.contact_time is not None else 0 for c in cases],
                pa.timestamp("us", tz=TZ),
                mask=pa.array([c.contact_time is None for c in cases]),
            ),
            pa.array([c.label for c in cases], pa.string()),
            pa.array([c.category for c in cases], pa.string()),
            pa.array([c.variant for c in cases], pa.string()),
            pa.array([c.stage for c in cases], pa.int8()),
            pa.array([c.score for c in cases], pa.float32()),
            fen_to_decimal([c.loss_fen for c in cases]),
            pa.array([sorted({str(m.value) for m in c.mentions if m.kind == "platform"}) for c in cases]),
            pa.array([sorted({str(m.value) for m in c.mentions if m.kind == "app"}) for c in cases]),
            pa.array([c.mo for c in cases], pa.list_(pa.string())),
            pa.array([c.origin for c in cases], pa.string()),
        ],
        schema=CASES,
    )


def identifiers_table(cases: Sequence[Case]) -> pa.Table:
    """One row per identifier of each case (`fanzha.cases.model.IDENTIFIERS`)."""
    rows = [(c.case_id, m) for c in cases for m in c.identifiers()]
    return pa.table(
        [
            pa.array([r[0] for r in rows], pa.string()),
            pa.array([m.kind for _, m in rows], pa.string()),
            pa.array([m.key for _, m in rows], pa.string()),
            pa.array([m.role for _, m in rows], pa.string()),
            pa.array(
                [m.extra.get("of") if m.kind == "partial_number" else None for _, m in rows], pa.string()
            ),
            pa.array([m.start for _, m in rows], pa.int32()),
            pa.array([m.end for _, m in rows], pa.int32()),
            pa.array([m.text for _, m in rows], pa.string()),
        ],
        schema=IDENTIFIERS,
    )
