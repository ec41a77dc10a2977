"""`fanzha sim --telemetry`: what each kind of centre receives of a world (issue 19)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from simworlds import TINY

from fanzha.records.arrow import times_to_us
from fanzha.sim.config import ORDINARY_AND_SEEDS
from fanzha.sim.generate import simulate
from fanzha.sim.telemetry import telemetry, within_calls


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world19(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tel") / "tiny"
    simulate(TINY.replace(**ORDINARY_AND_SEEDS).replace(seed=5), root)
    return root


@pytest.mark.parametrize("profile", ["bank", "bank_telco", "full"])
def test_telemetry_profiles_drop_exactly_what_they_should(
    world19: Path, tmp_path: Path, profile: str
) -> None:
    counts = telemetry(world19, profile, tmp_path / profile)
    world = pq.read_table(world19 / "events.parquet")
    got = pq.read_table(tmp_path / profile / "events.parquet")
    arr = pq.read_table(tmp_path / profile / "arrivals.parquet")
    assert got["event_id"].to_pylist() == arr["event_id"].to_pylist()
    received = times_to_us(arr["received"]).tolist()
    assert received == sorted(received)
    assert all(r >= t for r, t in zip(received, times_to_us(arr["time"]).tolist(), strict=True))
    assert len(got) + counts["dropped"] == len(world)
    kinds = set(got["kind"].to_pylist())
    money = {"transfer", "payee_added", "loan", "credit_limit_change", "reserve_fund_opened"}
    want = {r["event_id"] for r in world.select(["event_id", "kind"]).to_pylist() if r["kind"] in money}
    assert want <= set(got["event_id"].to_pylist())
    # the receiving banks' flags: personal accounts only, each once, readable as the engine's shared list
    from fanzha.warn.payees import PayeeList

    flags = list(PayeeList.load(tmp_path / profile / "payee_flags.jsonl"))
    kind = dict(
        zip(
            *pq.read_table(world19 / "accounts.parquet", columns=["account_id", "kind"]).to_pydict().values(),
            strict=True,
        )
    )
    assert flags and {kind[f.account] for f in flags} <= {"bank_card", "payment_account"}
    assert len({f.account for f in flags}) == len(flags) and {f.reason for f in flags} <= {"receiving_bank"}
    if profile == "full":
        assert counts["dropped"] == 0
        return
    assert not kinds & {"chat_message", "friend_request", "app_install", "screen_share_start"}
    if profile == "bank":
        assert not kinds & {"call", "sms"}
    else:
        calls = got.filter(pc.is_in(got["kind"], value_set=pa.array(["call", "sms"])))
        assert len(calls) and calls["text"].null_count == len(calls)
        assert set(calls["channel"].to_pylist()) <= {"phone", "sms"}  # no record of a call inside an app
        # one record a call: what the world says later in the same call (the gang's "add my QQ") is no new call
        inside = set(world.filter(pa.array(within_calls(world)))["event_id"].to_pylist())
        assert inside and not inside & set(calls["event_id"].to_pylist())
        assert not within_calls(got).any()
        late = [
            r - t
            for r, t, s in zip(
                received, times_to_us(arr["time"]).tolist(), arr["source"].to_pylist(), strict=True
            )
            if s == "telco"
        ]
        assert max(late) <= 60 * 60 * 1_000_000


def test_a_call_is_one_record_however_many_events_it_holds() -> None:
    us = 1_000_000
    table = pa.table(
        {
            "person_id": ["P1", "P1", "P1", "P2", "P1", "P1"],
            "time": pa.array(
                [0, 100 * us, 400 * us, 50 * us, 500 * us, 530 * us], pa.timestamp("us", tz="UTC")
            ),
            "kind": ["call", "call", "call", "call", "sms", "call"],
            "channel": ["phone", "phone", "phone", "phone", "sms", "phone"],
            "counterparty": ["A", "A", "A", "A", "A", "B"],
            "attrs": ['{"duration_s": 300}', None, '{"duration_s":60}', None, None, None],
        }
    )
    # the second is said within the first (0-300 s); the third starts after it ended; P2's and B's are others
    assert within_calls(table).tolist() == [False, True, False, False, False, False]


def test_telemetry_is_deterministic(world19: Path, tmp_path: Path) -> None:
    telemetry(world19, "bank_telco", tmp_path / "a")
    telemetry(world19, "bank_telco", tmp_path / "b")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


@pytest.mark.reliability(
    entry="fanzha sim --telemetry",
    bad_input="--out the world itself; a folder that is not empty; a --telemetry folder that is not a world",
    behaviour="E040 / E042 / E400 before any work, exit 2, the world and the folder unchanged; with --force a "
    "non-empty --out is replaced whole by the profile's two files (written beside it, renamed into place)",
)
def test_telemetry_outputs_are_checked_before_work_and_written_whole(
    world19: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clirun import run

    before = _digests(world19)
    rc, _, err = run(["sim", "--telemetry", str(world19), "--profile", "bank", "--out", str(world19)], capsys)
    assert rc == 2 and "E040" in err, err
    assert _digests(world19) == before
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep", encoding="utf-8")
    rc, _, err = run(["sim", "--telemetry", str(world19), "--profile", "bank", "--out", str(busy)], capsys)
    assert rc == 2 and "E042" in err and (busy / "mine.txt").read_text(encoding="utf-8") == "keep"
    not_world = tmp_path / "empty"
    not_world.mkdir()
    rc, _, err = run(
        ["sim", "--telemetry", str(not_world), "--profile", "bank", "--out", str(tmp_path / "o")], capsys
    )
    assert rc == 2 and "E400" in err and not (tmp_path / "o").exists()
    rc, _, err = run(
        ["sim", "--telemetry", str(world19), "--profile", "bank", "--out", str(busy), "--force"], capsys
    )
    assert rc == 0, err
    assert sorted(p.name for p in busy.iterdir()) == [
        "arrivals.parquet",
        "events.parquet",
        "payee_flags.jsonl",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_listed_numbers_calls_reach_the_centre_as_they_start(world19: Path, tmp_path: Path) -> None:
    """bank_telco with the operators' list of fraud numbers: a call from a listed number that starts after its
    listing comes at once, flagged; its earlier calls, other numbers' calls, its SMS and a registered service
    number (listed by mistake) keep the half-hourly batches."""
    import orjson

    from fanzha.records.units import us_of
    from fanzha.sim.telemetry import SERVICE_NUMBERS, TELCO_FLAG

    world = pq.read_table(world19 / "events.parquet")
    calls = [
        r
        for r in world.select(
            ["event_id", "time", "kind", "channel", "direction", "counterparty"]
        ).to_pylist()
        if r["kind"] == "call" and r["channel"] == "phone" and r["direction"] == "in"
    ]
    by_number: dict[str, list[dict[str, object]]] = {}
    for r in calls:
        by_number.setdefault(str(r["counterparty"]), []).append(r)
    number, rows = max(
        ((n, rs) for n, rs in by_number.items() if n not in SERVICE_NUMBERS), key=lambda x: len(x[1])
    )
    rows.sort(key=lambda r: r["time"])  # type: ignore[arg-type,return-value]
    assert len(rows) >= 2, "the tiny world needs a number that calls twice"
    listed = us_of(rows[0]["time"])  # type: ignore[arg-type]  # listed as its first call starts
    service = sorted(n for n in by_number if n in SERVICE_NUMBERS)
    assert service, "the tiny world has bank hotlines calling"
    numbers = {number: listed, **dict.fromkeys(service, 0)}
    telemetry(world19, "bank_telco", tmp_path / "t", numbers=numbers)
    got = pq.read_table(tmp_path / "t" / "events.parquet")
    arr = pq.read_table(tmp_path / "t" / "arrivals.parquet")
    key, value = TELCO_FLAG
    flagged = {
        e for e, a in zip(got["event_id"].to_pylist(), got["attrs"].to_pylist(), strict=True)
        if a and orjson.loads(a).get(key) == value
    }  # fmt: skip
    # not the call at the listing's own time, nor others, nor what is said later within a call (no new record)
    inside = set(world.filter(pa.array(within_calls(world)))["event_id"].to_pylist())
    assert flagged and flagged == {r["event_id"] for r in rows[1:]} - inside
    lag = {
        e: r - t
        for e, t, r in zip(
            arr["event_id"].to_pylist(),
            times_to_us(arr["time"]).tolist(),
            times_to_us(arr["received"]).tolist(),
            strict=True,
        )
    }
    assert all(lag[e] == 0 for e in flagged)
    assert any(lag[e] > 0 for e in lag if e not in flagged and e in {str(r["event_id"]) for r in calls})
    assert len(got) == len(
        set(got["event_id"].to_pylist())
    )  # delivered once: the flagged record replaces the late one
    listing = [orjson.loads(x) for x in (tmp_path / "t" / "number_flags.jsonl").read_bytes().splitlines()]
    assert {x["number"] for x in listing} == set(numbers)
    # the other profiles have no operator: the list changes nothing
    telemetry(world19, "bank", tmp_path / "b", numbers=numbers)
    assert not (tmp_path / "b" / "number_flags.jsonl").exists()


def test_the_banks_list_the_phones_that_emptied_reported_accounts(world19: Path, tmp_path: Path) -> None:
    """Every transfer out names the phone that made it (the ledger's), as a bank's record does; with the world's
    reports with a loss the banks list the phones that emptied a reporter's account — the gangs' phones that
    took accounts over (the world's `new_device` payees), never a person's own — beside the accounts."""
    import orjson

    from fanzha.evaluate.warn import reported_losses
    from fanzha.sim.telemetry import device_flags
    from fanzha.warn.payees import PayeeList

    reports = reported_losses(world19)
    assert reports, "the tiny world has reports with a loss"
    telemetry(world19, "bank", tmp_path / "b", reports=reports)
    got = pq.read_table(tmp_path / "b" / "events.parquet").to_pylist()
    ledger = pq.read_table(world19 / "transfers.parquet", columns=["transfer_id", "device"]).to_pydict()
    made = dict(zip(ledger["transfer_id"], ledger["device"], strict=True))
    outs = [e for e in got if e["kind"] == "transfer" and e["direction"] == "out"]
    assert outs and all(
        (orjson.loads(e["attrs"]) if e["attrs"] else {}).get("device") == made[e["transfer_id"]]
        for e in outs
        if made.get(e["transfer_id"]) is not None
    )
    assert all(
        e["attrs"] is None or "device" not in orjson.loads(e["attrs"])
        for e in got
        if e["kind"] == "transfer" and e["direction"] == "in"
    )  # an incoming transfer's record does not carry the payer's phone
    listed = [f for f in PayeeList.load(tmp_path / "b" / "payee_flags.jsonl") if f.subject == "device"]
    assert sorted((f.time, f.account, f.source) for f in listed) == device_flags(world19, reports)
    takeovers = {
        orjson.loads(e["attrs"])["device"]
        for e in pq.read_table(world19 / "events.parquet", columns=["kind", "attrs"]).to_pylist()
        if e["kind"] == "payee_added" and e["attrs"] and "new_device" in orjson.loads(e["attrs"])
    }
    assert listed and {f.account for f in listed} <= takeovers
    assert {f.reason for f in listed} == {"reported"}


@pytest.mark.reliability(
    entry="fanzha payees --phones",
    bad_input="a phones file without the owner_id column; --reports without --phones; --out the reports file",
    behaviour="E544 naming the column and the columns there / E545 / E040, exit 2, nothing written, the reports "
    "file unchanged",
)
def test_a_banks_command_lists_the_same_phones_as_the_sims_banks(
    world19: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fanzha payees --ledger WORLD` (the world's reports and phones come with it) writes the very payee list
    of the world's telemetry, phones included, byte for byte; a phones file without owner_id is E544."""
    from clirun import run
    from fanzha.evaluate.warn import reported_losses

    telemetry(world19, "bank", tmp_path / "t", reports=reported_losses(world19))
    want = (tmp_path / "t" / "payee_flags.jsonl").read_bytes()
    assert b'"device"' in want
    out = tmp_path / "flags.jsonl"
    code, stdout, err = run(["payees", "--ledger", str(world19), "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    assert out.read_bytes() == want
    phones = tmp_path / "phones.csv"
    phones.write_text("device_id,holder\nD1,P1\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    code, _, err = run(
        ["payees", "--ledger", str(world19), "--phones", str(phones), "--out", str(bad), "--quiet"], capsys
    )
    assert code == 2 and "E544" in err and "owner_id" in err and not bad.exists(), err
    # a bank's own files: the reports without the phones' holders would list the victims' own phones
    files = ["--ledger", str(world19 / "transfers.parquet"), "--accounts", str(world19 / "accounts.parquet")]
    files += ["--reports", str(world19 / "reports.jsonl")]
    code, _, err = run(["payees", *files, "--out", str(bad), "--quiet"], capsys)
    assert code == 2 and "E545" in err and not bad.exists(), err
    mine = tmp_path / "reports.jsonl"
    mine.write_bytes((world19 / "reports.jsonl").read_bytes())
    code, _, err = run(
        ["payees", "--ledger", str(world19), "--reports", str(mine), "--out", str(mine)], capsys
    )
    assert code == 2 and "E040" in err and mine.read_bytes() == (world19 / "reports.jsonl").read_bytes(), err
    code, _, err = run(
        ["payees", *files, "--phones", str(world19 / "devices.parquet"), "--out", str(bad), "--quiet"], capsys
    )
    assert code == 0 and bad.read_bytes() == want, err
