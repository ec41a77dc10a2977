"""The static world: people, their accounts, devices and contacts; shops, courier outlets; institutions;
gangs with their phones, chat ids, meeting rooms, devices and mule cards bought in batches.

Everything is held in numpy arrays indexed by integer ids; string ids are made only when writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fanzha.kb.templates import SCAM_VARIANTS
from fanzha.records.arrow import fen_to_decimal, fixed_ids, times
from fanzha.records.kinds import CORPORATE_KINDS
from fanzha.records.schema import ACCOUNTS, CONTACTS, DEVICES, MERCHANTS, PEOPLE
from fanzha.records.units import US_PER_DAY, us_of
from fanzha.sim import catalog as cat
from fanzha.sim import keepers
from fanzha.sim import rng as streams
from fanzha.sim.config import SimConfig

if TYPE_CHECKING:
    from fanzha.sim.parties import Party, Rented

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

BIG = 10**15  # fen in a source account: ten trillion yuan, never exhausted
N_CONTACTS = 4


def _weights(pairs: tuple[tuple[str, float], ...] | tuple[tuple[str, float, str], ...]) -> F64:
    w = np.array([p[1] for p in pairs], dtype=np.float64)
    out: F64 = w / w.sum()
    return out


@dataclass(frozen=True, slots=True)
class Account:
    """An account added after the gangs' (issue 19): people's other cards, new lenders and sinks, third parties,
    peel-chain cards. Their indices follow the gangs' accounts, so the accounts before them are the same with or
    without them."""

    kind: str  # fanzha.records.kinds.ACCOUNT_KINDS
    label: str | None  # bank, lender, business or sink label (accounts.parquet `bank`)
    city: int  # city index, or -1
    opened_days: int  # days before the start
    owner: int = -1  # person index, or -1
    opening: int = 0  # fen
    bank: int = -1  # index in catalog.BANKS of a bank card (its number), else -1


@dataclass
class MuleCard:
    """A mule account bought by a gang (layer 1 receives victims' money, 2 splits it, 3 cashes it out)."""

    account: int
    gang: int
    layer: int
    active_from: int  # µs
    active_to: int  # µs
    city: str
    device: int


#: the identifiers a gang rotates, by role: (how many are in use at once, shortest and longest use in days)
ROTATION: dict[str, tuple[int, int, int]] = {
    "caller": (3, 5, 14),  # virtual-operator and 400 numbers that call the victims
    "bank_caller": (1, 8, 20),  # 95xxx look-alikes posing as the bank
    "qq": (2, 7, 21),
    "wechat": (2, 6, 18),
    "room": (2, 3, 8),  # meeting rooms
    "domain": (1, 4, 10),  # phishing sites (links sent to victims)
}
#: what kind of identifier each role is, as a case file types it (`fanzha.text.identifiers`)
ROLE_KIND: dict[str, str] = {
    "caller": "phone",
    "bank_caller": "phone",
    "qq": "qq",
    "wechat": "wechat_id",
    "room": "meeting_id",
    "domain": "domain",
}


@dataclass(frozen=True, slots=True)
class Ident:
    """An identifier a gang uses in [valid_from, valid_to) µs."""

    role: str
    value: str
    valid_from: int
    valid_to: int


@dataclass
class Gang:
    index: int
    base_city: str
    phones: list[str]
    qq_ids: list[str]
    wechat_ids: list[str]
    rooms: list[str]
    devices: list[int]
    variants: list[str]
    variant_weights: F64
    cashout_cities: list[str]
    test_account: int
    cards: list[MuleCard] = field(default_factory=list)
    #: every identifier the gang uses, by role, in order of first use (`ROTATION`)
    idents: dict[str, list[Ident]] = field(default_factory=dict)
    #: the payment-account handle (an e-mail or a mobile) of the test-transfer account
    pay_handle: str = ""
    rotation: bool = True
    #: issue 19 (third parties): single-use cards of the peel chains, and the shops' QR codes victims pay
    peel: list[MuleCard] = field(default_factory=list)
    qr_codes: list[int] = field(default_factory=list)
    #: QQ groups used (seeds' variants): value → (first, last use) µs
    groups: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def gang_id(self) -> str:
        return f"G{self.index:03d}"

    def first(self, role: str) -> list[str]:
        """The role's identifiers drawn with the gang (before any rotation), in the order campaigns index them."""
        return {
            "caller": self.phones[2:],
            "bank_caller": self.phones[:2],
            "qq": self.qq_ids,
            "wechat": self.wechat_ids,
            "room": self.rooms,
        }.get(role, [i.value for i in self.idents.get(role, [])][:1])

    def group(self, t: int, seed: int) -> str:
        """The QQ group (issue 19) the gang pulls a person into at `t`: a new one every week, its first and last
        use recorded in `groups`."""
        from fanzha.sim.rng import unit

        week = t // (7 * 86_400_000_000)
        value = str(10**8 + int(unit(seed, 32, self.index, week) * 9 * 10**8))
        first, last = self.groups.get(value, (t, t))
        self.groups[value] = (min(first, t), max(last, t))
        return value

    def pick(self, role: str, t: int, drawn: int, u: float) -> str:
        """The identifier of `role` a campaign uses at `t`: without rotation the one at index `drawn` of `first`
        (what the campaign's own draw chose before rotation existed), with rotation one of those in use at `t`
        chosen by `u` in [0, 1)."""
        if not self.rotation:
            return self.first(role)[drawn]
        idents = self.idents[role]
        active = [i for i in idents if i.valid_from <= t < i.valid_to]
        if not active:  # after the last period: the latest started
            active = [
                max((i for i in idents if i.valid_from <= t), key=lambda i: i.valid_from, default=idents[0])
            ]
        return active[int(u * len(active))].value


class World:
    """All entities of one world, built deterministically from a `SimConfig`."""

    opening: npt.NDArray[np.int64]
    mule_layer: npt.NDArray[np.int8]
    mule_gang: npt.NDArray[np.int64]

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        c = config
        self.tz = ZoneInfo("Asia/Shanghai")
        self.t0 = us_of(datetime.combine(c.start, time(0), tzinfo=self.tz))
        self.cities = [name for name, _ in cat.CITIES]
        for extra in cat.CASHOUT_CITIES:
            if extra not in self.cities:
                self.cities.append(extra)
        self.city_index = {name: i for i, name in enumerate(self.cities)}
        self._people(streams.stream(c.seed, streams.PEOPLE))
        self._merchants(streams.stream(c.seed, streams.MERCHANTS))
        self._accounts(streams.stream(c.seed, streams.ACCOUNTS))
        self._gangs(streams.stream(c.seed, streams.GANGS))
        #: accounts after the gangs' (issue 19), in index order from `n_gang_accounts`
        self.more: list[Account] = []
        self.n_gang_accounts = self.n_accounts
        #: people's other bank cards (-1: none), lenders outside the first list, the new sinks by kind
        self.other_cards = np.full((0, 2), -1, dtype=np.int64)
        self.outside_lenders: list[int] = []
        self.new_sinks: dict[str, list[int]] = {}
        #: the third parties (truth/third_parties.parquet), by role; the accounts whose money is tracked
        self.parties: list[Party] = []
        self.processors: list[int] = []
        self.processor_merchants: dict[int, list[int]] = {}
        self.qr_accounts: list[int] = []
        self.sellers: dict[int, list[int]] = {}  # by city index
        self.rented: dict[int, Rented] = {}  # rented personal mule cards
        self.tracked_third: set[int] = set()
        if c.lookalikes or c.third_parties or c.seed_variants:
            from fanzha.sim import parties

            parties.build(self)
            self.opening = np.concatenate([self.opening, np.array([a.opening for a in self.more], np.int64)])
            grow = len(self.more)
            self.mule_layer = np.concatenate([self.mule_layer, np.zeros(grow, dtype=np.int8)])
            self.mule_gang = np.concatenate([self.mule_gang, np.full(grow, -1, dtype=np.int64)])
            for gang in self.gangs:
                for card in gang.peel:
                    self.mule_layer[card.account] = card.layer
                    self.mule_gang[card.account] = gang.index
        #: people who run others' cards from one phone (truth/card_keepers.parquet) and, per account, the device
        #: that runs it (-1: its holder's own)
        self.keepers = keepers.draw(self)
        self.kept_by = keepers.run_by(self, self.keepers)

    def add_account(self, account: Account) -> int:
        """Append an account after the gangs' (and the others added before it); its index."""
        self.more.append(account)
        self.n_accounts += 1
        return self.n_accounts - 1

    # -- people --------------------------------------------------------------------------------------------
    def _people(self, rng: np.random.Generator) -> None:
        n = self.config.people
        self.n_people = n
        age = np.clip(rng.gamma(6.0, 7.0, n) + 14, 18, 88).astype(np.int64)
        self.age = age
        # awareness of this scam: young adults and the old are less wary; a wide spread at every age
        base = rng.beta(5.0, 2.2, n)
        dip = np.where(age < 30, 0.12, 0.0) + np.where(age > 65, 0.18, 0.0)
        self.awareness = np.clip(base - dip, 0.0, 1.0)
        self.city = rng.choice(len(cat.CITIES), size=n, p=_weights(cat.CITIES)).astype(np.int64)
        occ = np.empty(n, dtype=np.int64)
        u = rng.random(n)
        occ[:] = np.where(
            u < 0.45, 0, np.where(u < 0.7, 1, np.where(u < 0.85, 2, 5))
        )  # office/worker/service/self
        occ[(age < 23) & (rng.random(n) < 0.7)] = 3  # student
        occ[age >= 62] = 4  # retired
        occ[(occ < 3) & (rng.random(n) < 0.05)] = 6  # homemaker
        self.occupation = occ
        employed = np.isin(occ, (0, 1, 2))
        self.employer = np.where(
            occ == 4, 0, np.where(employed, rng.integers(1, len(cat.EMPLOYERS), n), -1)
        ).astype(np.int64)
        salary_yuan = np.where(
            occ == 4,
            rng.lognormal(np.log(3200), 0.35, n),
            rng.lognormal(np.log(np.where(occ == 0, 9000, np.where(occ == 1, 6500, 5000))), 0.4, n),
        )
        self.salary = np.where(self.employer >= 0, np.round(salary_yuan, 0) * 100, 0).astype(np.int64)
        self.payday = rng.integers(1, 29, n).astype(np.int64)
        self.female = rng.random(n) < 0.52
        self.surname = rng.integers(len(cat.SURNAMES), size=n)
        self.given = rng.integers(len(cat.GIVEN), size=n)
        prefixes = np.array(
            [133, 135, 136, 137, 138, 139, 150, 151, 152, 158, 159, 176, 177, 180, 186, 187, 188, 189, 199]
        )
        self.phone = (
            prefixes[rng.integers(len(prefixes), size=n)] * 10**8 + (np.arange(n) * 7919 + 12_345_678) % 10**8
        )
        # contacts: family in the same city where possible, drawn uniformly otherwise
        by_city = np.argsort(self.city, kind="stable")
        pos = np.empty(n, dtype=np.int64)
        pos[by_city] = np.arange(n)
        offs = rng.integers(1, 40, size=(n, N_CONTACTS))
        near = by_city[(pos[:, None] + offs) % n]
        far = rng.integers(0, n, size=(n, N_CONTACTS))
        self.contacts = np.where(rng.random((n, N_CONTACTS)) < 0.8, near, far).astype(np.int64)
        selfs = self.contacts == np.arange(n)[:, None]
        self.contacts = np.where(selfs, (np.arange(n)[:, None] + 1) % n, self.contacts)
        self.relation = rng.integers(0, 4, size=(n, N_CONTACTS))
        self.phone_model = rng.integers(len(cat.PHONE_MODELS), size=n)
        self.office = (occ == 0) & (rng.random(n) < 0.7)  # has work meetings with screen sharing

    def person_name(self, p: int) -> str:
        return cat.SURNAMES[int(self.surname[p])] + cat.GIVEN[int(self.given[p])]

    def polite_name(self, p: int) -> str:
        return cat.SURNAMES[int(self.surname[p])] + ("女士" if self.female[p] else "先生")

    # -- shops and courier outlets ----------------------------------------------------------------------
    def _merchants(self, rng: np.random.Generator) -> None:
        c = self.config
        m = c.n_merchants
        self.n_shops = m
        self.shop_platform = rng.choice(len(cat.PLATFORMS), size=m, p=_weights(cat.PLATFORMS)).astype(
            np.int64
        )
        self.shop_city = rng.choice(len(cat.CITIES), size=m, p=_weights(cat.CITIES)).astype(np.int64)
        self.shop_name = [
            cat.SHOP_STEMS[int(a)] + cat.SHOP_WORDS[int(b)]
            for a, b in zip(
                rng.integers(len(cat.SHOP_STEMS), size=m),
                rng.integers(len(cat.SHOP_WORDS), size=m),
                strict=True,
            )
        ]
        # popularity is heavy-tailed: a few shops take many orders
        pop = rng.pareto(1.3, m) + 1.0
        self.shop_weight = pop / pop.sum()
        # what each shop sells: a main item and price level
        self.shop_item = rng.integers(len(cat.ITEMS), size=m)
        k = c.n_outlets
        self.n_outlets = k
        self.outlet_courier = rng.choice(len(cat.COURIERS), size=k, p=_weights(cat.COURIERS)).astype(np.int64)
        self.outlet_city = rng.choice(len(cat.CITIES), size=k, p=_weights(cat.CITIES)).astype(np.int64)
        # each city's outlets per courier, for routing orders to the outlet that delivers them
        self.outlets_by_city_courier: dict[tuple[int, int], list[int]] = {}
        for i in range(k):
            self.outlets_by_city_courier.setdefault(
                (int(self.outlet_city[i]), int(self.outlet_courier[i])), []
            ).append(i)
        self.outlet_of = np.full((len(cat.CITIES), len(cat.COURIERS)), -1, dtype=np.int64)
        for (ci, co), idx in self.outlets_by_city_courier.items():
            self.outlet_of[ci, co] = idx[0]
        # couriers with no outlet in a city are served by the first outlet of that courier anywhere
        for co in range(len(cat.COURIERS)):
            anyw = np.flatnonzero(self.outlet_courier == co)
            fallback = int(anyw[0]) if len(anyw) else 0
            col = self.outlet_of[:, co]
            col[col < 0] = fallback

    def merchant_id(self, i: int) -> str:
        """Shops are M0…, courier outlets K0… (both appear in merchants.parquet and leaks.parquet)."""
        return f"M{i:06d}" if i < self.n_shops else f"K{i - self.n_shops:05d}"

    # -- accounts --------------------------------------------------------------------------------------
    def _accounts(self, rng: np.random.Generator) -> None:
        n = self.n_people
        nc = len(self.cities)
        blocks: list[tuple[str, int]] = [
            ("card", n),
            ("wallet", n),
            ("shop", self.n_shops),
            ("outlet", self.n_outlets),
            ("employer", len(cat.EMPLOYERS)),
            ("lender", len(cat.LENDERS)),
            ("atm", nc),
            ("cashin", nc),
            ("pos", nc),
            ("ext_src", 24),
            ("ext_sink", 24),
        ]
        self.base: dict[str, int] = {}
        total = 0
        for name, size in blocks:
            self.base[name] = total
            total += size
        self.n_fixed_accounts = total
        opening = np.zeros(total, dtype=np.int64)
        savings = rng.lognormal(np.log(np.clip(self.age * 350.0, 6000, 40000)), 1.0, n)
        opening[self.base["card"] : self.base["card"] + n] = np.round(savings, 0).astype(np.int64) * 100
        opening[self.base["wallet"] : self.base["wallet"] + n] = (
            rng.lognormal(np.log(600), 1.0, n) * 100
        ).astype(np.int64)
        opening[self.base["shop"] : self.base["shop"] + self.n_shops] = (
            rng.lognormal(np.log(20000), 0.8, self.n_shops) * 100
        ).astype(np.int64)
        for name in ("employer", "lender", "cashin", "ext_src"):
            lo = self.base[name]
            opening[lo : lo + dict(blocks)[name]] = BIG
        self.opening = opening
        self.wallet_kind = rng.choice(len(cat.WALLETS), size=n, p=_weights(cat.WALLETS)).astype(np.int64)
        self.card_bank = rng.choice(len(cat.BANKS), size=n, p=_weights(cat.BANKS)).astype(np.int64)
        self.opened_days = np.zeros(total, dtype=np.int64)  # days before start
        self.opened_days[:] = rng.integers(30, 3650, total)

    def card(self, p: npt.ArrayLike) -> I64:
        return np.asarray(p, dtype=np.int64) + self.base["card"]

    def wallet(self, p: npt.ArrayLike) -> I64:
        return np.asarray(p, dtype=np.int64) + self.base["wallet"]

    # -- gangs -----------------------------------------------------------------------------------------
    def _gangs(self, rng: np.random.Generator) -> None:
        c = self.config
        self.gangs: list[Gang] = []
        next_acc = self.n_fixed_accounts
        # (kind 0 card / 1 payment account, bank, city, opened day relative to start, owner 1 gang, opening fen)
        self.extra_accounts: list[tuple[int, int, int, int, int, int]] = []
        next_dev = self.n_people
        self.gang_devices: list[int] = []
        virtual = (170, 171, 162, 165, 167)
        for g in range(c.n_gangs):
            base_city = cat.CASHOUT_CITIES[int(rng.integers(len(cat.CASHOUT_CITIES)))]
            phones = (
                [f"95{int(rng.integers(100, 1000))}{int(rng.integers(0, 10))}" for _ in range(2)]
                + [f"400{int(rng.integers(1_000_000, 9_999_999))}" for _ in range(2)]
                + [
                    f"{virtual[int(rng.integers(len(virtual)))]}{int(rng.integers(10**7, 10**8))}"
                    for _ in range(6)
                ]
            )
            qq = [str(int(rng.integers(10**8, 4 * 10**9))) for _ in range(5)]
            wx = [
                f"kf_{_alnum(rng, 6)}" if rng.random() < 0.5 else f"wxid_{_alnum(rng, 10)}" for _ in range(4)
            ]
            rooms = [str(int(rng.integers(10**7, 10**9))) for _ in range(4)]
            devices = list(range(next_dev, next_dev + 6))
            next_dev += 6
            self.gang_devices.extend(devices)
            k = int(rng.integers(2, 5))
            vidx = rng.choice(len(SCAM_VARIANTS), size=k, replace=False)
            variants = [SCAM_VARIANTS[int(i)] for i in sorted(vidx)]
            vw = rng.dirichlet(np.ones(k) * 2.0)
            cash = [
                cat.CASHOUT_CITIES[int(i)] for i in rng.choice(len(cat.CASHOUT_CITIES), size=2, replace=False)
            ]
            test_acc = next_acc
            next_acc += 1
            self.extra_accounts.append((1, 0, self.city_index[base_city], -200, 1, 500_000))
            gang = Gang(g, base_city, phones, qq, wx, rooms, devices, variants, vw, cash, test_acc)
            # mule cards, bought in batches every few days, each card used for a few days
            day = -3
            while day < c.days + 2:
                for layer, lo, hi in ((1, 3, 8), (2, 3, 6), (3, 2, 4)):
                    for _ in range(int(rng.integers(lo, hi))):
                        kind = 1 if (layer == 2 and rng.random() < 0.4) else 0  # 1 = payment account
                        city = cash[int(rng.integers(2))] if layer == 3 else base_city
                        start = self.t0 + day * US_PER_DAY + int(rng.integers(0, US_PER_DAY))
                        span = int(rng.integers(3, 8)) * US_PER_DAY
                        bank = int(rng.choice([7, 8, 6, 0, 1, 2, 3])) if kind == 0 else 0
                        opening_fen = int(rng.integers(0, 20_000))
                        self.extra_accounts.append(
                            (
                                kind,
                                bank,
                                self.city_index[city],
                                day - int(rng.integers(7, 400)),
                                0,
                                opening_fen,
                            )
                        )
                        gang.cards.append(
                            MuleCard(
                                next_acc,
                                g,
                                layer,
                                start,
                                start + span,
                                city,
                                devices[int(rng.integers(len(devices)))],
                            )
                        )
                        next_acc += 1
                day += int(rng.integers(3, 6))
            self.gangs.append(gang)
        self.n_accounts = next_acc
        self.n_devices = next_dev
        self._rotate()
        extra_open = np.array([e[5] for e in self.extra_accounts], dtype=np.int64)
        self.opening = np.concatenate([self.opening, extra_open])
        self.mule_layer = np.zeros(self.n_accounts, dtype=np.int8)
        self.mule_gang = np.full(self.n_accounts, -1, dtype=np.int64)
        for gang in self.gangs:
            for card in gang.cards:
                self.mule_layer[card.account] = card.layer
                self.mule_gang[card.account] = gang.index

    def _rotate(self) -> None:
        """Each gang's identifiers over time (`ROTATION`), from a stream of their own so that nothing else drawn
        changes: the first ones are those drawn with the gang, later ones new; each is used for some days and
        overlaps its successor. Without rotation a gang keeps its first identifiers all along."""
        c = self.config
        begin, end = self.t0 - 20 * US_PER_DAY, self.t0 + (c.days + 10) * US_PER_DAY
        used = {v for g in self.gangs for v in (*g.phones, *g.qq_ids, *g.wechat_ids, *g.rooms)}
        for gang in self.gangs:
            rng = streams.stream(c.seed, streams.IDENTS, gang.index)
            gang.rotation = c.rotation
            gang.pay_handle = _unique(used, _pay_handle, rng)
            for role, (concurrent, lo, hi) in ROTATION.items():
                first = list(gang.first(role)) if role != "domain" else []
                out: list[Ident] = []
                if not c.rotation:
                    if not first:
                        first = [_unique(used, _new_ident, role, rng)]
                    out = [Ident(role, v, begin - 10 * US_PER_DAY, end + 60 * US_PER_DAY) for v in first]
                else:
                    for slot in range(concurrent):
                        t = begin - int(rng.integers(0, hi * US_PER_DAY))
                        k = slot
                        while t < end:
                            if k < len(first):
                                value = first[k]
                            else:
                                value = _unique(used, _new_ident, role, rng)
                            k += concurrent
                            life = int(rng.integers(lo * US_PER_DAY, hi * US_PER_DAY))
                            out.append(Ident(role, value, t, t + life))
                            t += life - int(rng.integers(0, 36 * 3600)) * 1_000_000
                out.sort(key=lambda i: (i.valid_from, i.value))
                gang.idents[role] = out

    def card_number(self, account: int) -> str | None:
        """The 19-digit (Luhn-valid) number of a bank-card account, None for other accounts: the issuing bank's
        BIN, twelve digits unique to the account, the check digit."""
        n = self.n_people
        if account < n:
            bank = int(self.card_bank[account])
        elif account >= self.n_gang_accounts:
            bank = self.more[account - self.n_gang_accounts].bank
            if bank < 0:
                return None
        elif account >= self.n_fixed_accounts:
            kind, bank, *_ = self.extra_accounts[account - self.n_fixed_accounts]
            if kind != 0:
                return None
        else:
            return None
        body = cat.BANK_BINS[bank] + f"{(account * 982_451_653 + 1_234_567) % 10**12:012d}"
        return body + _luhn_digit(body)

    def bank_name(self, account: int) -> str:
        """The bank of a bank-card account (the first wallet's name for a payment account)."""
        if account < self.n_people:
            return cat.BANKS[int(self.card_bank[account])][0]
        if account >= self.n_gang_accounts:
            more = self.more[account - self.n_gang_accounts]
            return cat.BANKS[more.bank][0] if more.bank >= 0 else str(more.label)
        kind, bank, *_ = self.extra_accounts[account - self.n_fixed_accounts]
        return cat.WALLETS[0][0] if kind == 1 else cat.BANKS[bank][0]

    def outlet_phone(self, outlet: int) -> str:
        """The landline of a courier outlet (its city's area code and eight digits)."""
        area = cat.AREA_CODES[int(self.outlet_city[outlet])]
        return f"{area}{(outlet * 7_919 + 52_013_000) % 10**8:08d}"

    # -- tables written once -----------------------------------------------------------------------------
    def people_table(self) -> pa.Table:
        n = self.n_people
        names = [
            cat.SURNAMES[int(s)] + cat.GIVEN[int(g)] for s, g in zip(self.surname, self.given, strict=True)
        ]
        occ = np.array(cat.OCCUPATIONS, dtype=object)[self.occupation]
        emp = [cat.EMPLOYERS[int(e)] if e >= 0 else None for e in self.employer]
        return pa.table(
            [
                fixed_ids("P", np.arange(n), 8),
                pa.array(names, pa.string()),
                pa.array(np.where(self.female, "F", "M").tolist(), pa.string()),
                pa.array(self.age.astype(np.int16), pa.int16()),
                pa.array(np.round(self.awareness, 3).astype(np.float32), pa.float32()),
                pa.array([self.cities[int(i)] for i in self.city], pa.string()),
                pa.array(occ.tolist(), pa.string()),
                pa.array(self.phone.astype(str).tolist(), pa.string()),
                pa.array(emp, pa.string()),
            ],
            schema=PEOPLE,
        )

    def contacts_table(self) -> pa.Table:
        n = self.n_people
        rel = np.array(["parent", "child", "spouse", "friend"], dtype=object)
        src = np.repeat(np.arange(n), N_CONTACTS)
        return pa.table(
            [
                fixed_ids("P", src, 8),
                fixed_ids("P", self.contacts.ravel(), 8),
                pa.array(rel[self.relation.ravel()].tolist(), pa.string()),
            ],
            schema=CONTACTS,
        )

    def merchants_table(self) -> pa.Table:
        ids = [self.merchant_id(i) for i in range(self.n_shops + self.n_outlets)]
        kinds = ["shop"] * self.n_shops + ["courier_outlet"] * self.n_outlets
        names = self.shop_name + [
            f"{cat.COURIERS[int(co)][0]}{cat.CITIES[int(ci)][0]}{i % 97 + 1}号网点"
            for i, (co, ci) in enumerate(zip(self.outlet_courier, self.outlet_city, strict=True))
        ]
        plat = [cat.PLATFORMS[int(p)][0] for p in self.shop_platform] + [
            cat.COURIERS[int(co)][0] for co in self.outlet_courier
        ]
        city = [cat.CITIES[int(ci)][0] for ci in self.shop_city] + [
            cat.CITIES[int(ci)][0] for ci in self.outlet_city
        ]
        acc = fixed_ids("A", np.arange(self.n_shops + self.n_outlets) + self.base["shop"], 10)
        return pa.table(
            [
                pa.array(ids, pa.string()),
                pa.array(kinds, pa.string()),
                pa.array(names, pa.string()),
                pa.array(plat, pa.string()),
                pa.array(city, pa.string()),
                acc,
            ],
            schema=MERCHANTS,
        )

    def account_labels(self) -> tuple[list[str | None], list[str], list[str | None], list[str | None]]:
        """owner_id, kind, bank, city of every account (in account index order)."""
        owner: list[str | None] = []
        kind: list[str] = []
        bank: list[str | None] = []
        city: list[str | None] = []
        n = self.n_people
        pid = [f"P{i:08d}" for i in range(n)]
        owner += pid
        kind += ["bank_card"] * n
        bank += [cat.BANKS[int(b)][0] for b in self.card_bank]
        city += [self.cities[int(c)] for c in self.city]
        owner += pid
        kind += ["payment_account"] * n
        bank += [cat.WALLETS[int(w)][0] for w in self.wallet_kind]
        city += [self.cities[int(c)] for c in self.city]
        for i in range(self.n_shops + self.n_outlets):
            owner.append(self.merchant_id(i))
            kind.append("merchant")
            bank.append(None)
            city.append(
                cat.CITIES[
                    int(self.shop_city[i] if i < self.n_shops else self.outlet_city[i - self.n_shops])
                ][0]
            )
        for e in cat.EMPLOYERS:
            owner.append(None)
            kind.append("employer")
            bank.append(e)
            city.append(None)
        for lender in cat.LENDERS:
            owner.append(None)
            kind.append("lender")
            bank.append(lender)
            city.append(None)
        for label, k in (("ATM", "cash"), ("现金存入", "cash"), ("POS", "pos_merchant")):
            for cname in self.cities:
                owner.append(None)
                kind.append(k)
                bank.append(label)
                city.append(cname)
        for label in ("外部来源", "外部去向"):
            for _ in range(24):
                owner.append(None)
                kind.append("external")
                bank.append(label)
                city.append(None)
        for ek, b, ci, _opened, _owner, _open in self.extra_accounts:
            owner.append(None)
            kind.append("payment_account" if ek == 1 else "bank_card")
            bank.append(cat.WALLETS[0][0] if ek == 1 else cat.BANKS[b][0])
            city.append(self.cities[ci])
        for a in self.more:
            owner.append(pid[a.owner] if a.owner >= 0 else None)
            kind.append(a.kind)
            bank.append(cat.BANKS[a.bank][0] if a.bank >= 0 else a.label)
            city.append(self.cities[a.city] if a.city >= 0 else None)
        return owner, kind, bank, city

    def corporate(self) -> npt.NDArray[np.bool_]:
        """Per account: is it a company's (`fanzha.records.kinds.CORPORATE_KINDS`), as a payer's bank knows it."""
        return np.isin(np.array(self.account_labels()[1], dtype=object), CORPORATE_KINDS)

    def accounts_table(self) -> pa.Table:
        owner, kind, bank, city = self.account_labels()
        opened_days = np.concatenate(
            [
                self.opened_days,
                -np.array([e[3] for e in self.extra_accounts], dtype=np.int64),
                np.array([a.opened_days for a in self.more], dtype=np.int64),
            ]
        )
        opened = self.t0 - opened_days * US_PER_DAY
        return pa.table(
            [
                fixed_ids("A", np.arange(self.n_accounts), 10),
                pa.array(owner, pa.string()),
                pa.array(kind, pa.string()),
                pa.array(bank, pa.string()),
                pa.array(city, pa.string()),
                times(opened),
                fen_to_decimal(self.opening),
            ],
            schema=ACCOUNTS,
        )

    def devices_table(self) -> pa.Table:
        n = self.n_people
        m = self.n_devices - n
        models = [cat.PHONE_MODELS[int(i)] for i in self.phone_model] + [
            "安卓手机" if i % 3 else "笔记本电脑" for i in range(m)
        ]
        kinds = ["phone"] * n + ["phone" if i % 3 else "pc" for i in range(m)]
        phones: list[str | None] = [str(p) for p in self.phone.tolist()] + [None] * m
        owner: list[str | None] = [f"P{i:08d}" for i in range(n)] + [None] * m
        return pa.table(
            [
                fixed_ids("D", np.arange(self.n_devices), 9),
                pa.array(owner, pa.string()),
                pa.array(kinds, pa.string()),
                pa.array(models, pa.string()),
                pa.array(phones, pa.string()),
            ],
            schema=DEVICES,
        )


def _alnum(rng: np.random.Generator, k: int) -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(alphabet[int(i)] for i in rng.integers(len(alphabet), size=k))


def _luhn_digit(body: str) -> str:
    """The check digit that makes `body` + digit pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _unique(used: set[str], draw: Callable[..., str], *args: Any) -> str:
    """`draw(*args)` until it gives a value not in `used` (which it joins)."""
    value = draw(*args)
    while value in used:
        value = draw(*args)
    used.add(value)
    return value


def _pay_handle(rng: np.random.Generator) -> str:
    if rng.random() < 0.6:
        host = cat.MAIL_HOSTS[int(rng.integers(len(cat.MAIL_HOSTS)))]
        return f"{'abcdefghkmnpqrstwxyz'[int(rng.integers(20))]}{_alnum(rng, int(rng.integers(5, 9)))}@{host}"
    return f"1{int(rng.choice([3, 5, 7, 8, 9]))}{int(rng.integers(10**8, 10**9))}"


def _new_ident(role: str, rng: np.random.Generator) -> str:
    """A new identifier of `role`, drawn as the gang's first ones are."""
    if role == "caller":
        if rng.random() < 0.25:
            return f"400{int(rng.integers(1_000_000, 9_999_999))}"
        virtual = (170, 171, 162, 165, 167)
        return f"{virtual[int(rng.integers(len(virtual)))]}{int(rng.integers(10**7, 10**8))}"
    if role == "bank_caller":
        return f"95{int(rng.integers(100, 1000))}{int(rng.integers(0, 10))}"
    if role == "qq":
        return str(int(rng.integers(10**8, 4 * 10**9)))
    if role == "wechat":
        return f"kf_{_alnum(rng, 6)}" if rng.random() < 0.5 else f"wxid_{_alnum(rng, 10)}"
    if role == "room":
        return str(int(rng.integers(10**7, 10**9)))
    word = cat.DOMAIN_WORDS[int(rng.integers(len(cat.DOMAIN_WORDS)))]
    tld = cat.DOMAIN_TLDS[int(rng.integers(len(cat.DOMAIN_TLDS)))]
    return f"{word}-{_alnum(rng, 4)}.{tld}"
