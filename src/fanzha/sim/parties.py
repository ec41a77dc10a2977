"""Accounts the first world lacked (issue 19), added after the gangs' so that every account before them keeps its
index: people's other bank cards, lenders outside the first list, the sinks of the new cash-outs (gold, crypto,
gift cards, abroad), and the innocent third parties in the money's path — payment processors and the merchants
they settle to, busy shops' collection QR codes, sellers that peel chains buy from, landlords and employers of
rented mule cards — with the peel chains' single-use cards.

Each group is drawn from a stream of its own (`fanzha.sim.rng.EXTRA`, `fanzha.sim.rng.THIRD`), so turning one
on changes nothing drawn for the others. The clean traffic of the third parties is planned by `schedule` into
the engine that runs the mules (`fanzha.sim.mules.SpecialEngine`): every transfer into or out of an account that
can hold victims' money runs there, in time order, with FIFO lineage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fanzha.records.units import US_PER_DAY, US_PER_SECOND
from fanzha.sim import catalog as cat
from fanzha.sim import rng as streams
from fanzha.sim.world import BIG, Account, MuleCard

if TYPE_CHECKING:
    from fanzha.sim.world import World

#: people with a second bank card, and (of them) with a third: dormant savings cards a campaign can empty.
#: The People's Bank counts about 6.9 bank cards per person in China (2023); the world keeps the ones that hold
#: money the person would move: an assumption.
SECOND_CARD, THIRD_CARD = 0.55, 0.35
#: peel-chain cards bought per gang per day of the world (each used once)
PEEL_PER_DAY = 4
#: share of the layer 1 and 2 bank cards that are a real person's card rented to the gang (卡农): a salary comes
#: in while the gang uses it, and the rent goes out
RENTED_SHARE = 0.3
MIN = 60 * US_PER_SECOND


@dataclass(frozen=True, slots=True)
class Rented:
    """A rented personal mule card: its holder's employer and salary, their landlord and rent (fen)."""

    employer: int
    salary: int
    landlord: int
    rent: int


@dataclass(frozen=True, slots=True)
class Party:
    """An innocent account in the money's path (truth/third_parties.parquet)."""

    account: int
    role: str
    name: str
    city: int


def build(world: World) -> None:
    """Add the accounts of the parts of issue 19 that `world.config` turns on."""
    c = world.config
    world.other_cards = np.full((world.n_people, 2), -1, dtype=np.int64)
    if c.seed_variants:
        _other_cards(world, streams.stream(c.seed, streams.EXTRA))
        rng = streams.stream(c.seed, streams.EXTRA, 1)
        for name in cat.OUTSIDE_LENDERS:
            world.outside_lenders.append(world.add_account(Account("lender", name, -1, 900, opening=BIG)))
        _sinks(world, rng)
    if c.third_parties:
        _third(world, streams.stream(c.seed, streams.THIRD))


def _other_cards(world: World, rng: np.random.Generator) -> None:
    n = world.n_people
    second = rng.random(n) < SECOND_CARD
    third = second & (rng.random(n) < THIRD_CARD)
    savings = rng.lognormal(np.log(np.clip(world.age * 120.0, 2000, 15000))[:, None], 1.1, (n, 2))
    banks = rng.choice(len(cat.BANKS), size=(n, 2), p=_norm([b[1] for b in cat.BANKS]))
    opened = rng.integers(60, 5000, size=(n, 2))
    for p in np.flatnonzero(second).tolist():
        for k in range(2 if third[p] else 1):
            world.other_cards[p, k] = world.add_account(
                Account(
                    "bank_card",
                    None,
                    int(world.city[p]),
                    int(opened[p, k]),
                    owner=p,
                    opening=int(savings[p, k]) * 100,
                    bank=int(banks[p, k]),
                )
            )


def _sinks(world: World, rng: np.random.Generator) -> None:
    """The sinks of the new cash-outs: a gold dealer in every cash-out city, USDT dealers, gift-card platforms,
    accounts abroad."""
    sinks: dict[str, list[int]] = {"gold": [], "crypto": [], "gift_card": [], "overseas": []}
    for city in cat.CASHOUT_CITIES:
        ci = world.city_index[city]
        sinks["gold"].append(
            world.add_account(Account("gold", f"{city}黄金回收", ci, int(rng.integers(100, 3000))))
        )
    for i in range(8):
        ci = world.city_index[cat.CASHOUT_CITIES[i % len(cat.CASHOUT_CITIES)]]
        sinks["crypto"].append(
            world.add_account(Account("crypto", "USDT承兑商", ci, int(rng.integers(30, 400))))
        )
    for name in cat.GIFT_CARD_PLATFORMS:
        sinks["gift_card"].append(world.add_account(Account("gift_card", name, -1, 2000)))
    for place in cat.OVERSEAS:
        sinks["overseas"].append(world.add_account(Account("overseas", f"境外账户（{place}）", -1, 500)))
    world.new_sinks = sinks


def _third(world: World, rng: np.random.Generator) -> None:
    c = world.config
    cities = len(cat.CITIES)
    party = world.parties

    def add(role: str, account: Account, name: str) -> int:
        idx = world.add_account(account)
        party.append(Party(idx, role, name, account.city))
        world.tracked_third.add(idx)
        return idx

    n_proc = max(3, min(len(cat.PROCESSORS), 2 + c.people // 50_000))
    for i in range(n_proc):
        name = cat.PROCESSORS[i]
        opening = int(rng.integers(3_000_000, 8_000_000)) * 100  # 备付金: millions of yuan
        proc = add(
            "processor", Account("processor", name, -1, int(rng.integers(1000, 4000)), opening=opening), name
        )
        world.processors.append(proc)
        merchants = []
        for _ in range(25):
            ci = int(rng.integers(cities))
            shop = _shop_name(rng)
            merchants.append(
                add(
                    "processor_merchant",
                    Account("merchant", shop, ci, int(rng.integers(100, 3000)), opening=_yuan(rng, 20_000)),
                    f"{shop}（{name}商户）",
                )
            )
        world.processor_merchants[proc] = merchants
    for gang in world.gangs:
        for _ in range(4):
            ci = int(rng.integers(cities))
            shop = cat.CITIES[ci][0] + _stem(rng) + cat.QR_SHOPS[int(rng.integers(len(cat.QR_SHOPS)))]
            acc = add(
                "merchant_qr",
                Account("merchant", shop, ci, int(rng.integers(100, 3000)), opening=_yuan(rng, 8_000)),
                shop,
            )
            gang.qr_codes.append(acc)
            world.qr_accounts.append(acc)
    for city in cat.CASHOUT_CITIES:
        ci = world.city_index[city]
        world.sellers[ci] = []
        for _ in range(4):
            shop = city + _stem(rng) + cat.SELLERS[int(rng.integers(len(cat.SELLERS)))]
            world.sellers[ci].append(
                add(
                    "seller",
                    Account("merchant", shop, ci, int(rng.integers(100, 3000)), opening=_yuan(rng, 60_000)),
                    shop,
                )
            )
    landlords: dict[int, list[int]] = {}
    for gang in world.gangs:
        ci = world.city_index[gang.base_city]
        if ci not in landlords:
            landlords[ci] = [
                add(
                    "landlord",
                    Account(
                        "bank_card",
                        None,
                        ci,
                        int(rng.integers(300, 5000)),
                        opening=_yuan(rng, 30_000),
                        bank=int(rng.integers(len(cat.BANKS))),
                    ),
                    f"{gang.base_city}房东{cat.SURNAMES[int(rng.integers(len(cat.SURNAMES)))]}某",
                )
                for _ in range(12)
            ]
    employers: set[int] = set()
    for gang in world.gangs:
        ci = world.city_index[gang.base_city]
        for card in gang.cards:
            if card.layer == 3 or world.card_number(card.account) is None or rng.random() >= RENTED_SHARE:
                continue
            e = int(rng.integers(1, len(cat.EMPLOYERS)))
            employer = world.base["employer"] + e
            employers.add(e)
            world.rented[card.account] = Rented(
                employer,
                int(rng.integers(3_000, 9_000)) * 100,
                landlords[ci][int(rng.integers(len(landlords[ci])))],
                int(rng.integers(15, 45)) * 10_000,
            )
    for e in sorted(employers):
        party.append(Party(world.base["employer"] + e, "employer", cat.EMPLOYERS[e], -1))
    # the peel chains' single-use cards, bought a few a day
    for gang in world.gangs:
        for day in range(-2, c.days + 2):
            for _ in range(PEEL_PER_DAY):
                city = gang.cashout_cities[int(rng.integers(2))]
                acc = world.add_account(
                    Account(
                        "bank_card",
                        None,
                        world.city_index[city],
                        int(rng.integers(7, 200)) - day,
                        bank=int(rng.choice([7, 8, 6, 0, 1, 2, 3])),
                    )
                )
                start = world.t0 + day * US_PER_DAY + int(rng.integers(0, US_PER_DAY))
                gang.peel.append(MuleCard(acc, gang.index, 3, start, start + 10 * US_PER_DAY, city, -1))


def _norm(w: list[float]) -> np.ndarray:
    a = np.asarray(w, dtype=np.float64)
    out: np.ndarray = a / a.sum()
    return out


def _yuan(rng: np.random.Generator, median: float) -> int:
    return int(rng.lognormal(np.log(median), 0.6)) * 100


def _stem(rng: np.random.Generator) -> str:
    return cat.SHOP_STEMS[int(rng.integers(len(cat.SHOP_STEMS)))]


def _shop_name(rng: np.random.Generator) -> str:
    return _stem(rng) + cat.SHOP_WORDS[int(rng.integers(len(cat.SHOP_WORDS)))]
