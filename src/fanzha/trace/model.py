"""Names and value types shared by the tracer: channels, account kinds, seeds, limits and results.

Money is integer fen (分) everywhere inside the tracer, times are microseconds since the Unix epoch (UTC),
and a transfer's place in the ledger is its position `pos` in ledger order (time, transfer_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fanzha.records.kinds import CASH_OUT_CHANNELS as CASH_OUT_CHANNELS
from fanzha.records.kinds import CHANNELS as LEDGER_CHANNELS
from fanzha.records.kinds import SINK_KINDS as SINK_KINDS

#: the ledger channels of the records, plus `other` for values no mapping recognised
CHANNELS: tuple[str, ...] = (*LEDGER_CHANNELS, "other")

#: Chinese names used in pictures and summaries
CHANNEL_ZH: dict[str, str] = {
    "bank_transfer": "银行转账",
    "payment_account": "支付账户",
    "cash_withdrawal": "取现",
    "pos": "POS消费",
    "salary": "工资",
    "loan_disbursement": "贷款发放",
    "loan_repayment": "还款",
    "merchant_payment": "商户支付",
    "refund": "退款",
    "cash_deposit": "现金存入",
    "other": "其他",
}

CLEAN = -1  # the label of money that is no victim's

#: the largest amount a ledger row may move, in fen: 1,000,000,000,000 yuan (sums of many such stay exact)
MAX_FEN = 10**14
#: the largest opening balance of an account, in fen (a bank's or a merchant's float can be huge)
MAX_OPENING_FEN = 10**17
#: the times a ledger row may have, µs since the epoch: from 1900-01-01 (inclusive) to 2200-01-01 (UTC)
MIN_US, MAX_US = -2_208_988_800_000_000, 7_258_118_400_000_000


@dataclass(frozen=True, slots=True)
class Seed:
    """A victim's loss-making transfer: all of its amount is that victim's money from then on."""

    victim_id: str
    transfer_id: str
    where: str = ""  # file:row the seed came from


@dataclass(frozen=True, slots=True)
class AccountSeed:
    """An account and a time: every transfer leaving `account_id` from `since_us` on (to `until_us`) is
    a seed of `victim_id` (for example when a gang drove the victim's account with a stolen code)."""

    victim_id: str
    account_id: str
    since_us: int
    until_us: int | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class Limits:
    """How far to follow the money: at most `max_hops` transfers from a seed, up to `until_us` and at most
    `window_us` after the earliest seed (whichever comes first)."""

    max_hops: int | None = None
    until_us: int | None = None
    window_us: int | None = None

    def describe(self) -> dict[str, Any]:
        """The limits as JSON-able data (for summaries)."""
        return {"max_hops": self.max_hops, "until_us": self.until_us, "window_us": self.window_us}


@dataclass(slots=True)
class TransferRows:
    """Ledger rows as parallel lists (positions in ledger order; accounts as integer codes)."""

    pos: list[int] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    dst: list[int] = field(default_factory=list)
    amount: list[int] = field(default_factory=list)
    t: list[int] = field(default_factory=list)
    terminal: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pos)
