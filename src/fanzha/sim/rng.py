"""Named random streams: one `numpy.random.Generator` (PCG64) per concern, derived from the seed.

A stream is keyed by (seed, concern, *keys), so adding draws to one concern never shifts another, and a
victim's timeline is the same whether or not another victim was dissuaded.
"""

from __future__ import annotations

import numpy as np

PEOPLE, ACCOUNTS, MERCHANTS, GANGS, MULES, BENIGN, MESSAGES, LEAKS, CAMPAIGN, VICTIM, MULE_FLOW, COVER = (
    range(12)
)
REPORTS, ORDERS, IDENTS, UNRELATED = 12, 13, 14, 15
# issue 19: ordinary life that looks like a scam (per day), the third parties (accounts, and each one's traffic),
# the seeds' behaviours in a campaign (per person), a victim's doubt of the warning call, people's other cards,
# repeat victims, the telemetry of each source; the people who run others' cards from one phone
LOOKALIKE, THIRD, THIRD_FLOW, VARIANT, DOUBT, EXTRA, REPEAT, TELEMETRY = range(16, 24)
KEEPERS = 24


def stream(seed: int, concern: int, *keys: int) -> np.random.Generator:
    """The generator for `concern` (and e.g. a day or a person index) under `seed`."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, concern, *keys])))


class FastRng:
    """Scalar draws served from blocks drawn by a numpy Generator: the same stream, ~10x cheaper per call
    than `Generator.integers` for one value. Only `random()` and `integers(lo, hi)` are offered."""

    __slots__ = ("_gen", "_buf", "_i")

    def __init__(self, gen: np.random.Generator) -> None:
        self._gen = gen
        self._buf: list[float] = []
        self._i = 0

    def random(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._gen.random(65_536).tolist()
            self._i = 0
        u = self._buf[self._i]
        self._i += 1
        return u

    def integers(self, lo: int, hi: int | None = None) -> int:
        """An int in [lo, hi) (or [0, lo) when hi is None)."""
        if hi is None:
            lo, hi = 0, lo
        return lo + int(self.random() * (hi - lo))


_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64's finaliser on a Python int (64 bits)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def unit(seed: int, *keys: int) -> float:
    """A uniform number in [0, 1) that depends only on (seed, keys): used where a draw must not depend on how
    many other draws came before (who a gang picks, when it calls), so a change elsewhere does not shift it."""
    h = _mix(seed & _MASK)
    for k in keys:
        h = _mix(h ^ (k & _MASK))
    return (h >> 11) / float(1 << 53)
