"""What the centre's and the service's tests share: event timelines as JSON objects (田先生's afternoon and an
ordinary day), a centre on a fresh store (SQLite in a temporary folder, or the test PostgreSQL server), users of
every role, and keys of every scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fanzha.centre import LOCAL, Actor, Centre, Settings
from fanzha.centre.checking import Checker
from fanzha.warn.textscore import DetectorScorer

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 3, 5, 10, 0, tzinfo=SH)
PASSWORD = "correct horse battery"
ROLES = ("operator", "supervisor", "investigator", "admin")
SCOPES = ("check", "events", "alerts:read", "payees")

SCAM_CALL = "您好，我是淘宝客服，您在我们店铺购买的面膜经检测存在质量问题，现在给您办理三倍赔偿。"
MOVE_QQ = "退款要走专门的通道，您下载一个TIM，添加我们理赔专员的QQ：28374655，他会一步步指导您。"
CREDIT_LOW = "您这边的信用积分不够，退款打不进来，需要您把余额转到指定账户刷一下信用，钱会原路退回。"
MEETING = "您下载一个小鱼易连，进入会议室883920，打开屏幕共享，我看着您的屏幕指导您操作，不然您容易操作错。"


def victim(person: str = "P_TIAN", start: datetime = T0, ids: str | None = None) -> list[dict[str, Any]]:
    """田先生's afternoon as events: the call, TIM and QQ, the pretext, the meeting app and screen share, a
    loan, a new payee and the transfer."""
    ids = ids or person
    steps: list[tuple[float, dict[str, Any]]] = [
        (
            0,
            {
                "kind": "call",
                "direction": "in",
                "channel": "phone",
                "counterparty": "4008123456",
                "text": SCAM_CALL,
            },
        ),
        (
            2,
            {
                "kind": "call",
                "direction": "in",
                "channel": "phone",
                "counterparty": "4008123456",
                "text": MOVE_QQ,
            },
        ),
        (5, {"kind": "app_install", "app": "TIM", "attrs": {"source": "应用商店"}}),
        (
            7,
            {
                "kind": "friend_request",
                "direction": "out",
                "channel": "qq",
                "counterparty": "28374655",
                "app": "TIM",
            },
        ),
        (
            10,
            {
                "kind": "chat_message",
                "direction": "in",
                "channel": "qq",
                "counterparty": "28374655",
                "text": CREDIT_LOW,
            },
        ),
        (
            13,
            {
                "kind": "chat_message",
                "direction": "in",
                "channel": "qq",
                "counterparty": "28374655",
                "text": MEETING,
            },
        ),
        (16, {"kind": "app_install", "app": "小鱼易连", "attrs": {"source": "应用商店"}}),
        (
            18,
            {
                "kind": "screen_share_start",
                "app": "小鱼易连",
                "counterparty": "883920",
                "attrs": {"room": "883920"},
            },
        ),
        (
            30,
            {
                "kind": "credit_limit_change",
                "app": "蚂蚁借呗",
                "amount": 400000,
                "attrs": {"lender": "蚂蚁借呗"},
            },
        ),
        (
            32,
            {
                "kind": "loan",
                "direction": "in",
                "channel": "loan_disbursement",
                "counterparty": "蚂蚁借呗",
                "amount": 200000,
            },
        ),
        (35, {"kind": "payee_added", "channel": "bank_app", "counterparty": "A0000007777"}),
        (
            37,
            {
                "kind": "transfer",
                "direction": "out",
                "channel": "bank_transfer",
                "counterparty": "A0000007777",
                "amount": 200000,
            },
        ),
        (45, {"kind": "screen_share_stop", "app": "小鱼易连"}),
    ]
    return [
        {
            "event_id": f"{ids}-{k + 1:04d}",
            "person_id": person,
            "time": (start + timedelta(minutes=m)).isoformat(),
            **ev,
        }
        for k, (m, ev) in enumerate(steps)
    ]


def ordinary(person: str = "P_ORDINARY", start: datetime = T0) -> list[dict[str, Any]]:
    """A day with nothing to warn about: a courier's SMS, a payment, a transfer to family."""
    return [
        {
            "event_id": f"{person}-1",
            "person_id": person,
            "time": start.isoformat(),
            "kind": "sms",
            "direction": "in",
            "channel": "sms",
            "counterparty": "95311",
            "text": "【中通快递】您的包裹已到驿站，请凭取件码 3-2-1102 取件。",
        },
        {
            "event_id": f"{person}-2",
            "person_id": person,
            "time": (start + timedelta(minutes=40)).isoformat(),
            "kind": "transfer",
            "direction": "out",
            "channel": "bank_transfer",
            "counterparty": "A0000000001",
            "amount": 300,
        },
    ]


_CHECKER: Checker | None = None
_SCORER: DetectorScorer | None = None


def scorer() -> DetectorScorer:
    """One text scorer for every live engine a test makes."""
    global _SCORER
    if _SCORER is None:
        _SCORER = DetectorScorer()
    return _SCORER


def checker() -> Checker:
    """One detector for every centre a test makes (building one loads the knowledge base and the model)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = Checker("default")
    return _CHECKER


@dataclass
class Crew:
    """A centre with a user of every role and a key of every scope."""

    centre: Centre
    tokens: dict[str, str] = field(default_factory=dict)  # role → session token
    keys: dict[str, str] = field(default_factory=dict)  # scope → API key
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, who: str) -> Actor:
        return self.actors[who]


def crew(centre: Centre) -> Crew:
    c = Crew(centre)
    for role in ROLES:
        centre.accounts.create_user(
            LOCAL, role, PASSWORD, role, display_name=f"{role} 测试", station="涪陵城东派出所"
        )
        token, _, _ = centre.accounts.login(role, PASSWORD, "127.0.0.1")
        c.tokens[role] = token
        c.actors[role] = Actor(centre.accounts.principal(token), "127.0.0.1")
    for scope in SCOPES:
        secret, _ = centre.accounts.create_key(LOCAL, f"integrator {scope}", [scope])
        c.keys[scope] = secret
        c.actors[f"key:{scope}"] = Actor(centre.accounts.principal(secret), "127.0.0.2")
    return c


def settings(db: str, tmp: Path, **kw: Any) -> Settings:
    """Settings for a test: its store, folders in `tmp`, cheap password hashing."""
    kw.setdefault("argon2_time_cost", 1)
    kw.setdefault("argon2_memory_kib", 1024)
    return Settings(db=db, data_dir=tmp / "data", worlds_dir=tmp / "worlds", **kw)


def centre(db: str, tmp: Path, **kw: Any) -> Centre:
    """A centre for a test, sharing the session's detector and scorer."""
    return Centre(settings(db, tmp), checker=checker(), scorer=scorer(), **kw)
