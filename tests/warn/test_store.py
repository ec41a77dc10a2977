"""Persistence: restart resumes exactly; kill -9 mid-stream loses no accepted event and duplicates no alert —
for the Python stream API (at-least-once delivery) and for `fanzha warn` (durable cursor)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from fanzha.errors import InputError
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnEngine
from fanzha.warn.replay import replay
from fanzha.warn.store import WarnStore
from fanzha.warn.textscore import DetectorScorer

from .conftest import lookalike, victim, world_lines

HERE = Path(__file__).resolve().parent


def _revisions(db: Path) -> list[tuple[str, int, str]]:
    con = sqlite3.connect(db)
    try:
        return [tuple(r) for r in con.execute("SELECT alert_id, revision, data FROM revisions ORDER BY seq")]
    finally:
        con.close()


def _cursor(db: Path) -> int:
    """The rows the store says its committed batches read (over every input)."""
    try:
        con = sqlite3.connect(db, timeout=0.2)
        try:
            marks = [orjson.loads(r[0]) for r in con.execute("SELECT mark FROM inputs")]
        finally:
            con.close()
    except sqlite3.Error:
        return 0
    return sum(int(m["rows"]) for m in marks)


def test_restart_resumes_the_state(tmp_path: Path, rules: CompiledRules, scorer: DetectorScorer) -> None:
    events = victim().events + lookalike().events
    events.sort(key=lambda e: e.t)
    half = len(events) // 2
    ref = WarnEngine(rules, scorer=scorer)
    want = ref.process(events[:half]) + ref.process(events[half:])

    db = tmp_path / "w.db"
    first = WarnEngine(rules, scorer=scorer, store=db)
    got = first.process(events[:half])
    first.close()
    second = WarnEngine(rules, scorer=scorer, store=db)
    assert second.watermark == first.watermark
    assert set(second.states) == set(first.states)
    got += second.process(events[:half] + events[half:])  # the first half again: all duplicates
    assert got == want
    assert second.counters.duplicates >= 1
    st = second.state_of("P_VICTIM")
    assert st is not None and st == ref.state_of("P_VICTIM")
    second.close()
    store = WarnStore(db)
    assert [a["alert_id"] for a in store.alerts()] == sorted({r["alert_id"] for r in want})
    store.close()


def test_a_store_refuses_other_rules(tmp_path: Path, rules: CompiledRules, scorer: DetectorScorer) -> None:
    db = tmp_path / "w.db"
    engine = WarnEngine(rules, scorer=scorer, store=db)
    engine.process(victim().events[:2])  # the first batch that reads anything stamps the settings
    engine.close()
    store = WarnStore(db)
    store.set_meta({"settings": {**store.get_json("settings"), "rules": "0000"}})
    store.close()
    with pytest.raises(InputError, match="E710"):
        WarnEngine(rules, scorer=scorer, store=db)


def _run_until_killed(
    cmd: list[str], progress: Callable[[subprocess.Popen[bytes]], int], at_least: int, timeout: float = 60
) -> int:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env) as proc:
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if progress(proc) >= at_least:
                    proc.send_signal(signal.SIGKILL)
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
            return proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()


@pytest.mark.slow
def test_kill_9_mid_stream_then_restart(tmp_path: Path, small_world: Path) -> None:
    """The stream API with at-least-once delivery: killed after some batches, restarted from the first batch."""
    ref_db = tmp_path / "ref.db"
    subprocess.run(
        [sys.executable, str(HERE / "stream_driver.py"), str(small_world), str(ref_db), "400"],
        check=True,
        capture_output=True,
    )
    db = tmp_path / "crash.db"
    lines: list[int] = []

    def progress(proc: subprocess.Popen[bytes]) -> int:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line.isdigit():
            lines.append(int(line))
        return lines[-1] if lines else 0

    code = _run_until_killed(
        [sys.executable, str(HERE / "stream_driver.py"), str(small_world), str(db), "400"], progress, 25
    )
    assert code == -signal.SIGKILL, "the driver finished before it could be killed"
    before = _revisions(db)
    done = subprocess.run(
        [sys.executable, str(HERE / "stream_driver.py"), str(small_world), str(db), "400"],
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().strip().endswith("done")
    after = _revisions(db)
    reference = _revisions(ref_db)
    assert after[: len(before)] == before  # nothing committed before the crash changed
    assert after == reference  # same revisions, in the same order, none twice
    assert len({(a, r) for a, r, _ in after}) == len(after)


@pytest.mark.slow
def test_kill_9_of_fanzha_warn_then_restart(tmp_path: Path, small_world: Path) -> None:
    """`fanzha warn` killed mid-replay resumes from its cursor; ALERTS.jsonl equals an uninterrupted run's."""
    ref = tmp_path / "ref.jsonl"
    replay(small_world, out=ref, batch_size=150)
    out = tmp_path / "alerts.jsonl"
    db = Path(str(out) + ".db")
    cmd = [
        sys.executable,
        "-m",
        "fanzha.cli.main",
        "warn",
        "--events",
        str(small_world),
        "--out",
        str(out),
        "--batch-size",
        "150",
        "--quiet",
    ]
    code = _run_until_killed(cmd, lambda proc: _cursor(db), 3000)
    assert code == -signal.SIGKILL, "fanzha warn finished before it could be killed"
    killed_at = _cursor(db)
    assert 0 < killed_at
    subprocess.run(cmd, check=True, capture_output=True)
    assert _cursor(db) > killed_at
    assert out.read_bytes() == ref.read_bytes()
    ids = [(a["alert_id"], a["revision"]) for a in map(orjson.loads, out.read_bytes().splitlines())]
    assert len(ids) == len(set(ids)) and ids


def _segment_pos(db: Path) -> int:
    """The rows of a sorted run the store has committed."""
    try:
        con = sqlite3.connect(db, timeout=0.2)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'segment'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return 0
    seg = orjson.loads(row[0]) if row else None
    return int(seg["pos"]) if seg else 0


@pytest.mark.slow
@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="kill -9 during an incremental run (rows appended to a JSONL file, read sorted by time)",
    behaviour="the rerun finishes the sorted run the store remembers, then what is new: the alerts file equals "
    "that of one uninterrupted run, byte for byte",
)
def test_kill_9_of_an_incremental_sorted_run(tmp_path: Path, small_world: Path) -> None:
    lines = world_lines(small_world)
    for k in range(0, len(lines) - 1, 2):  # not in time order: each pair swapped (sorting puts it back)
        lines[k], lines[k + 1] = lines[k + 1], lines[k]
    ref_events = tmp_path / "ref.jsonl"
    ref_events.write_bytes(b"".join(lines))
    ref = tmp_path / "ref-alerts.jsonl"
    replay(ref_events, out=ref, batch_size=5000)
    ev = tmp_path / "ev.jsonl"
    ev.write_bytes(b"".join(lines[:2000]))
    out = tmp_path / "alerts.jsonl"
    db = Path(str(out) + ".db")
    cmd = [sys.executable, "-m", "fanzha.cli.main", "warn", "--events", str(ev), "--out", str(out), "--quiet"]
    subprocess.run([*cmd, "--batch-size", "500"], check=True, capture_output=True)
    with ev.open("ab") as fh:
        fh.write(b"".join(lines[2000:]))
    code = _run_until_killed([*cmd, "--batch-size", "100"], lambda proc: _segment_pos(db), 6000)
    assert code == -signal.SIGKILL, "fanzha warn finished before it could be killed"
    assert 0 < _segment_pos(db) < len(lines) - 2000
    subprocess.run([*cmd, "--batch-size", "100"], check=True, capture_output=True)
    assert _cursor(db) == len(lines) and _segment_pos(db) == 0
    assert out.read_bytes() == ref.read_bytes()


def test_alerts_file_cut_back_to_the_last_commit(tmp_path: Path, small_world: Path) -> None:
    """A line appended after the last commit (a crash between writing and recording) is cut on restart."""
    out = tmp_path / "a.jsonl"
    replay(small_world, out=out, batch_size=5000)
    good = out.read_bytes()
    with out.open("ab") as fh:
        fh.write(b'{"half written')
    replay(small_world, out=out, batch_size=5000)  # complete already: only the cursor check runs
    assert out.read_bytes() == good
