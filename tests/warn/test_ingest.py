"""`fanzha warn` never loses a user's file and never fails silently; new events for the same store go on exactly
where it stopped (rows appended to a file, a new file in the folder, standard input), with the alerts of one run.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import run
from fanzha.errors import InputError
from fanzha.warn.replay import replay
from fanzha.warn.textscore import DetectorScorer

from .conftest import world_lines

W = "fanzha warn"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lines(tiny_world: Path) -> list[bytes]:
    return world_lines(tiny_world)


@pytest.fixture(scope="module")
def one_run(lines: list[bytes], tmp_path_factory: pytest.TempPathFactory, scorer: DetectorScorer) -> bytes:
    """The alerts of the tiny world's events read in one run."""
    d = tmp_path_factory.mktemp("onerun")
    (d / "ev.jsonl").write_bytes(b"".join(lines))
    replay(d / "ev.jsonl", out=d / "a.jsonl", scorer=scorer)
    alerts = (d / "a.jsonl").read_bytes()
    assert alerts.count(b'"closed"') and alerts.count(b'"open"')
    return alerts


def _ev(folder: Path, lines: list[bytes]) -> Path:
    ev = folder / "ev.jsonl"
    ev.write_bytes(b"".join(lines))
    return ev


# -- the cases of issue 14 ---------------------------------------------------------------------------------


@pytest.mark.reliability(
    entry=W,
    bad_input="--out (or --db, --rejects) is the events file, or --fresh with that path",
    behaviour="E040 before any work; the input unchanged",
)
@pytest.mark.parametrize("extra", [[], ["--fresh"], ["--db", "{ev}", "--out", "{tmp}/a.jsonl"]])
def test_an_output_that_is_the_input_is_refused(
    extra: list[str], tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines[:50])
    before = _digest(ev)
    args = ["warn", "--events", str(ev), "--out", str(ev)] + [a.format(ev=ev, tmp=tmp_path) for a in extra]
    code, _, err = run(args, capsys)
    assert code == 2 and "E040" in err
    assert _digest(ev) == before


@pytest.mark.reliability(
    entry=W,
    bad_input="--out inside the folder of event files it reads; --out and --db the same file",
    behaviour="E040 (the next run would read the alerts as events); E749",
)
def test_outputs_that_would_be_read_or_clash(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ev.jsonl").write_bytes(b"".join(lines[:20]))
    code, _, err = run(["warn", "--events", str(tmp_path), "--out", str(tmp_path / "a.jsonl")], capsys)
    assert code == 2 and "E040" in err
    a = tmp_path.parent / f"{tmp_path.name}-a.jsonl"
    code, _, err = run(["warn", "--events", str(tmp_path), "--out", str(a), "--db", str(a)], capsys)
    assert code == 2 and "E749" in err


@pytest.mark.reliability(
    entry=W,
    bad_input="--fresh with a new input that fails (a Parquet file without a required column)",
    behaviour="E702 before anything is deleted: the previous alerts file and store stay as they were",
)
def test_fresh_checks_the_new_input_first(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines)
    out = tmp_path / "a.jsonl"
    assert run(["warn", "--events", str(ev), "--out", str(out), "--quiet"], capsys)[0] == 0
    kept = {p: _digest(p) for p in (out, tmp_path / "a.jsonl.db")}
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"event_id": ["e"]}), bad)
    code, _, err = run(["warn", "--events", str(bad), "--out", str(out), "--fresh"], capsys)
    assert code == 2 and "E702" in err
    assert {p: _digest(p) for p in kept} == kept


@pytest.mark.reliability(
    entry=W,
    bad_input="--order file on a shuffled file (most rows later than the lateness bound)",
    behaviour="E748 before any work, suggesting --order time; nothing written",
)
def test_a_shuffled_file_read_as_is_is_refused(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    import random

    shuffled = list(lines)
    random.Random(7).shuffle(shuffled)
    ev = _ev(tmp_path, shuffled)
    out = tmp_path / "a.jsonl"
    code, _, err = run(["warn", "--events", str(ev), "--out", str(out), "--order", "file"], capsys)
    assert code == 2 and "E748" in err and "--order time" in err
    assert not out.exists()
    code, _, err = run(["warn", "--events", str(ev), "--out", str(out), "--json", "--quiet"], capsys)
    assert code == 0 and "W708" not in err  # sorted in memory: no row late


@pytest.mark.reliability(
    entry=W,
    bad_input="some rows later than the lateness bound",
    behaviour="kept aside (E708), counted, W708 on standard error (even with --quiet) and exit 1",
)
def test_late_rows_are_loud(tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]) -> None:
    ev = tmp_path / "ev.jsonl"
    late = lines[:100] + [lines[0].replace(b'"event_id":"', b'"event_id":"late-')] + lines[100:200]
    ev.write_bytes(b"".join(late))
    code, _, err = run(
        ["warn", "--events", str(ev), "--out", str(tmp_path / "a.jsonl"), "--order", "file", "--quiet"],
        capsys,
    )
    assert code == 1 and "W708 1 行比延迟上限（1800 秒）更晚到达" in err


@pytest.mark.reliability(
    entry=W,
    bad_input="a rerun on the same store with another --lang (or --lateness, --ttl, other rules)",
    behaviour="E746 naming the setting, its stored and its new value (E710 for the rules); nothing written",
)
def test_settings_are_kept_by_the_store(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines[:300])
    out = tmp_path / "a.jsonl"
    assert run(["warn", "--events", str(ev), "--out", str(out), "--quiet"], capsys)[0] == 0
    with ev.open("ab") as fh:
        fh.write(b"".join(lines[300:600]))
    before = _digest(out)
    for option, value in (("--lateness", "10m"), ("--ttl", "1h"), ("--lang", "en")):
        code, _, err = run(["warn", "--events", str(ev), "--out", str(out), option, value], capsys)
        assert code == 2 and (
            f"E746 存储是用 {option} = " in err or f"E746 the store was made with {option} = " in err
        )
    assert _digest(out) == before
    ev.write_bytes(b"".join(lines))
    code, _, err = run(["warn", "--events", str(ev), "--out", str(out), "--lang", "en", "--fresh"], capsys)
    assert code == 0, err
    assert {orjson.loads(x)["lang"] for x in out.read_bytes().splitlines()} == {"en"}


@pytest.mark.reliability(
    entry=W,
    bad_input="a first run that failed before committing anything (a bad input, an option refused)",
    behaviour="the corrected rerun goes ahead on the same store, with any settings",
)
def test_a_failed_first_run_does_not_block_the_rerun(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines)
    out = tmp_path / "a.jsonl"
    code, _, _ = run(
        ["warn", "--events", str(ev), "--out", str(out), "--lateness", "0s", "--order", "file"], capsys
    )
    assert code in (0, 1)  # ran: the settings are stamped
    out.unlink()
    Path(str(out) + ".db").unlink()
    # a run that stops on its input before committing anything …
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.parquet").write_bytes(b"PAR1 not really")
    assert run(["warn", "--events", str(bad), "--out", str(out)], capsys)[0] == 2
    # … leaves a store that any rerun can use
    code, _, err = run(["warn", "--events", str(ev), "--out", str(out), "--lang", "en", "--quiet"], capsys)
    assert code == 0, err


def _cursor_rows(db: Path) -> int:
    from fanzha.warn.store import WarnStore

    store = WarnStore(db)
    try:
        return sum(m.rows for m in store.marks().values())
    finally:
        store.close()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _parquet(path: Path, **columns: Any) -> Path:
    base: dict[str, Any] = {"event_id": ["E1"], "person_id": ["P1"], "kind": ["call"]}
    pq.write_table(pa.table({**base, **columns}), path)
    return path


@pytest.mark.reliability(
    entry=W,
    bad_input="Parquet with time as a string or int64 column, attrs as int, an empty or damaged file; "
    "a world folder left by a killed fanzha sim",
    behaviour="one coded line (E713, E007, E740) with exit 2, never a traceback",
)
@pytest.mark.parametrize(
    "make, code",
    [
        (lambda d: _parquet(d / "e.parquet", time=["2024-03-01T10:00:00+08:00"]), "E713"),
        (lambda d: _parquet(d / "e.parquet", time=pa.array([1], pa.int64())), "E713"),
        (
            lambda d: _parquet(
                d / "e.parquet",
                time=pa.array([0], pa.timestamp("us", tz="UTC")),
                attrs=pa.array([1], pa.int64()),
            ),
            "E713",
        ),
        (lambda d: _write(d / "e.parquet", b""), "E007"),
        (lambda d: _write(d / "e.parquet", b"PAR1" + bytes(100)), "E007"),
        (lambda d: _write(d / "manifest.json", b"{}").parent, "E740"),
    ],
)
def test_bad_files_are_one_coded_line(
    make: Any, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    events = make(src)
    rc, _, err = run(["warn", "--events", str(events), "--out", str(tmp_path / "a.jsonl")], capsys)
    assert rc == 2 and f" {code} " in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.reliability(
    entry=W,
    bad_input="--rejects in a missing or read-only folder",
    behaviour="E041 before any work (not after the replay); nothing written",
)
def test_rejects_checked_before_the_work(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines[:10])
    out = tmp_path / "a.jsonl"
    code, _, err = run(
        ["warn", "--events", str(ev), "--out", str(out), "--rejects", str(tmp_path / "no" / "r.jsonl")],
        capsys,
    )
    assert code == 2 and "E041" in err and not out.exists() and not Path(f"{out}.db").exists()


@pytest.mark.reliability(
    entry=W,
    bad_input="an alerts file that exists but was not written from this store (another run's, a user's)",
    behaviour="E752: neither cut nor appended to",
)
def test_someone_elses_alerts_file_is_not_touched(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines[:10])
    out = tmp_path / "a.jsonl"
    out.write_bytes(b"my notes\n")
    code, _, err = run(["warn", "--events", str(ev), "--out", str(out)], capsys)
    assert code == 2 and "E752" in err and out.read_bytes() == b"my notes\n"
    assert _cursor_rows(Path(f"{out}.db")) == 0  # refused before the first batch was committed


@pytest.mark.reliability(
    entry=W,
    bad_input="JSONL with a UTF-8 BOM, in GB18030, in UTF-16 (Windows tools)",
    behaviour="the encoding is detected: the same alerts as from UTF-8",
)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings(
    encoding: str, tmp_path: Path, lines: list[bytes], one_run: bytes, scorer: DetectorScorer
) -> None:
    ev = tmp_path / "ev.jsonl"
    ev.write_bytes(b"".join(lines).decode("utf-8").encode(encoding))
    res = replay(ev, out=tmp_path / "a.jsonl", scorer=scorer)
    assert res.counters.rejected == 0
    assert (tmp_path / "a.jsonl").read_bytes() == one_run


# -- incremental ingest ------------------------------------------------------------------------------------


@pytest.mark.reliability(
    entry=W,
    bad_input="rows appended to the events file, or a new file in the folder, after a run",
    behaviour="the next run reads only them and goes on where the store stopped: the alerts of one run",
)
def test_appended_rows_and_new_files_continue_the_run(
    tmp_path: Path, lines: list[bytes], one_run: bytes, scorer: DetectorScorer
) -> None:
    d = tmp_path / "events"
    d.mkdir()
    out = tmp_path / "a.jsonl"
    third = len(lines) // 3
    (d / "a.jsonl").write_bytes(b"".join(lines[:third]))
    first = replay(d, out=out, scorer=scorer)
    with (d / "a.jsonl").open("ab") as fh:
        fh.write(b"".join(lines[third : 2 * third]))
    second = replay(d, out=out, scorer=scorer)
    (d / "b.jsonl").write_bytes(b"".join(lines[2 * third :]))
    third_run = replay(d, out=out, scorer=scorer)
    assert (first.resumed_at, second.resumed_at, third_run.resumed_at) == (0, third, 2 * third)
    assert third_run.rows == len(lines) and third_run.counters.rejected == 0
    assert out.read_bytes() == one_run
    again = replay(d, out=out, scorer=scorer)  # nothing new: nothing read, nothing written
    assert again.rows == again.resumed_at == len(lines) and out.read_bytes() == one_run


@pytest.mark.reliability(
    entry=W,
    bad_input="an events file rewritten (not appended to) after a run read it",
    behaviour="E747 naming the file and how much was read; nothing written",
)
def test_a_rewritten_file_is_refused(tmp_path: Path, lines: list[bytes], scorer: DetectorScorer) -> None:
    ev = _ev(tmp_path, lines[:100])
    out = tmp_path / "a.jsonl"
    replay(ev, out=out, scorer=scorer)
    before = _digest(out)
    ev.write_bytes(b"".join(lines[1:200]))
    with pytest.raises(InputError) as exc:
        replay(ev, out=out, scorer=scorer)
    assert exc.value.code == "E747" and exc.value.params["rows"] == 100
    assert _digest(out) == before


def test_a_line_being_written_waits_for_its_end(
    tmp_path: Path, lines: list[bytes], scorer: DetectorScorer
) -> None:
    ev = tmp_path / "ev.jsonl"
    ev.write_bytes(b"".join(lines[:10]) + lines[10][:20])
    out = tmp_path / "a.jsonl"
    res = replay(ev, out=out, scorer=scorer)
    assert res.rows == 10 and res.incomplete == ["ev.jsonl"]
    with ev.open("ab") as fh:
        fh.write(lines[10][20:] + lines[11].rstrip(b"\n"))  # the last one complete JSON, no line end yet
    res = replay(ev, out=out, scorer=scorer)
    assert res.rows == 12 and not res.incomplete and res.counters.rejected == 0
    with ev.open("ab") as fh:
        fh.write(b"\n" + lines[12])
    res = replay(ev, out=out, scorer=scorer)
    assert res.rows == 13 and res.counters.rejected == 0


@pytest.mark.reliability(
    entry=W,
    bad_input="events on standard input (--events -), in several runs",
    behaviour="read as they come, committed in batches; each run goes on after the rows of the last",
)
def test_standard_input(
    tmp_path: Path,
    lines: list[bytes],
    one_run: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "a.jsonl"
    half = len(lines) // 2
    for part in (lines[:half], lines[half:]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"".join(part))))
        code, stdout, err = run(
            ["warn", "--events", "-", "--out", str(out), "--batch-size", "300", "--json", "--quiet"], capsys
        )
        assert code == 0, err
    assert orjson.loads(stdout)["rows"] == len(lines)
    assert out.read_bytes() == one_run
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run(["warn", "--events", "-", "--out", str(out), "--order", "time"], capsys)
    assert code == 2 and "E741" in err


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_increments_give_the_alerts_of_one_run(
    data: st.DataObject,
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[bytes],
    one_run: bytes,
    scorer: DetectorScorer,
) -> None:
    """The tiny world's events arriving in increments — appended to a file, or as new files — read by several
    runs with any batch size: the alerts of one run, byte for byte."""
    d = tmp_path_factory.mktemp("inc")
    (d / "events").mkdir()
    out = d / "a.jsonl"
    cuts = sorted(set(data.draw(st.lists(st.integers(1, len(lines) - 1), max_size=3), label="cuts")))
    bounds = [0, *cuts, len(lines)]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        new_file = data.draw(st.booleans(), label="new file")
        target = d / "events" / (f"{k:03d}.jsonl" if new_file or k == 0 else "000.jsonl")
        with target.open("ab") as fh:
            fh.write(b"".join(lines[a:b]))
        size = data.draw(st.integers(1, 3000), label="batch size")
        replay(d / "events", out=out, scorer=scorer, batch_size=size)
    assert out.read_bytes() == one_run


def test_progress_is_reported(tmp_path: Path, lines: list[bytes], scorer: DetectorScorer) -> None:
    ev = _ev(tmp_path, lines[:1000])
    seen: list[tuple[str, int, int | None]] = []
    replay(
        ev,
        out=tmp_path / "a.jsonl",
        scorer=scorer,
        batch_size=300,
        progress=lambda s, d, t=None: seen.append((s, d, t)),
    )
    assert [d for _, d, _ in seen] == [300, 600, 900, 1000] and {t for _, _, t in seen} == {1000}


def test_no_progress_bar_off_a_terminal(
    tmp_path: Path, lines: list[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    ev = _ev(tmp_path, lines[:50])
    code, _, err = run(["warn", "--events", str(ev), "--out", str(tmp_path / "a.jsonl")], capsys)
    assert code == 0 and err.count("\n") == 1 and err.startswith("fanzha warn：50 行")


def test_utf16_bom_on_a_stream(tmp_path: Path, lines: list[bytes], scorer: DetectorScorer) -> None:
    data = codecs.BOM_UTF16_LE + b"".join(lines[:40]).decode().encode("utf-16-le")
    res = replay(io.BytesIO(data), out=tmp_path / "a.jsonl", scorer=scorer)
    assert res.rows == 40 and res.counters.rejected == 0


def test_one_line_with_a_bom_and_no_line_end(
    tmp_path: Path, lines: list[bytes], scorer: DetectorScorer
) -> None:
    ev = tmp_path / "ev.jsonl"
    ev.write_bytes(codecs.BOM_UTF8 + lines[0].rstrip(b"\n"))
    res = replay(ev, out=tmp_path / "a.jsonl", scorer=scorer)
    assert res.rows == 1 and res.counters.accepted == 1 and not res.incomplete
