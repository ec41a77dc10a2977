"""Shared fixtures of the warning-engine tests: the compiled shipped rules, one scorer per session, a tiny world,
helpers that build events and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fanzha.detect import Detector
from fanzha.kb.sequences import default_rules
from fanzha.records.events import Raw
from fanzha.records.units import us_of
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnConfig, WarnEngine
from fanzha.warn.textscore import DetectorScorer

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 3, 5, 10, 0, tzinfo=SH)


@pytest.fixture(scope="session")
def rules() -> CompiledRules:
    return CompiledRules(default_rules())


@pytest.fixture(scope="session")
def rules_detector() -> Detector:
    """The detector as the engine uses it by default: the rules alone (no trained model)."""
    return Detector(model="off")


@pytest.fixture(scope="session")
def scorer(rules_detector: Detector) -> DetectorScorer:
    return DetectorScorer(rules_detector)


@pytest.fixture
def engine(rules: CompiledRules, scorer: DetectorScorer) -> WarnEngine:
    return WarnEngine(rules, scorer=scorer)


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Timeline:
    """Builds the events of one person: `at(minutes, kind, **fields)`; ids are PERSON-0001 …"""

    def __init__(self, person: str, start: datetime = T0, ids: str | None = None) -> None:
        self.person = person
        self.start = start
        self.ids = ids or person
        self.events: list[Raw] = []

    def at(self, minutes: float, kind: str, *, amount: float | None = None, **kw: Any) -> Raw:
        t = us_of(self.start + timedelta(minutes=minutes))
        fen = None if amount is None else round(amount * 100)
        raw = Raw(
            f"{self.ids}-{len(self.events) + 1:04d}",
            self.person,
            t,
            kind,
            kw.get("channel"),
            kw.get("direction"),
            kw.get("counterparty"),
            kw.get("text"),
            kw.get("app"),
            fen,
            kw.get("attrs"),
        )
        self.events.append(raw)
        return raw


SCAM_CALL = "您好，我是淘宝客服，您在我们店铺购买的面膜经检测存在质量问题，现在给您办理三倍赔偿。"
MOVE_QQ = "退款要走专门的通道，您下载一个TIM，添加我们理赔专员的QQ：28374655，他会一步步指导您。"
CREDIT_LOW = "您这边的信用积分不够，退款打不进来，需要您把余额转到指定账户刷一下信用，钱会原路退回。"
MEETING = "您下载一个小鱼易连，进入会议室883920，打开屏幕共享，我看着您的屏幕指导您操作，不然您容易操作错。"


def victim(person: str = "P_VICTIM", start: datetime = T0, ids: str | None = None) -> Timeline:
    """田先生's afternoon: the call, TIM and QQ, the pretext, the meeting app and screen share, a loan, a new
    payee and the transfer."""
    tl = Timeline(person, start, ids)
    tl.at(0, "call", direction="in", channel="phone", counterparty="4008123456", text=SCAM_CALL)
    tl.at(2, "call", direction="in", channel="phone", counterparty="4008123456", text=MOVE_QQ)
    tl.at(5, "app_install", app="TIM", attrs={"source": "应用商店"})
    tl.at(7, "friend_request", direction="out", channel="qq", counterparty="28374655", app="TIM")
    tl.at(10, "chat_message", direction="in", channel="qq", counterparty="28374655", text=CREDIT_LOW)
    tl.at(13, "chat_message", direction="in", channel="qq", counterparty="28374655", text=MEETING)
    tl.at(16, "app_install", app="小鱼易连", attrs={"source": "应用商店"})
    tl.at(
        18,
        "screen_share_start",
        app="小鱼易连",
        counterparty="883920",
        attrs={"room": "883920", "remote_control": False},
    )
    tl.at(30, "credit_limit_change", app="蚂蚁借呗", amount=400000, attrs={"lender": "蚂蚁借呗"})
    tl.at(
        32,
        "loan",
        direction="in",
        channel="loan_disbursement",
        counterparty="蚂蚁借呗",
        app="蚂蚁借呗",
        amount=200000,
    )
    tl.at(35, "payee_added", channel="bank_app", counterparty="A0000007777")
    tl.at(37, "transfer", direction="out", channel="bank_transfer", counterparty="A0000007777", amount=200000)
    tl.at(45, "screen_share_stop", app="小鱼易连")
    return tl


def lookalike(person: str = "P_ORDINARY", start: datetime = T0, ids: str | None = None) -> Timeline:
    """A day of benign look-alikes: a courier's call, a real refund (in-app customer service, the platform's
    SMS), a work meeting with screen sharing, an ordinary loan, a new payee and a transfer to family."""
    tl = Timeline(person, start, ids)
    tl.at(
        0,
        "call",
        direction="in",
        channel="phone",
        counterparty="13912345678",
        text="你好，中通的，你的包裹外包装有点破损，你收的时候先验一下货，有问题直接拒收就行。",
    )
    tl.at(
        20,
        "chat_message",
        direction="in",
        channel="app",
        app="淘宝",
        counterparty="淘宝官方客服",
        text="您好，您反馈的面膜质量问题我们已经登记，您可以在App里申请退货退款，运费我们承担。",
    )
    tl.at(
        90,
        "sms",
        direction="in",
        channel="sms",
        counterparty="106550101955",
        text="【淘宝】您申请的退款89.00元已退回原支付账户，请注意查收。",
    )
    tl.at(91, "transfer", direction="in", channel="refund", counterparty="A0000000321", amount=89)
    tl.at(
        120,
        "chat_message",
        direction="in",
        channel="dingtalk",
        counterparty="13800001111",
        text="下午三点开周会，腾讯会议号829301223，大家提前进，小王共享屏幕讲一下方案。",
    )
    tl.at(140, "app_install", app="腾讯会议", attrs={"source": "应用商店"})
    tl.at(
        145,
        "screen_share_start",
        app="腾讯会议",
        counterparty="829301223",
        attrs={"room": "829301223", "remote_control": False},
    )
    tl.at(190, "screen_share_stop", app="腾讯会议")
    tl.at(300, "credit_limit_change", app="蚂蚁借呗", amount=16000, attrs={"lender": "蚂蚁借呗"})
    tl.at(
        302,
        "loan",
        direction="in",
        channel="loan_disbursement",
        counterparty="蚂蚁借呗",
        app="蚂蚁借呗",
        amount=8000,
    )
    tl.at(
        303,
        "sms",
        direction="in",
        channel="sms",
        counterparty="10691001",
        text="【蚂蚁借呗】您的借款8000元已到账，请按时还款，保持良好信用。",
    )
    tl.at(
        400,
        "sms",
        direction="in",
        channel="sms",
        counterparty="95588",
        text="【工商银行】您的验证码为402913，您正在进行网上支付，请勿泄露给他人。",
    )
    tl.at(401, "payee_added", channel="bank_app", counterparty="A0000001234")
    tl.at(402, "transfer", direction="out", channel="bank_transfer", counterparty="A0000001234", amount=3000)
    tl.at(
        404,
        "chat_message",
        direction="out",
        channel="wechat",
        counterparty="13900002222",
        text="妈，钱转你了，3000，省着点花。",
    )
    tl.at(
        500,
        "call",
        direction="in",
        channel="phone",
        counterparty="95588",
        text="您好，这里是工商银行信用卡中心，您本期账单1200元，到期还款日是下月5号，请按时还款。",
    )
    return tl


def run(engine: WarnEngine, events: list[Raw]) -> list[dict[str, Any]]:
    return engine.process(events)


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from fanzha.sim.config import SimConfig
    from fanzha.sim.generate import simulate

    out = tmp_path_factory.mktemp("warnworld") / "tiny"
    cfg = SimConfig(people=400, days=10, leaks=2, leak_days=6, leak_stagger_days=2, contacts_per_10k_day=60.0)
    simulate(cfg, out)
    yield out


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sim's `small` preset (2,000 people, 30 days: about 36,000 events), generated once."""
    from fanzha.sim.config import PRESETS
    from fanzha.sim.generate import simulate

    out = tmp_path_factory.mktemp("warnsmall") / "small"
    simulate(PRESETS["small"], out)
    return out


def world_lines(world: Path) -> list[bytes]:
    """A world's events as JSONL lines (time with its offset, amount in yuan, attrs as an object)."""
    import orjson
    import pyarrow.parquet as pq

    out = []
    for r in pq.read_table(world / "events.parquet").to_pylist():
        r["time"] = r["time"].isoformat()
        r["amount"] = None if r["amount"] is None else str(r["amount"])
        r["attrs"] = None if r["attrs"] is None else orjson.loads(r["attrs"])
        out.append(orjson.dumps({k: v for k, v in r.items() if v is not None}) + b"\n")
    return out


def default_config(**kw: Any) -> WarnConfig:
    return WarnConfig(**kw)
