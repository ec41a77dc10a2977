"""The request and response bodies (pydantic), in families: ``…Create`` (what a client sends to make one),
``…Update`` (what it may change), ``…Public`` (what it gets back)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_nul(v: str) -> str:
    if "\x00" in v:
        raise ValueError("contains a NUL character")
    return v


#: a text field: bounded, without NUL characters (PostgreSQL cannot store them)
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_no_nul)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")]
Label = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
Role = Literal["operator", "supervisor", "investigator", "admin"]
Scope = Literal["check", "events", "alerts:read", "payees"]
Level = Literal["low", "medium", "high"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(_Out):
    code: str
    message: str
    where: str | None = None
    hint: str | None = None


class ErrorResponse(_Out):
    error: ErrorBody


# -- check -----------------------------------------------------------------------------------------------


class Turn(_In):
    speaker: Label | None = None
    text: Text


class CheckCreate(_In):
    """One text, or one chat as turns."""

    text: Text | None = Field(
        default=None, examples=["您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿"]
    )
    turns: list[Turn] | None = Field(default=None, max_length=500)
    explain: bool = False


class CheckItem(_In):
    id: Label
    text: Text | None = None
    turns: list[Turn] | None = Field(default=None, max_length=500)


class CheckBatchCreate(_In):
    items: list[CheckItem] = Field(min_length=1)
    explain: bool = False


class VerdictPublic(_Out):
    """`fanzha check --json`: label, kind, category, variant, stage, score, findings, advice, entities."""

    label: Literal["scam", "suspicious", "safe"]
    kind: str
    category: str | None = None
    variant: str | None = None
    stage: int | None = None
    score: float
    findings: list[dict[str, Any]]
    advice: list[str]


class CheckBatchPublic(_Out):
    items: list[dict[str, Any]]


# -- auth, users, keys -------------------------------------------------------------------------------------


class LoginCreate(_In):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=200)]


class UserPublic(_Out):
    id: int
    username: str
    display_name: str
    role: Role
    station: str | None = None
    active: bool


class TokenPublic(_Out):
    token: str
    expires_at: str
    user: UserPublic


class MePublic(_Out):
    kind: Literal["user", "key", "anonymous"]
    name: str
    role: str | None = None
    station: str | None = None
    permissions: list[str]


class UserCreate(_In):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=200)]
    role: Role
    display_name: Label | None = None
    station: Label | None = None


class UserUpdate(_In):
    role: Role | None = None
    station: Label | None = None
    active: bool | None = None
    password: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    display_name: Label | None = None


class ApiKeyCreate(_In):
    name: Label
    scopes: list[Scope] = Field(min_length=1)


class ApiKeyPublic(_Out):
    key_id: str
    name: str
    scopes: list[str]
    created_by: str
    revoked: bool


class ApiKeyCreated(ApiKeyPublic):
    secret: str = Field(description="shown once: keep it")


# -- events and alerts -------------------------------------------------------------------------------------


class EventsCreate(_In):
    """A batch of events (the warn schema, docs/warn.md): each row is validated on its own."""

    events: list[dict[str, Any]] = Field(
        max_length=100_000,
        examples=[
            [
                {
                    "event_id": "e1",
                    "person_id": "P1",
                    "time": "2024-03-05T10:00:00+08:00",
                    "kind": "call",
                    "direction": "in",
                    "channel": "phone",
                    "counterparty": "4008123456",
                    "text": "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿",
                }
            ]
        ],
    )


class IngestRow(_Out):
    row: int
    event_id: str | None = None
    status: Literal["accepted", "duplicate", "rejected"]
    error: ErrorBody | None = None


class IngestPublic(_Out):
    batch: int | None = None
    accepted: int
    duplicates: int
    rejected: int
    revisions: int
    rows: list[IngestRow]


# -- the shared scam-account list ---------------------------------------------------------------------------


class PayeesCreate(_In):
    """Accounts for the shared scam-account list (`fanzha.warn.payees`): each row validated on its own."""

    payees: list[Any] = Field(
        max_length=100_000,
        examples=[
            [
                {
                    "account": "6222021234567890123",
                    "time": "2024-03-05T18:50:00+08:00",
                    "reason": "reported",
                    "source": "江东分局 案件 R1",
                },
                {
                    "device": "D000002001",
                    "time": "2024-03-05T19:10:00+08:00",
                    "reason": "reported",
                    "source": "工商银行 报案 R1 被盗刷设备",
                },
            ]
        ],
    )


Subject = Literal["account", "device"]


class PayeeRow(_Out):
    row: int
    account: str | None = None
    device: str | None = Field(default=None, description="a phone's row: the phone")
    status: Literal["accepted", "duplicate", "rejected"]
    error: ErrorBody | None = None


class PayeesAdded(_Out):
    accepted: int
    duplicate: int
    rejected: int
    rows: list[PayeeRow]


class PayeeFlagPublic(_Out):
    time: str
    reason: Literal["reported", "receiving_bank", "alerted_payer"]
    source: str


class PayeeCleared(_Out):
    time: str
    source: str


class PayeePublic(_Out):
    subject: Subject = Field(default="account", description="an account, or a phone (device)")
    account: str = Field(description="the account, or the phone's device id")
    known: Literal["reported", "receiving_bank", "alerted_payer"] | None = Field(
        description="the strongest reason the list knows now (null: not on the list)"
    )
    flags: list[PayeeFlagPublic]
    cleared: list[PayeeCleared] = Field(description="when it was taken off the list, and why")


class GivenFlag(_Out):
    subject: Subject = "account"
    account: str = Field(description="the account, or the phone's device id")
    time: str
    reason: Literal["reported", "receiving_bank", "cleared"]
    source: str
    created_by: str
    created: str


class GivenPage(_Out):
    items: list[GivenFlag]


class AlertItem(_Out):
    alert_id: str
    person_id: str
    revision: int
    level: Level
    risk: float
    stage: int
    variant: str
    status: Literal["new", "claimed", "handed_off", "resolved"]
    assignee: str | None = None
    station: str | None = None
    raised_at: str | None = None
    due_at: str | None = None


class AlertPage(_Out):
    total: int
    limit: int
    offset: int
    items: list[AlertItem]


class NoteCreate(_In):
    text: Annotated[str, Field(min_length=1, max_length=5_000), AfterValidator(_no_nul)]


class OutcomeCreate(_In):
    outcome: Literal["dissuaded", "lost", "unreachable", "false_alarm", "handed_off"]
    amount_protected: float = Field(default=0.0, ge=0, le=1e11, description="yuan")
    note: Annotated[str, Field(max_length=5_000), AfterValidator(_no_nul)] | None = None
    station: Label | None = Field(default=None, description="the station, for handed_off")


class HandoffCreate(_In):
    station: Label
    note: Annotated[str, Field(max_length=5_000), AfterValidator(_no_nul)] | None = None


class PersonCreate(_In):
    person_id: Label
    name: Label | None = None
    phone: Annotated[str, Field(max_length=64), AfterValidator(_no_nul)] | None = None
    station: Label | None = None
    city: Label | None = None


class PersonsCreate(_In):
    persons: list[PersonCreate] = Field(min_length=1, max_length=100_000)


class PersonPublic(_Out):
    person_id: str
    name: str | None = None
    phone: str | None = None
    station: str | None = None
    city: str | None = None


# -- webhooks, traces, audit -------------------------------------------------------------------------------


class WebhookCreate(_In):
    url: Annotated[str, Field(min_length=8, max_length=2000), AfterValidator(_no_nul)]
    min_level: Level = "medium"


class WebhookPublic(_Out):
    id: int
    url: str
    min_level: Level
    active: bool


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="the HMAC key of X-Fanzha-Signature; shown once")


class SeedCreate(_In):
    victim_id: Label
    transfer_id: Label


class WorldTraceCreate(_In):
    world: Label
    seeds: list[SeedCreate] | None = Field(default=None, max_length=100_000)
    policy: Annotated[str, Field(max_length=40)] = "fifo"


class TracePublic(_Out):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    params: dict[str, Any]
    summary: dict[str, Any] | None = None
    error: ErrorBody | None = None


class TablePage(_Out):
    trace_id: str
    table: str
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


# -- cases -------------------------------------------------------------------------------------------------


class ReportsCreate(_In):
    """Reports as JSON objects (the fields `fanzha cases intake` reads: report_id, person_id, time, reporter,
    text, amount_claimed and identifier columns; other names through `mapping` or `map`): each row filed on its
    own."""

    reports: list[Any] = Field(
        max_length=100_000,
        examples=[
            [
                {
                    "report_id": "R1",
                    "time": "2024-03-05T18:50:00+08:00",
                    "text": "事主接到自称京东客服的电话（170 2948 3957），称商品有质量问题可退款赔偿，"
                    "后诱导其开启屏幕共享，共计损失人民币9999元。",
                }
            ]
        ],
    )
    mapping: dict[str, Any] | None = Field(
        default=None,
        description="a column mapping as docs/cases.md gives it: columns (field → key), timezone, encoding",
    )
    map: list[Annotated[str, Field(max_length=400)]] | None = Field(
        default=None, max_length=50, description="FIELD=COLUMN pairs, as --map"
    )


class CaseIdentifier(_Out):
    kind: str
    text: str
    key: str | None = None
    role: str | None = None
    start: int | None = None
    end: int | None = None


class CaseBrief(_Out):
    case_id: str
    report_id: str
    origin: Literal["report", "alert"] = "report"  # an alert of the warning engine filed as a case
    label: str
    category: str | None = None
    variant: str | None = None
    stage: int | None = None
    loss: str
    identifiers: list[CaseIdentifier]


class IntakeRow(_Out):
    row: int
    source: str
    status: Literal["accepted", "updated", "duplicate", "rejected"]
    report_id: str | None = None
    case_id: str | None = None
    case: CaseBrief | None = None
    error: ErrorBody | None = None


class IntakePublic(_Out):
    accepted: int
    updated: int
    duplicates: int
    rejected: int
    rows: list[IntakeRow]


class CasePage(_Out):
    total: int
    offset: int
    limit: int
    items: list[CaseBrief]


class CasePublic(CaseBrief):
    text: str
    cluster: dict[str, Any] | None = None


class LinkCreate(_In):
    trace_id: Label | None = Field(
        default=None, description="a trace job that is done: accounts on the money's path link cases too"
    )


class LeaksCreate(_In):
    world: Label = Field(description="a stored world whose orders.parquet to test")
    link_id: Label | None = Field(default=None, description="the link job (default: the latest one done)")
    window_days: float | None = Field(default=None, gt=0, le=3650)
    alpha: float | None = Field(default=None, gt=0, lt=1)
    min_victims: int | None = Field(default=None, ge=1, le=100_000)
    contacts: bool = Field(
        default=False,
        description="also the people the gang's numbers and QQ / WeChat accounts named in the reports reached, "
        "from the stored world's events (its records)",
    )


class CaseJobPublic(_Out):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    params: dict[str, Any]
    summary: dict[str, Any] | None = None
    error: ErrorBody | None = None


class ClusterPage(_Out):
    link_id: str
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


class SuspectsPublic(_Out):
    leaks_id: str
    scope: str
    victims: int
    suspects: list[dict[str, Any]]
