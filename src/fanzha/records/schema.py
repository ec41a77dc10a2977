"""The versioned schema of a world's files (see docs/sim.md). Column order and types are part of the contract."""

from __future__ import annotations

import pyarrow as pa

from fanzha.records.arrow import MONEY, TIME
from fanzha.records.events import FIELDS as EVENT_FIELDS
from fanzha.records.kinds import ACCOUNT_KINDS as ACCOUNT_KINDS
from fanzha.records.kinds import CHANNELS as CHANNELS
from fanzha.records.kinds import EVENT_KINDS as EVENT_KINDS
from fanzha.records.kinds import LOOKALIKE_KINDS as LOOKALIKE_KINDS
from fanzha.records.kinds import THIRD_PARTY_ROLES as THIRD_PARTY_ROLES

SCHEMA_VERSION = "1.0"

PEOPLE = pa.schema(
    [
        ("person_id", pa.string()),
        ("name", pa.string()),
        ("gender", pa.string()),
        ("age", pa.int16()),
        ("awareness", pa.float32()),
        ("city", pa.string()),
        ("occupation", pa.string()),
        ("phone", pa.string()),
        ("employer", pa.string()),
    ]
)
CONTACTS = pa.schema([("person_id", pa.string()), ("contact_id", pa.string()), ("relation", pa.string())])
MERCHANTS = pa.schema(
    [
        ("merchant_id", pa.string()),
        ("kind", pa.string()),  # shop | courier_outlet
        ("name", pa.string()),
        ("platform", pa.string()),  # for shops; the courier company for outlets
        ("city", pa.string()),
        ("account_id", pa.string()),
    ]
)
ACCOUNTS = pa.schema(
    [
        ("account_id", pa.string()),
        ("owner_id", pa.string()),
        ("kind", pa.string()),
        ("bank", pa.string()),
        ("city", pa.string()),
        ("opened", TIME),
        ("opening_balance", MONEY),
    ]
)
DEVICES = pa.schema(
    [
        ("device_id", pa.string()),
        ("owner_id", pa.string()),
        ("kind", pa.string()),
        ("model", pa.string()),
        ("phone", pa.string()),
    ]
)
ORDERS = pa.schema(
    [
        ("order_id", pa.string()),
        ("person_id", pa.string()),
        ("merchant_id", pa.string()),
        ("platform", pa.string()),
        ("item", pa.string()),
        ("category", pa.string()),
        ("price", MONEY),
        ("time", TIME),
        ("city", pa.string()),
        ("courier", pa.string()),
        ("outlet_id", pa.string()),
        ("tracking_no", pa.string()),
        ("delivered", TIME),
        ("transfer_id", pa.string()),
    ]
)
TRANSFERS = pa.schema(
    [
        ("transfer_id", pa.string()),
        ("src", pa.string()),
        ("dst", pa.string()),
        ("amount", MONEY),
        ("time", TIME),
        ("channel", pa.string()),
        ("location", pa.string()),
        ("device", pa.string()),
    ]
)
_TYPES = {"string": pa.string(), "time": TIME, "money": MONEY, "json": pa.string()}
EVENTS = pa.schema([(name, _TYPES[kind]) for name, _, kind in EVENT_FIELDS])

# ground truth (DIR/truth/)
VICTIMS = pa.schema(
    [
        ("person_id", pa.string()),
        ("variant", pa.string()),
        ("gang_id", pa.string()),
        ("first_contact_time", TIME),
        ("first_loss_time", TIME),
        ("amount_lost", MONEY),
        ("outcome", pa.string()),  # hung_up | stopped | lost | dissuaded
        ("stage_reached", pa.int8()),  # 1 取得联系, 2 寻找借口, 3 实施诈骗
        ("last_move", pa.string()),
        ("leak_merchant_id", pa.string()),
        ("order_id", pa.string()),
        ("reported", pa.bool_()),
    ]
)
LINEAGE = pa.schema([("transfer_id", pa.string()), ("victim_id", pa.string()), ("amount", MONEY)])
MULES = pa.schema([("account_id", pa.string()), ("gang_id", pa.string()), ("layer", pa.int8())])
GANGS = pa.schema(
    [
        ("gang_id", pa.string()),
        ("base_city", pa.string()),
        ("phones", pa.list_(pa.string())),
        ("qq_ids", pa.list_(pa.string())),
        ("wechat_ids", pa.list_(pa.string())),
        ("meeting_rooms", pa.list_(pa.string())),
        ("devices", pa.list_(pa.string())),
        ("variants", pa.list_(pa.string())),
        ("cashout_cities", pa.list_(pa.string())),
    ]
)
LEAKS = pa.schema(
    [
        ("merchant_id", pa.string()),
        ("kind", pa.string()),
        ("start", TIME),
        ("end", TIME),
        ("gang_ids", pa.list_(pa.string())),
    ]
)
TIMELINES = pa.schema(
    [
        ("person_id", pa.string()),
        ("step", pa.int16()),
        ("event_id", pa.string()),
        ("time", TIME),
        ("move", pa.string()),
        ("stage", pa.int8()),
        ("transfer_id", pa.string()),
    ]
)
EVENT_LABELS = pa.schema([("event_id", pa.string()), ("label", pa.string()), ("family", pa.string())])
IDENTIFIERS = pa.schema(
    [
        ("gang_id", pa.string()),
        ("kind", pa.string()),  # phone | qq | wechat_id | meeting_id | domain | payment_account | bank_card
        (
            "role",
            pa.string(),
        ),  # caller | bank_caller | qq | wechat | room | domain | test_account | mule_1..3
        ("value", pa.string()),  # normalised as a case file types it (digits, lower case, the bare domain)
        ("valid_from", TIME),
        ("valid_to", TIME),
        ("account_id", pa.string()),  # the ledger account of a card or payment account, else null
    ]
)
REPORTS = pa.schema(
    [
        ("report_id", pa.string()),
        ("person_id", pa.string()),
        ("kind", pa.string()),  # first | duplicate | unrelated
        ("topic", pa.string()),  # ecommerce_cs (this scam), or the kind of unrelated report
        ("duplicate_of", pa.string()),  # the first report of the same case, for a duplicate
        ("gang_id", pa.string()),  # the gang of the campaign reported, null for an unrelated report
        ("reporter", pa.string()),  # victim | police
        ("time", TIME),
        ("delay_s", pa.int64()),  # seconds from the end of the campaign to the report (null: unrelated)
        ("late", pa.bool_()),  # reported more than 72 hours after the campaign ended
        ("loss", MONEY),  # what the person lost
    ]
)
REPORT_IDENTIFIERS = pa.schema(
    [
        ("report_id", pa.string()),
        ("kind", pa.string()),  # as fanzha.cases types it: phone, qq, wechat_id, meeting_id, bank_card …
        ("value", pa.string()),  # normalised (amounts in fen, times ISO 8601: --03-04T15 without a year)
        ("text", pa.string()),  # as written
        ("start", pa.int32()),  # [start, end) in the report's text (Python string offsets)
        ("end", pa.int32()),
    ]
)
BALANCES = pa.schema([("account_id", pa.string()), ("closing_balance", MONEY)])
LOOKALIKES = pa.schema(
    [
        ("person_id", pa.string()),
        ("kind", pa.string()),  # fanzha.records.kinds.LOOKALIKE_KINDS
        ("start", TIME),  # the episode's first event
        ("end", TIME),  # its last event
        ("event_ids", pa.list_(pa.string())),  # its events, in time order
    ]
)
THIRD_PARTIES = pa.schema(
    [
        ("account_id", pa.string()),
        ("role", pa.string()),  # fanzha.records.kinds.THIRD_PARTY_ROLES
        ("name", pa.string()),  # the business, the processor, or who the landlord / employer is
        ("city", pa.string()),  # null for processors (national)
    ]
)

#: people who run others' bank cards from one phone (`fanzha.sim.keepers`): one row per card run
CARD_KEEPERS = pa.schema(
    [
        ("account_id", pa.string()),  # the held card
        ("holder_id", pa.string()),  # whose card it is
        ("keeper_id", pa.string()),  # who runs it
        ("device", pa.string()),  # the keeper's phone, which makes the card's ordinary transfers out
        ("kind", pa.string()),  # contractor (a crew's wage cards) or care_home (residents' cards)
    ]
)

#: relative path → schema, for the checker
FILES: dict[str, pa.Schema] = {
    "people.parquet": PEOPLE,
    "contacts.parquet": CONTACTS,
    "merchants.parquet": MERCHANTS,
    "accounts.parquet": ACCOUNTS,
    "devices.parquet": DEVICES,
    "orders.parquet": ORDERS,
    "transfers.parquet": TRANSFERS,
    "events.parquet": EVENTS,
    "truth/victims.parquet": VICTIMS,
    "truth/lineage.parquet": LINEAGE,
    "truth/mules.parquet": MULES,
    "truth/gangs.parquet": GANGS,
    "truth/leaks.parquet": LEAKS,
    "truth/timelines.parquet": TIMELINES,
    "truth/event_labels.parquet": EVENT_LABELS,
    "truth/balances.parquet": BALANCES,
    "truth/identifiers.parquet": IDENTIFIERS,
    "truth/reports.parquet": REPORTS,
    "truth/report_identifiers.parquet": REPORT_IDENTIFIERS,
    "truth/lookalikes.parquet": LOOKALIKES,
    "truth/third_parties.parquet": THIRD_PARTIES,
    "truth/card_keepers.parquet": CARD_KEEPERS,
}

#: what a centre receives (`fanzha sim --telemetry WORLD --profile P --out DIR`): the profile's events in the
#: order they arrive, and when each arrived from which source
ARRIVALS = pa.schema(
    [
        ("event_id", pa.string()),
        ("source", pa.string()),  # fanzha.records.kinds.TELEMETRY_SOURCES
        ("time", TIME),  # when it happened
        ("received", TIME),  # when the centre received it
    ]
)
TELEMETRY_FILES: dict[str, pa.Schema] = {"events.parquet": EVENTS, "arrivals.parquet": ARRIVALS}
