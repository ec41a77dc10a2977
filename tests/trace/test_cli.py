"""`fanzha trace` end to end on a small ledger, and bad input as one clear line (exit 2, no traceback)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clirun import run as _run

LEDGER = """transfer_id,src,dst,amount,time,channel,location,device
T1,V,M1,1000.00,2024-03-06 09:00:00,bank_transfer,成都,DV
T2,X,M1,500.00,2024-03-06 09:10:00,bank_transfer,成都,
T3,W,M1,300.00,2024-03-06 09:20:00,payment_account,成都,DW
T4,M1,M2,1200.00,2024-03-06 10:00:00,bank_transfer,广州,DG
T5,M1,ATM-GZ,400.00,2024-03-06 11:00:00,cash_withdrawal,广州,
T6,M2,M3,700.00,2024-03-06 12:00:00,bank_transfer,佛山,DG
T7,M3,ATM-FS,500.00,2024-03-06 13:00:00,ATM取款,佛山,
T8,M3,M3,1.00,2024-03-06 13:05:00,bank_transfer,佛山,
"""
ACCOUNTS = "account_id,kind,opening_balance\nV,bank_card,5000\nW,bank_card,2000\nX,bank_card,9000\nM1,bank_card,100\nATM-GZ,cash,0\nATM-FS,cash,0\n"
SEEDS = "victim_id,transfer_id\n张女士,T1\n李先生,T3\n"
KEPT_ASIDE = 1  # the exit status: the ledger's row 8 (T8, src = dst) is kept aside, the rest traced


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("ledger.csv", LEDGER), ("accounts.csv", ACCOUNTS), ("seeds.csv", SEEDS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = tmp_path / name
    return out


def _argv(files: dict[str, Path], out: Path, *extra: str) -> list[str]:
    """`fanzha trace` on the fixture's ledger and seeds, writing into `out`, with `extra` options."""
    return [
        "trace",
        "--ledger",
        str(files["ledger.csv"]),
        "--seeds",
        str(files["seeds.csv"]),
        "--out",
        str(out),
        *extra,
    ]


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("policy", ["fifo", "lifo", "proportional", "poison"])
def test_trace_writes_every_output(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str
) -> None:
    out = tmp_path / f"out-{policy}"
    code, stdout, err = _run(
        _argv(files, out, "--accounts", str(files["accounts.csv"]), "--policy", policy),
        capsys,
    )
    assert code == KEPT_ASIDE, err
    assert "拒收 1 行" in stdout and f"策略 {policy}：" in stdout
    for name in (
        "freeze_list.csv",
        "flows.parquet",
        "cash_outs.csv",
        "mules.csv",
        "summary.json",
        "graph.svg",
        "rejected_rows.csv",
        "hops.csv",
        "victims.csv",
        "gangs.csv",
        "freeze_list.json",
        "cash_outs.json",
    ):
        assert (out / name).is_file(), name
    freeze = _csv(out / "freeze_list.csv")
    assert list(freeze[0])[:4] == ["account_id", "amount", "victims", "hops"]
    assert {r["policy"] for r in freeze} == {policy}
    assert list(_csv(out / "mules.csv")[0])[:2] == ["account_id", "score"]
    rejected = _csv(out / "rejected_rows.csv")
    assert [(r["row"], r["code"]) for r in rejected] == [("8", "E525")]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["policy"]["name"] == policy and summary["victims"] == 2
    root = ET.fromstring((out / "graph.svg").read_text(encoding="utf-8"))
    assert "WenQuanYi Micro Hei" in root.attrib["font-family"] and "sans-serif" in root.attrib["font-family"]
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "受害人 张女士" in texts and "资金流向图" in texts


def test_fifo_answers_on_the_command_line(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = _run(
        _argv(files, out, "--accounts", str(files["accounts.csv"]), "--json"),
        capsys,
    )
    assert code == KEPT_ASIDE, err
    summary = json.loads(stdout)
    # FIFO (see test_policies): M1 keeps 李先生's 300; M2 keeps 400 and M3 gets 600 of 张女士's 1000,
    # then T7 withdraws 500 at M3 (clean 100 first, then 400 of hers) → M3 keeps 200
    freeze = {r["account_id"]: (r["amount"], r["victims"]) for r in _csv(out / "freeze_list.csv")}
    assert freeze == {"M1": ("300.00", "李先生"), "M2": ("400.00", "张女士"), "M3": ("200.00", "张女士")}
    cash = _csv(out / "cash_outs.csv")
    assert [(c["transfer_id"], c["amount"], c["location"], c["kind"]) for c in cash] == [
        ("T7", "400.00", "佛山", "cash_withdrawal")
    ]
    assert summary["conserved"] is True and summary["cash_out_by_city_yuan"] == {"佛山": "400.00"}


def test_window_hops_and_backend_options(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = ("--accounts", str(files["accounts.csv"]))
    code, _, err = _run(
        _argv(files, tmp_path / "a", *accounts, "--max-hops", "2", "--backend", "numpy", "--no-mules"), capsys
    )
    assert code == KEPT_ASIDE, err
    assert {r["account_id"] for r in _csv(tmp_path / "a" / "freeze_list.csv")} == {"M1", "M2"}
    assert not (tmp_path / "a" / "mules.csv").exists()
    code, _, err = _run(
        _argv(files, tmp_path / "b", *accounts, "--window", "90m", "--db", str(tmp_path / "l.duckdb")), capsys
    )
    assert code == KEPT_ASIDE, err
    assert {r["account_id"]: r["amount"] for r in _csv(tmp_path / "b" / "freeze_list.csv")} == {
        "M2": "1000.00",
        "M1": "300.00",
    }
    assert (tmp_path / "l.duckdb").is_file()


@pytest.mark.parametrize(
    ("extra", "seeds", "code", "needle"),
    [
        ([], "victim_id,transfer_id\n张女士,T99\n", "E505", "seeds.csv:2"),
        ([], "victim,transfer\nx,T1\n", "E535", "seeds.csv:1"),
        ([], "", "E504", "seeds.csv"),
        ([], "victim_id,transfer_id\n,T1\n", "E506", "seeds.csv:2"),
        (["--max-hops", "0"], SEEDS, "E508", "--max-hops"),
        (["--window", "soon"], SEEDS, "E030", "--window"),
        (["--until", "tomorrow"], SEEDS, "E704", "--until"),
        (["--map", "src"], SEEDS, "E534", "--map"),
        (["--map", "src=付款账号"], SEEDS, "E502", "付款账号"),
        (["--tz", "Mars/Base"], SEEDS, "E512", "Mars/Base"),
        (["--links", "nope.csv"], SEEDS, "E001", "nope.csv"),
        ([], "victim_id,transfer_id\n", "E504", "seeds.csv"),
        ([], "victim_id,account_id\nx,A1\n", "E535", "seeds.csv:1"),
    ],
)
def test_bad_input_is_one_line(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    seeds: str,
    code: str,
    needle: str,
) -> None:
    s = tmp_path / "seeds.csv"
    s.write_text(seeds, encoding="utf-8")
    rc, _, err = _run(
        [
            "trace",
            "--ledger",
            str(files["ledger.csv"]),
            "--seeds",
            str(s),
            "--out",
            str(tmp_path / "o"),
            *extra,
        ],
        capsys,
    )
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("fanzha: error:") and code in lines[0] and needle in lines[0]
    ), err
    assert "Traceback" not in err


def test_unknown_policy_is_a_usage_error(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _, err = _run(
        _argv(files, tmp_path / "o", "--policy", "random"),
        capsys,
    )
    assert rc == 2 and "fifo" in err


def test_seeds_after_the_window_are_reported(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, err = _run(
        _argv(files, tmp_path / "o", "--until", "2024-03-06T08:00", "--no-mules"),
        capsys,
    )
    assert code == KEPT_ASIDE
    assert "seeds: W547 2 笔种子交易在时间窗口结束之后，没有追踪 (放宽 --window 或 --until)" in err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"] == [{"code": "W547", "where": "seeds", "n": 2}]
    assert _csv(tmp_path / "o" / "freeze_list.csv") == []
