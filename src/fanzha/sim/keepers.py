"""Ordinary people who run many other people's bank cards from one phone (issue 19): the look-alike of the banks'
shared-phone flag (一机多卡, `fanzha.banks.SHARED_DEVICE`), which the worlds lacked — no ordinary phone there ran
more than a household's accounts, so the flag's false alerts said nothing about real life.

Who, in life: a labour contractor (包工头) who keeps his crew's wage cards and pays their living money and their
remittances home from them — common enough on building sites that the 2020 regulation on migrant workers' wages
(《保障农民工工资支付条例》) forbids keeping a worker's wage card (扣押或者变相扣押工资卡) — and a care home's
staff who pay the residents' bills and top-ups from the residents' cards. Each `Keeper` runs `CARDS` cards (a
crew, a floor of a home): the main bank cards of working people of the keeper's city (a contractor's crew,
`CONTRACTOR_SHARE` of the keepers) or of retired people over 70 there (a home's residents), from other cities
when the keeper's has too few (a crew comes from many places). Every transfer out
of a held card in ordinary life is made from the keeper's phone (the ledger's `device`); the holders keep their
payment accounts (微信 / 支付宝) and their own phones. A scam's transfers out of a held card (the holder is a
victim too) stay the holder's: the gang talks to the holder.

Rate: `SimConfig.card_keepers` per 10,000 people (the presets: 1), at least one in a world when it is above 0, so
that every world tests the flag. Reasoning, to be argued with: about 50 M people work on China's building sites;
if one crew in fifty (of about fifteen) has its cards kept, that is 0.5 per 10,000 people; care homes (about
40,000 in China) add a little; family businesses run from one phone a little more. 1 per 10,000 rounds that up;
a small world (2,000 people) holds one keeper, five times the rate — pessimistic for the false alerts, on purpose.

What it makes: the shared-phone flag lists every held card a keeper with 10 or more cards ran (the flag's
threshold) — and a relative or friend who then adds one as a new payee is the look-alike episode
`kept_card_payee` (`fanzha.sim.benign`). `truth/card_keepers.parquet` holds every held card with its holder,
keeper and the keeper's kind. Everything is drawn from its own stream (`fanzha.sim.rng.KEEPERS`): the rest of the
world is the same, draw for draw; only the device of the held cards' transfers changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fanzha.sim import rng as streams

if TYPE_CHECKING:
    from fanzha.sim.world import World

#: cards a keeper runs, [low, high): some below the shared-phone flag's threshold of 10
CARDS = (6, 31)
#: share of keepers who are labour contractors (the rest: care homes)
CONTRACTOR_SHARE = 0.7
#: the keeper kinds, as written in truth/card_keepers.parquet
KINDS = ("contractor", "care_home")
#: occupations (`World.occupation`): 1 worker, 2 service, 4 retired
_WORKER, _SERVICE, _RETIRED = 1, 2, 4


@dataclass(frozen=True, slots=True)
class Keeper:
    """A person (`person`, whose phone is the device of the same index) who runs `held` people's main cards."""

    person: int
    kind: str
    held: tuple[int, ...]


def draw(world: World) -> list[Keeper]:
    """The world's keepers (none when `card_keepers` is 0): each keeper and the people whose cards they run,
    nobody held by two keepers nor both a keeper and held."""
    c = world.config
    if c.card_keepers <= 0:
        return []
    rng = streams.stream(c.seed, streams.KEEPERS)
    n = max(1, round(c.people * c.card_keepers / 10_000))
    age, occ, city = world.age, world.occupation, world.city
    taken = np.zeros(world.n_people, dtype=np.bool_)
    out: list[Keeper] = []
    for _ in range(n):
        kind = KINDS[0] if rng.random() < CONTRACTOR_SHARE else KINDS[1]
        if kind == "contractor":  # a worker in his thirties to fifties; his crew: workers of 18 to 60
            can_keep = (occ == _WORKER) & (age >= 30) & (age <= 60)
            can_be_held = (occ == _WORKER) & (age <= 60)
        else:  # a carer; the residents: retired people over 70
            can_keep = np.isin(occ, (_WORKER, _SERVICE)) & (age >= 25) & (age <= 55)
            can_be_held = (occ == _RETIRED) & (age > 70)
        keepers = _free(can_keep, taken)
        if not len(keepers):
            continue
        keeper = int(keepers[rng.integers(len(keepers))])
        k = int(rng.integers(*CARDS))
        taken[keeper] = True
        near = _free(can_be_held & (city == city[keeper]), taken)
        held = rng.choice(near, size=min(k, len(near)), replace=False)
        if len(held) < k:  # a small city's share topped up from elsewhere (a crew comes from many places)
            taken[held] = True
            far = _free(can_be_held, taken)
            held = np.concatenate([held, rng.choice(far, size=min(k - len(held), len(far)), replace=False)])
        if not len(held):
            continue
        held = np.sort(held)
        taken[held] = True
        out.append(Keeper(keeper, kind, tuple(int(p) for p in held)))
    return out


def _free(mask: npt.NDArray[np.bool_], taken: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    return np.flatnonzero(mask & ~taken).astype(np.int64)


def run_by(world: World, keepers: list[Keeper]) -> npt.NDArray[np.int64]:
    """Account index → the device (the keeper's person index) that runs it, -1 for an account nobody keeps."""
    out = np.full(world.n_accounts, -1, dtype=np.int64)
    for kp in keepers:
        out[world.card(np.array(kp.held, dtype=np.int64))] = kp.person
    return out
