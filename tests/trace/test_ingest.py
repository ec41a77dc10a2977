"""Ledger ingest: column mappings of bank exports, and bad ledgers (every bad row reported and kept aside)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fanzha.errors import InputError
from fanzha.messages import set_lang
from fanzha.trace import ColumnMap, load_ledger
from fanzha.trace.ingest import open_ledger

GOOD = "transfer_id,src,dst,amount,time,channel\nT1,A,B,100.50,2024-03-06 09:00:00,bank_transfer\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def rows(ledger_con: object, sql: str) -> list[tuple[object, ...]]:
    return ledger_con.execute(sql).fetchall()  # type: ignore[attr-defined, no-any-return]


def test_bad_rows_are_reported_with_file_and_row_and_kept_aside(tmp_path: Path) -> None:
    f = write(
        tmp_path / "l.csv",
        "transfer_id,src,dst,amount,time,channel\n"
        "T1,A,B,100.50,2024-03-06 09:00:00,bank_transfer\n"  # row 1: good
        "T2,A,,100,2024-03-06 09:01:00,bank_transfer\n"  # row 2: no dst
        "T3,A,B,abc,2024-03-06 09:02:00,bank_transfer\n"  # row 3: amount not a number
        "T4,A,B,-5,2024-03-06 09:03:00,bank_transfer\n"  # row 4: negative
        "T5,A,B,1.234,2024-03-06 09:04:00,bank_transfer\n"  # row 5: below one fen
        "T6,A,B,10,yesterday,bank_transfer\n"  # row 6: time
        "T7,A,A,10,2024-03-06 09:06:00,bank_transfer\n"  # row 7: same account
        "T1,B,C,10,2024-03-06 09:07:00,bank_transfer\n"  # row 8: duplicate id
        '"T9",B,C,"1,234.00",2024/03/06 09:08:00,网银转账\n',  # row 9: good (thousands, slashes, 中文 channel)
    )
    led = load_ledger(f)
    assert led.report.rows_read == 9 and led.report.rows_loaded == 2
    assert led.report.rejected == {
        "E520": 1,
        "E521": 1,
        "E522": 1,
        "E523": 1,
        "E524": 1,
        "E525": 1,
        "E526": 1,
    }
    got = rows(led.con, "SELECT row, code FROM rejected ORDER BY row")
    assert got == [(2, "E520"), (3, "E521"), (4, "E522"), (5, "E523"), (6, "E524"), (7, "E525"), (8, "E526")]
    out = tmp_path / "rejected_rows.csv"
    assert led.write_rejected(out) == 7
    with open(out, encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert written[0]["file"] == str(f) and written[0]["row"] == "2" and written[0]["reason"] == "缺少 dst"
    assert written[-1]["reason"] == f"transfer_id 重复（首次出现在 {f}:1）"
    assert written[1]["reason"] == '金额 "abc" 不是数字'
    set_lang("en")
    led.write_rejected(out)
    with open(out, encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert written[-1]["reason"] == f"duplicate transfer_id (first at {f}:1)"
    set_lang(None)
    assert "amount=abc" in written[1]["raw"]
    good = rows(led.con, "SELECT transfer_id, amount, channel FROM ledger ORDER BY pos")
    assert good == [("T1", 10050, "bank_transfer"), ("T9", 123400, "bank_transfer")]


def test_chinese_bank_export_with_date_and_time_columns_and_gb18030(tmp_path: Path) -> None:
    f = write(
        tmp_path / "bank.csv",
        "流水号,付款账号,收款账号,交易金额,交易日期,交易时间,交易渠道,交易地点\n"
        "L1,622200001,622200002,￥19240.00,20240306,104132,手机银行转账,成都\n"
        "L2,622200002,ATM-GZ,2000,20240306,120000,ATM取款,广州\n"
        "L3,622200002,POS-FS,300.5,20240306,130000,POS刷卡消费,佛山\n",
        encoding="gb18030",
    )
    cmap = ColumnMap.identity().with_overrides(
        [
            "transfer_id=流水号",
            "src=付款账号",
            "dst=收款账号",
            "amount=交易金额",
            "time=交易日期+交易时间",
            "channel=交易渠道",
            "location=交易地点",
            "device=",
        ]
    )
    led = load_ledger(f, mapping=cmap)
    got = rows(led.con, "SELECT transfer_id, amount, channel, location, terminal FROM ledger ORDER BY pos")
    assert got == [
        ("L1", 1924000, "bank_transfer", "成都", False),
        ("L2", 200000, "cash_withdrawal", "广州", True),
        ("L3", 30050, "pos", "佛山", True),
    ]
    # 10:41:32 in Shanghai is 02:41:32 UTC
    t = rows(led.con, "SELECT t FROM ledger WHERE transfer_id = 'L1'")[0][0]
    assert t == 1709692892000000


def test_two_sided_export_with_debit_credit_flags(tmp_path: Path) -> None:
    f = write(
        tmp_path / "one_account.csv",
        "本方账号,对方账号,借贷,金额,时间\nM,V,贷,500,2024-03-06T09:00:00+08:00\nM,N,借,200,2024-03-06T10:00:00+08:00\n"
        "M,N,?,1,2024-03-06T10:00:00+08:00\n",
    )
    cmap = ColumnMap.identity().with_overrides(
        [
            "account=本方账号",
            "counterparty=对方账号",
            "direction=借贷",
            "amount=金额",
            "time=时间",
            "transfer_id=",
            "channel=",
            "location=",
            "device=",
        ]
    )
    led = load_ledger(f, mapping=cmap)
    ids = led.account_ids()
    got = [
        (ids[s], ids[d], a) for s, d, a in rows(led.con, "SELECT src, dst, amount FROM ledger ORDER BY pos")
    ]
    assert got == [("V", "M", 50000), ("M", "N", 20000)]
    assert led.report.rejected == {"E527": 1}


def test_mapping_file_and_channel_values(tmp_path: Path) -> None:
    m = write(
        tmp_path / "map.yaml",
        "columns:\n  src: from\n  dst: to\n  amount: fen\n  time: when\n  channel: how\n"
        "amount_unit: fen\ntimezone: UTC\nchannels:\n  X9: pos\n",
    )
    f = write(tmp_path / "l.csv", "from,to,fen,when,how\nA,B,150,2024-03-06 00:00:00,X9\n")
    led = load_ledger(f, mapping=ColumnMap.from_file(m))
    assert rows(led.con, "SELECT transfer_id, amount, channel, t FROM ledger") == [
        (f"{f}#1", 150, "pos", 1709683200000000)
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("columns: [1, 2]\n", "E517"),
        ("colums:\n  src: a\n", "E518"),
        ("columns:\n  src: a\n  dst: b\n  amount: c\n", "E531"),  # no time
        ("columns:\n  src: a\n  dst: b\n  amount: c\n  time: d\ntimezone: Mars/Olympus\n", "E512"),
        ("columns:\n  src: a\n  dst: b\n  amount: c\n  time: d\nchannels:\n  x: teleport\n", "E533"),
        ("columns: {src: a\n", "E516"),
        ("columns:\n  src: a\n  dst: b\n  amount: c\n  time: d\n  when: e\n", "E519"),
        ("columns:\n  account: a\n  amount: c\n  time: d\n", "E531"),
        ("columns:\n  src: a\n  dst: b\n  amount: c\n  time: d\namount_unit: jiao\n", "E532"),
        ("[1]\n", "E517"),
    ],
)
def test_bad_mappings(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(InputError) as exc:
        ColumnMap.from_file(write(tmp_path / "m.yaml", text))
    assert exc.value.code == code and str(tmp_path) in exc.value.render()


def test_bad_ledgers_fail_with_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_ledger(tmp_path / "missing.csv")
    assert exc.value.code == "E001" and "missing.csv" in exc.value.render()
    with pytest.raises(InputError) as exc:
        load_ledger(write(tmp_path / "l.xlsx", "x"))
    assert exc.value.code == "E501"
    with pytest.raises(InputError) as exc:  # a mapped column that is not there: the columns are listed
        load_ledger(write(tmp_path / "l.csv", "a,b\n1,2\n"))
    assert exc.value.code == "E502" and "columns there: a, b" in exc.value.render("en")
    with pytest.raises(InputError) as exc:  # nothing usable: the first problem is named with file:row
        load_ledger(
            write(tmp_path / "l2.csv", "transfer_id,src,dst,amount,time\nT1,A,B,0,2024-03-06 09:00\n")
        )
    assert exc.value.code == "E503" and f"{tmp_path / 'l2.csv'}:1" in exc.value.render()
    assert "first problem: " in exc.value.render("en") and "E522 amount must be > 0" in exc.value.render("en")
    with pytest.raises(InputError) as exc:
        load_ledger(write(tmp_path / "empty.csv", ""))
    assert exc.value.code == "E514"
    with pytest.raises(InputError) as exc:
        load_ledger(tmp_path / "nothing-here")
    assert exc.value.code == "E001"
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError) as exc:
        load_ledger(tmp_path / "folder")
    assert exc.value.code == "E500"


def test_accounts_file_and_a_kept_database(tmp_path: Path) -> None:
    f = write(tmp_path / "l.csv", GOOD)
    acc = write(
        tmp_path / "a.csv", "account_id,kind,opening_balance\nA,bank_card,500\nB,cash,\n,bank_card,1\nA,x,1\n"
    )
    db = tmp_path / "ledger.duckdb"
    led = load_ledger(f, accounts=acc, db=db)
    assert rows(led.con, "SELECT account_id, kind, opening FROM accounts ORDER BY aid") == [
        ("A", "bank_card", 50000),
        ("B", "cash", 0),
    ]
    assert rows(led.con, "SELECT terminal FROM ledger") == [(True,)]  # B is a cash sink
    assert led.report.rejected == {"E520": 1, "E526": 1}
    led.con.close()
    again = open_ledger(db)
    assert again.n_transfers == 1
    with pytest.raises(InputError):
        open_ledger(tmp_path / "nope.duckdb")


@pytest.mark.parametrize("shuffle", [False, True])
def test_positions_follow_time_then_id_whatever_the_input_order(tmp_path: Path, shuffle: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = 1_709_683_200_000_000
    rows = [
        ("T3", "A", "B", 100, t0 + 5),
        ("T1", "A", "B", 0, t0 + 6),
        ("T2", "B", "C", 50, t0 + 6),
        ("T4", "C", "A", 7, t0 + 9),
    ]
    rows.sort(key=lambda r: (r[4], r[0]))  # ledger order; T1 is bad (amount 0)
    if shuffle:
        rows = rows[::-1]
    table = pa.table(
        {
            "transfer_id": [r[0] for r in rows],
            "src": [r[1] for r in rows],
            "dst": [r[2] for r in rows],
            "amount": pa.array([r[3] for r in rows], pa.int64()),
            "time": pa.array([r[4] for r in rows], pa.timestamp("us", tz="Asia/Shanghai")),
        }
    )
    pq.write_table(table, tmp_path / "l.parquet")
    led = load_ledger(tmp_path / "l.parquet")
    assert rows_of(led) == [(0, "T3"), (1, "T2"), (2, "T4")]
    assert led.report.rejected == {"E522": 1}


def rows_of(led: object) -> list[tuple[object, ...]]:
    return rows(led.con, "SELECT pos, transfer_id FROM ledger ORDER BY pos")  # type: ignore[attr-defined]
