"""`fanzha sim` on the command line: generate, --check, --stats, and clear one-line errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clirun import run
from fanzha.records.arrow import decimal_to_fen, fen_to_decimal


def test_generate_check_and_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "w"
    code, stdout, _ = run(
        ["sim", "--people", "300", "--days", "6", "--seed", "3", "--out", str(out), "--quiet"], capsys
    )
    assert code == 0 and "笔转账" in stdout
    code, stdout, err = run(["sim", "--check", str(out)], capsys)
    assert code == 0 and stdout == "" and "是有效的模拟世界" in err
    code, stdout, _ = run(["sim", "--stats", str(out)], capsys)
    assert code == 0 and "Loss per variant" in stdout
    code, stdout, _ = run(["sim", "--stats", str(out), "--json"], capsys)
    assert code == 0 and '"campaigns"' in stdout
    # a broken ledger: exit 1, one line per violation
    path = out / "transfers.parquet"
    tr = pq.read_table(path)
    amount = decimal_to_fen(tr["amount"])
    amount[0] = 10**17  # more than even an employer holds
    pq.write_table(tr.set_column(3, "amount", fen_to_decimal(amount)), path)
    code, stdout, _ = run(["sim", "--check", str(out)], capsys)
    assert code == 1
    assert any(line.startswith("transfers.parquet:1: E406 ") for line in stdout.splitlines())


@pytest.mark.parametrize(
    "args, code_text",
    [
        (["sim"], "E420"),
        (["sim", "--people", "10", "--out", "{tmp}/x"], "--people: E424"),
        (["sim", "--check", "{tmp}/nope"], "E400"),
        (["sim", "--stats", "{tmp}"], "E400"),
        (["sim", "--out", "{tmp}", "--check", "{tmp}"], "E420"),
        (["sim", "--out", "{tmp}"], "E042"),
    ],
)
def test_bad_options_give_one_coded_line(
    args: list[str], code_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("not empty", encoding="utf-8")
    code, _, err = run([a.replace("{tmp}", str(tmp_path)) for a in args], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and code_text in lines[0] and "Traceback" not in err
