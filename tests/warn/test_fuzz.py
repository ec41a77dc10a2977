"""Fuzzing `fanzha warn`'s input: random bytes, random JSON lines, random Arrow tables with the events' columns.
Whatever the input: a coded error or rows kept aside, never an internal error; outputs of complete lines only;
the input files unchanged."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.errors import FanzhaError
from fanzha.warn.replay import replay
from fanzha.warn.textscore import DetectorScorer

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = ["call", "sms", "chat_message", "app_install", "screen_share_start", "payee_added", "transfer", "x"]


def _check_run(tmp: Path, events: Path, scorer: DetectorScorer, **kw: Any) -> None:
    """Replay `events`: a coded error or a result; the input unchanged; every output complete lines."""
    before = hashlib.sha256(events.read_bytes()).hexdigest()
    out, rejects = tmp / "a.jsonl", tmp / "r.jsonl"
    try:
        replay(events, out=out, rejects=rejects, scorer=scorer, fresh=True, **kw)
    except FanzhaError as exc:
        assert exc.exit == 2, exc  # an input error, never an internal one
    assert hashlib.sha256(events.read_bytes()).hexdigest() == before
    for p in (out, rejects):
        if p.exists() and p.stat().st_size:
            data = p.read_bytes()
            assert data.endswith(b"\n")
            for line in data.splitlines():
                orjson.loads(line)


@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="random bytes as an events file (.jsonl or .parquet)",
    behaviour="a coded error (E003, E007 …) or every line kept aside (E020 …); never an internal error, the input "
    "unchanged, outputs of complete lines",
)
@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".jsonl", ".parquet"]))
def test_random_bytes(
    data: bytes, suffix: str, tmp_path_factory: pytest.TempPathFactory, scorer: DetectorScorer
) -> None:
    tmp = tmp_path_factory.mktemp("bytes")
    events = tmp / f"ev{suffix}"
    events.write_bytes(data)
    _check_run(tmp, events, scorer)


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_times = st.one_of(
    st.datetimes(timezones=st.sampled_from([UTC, None])).map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-03-01T10:00:00+08:00"]),
    _values,
)
_event = st.fixed_dictionaries(
    {
        "event_id": st.one_of(st.text(min_size=1, max_size=4), _values),
        "person_id": st.one_of(st.sampled_from(["P1", "P2"]), _values),
        "time": _times,
        "kind": st.one_of(st.sampled_from(KINDS), _values),
    },
    optional={
        "text": st.one_of(st.sampled_from(["您好，我是淘宝客服，给您办理三倍赔偿", "加QQ"]), _values),
        "direction": st.one_of(st.sampled_from(["in", "out"]), _values),
        "amount": st.one_of(
            st.decimals(allow_nan=True).map(str), st.sampled_from(["1e999999", "1e30"]), _values
        ),
        "attrs": st.one_of(st.just('{"source": "链接"}'), st.just("[1]"), st.just("{bad"), _values),
        "channel": _values,
        "app": _values,
    },
)


@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="random JSON lines (wrong types, missing fields, times out of range, huge or non-finite amounts)",
    behaviour="each bad line kept aside with its code and row (E703, E704, E705, E715, E750, E751 …); never an "
    "internal error",
)
@FUZZ
@given(rows=st.lists(st.one_of(_event, _values), max_size=12), order=st.sampled_from(["time", "file"]))
def test_random_json_lines(
    rows: list[Any], order: str, tmp_path_factory: pytest.TempPathFactory, scorer: DetectorScorer
) -> None:
    tmp = tmp_path_factory.mktemp("jsonl")
    events = tmp / "ev.jsonl"
    lines = []
    for r in rows:
        try:
            lines.append(orjson.dumps(r) + b"\n")
        except TypeError:  # an integer orjson cannot write
            lines.append(repr(r).encode() + b"\n")
    events.write_bytes(b"".join(lines))
    _check_run(tmp, events, scorer, order=order)


_T0 = datetime(2024, 3, 1, tzinfo=UTC)


@st.composite
def _tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(0, 6))
    unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
    tz = draw(st.sampled_from(["Asia/Shanghai", "UTC", "+05:30", None]))
    cols: dict[str, Any] = {}
    for name in ("event_id", "person_id", "kind"):
        kind = draw(st.sampled_from(["str", "str", "str", "int", "null", "missing"]))
        if kind == "str":
            cols[name] = pa.array(
                draw(
                    st.lists(st.one_of(st.none(), st.sampled_from(["", "a", *KINDS])), min_size=n, max_size=n)
                )
            )
        elif kind == "int":
            cols[name] = pa.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), pa.int64())
        elif kind == "null":
            cols[name] = pa.nulls(n)
    time_kind = draw(st.sampled_from(["ts", "ts", "int", "str", "missing"]))
    if time_kind == "ts":
        limit = {"s": 2**40, "ms": 2**50, "us": 2**62, "ns": 2**62}[unit]
        values = draw(st.lists(st.one_of(st.none(), st.integers(-limit, limit)), min_size=n, max_size=n))
        cols["time"] = pa.array(values, pa.timestamp(unit, tz=tz))
    elif time_kind == "int":
        cols["time"] = pa.array([int((_T0 + timedelta(minutes=i)).timestamp()) for i in range(n)], pa.int64())
    elif time_kind == "str":
        cols["time"] = pa.array([(_T0 + timedelta(minutes=i)).isoformat() for i in range(n)])
    amount = draw(st.sampled_from(["dec", "bigdec", "float", "int", "str", "missing"]))
    if amount == "dec":
        cols["amount"] = pa.array(
            draw(
                st.lists(
                    st.one_of(st.none(), st.decimals(-(10**15), 10**15, places=2)), min_size=n, max_size=n
                )
            ),
            pa.decimal128(18, 2),
        )
    elif amount == "bigdec":
        cols["amount"] = pa.array([Decimal(10) ** 30] * n, pa.decimal128(38, 2))
    elif amount == "float":
        cols["amount"] = pa.array(draw(st.lists(st.floats(), min_size=n, max_size=n)), pa.float64())
    elif amount == "int":
        cols["amount"] = pa.array(
            draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)), pa.int64()
        )
    elif amount == "str":
        cols["amount"] = pa.array(["1.5"] * n)
    attrs = draw(st.sampled_from(["json", "int", "struct", "missing"]))
    if attrs == "json":
        cols["attrs"] = pa.array(
            draw(st.lists(st.sampled_from(['{"a": 1}', "[1]", "{bad", None]), min_size=n, max_size=n))
        )
    elif attrs == "int":
        cols["attrs"] = pa.array([1] * n, pa.int64())
    elif attrs == "struct":
        cols["attrs"] = pa.array([{"source": "链接"}] * n)
    cols["text"] = pa.array(draw(st.lists(st.one_of(st.none(), st.text(max_size=8)), min_size=n, max_size=n)))
    return pa.table(cols) if cols else pa.table({"x": pa.nulls(n)})


@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="random Arrow tables with the events' columns: wrong types, nulls, time units and zones, huge "
    "amounts",
    behaviour="a coded error for a wrong column (E702, E713, E714) or the bad rows kept aside (E703, E750, E751 "
    "…); never an internal error",
)
@FUZZ
@given(table=_tables())
def test_random_arrow_tables(
    table: pa.Table, tmp_path_factory: pytest.TempPathFactory, scorer: DetectorScorer
) -> None:
    tmp = tmp_path_factory.mktemp("parquet")
    events = tmp / "ev.parquet"
    pq.write_table(table, events)
    _check_run(tmp, events, scorer)
