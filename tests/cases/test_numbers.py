"""The scam numbers a centre pushes to the operators (`fanzha.cases.numbers`): the scammer's number of a report
with a loss, never the reporter's own, a number called to check, a known service number or a number of a report
without a loss."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fanzha.cases.intake import intake
from fanzha.cases.numbers import LISTING, listing, scam_numbers
from fanzha.records.units import us_of

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 4, 2, 20, 0, tzinfo=SH)


def _reports(tmp_path: Path, rows: list[tuple[float, str, str]]) -> Path:
    path = tmp_path / "reports.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, (hours, claimed, text) in enumerate(rows):
            obj = {"report_id": f"R{i}", "person_id": f"P{i}", "reporter": "victim",
                   "time": (T0 + timedelta(hours=hours)).isoformat(), "amount_claimed": claimed, "text": text}  # fmt: skip
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


def test_only_the_scammers_numbers_of_reports_with_a_loss_are_listed(tmp_path: Path) -> None:
    path = _reports(
        tmp_path,
        [
            (
                0,
                "3800",
                "4月2日17点接到一个电话，对方自称是淘宝客服，说我误开通了会员。来电显示16736531455。"
                "我转了3800元。事后打了官方电话02152638601核实。我的电话是13731994981。",
            ),
            (
                5,
                "15000",
                "对方自称拼多多客服，说质量问题三倍赔偿，我前后转了15000元。那个号码是16716058535，现在打不通了。"
                "后来我打95311问了，才知道被骗了。又打96110咨询。",
            ),
            (
                2,
                "0",
                "4月1日快递网点059152028838打电话说我的快递破损了要赔偿，我担心是诈骗，来报备一下，没有转账。",
            ),
            (
                9,
                "2000",
                "来电号码：16736531455，冒充京东客服，共计损失2000元。",
            ),  # the same number again, later
        ],
    )
    listed = scam_numbers(intake(path).cases)
    delay = timedelta(hours=LISTING["delay_h"])
    assert listed == {
        "16736531455": us_of(T0 + delay),  # its first report
        "16716058535": us_of(T0 + timedelta(hours=5) + delay),
    }


def test_no_loss_no_listing(tmp_path: Path) -> None:
    path = _reports(
        tmp_path, [(0, "0", "有人打电话来显示16736531455，说是淘宝客服要给我退款，我没理他，没有转账。")]
    )
    assert scam_numbers(intake(path).cases) == {}


def test_the_gangs_qq_and_wechat_accounts_are_listed_beside_its_numbers(tmp_path: Path) -> None:
    path = _reports(
        tmp_path,
        [
            (
                0,
                "5000",
                "来电显示16736531455，对方自称淘宝客服，让我加QQ号276197647开屏幕共享，我转了5000元。",
            ),
            (3, "2000", "对方让我加微信kf_mvxj7n，说是京东理赔专员，我转了2000元。又加了QQ276197647。"),
            (4, "0", "有人让我加QQ 3607206069 说退款，我没加，没有转账。"),  # no loss: nothing listed
        ],
    )
    cases = intake(path).cases
    delay = timedelta(hours=LISTING["delay_h"])
    first, second = (c.case_id for c in cases[:2])
    assert listing(cases) == {
        ("phone", "16736531455"): (us_of(T0 + delay), first),
        ("qq", "276197647"): (us_of(T0 + delay), first),  # named again later: its first report
        ("wechat_id", "kf_mvxj7n"): (us_of(T0 + timedelta(hours=3) + delay), second),
    }
    assert listing(cases, kinds=("qq",)) == {("qq", "276197647"): (us_of(T0 + delay), first)}
    assert scam_numbers(cases) == {"16736531455": us_of(T0 + delay)}
