"""Configuration of a synthetic world, and the presets.

Every number that shapes the world lives here, so a world is fully described by its `SimConfig` (which is
written, with the schema version, to `DIR/manifest.json`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fanzha.errors import InputError
from fanzha.registry import Registry


@dataclass(frozen=True, slots=True)
class SimConfig:
    """A world: its size, its seed and the rates of ordinary life and of the scam."""

    people: int = 2_000
    days: int = 30
    seed: int = 0
    start: date = date(2024, 3, 1)
    #: merchants (shops) on the platforms; 0 = derived from `people`
    merchants: int = 0
    #: courier outlets (网点); 0 = derived from `people`
    outlets: int = 0
    #: gangs running campaigns; 0 = derived from `people`
    gangs: int = 0
    #: how many merchants / courier outlets leak their orders, and when: leak i starts on day
    #: `leak_start_day + i * leak_stagger_days` and lasts `leak_days` days
    leaks: int = 2
    leak_start_day: int = 0
    leak_days: int = 10
    leak_stagger_days: int = 7
    #: campaigns started per day per 10,000 people (shared among the gangs, capped by their leaked pools;
    #: each person is contacted at most once)
    contacts_per_10k_day: float = 10.0
    #: ordinary life, in events per person per day
    shop_rate: float = 0.22
    pos_rate: float = 0.08
    family_rate: float = 0.035
    topup_rate: float = 0.05
    withdraw_rate: float = 0.02
    deposit_rate: float = 0.004
    loan_rate: float = 0.0015
    repay_rate: float = 0.012
    refund_share: float = 0.04
    #: message-like ordinary events (calls, SMS, chats, meetings …) per person per day
    message_rate: float = 0.35
    #: share of orders whose delivery produces a courier SMS / call
    courier_notice_share: float = 0.6
    #: report probability for a victim who lost money, and for one who stopped after a loss-free contact
    report_share_lost: float = 0.65
    report_share_stopped: float = 0.08
    #: gangs rotate their phones, QQ and WeChat ids, meeting rooms and phishing domains, each used for some days
    #: (False: each gang keeps its first ones for the whole run)
    rotation: bool = True
    #: share of reports made late (3 to 45 days after the scam instead of within three days)
    report_late_share: float = 0.2
    #: share of reported campaigns reported a second time (the victim again, or an officer's record)
    report_duplicate_share: float = 0.12
    #: reports that are not this scam (another kind of fraud, or a genuine contact and no loss), per scam report
    report_unrelated_share: float = 0.2
    #: share of scam reports naming a real hotline the victim called to check (95188, the courier outlet …)
    report_hotline_share: float = 0.25
    #: issue 19, off in a bare `SimConfig` (the world as it was: old manifests make the same world again) and on
    #: in the presets. Ordinary life that looks like a scam: new QQ / WeChat contacts both ways, chat and meeting
    #: apps installed, payments during a screen share, deposits and loans to new payees after a dealer's or an
    #: agent's call, couriers and shops paying compensation over WeChat, platform refunds, genuine SMS with links
    #: (truth/lookalikes.parquet); incoming transfers and small red packets (docs/sim.md gives every rate)
    lookalikes: bool = False
    #: people who run many other people's bank cards from one phone (a contractor keeping his crew's wage cards, a
    #: care home its residents'), per 10,000 people, at least one in a world when above 0: the look-alike of the
    #: banks' shared-phone flag (`fanzha.sim.keepers`; truth/card_keepers.parquet)
    card_keepers: float = 0.0
    #: new QQ / WeChat contacts per person per day, on average: each person has a rate of their own, one new
    #: contact every 5 to 20 days
    new_contact_rate: float = 0.1
    #: innocent third parties in the money's path: payment processors with heavy clean traffic between mule
    #: layers, busy shops' QR codes that victims pay, sellers paid by peel chains, landlords and employers of
    #: rented mule cards (truth/third_parties.parquet)
    third_parties: bool = False
    #: the seeds' behaviours as campaign variants: voice calls inside QQ / TIM / WeChat, fake base station SMS,
    #: QQ groups with robots, QR-code payments, several cards emptied into one, account takeover, lenders
    #: outside the list, contacts in a platform's chat or a live stream, cash-out by gold / crypto / gift cards
    #: / abroad, victims who doubt the warning call, repeat victims
    seed_variants: bool = False
    #: with seed_variants: share of the victims who lost money whom a gang contacts again (their order's data
    #: sold on, a list of people who paid once), 3 to 20 days after the first campaign (presets: 0.05).
    #: truth/victims.parquet then holds one row per campaign: a repeat victim has two
    repeat_share: float = 0.0
    #: rows per Parquet row group (the writer also flushes at the end of each day)
    row_group: int = 131_072
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, least in (("people", 50), ("days", 1), ("seed", 0), ("leaks", 1), ("card_keepers", 0)):
            value = getattr(self, name)
            if value < least:
                raise InputError("E424", where=f"--{name}", option=name, min=least, value=value)

    @property
    def n_merchants(self) -> int:
        return self.merchants or max(40, self.people // 60)

    @property
    def n_outlets(self) -> int:
        return self.outlets or max(16, self.people // 400)

    @property
    def n_gangs(self) -> int:
        return self.gangs or max(3, min(40, self.people // 12_000 + 3))

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["start"] = self.start.isoformat()
        return out

    def replace(self, **changes: Any) -> SimConfig:
        return dataclasses.replace(self, **changes)

    def classic(self) -> SimConfig:
        """The world as it was before issue 19: no look-alike ordinary life, no third parties in the money's path,
        no new campaign variants. Its files are those of the old generator, byte for byte (the new truth files
        are there, empty)."""
        return self.replace(
            lookalikes=False, third_parties=False, seed_variants=False, card_keepers=0.0, repeat_share=0.0
        )


#: what the presets turn on (issue 19)
ORDINARY_AND_SEEDS: dict[str, Any] = {
    "lookalikes": True,
    "third_parties": True,
    "seed_variants": True,
    "card_keepers": 1.0,
    "repeat_share": 0.05,
}

PRESETS: Registry[SimConfig] = Registry("preset", code="E421", option="--preset")
# tests and CI: a few seconds
PRESETS.register(
    "small", SimConfig(people=2_000, days=30, leaks=3, contacts_per_10k_day=15.0, **ORDINARY_AND_SEEDS)
)
# a realistic month and a half of a mid-sized district
PRESETS.register("medium", SimConfig(people=100_000, days=60, leaks=3, **ORDINARY_AND_SEEDS))
# the benchmark: at least 10^7 ledger rows
PRESETS.register(
    "large", SimConfig(people=420_000, days=60, leaks=4, message_rate=0.25, **ORDINARY_AND_SEEDS)
)


def preset(name: str) -> SimConfig:
    """The preset called `name`; E421 lists the valid names."""
    return PRESETS.get(name)
