"""Reading events: the schema, Parquet and JSONL, bad rows kept aside with file and row, bad files refused with
one clear line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.errors import InputError
from fanzha.records.events import (
    Event,
    event_files,
    parse_time,
    raw_from_dict,
    read_chunks,
    read_sorted,
    to_fen,
    us_of,
)

SH = ZoneInfo("Asia/Shanghai")


def _row(i: int, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "event_id": f"E{i:04d}",
        "person_id": "P1",
        "time": f"2024-03-01T10:{i:02d}:00+08:00",
        "kind": "transfer",
        "direction": "out",
        "amount": "12.50",
    }
    base.update(kw)
    return base


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_bytes(b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows))
    return path


def test_jsonl_bad_rows_are_kept_aside_with_their_row(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "ev.jsonl",
        [
            _row(1),
            _row(2, time="2024-03-01T10:02:00"),  # no timezone
            b"{not json",
            _row(4, amount="1.234"),
            _row(5, person_id=None),
            _row(6, attrs="[1, 2]"),
            _row(7, attrs='{"source": "链接"}'),
        ],
    )
    chunks = list(read_chunks([f]))
    raws = [r for c in chunks for r in c.raws]
    rejects = [r for c in chunks for r in c.rejects]
    assert [r[0] for r in raws] == ["E0001", "E0007"]
    assert raws[1][10] == {"source": "链接"}
    assert raws[0][9] == 1250
    got = [(r.row, r.code) for r in rejects]
    assert got == [(2, "E704"), (3, "E020"), (4, "E705"), (5, "E703"), (6, "E706")]
    assert str(rejects[0]).startswith("ev.jsonl:2: E704 ")
    assert sum(c.n for c in chunks) == 7


def _table(rows: list[dict[str, object]], tz: str | None = "Asia/Shanghai") -> pa.Table:
    return pa.table(
        {
            "event_id": [r.get("event_id") for r in rows],
            "person_id": [r.get("person_id") for r in rows],
            "time": pa.array([r.get("time") for r in rows], pa.timestamp("us", tz=tz)),
            "kind": [r.get("kind") for r in rows],
            "text": [r.get("text") for r in rows],
            "amount": pa.array([r.get("amount") for r in rows], pa.decimal128(18, 2)),
            "attrs": [r.get("attrs") for r in rows],
        }
    )


def test_parquet_rows_and_bad_rows(tmp_path: Path) -> None:
    t0 = datetime(2024, 3, 1, 10, tzinfo=SH)
    rows: list[dict[str, object]] = [
        {"event_id": "E1", "person_id": "P1", "time": t0, "kind": "transfer", "amount": Decimal("3.50")},
        {"event_id": "E2", "person_id": None, "time": t0, "kind": "call", "text": "喂"},
        {"event_id": "E3", "person_id": "P1", "time": t0, "kind": "app_install", "attrs": "{bad"},
        {"event_id": "E4", "person_id": "P2", "time": t0, "kind": "sms", "text": "你好"},
    ]
    f = tmp_path / "events.parquet"
    pq.write_table(_table(rows), f)
    chunks = list(read_chunks(event_files(tmp_path), batch_rows=3))
    assert [c.n for c in chunks] == [3, 1]
    raws = [r for c in chunks for r in c.raws]
    assert [r[0] for r in raws] == ["E1", "E4"]
    assert raws[0][2] == us_of(t0) and raws[0][9] == 350
    got = [str(r) for c in chunks for r in c.rejects]
    assert got[0].startswith("events.parquet:2: E703 缺少 person_id (")  # with its hint
    assert got[1].startswith("events.parquet:3: E716 attrs 不是有效的 JSON：")
    first = next(r for c in chunks for r in c.rejects)
    assert first.render("en").startswith("events.parquet:2: E703 person_id missing (")
    assert chunks[1].where(0) == ("events.parquet", 4)


def test_parquet_without_timezone_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "naive.parquet"
    rows: list[dict[str, object]] = [
        {"event_id": "E1", "person_id": "P", "time": datetime(2024, 3, 1), "kind": "call"}  # noqa: DTZ001
    ]
    pq.write_table(_table(rows, tz=None), f)
    with pytest.raises(InputError) as exc:
        list(read_chunks([f]))
    assert (
        exc.value.render("en")
        == "naive.parquet: E714 column 'time' has no timezone (write timestamp[us, tz])"
    )


def test_parquet_missing_column(tmp_path: Path) -> None:
    f = tmp_path / "x.parquet"
    pq.write_table(pa.table({"event_id": ["E1"]}), f)
    with pytest.raises(InputError) as exc:
        list(read_chunks([f]))
    assert exc.value.code == "E702" and exc.value.params == {"column": "person_id"}


def test_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="E700"):
        event_files(tmp_path / "nope")
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="E701"):
        event_files(tmp_path / "a.csv")
    with pytest.raises(InputError, match="E709"):
        event_files(tmp_path)
    _jsonl(tmp_path / "b.jsonl", [_row(1)])
    _jsonl(tmp_path / "a.jsonl", [_row(2)])
    assert [f.name for f in event_files(tmp_path)] == ["a.jsonl", "b.jsonl"]


def test_sorting_an_unordered_input(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "ev.jsonl", [_row(5), _row(1), b"oops", _row(3)])
    chunks = list(read_sorted([f], batch_rows=2))
    assert [r.code for c in chunks for r in c.rejects] == ["E020"]
    assert [r[0] for c in chunks for r in c.raws] == ["E0001", "E0003", "E0005"]
    assert [c.where(i) for c in chunks for i in range(len(c.raws))] == [
        ("ev.jsonl", 2),
        ("ev.jsonl", 4),
        ("ev.jsonl", 1),
    ]


def test_event_objects() -> None:
    ev = Event.from_dict(_row(1, attrs={"a": 1}), where="x")
    assert ev.amount == Decimal("12.5") and ev.time.utcoffset() is not None
    raw = ev.to_raw()
    assert raw.fen == 1250 and raw.attrs == {"a": 1}
    with pytest.raises(InputError, match="E704"):
        Event("e", "p", datetime(2024, 3, 1), "call")  # noqa: DTZ001 - a naive time is the point
    with pytest.raises(InputError, match="E703"):
        raw_from_dict({"event_id": "e", "person_id": "p", "time": "2024-03-01T00:00:00+08:00"}, where="x")


@given(fen=st.integers(-(10**12), 10**12))
def test_money_round_trips(fen: int) -> None:
    assert to_fen(Decimal(fen) / 100, where="x") == fen
    assert to_fen(str(Decimal(fen) / 100), where="x") == fen


@given(
    st.datetimes(
        timezones=st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC"), ZoneInfo("Europe/Paris")])
    )
)
def test_times_are_instants(when: datetime) -> None:
    assert parse_time(when.isoformat(), where="x") == us_of(when)
