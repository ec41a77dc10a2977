"""`fanzha warn`: replay, bad input as one line with file and row, the bars on a tiny world."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from clirun import run


def test_replay_a_world(tmp_path: Path, tiny_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "alerts.jsonl"
    rejects = tmp_path / "rejects.jsonl"
    code, stdout, err = run(
        ["warn", "--events", str(tiny_world), "--out", str(out), "--rejects", str(rejects), "--json"], capsys
    )
    assert code == 0, err
    summary = orjson.loads(stdout)
    assert summary["rows"] == summary["read"] > 0
    assert summary["rejected"] == 0 and rejects.read_bytes() == b""
    lines = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert lines and summary["revisions"] == len(lines)
    for a in lines:
        assert a["lang"] == "zh" and a["level"] in ("low", "medium", "high")
        assert a["recommended_action"]["call_script"]
    # a second run with the same store has nothing left to do and writes nothing twice
    code, stdout, _ = run(["warn", "--events", str(tiny_world), "--out", str(out), "--json"], capsys)
    assert code == 0 and orjson.loads(stdout)["resumed_at"] == summary["rows"]
    assert len(out.read_bytes().splitlines()) == len(lines)


def test_english_and_file_order(tmp_path: Path, tiny_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "en.jsonl"
    code, _, err = run(
        [
            "warn",
            "--events",
            str(tiny_world),
            "--out",
            str(out),
            "--lang",
            "en",
            "--order",
            "file",
            "--quiet",
        ],
        capsys,
    )
    assert code == 0 and err == ""
    first = orjson.loads(out.read_bytes().splitlines()[0])
    assert first["lang"] == "en" and first["recommended_action"]["text"][0].isascii()


def test_bad_rows_are_counted_and_kept_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "ev.jsonl"
    events.write_bytes(
        b'{"event_id": "e1", "person_id": "p", "time": "2024-03-01T10:00:00+08:00", "kind": "call", "text": "hi"}\n'
        b'{"event_id": "e2", "person_id": "p", "time": "2024-03-01T10:00:00", "kind": "call"}\n'
        b'{"event_id": "e1", "person_id": "p", "time": "2024-03-01T10:00:00+08:00", "kind": "call", "text": "hi"}\n'
        b"not json\n"
        b'{"event_id": "e4", "person_id": "p", "time": "2024-03-01T12:00:00+08:00", "kind": "sms"}\n'
        b'{"event_id": "e5", "person_id": "p", "time": "2024-03-01T10:30:00+08:00", "kind": "sms"}\n'
    )
    out = tmp_path / "a.jsonl"
    rejects = tmp_path / "r.jsonl"
    code, _, err = run(
        [
            "warn",
            "--events",
            str(events),
            "--out",
            str(out),
            "--order",
            "file",
            "--lateness",
            "1h",
            "--rejects",
            str(rejects),
        ],
        capsys,
    )
    assert code == 1, err  # rows were kept aside
    kept = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert [(r["row"], r["code"]) for r in kept] == [(2, "E704"), (3, "E707"), (4, "E020"), (6, "E708")]
    assert kept[1]["message"] == "事件 id e1 重复" and kept[1]["params"] == {"id": "e1"}
    assert "fanzha warn：6 行" in err and "另存 4 行（迟到 1，重复 1）" in err
    assert "W708 1 行比延迟上限（3600 秒）更晚到达" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["warn", "--events", "/no/such/path", "--out", "x.jsonl"],
            "/no/such/path: E700 没有这个文件或文件夹",
        ),
        (["warn", "--out", "x.jsonl"], "fanzha warn: E743 需要 --events, --out (或用 --evaluate WORLD)"),
        (
            ["warn", "--events", ".", "--out", "x.jsonl", "--lateness", "soon"],
            "--lateness: E030 不是有效的时长",
        ),
        (
            ["warn", "--events", ".", "--out", "x.jsonl", "--lateness", "soon", "--lang", "en"],
            "--lateness: E030 not a duration: 'soon' (write 90s, 30m, 2h, 1d or 1h30m)",
        ),
        (["warn", "--events", ".", "--out", "x.jsonl", "--seed", "3"], "E744 --preset, --seed"),
        (["warn", "--evaluate", "/no/such/world"], "/no/such/world: E740"),
        (["warn", "--events", ".", "--out", "x.jsonl", "--batch-size", "0"], "--batch-size: E741"),
    ],
)
def test_errors_are_one_line(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(args, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert "Traceback" not in err


def test_naive_times_in_parquet_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "events.parquet"
    pq.write_table(
        pa.table(
            {
                "event_id": ["E1"],
                "person_id": ["P1"],
                "time": pa.array([datetime(2024, 3, 1)], pa.timestamp("us")),  # noqa: DTZ001 - the point
                "kind": ["call"],
            }
        ),
        f,
    )
    code, _, err = run(["warn", "--events", str(f), "--out", str(tmp_path / "a.jsonl")], capsys)
    assert code == 2 and "events.parquet: E714 列 'time' 没有时区" in err


@pytest.mark.slow
def test_evaluate_a_tiny_world(tmp_path: Path, tiny_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "warn.md"
    from fanzha.evaluate.warn import BEGIN, END

    doc.write_text(f"# x\n\n{BEGIN}\nPLACEHOLDER\n{END}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, err = run(
        [
            "warn",
            "--evaluate",
            str(tiny_world),
            "--delay",
            "0m",
            "--delay",
            "10m",
            "--doc",
            str(doc),
            "--report",
            str(report),
            "--quiet",
        ],
        capsys,
    )
    assert code == 0, err
    figures = orjson.loads(report.read_bytes())
    a = figures["all"]
    assert a["with_loss"] > 0
    assert a["alerted_before_loss_share"] >= 0.9
    assert figures["false_alerts"]["per_10k_per_day"] <= 1
    p0, p10 = figures["prevented"]
    assert p0["delay_min"] == 0 and p10["delay_min"] == 10
    assert p0["prevented_share"] >= p10["prevented_share"] > 0
    text = doc.read_text(encoding="utf-8")
    assert "PLACEHOLDER" not in text and "victims alerted before their first loss" in text


@pytest.mark.slow
def test_evaluate_per_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--profile: the figures per telemetry profile, the look-alike table, lateness per source, a doc block."""
    from fanzha.evaluate.warn import profile_markers
    from fanzha.sim.config import SimConfig
    from fanzha.sim.generate import simulate

    world = tmp_path / "w"
    cfg = SimConfig(
        people=400, days=10, leaks=2, leak_days=6, leak_stagger_days=2, contacts_per_10k_day=60.0,
        lookalikes=True, third_parties=True, seed_variants=True,
    )  # fmt: skip
    simulate(cfg, world)
    begin, end = profile_markers(400, 0)
    doc = tmp_path / "warn.md"
    doc.write_text(f"# x\n\n{begin}\nPLACEHOLDER\n{end}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    args = ["warn", "--evaluate", str(world), "--report", str(report), "--doc", str(doc), "--quiet"]
    for p in ("full", "bank_telco", "bank"):
        args += ["--profile", p]
    code, _, err = run(args, capsys)
    assert code == 0, err
    figures = orjson.loads(report.read_bytes())
    assert list(figures) == ["full", "bank_telco", "bank"]
    for name, r in figures.items():
        assert r["profile"] == name and r["all"]["with_loss"] > 0
        assert "lookalikes" in r and all(k["alerted"] <= k["episodes"] for k in r["lookalikes"].values())
        # every victim missed before the loss is counted once, by what the centre had received by then
        assert sum(r["missed"].values()) == r["all"]["with_loss"] - r["all"]["alerted_before_loss"]
    assert "telco" in figures["bank_telco"]["late_by_source"]
    # the operators' list of fraud numbers (from the world's reports with a loss): bank_telco only
    nf = figures["bank_telco"]["number_flags"]
    assert nf["calls"] == nf["scam_calls"] + nf["other_calls"] and "number_flags" not in figures["bank"]
    assert (world / "warn" / "tel_bank_telco" / "number_flags.jsonl").is_file()
    assert set(figures["bank"]["late_by_source"]) <= {"bank", "payment", "lender", "centre"}
    late = sum(v["late"] for v in figures["bank_telco"]["late_by_source"].values())
    assert ("W708" in err) == (late > 0)  # set aside as late: said even with --quiet
    text = doc.read_text(encoding="utf-8")
    assert "PLACEHOLDER" not in text and "Look-alike episodes alerted" in text and "| bank_telco |" in text
    assert "Operators' list of fraud numbers" in text and "Victims with a loss not alerted before it" in text


def test_profile_needs_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        [
            "warn",
            "--events",
            str(tmp_path / "e.jsonl"),
            "--out",
            str(tmp_path / "a.jsonl"),
            "--profile",
            "bank",
        ],
        capsys,
    )
    assert code == 2 and "E744" in err and "--profile" in err
