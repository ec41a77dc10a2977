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
    # issue 19: a payment institution's clearing account (备付金); the sinks of the new cash-outs
    "processor",
    "gold",  # a gold dealer (金店, 黄金回收): the money becomes gold bars
    "crypto",  # a USDT over-the-counter dealer (U商): the money becomes crypto
    "gift_card",  # a gift-card or top-up card platform (购物卡, 充值卡)
    "overseas",  # an account abroad or an underground bank (地下钱庄, 跨境)
)

#: the event kinds whose counterparty is a payee's account (what the shared payee list is asked about, what
#: `attrs.counterparty_type` is said of)
PAYEE_KINDS: frozenset[str] = frozenset(("payee_added", "transfer"))

#: accounts a bank knows as a company's (对公): what a payee's `attrs.counterparty_type` says is "corporate".
#: The world's `external` accounts stand for the companies outside it (bills, car dealers, suppliers, the shops'
#: banks); a USDT dealer and an account abroad are not known as companies
CORPORATE_KINDS: tuple[str, ...] = (
    "merchant",
    "employer",
    "lender",
    "pos_merchant",
    "external",
    "processor",
    "gold",
    "gift_card",
)

#: money sent through these channels leaves the traceable ledger (cash in hand, goods bought)
CASH_OUT_CHANNELS: tuple[str, ...] = ("cash_withdrawal", "pos")
#: money arriving at accounts of these kinds leaves the traceable ledger
SINK_KINDS: tuple[str, ...] = ("cash", "pos_merchant", "external", "gold", "crypto", "gift_card", "overseas")
#: sinks that never pay anything out (cash and external accounts include the world's sources of money)
PURE_SINK_KINDS: tuple[str, ...] = ("pos_merchant", "gold", "crypto", "gift_card", "overseas")

#: roles of the innocent accounts in the money's path (truth/third_parties.parquet)
THIRD_PARTY_ROLES: tuple[str, ...] = (
    "processor",  # a payment processor's clearing account (聚合支付 / 第三方支付) between mule layers
    "processor_merchant",  # a merchant the processor settles to (heavy clean traffic)
    "merchant_qr",  # a busy shop's collection QR code (收款码) that victims pay and that forwards the money
    "seller",  # a shop paid by a peel chain (金店, 手机店, 烟酒店 …): goods bought with the money
    "landlord",  # paid rent from a rented personal mule card (卡农)
    "employer",  # pays a salary into a rented personal mule card
)

#: kinds of ordinary-life episodes that look like a scam (truth/lookalikes.parquet)
LOOKALIKE_KINDS: tuple[str, ...] = (
    "new_contact_out",  # the person adds a new QQ / WeChat contact (often after that person's call)
    "new_contact_in",  # a new QQ / WeChat contact adds the person
    "chat_app_install",  # QQ or TIM installed (a new phone, work)
    "meeting_app_install",  # a meeting app installed (a parents' meeting, an interview, an online class)
    "share_payment",  # a payee added and money sent during a screen share (work, or helping a parent)
    "car_purchase",  # a car dealer's call, their WeChat, a loan, a new payee and a deposit
    "rental_deposit",  # a letting agent's call, their WeChat, a new payee and a deposit (sometimes a loan)
    "courier_compensation",  # a courier pays compensation for a damaged or lost parcel over WeChat
    "shop_compensation",  # a shop's after-sales adds WeChat and pays a small compensation
    "platform_refund",  # a platform's compensation (运费险, 价保): an SMS and a small amount back
    "official_sms",  # a bank's or platform's genuine SMS with a link and a number
    "kept_card_payee",  # a new payee that is a card someone else's phone runs (a crew's wage card kept by the foreman)
)

#: where an anti-fraud centre's events come from (`fanzha sim --telemetry`), and what each profile receives
TELEMETRY_SOURCES: tuple[str, ...] = ("bank", "payment", "lender", "telco", "device", "chat", "centre")
TELEMETRY_PROFILES: dict[str, tuple[str, ...]] = {
    "bank": ("bank", "payment", "lender"),  # transfers, payees, loans and credit: no messages
    "bank_telco": ("bank", "payment", "lender", "telco"),  # + call and SMS records, without their content
    "full": ("bank", "payment", "lender", "device", "chat"),  # + devices, chats, calls and SMS with content
}
