"""The named kinds of the records: event kinds, ledger channels, account kinds — one list each for the world that
writes them (`fanzha.sim`) and the engines that read them (`fanzha.warn`, `fanzha.trace`)."""

from __future__ import annotations

#: event kinds (events.kind), schema version 1.0
EVENT_KINDS: tuple[str, ...] = (
    "call",
    "sms",
    "chat_message",
    "friend_request",
    "app_install",
    "screen_share_start",
    "screen_share_stop",
    "reserve_fund_opened",
    "loan",
    "credit_limit_change",
    "payee_added",
    "transfer",
    "intervention",
)

#: kinds whose `text` is a message the detector scores
MESSAGE_KINDS: frozenset[str] = frozenset({"call", "sms", "chat_message", "friend_request"})

#: ledger channels (transfers.channel)
CHANNELS: tuple[str, ...] = (
    "bank_transfer",  # card → card (mobile banking, counter, 网银)
    "payment_account",  # into / out of / between third-party payment accounts (支付宝, 微信, 云闪付), QR codes
    "cash_withdrawal",  # card → cash sink of a city (ATM or counter)
    "pos",  # card → POS merchant sink (purchases, and gangs' POS cash-out)
    "salary",  # employer → employee; also pensions
    "loan_disbursement",  # lender → borrower (借呗, 备用金, 网贷 …)
    "loan_repayment",  # borrower → lender
    "merchant_payment",  # buyer → shop (an order), and shop settlements to its owner
    "refund",  # shop → buyer, and a gang returning a test transfer
    "cash_deposit",  # cash source of a city → card
)


ACCOUNT_KINDS: tuple[str, ...] = (
    "bank_card",
    "payment_account",
    "merchant",
    "employer",
    "lender",
    "cash",
    "pos_merchant",
    "external",
)

#: money sent through these channels leaves the traceable ledger (cash in hand, goods bought)
CASH_OUT_CHANNELS: tuple[str, ...] = ("cash_withdrawal", "pos")
#: money arriving at accounts of these kinds leaves the traceable ledger
SINK_KINDS: tuple[str, ...] = ("cash", "pos_merchant", "external")
