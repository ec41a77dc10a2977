"""Named random streams: one `numpy.random.Generator` (PCG64) per concern, derived from the seed.

A stream is keyed by (seed, concern, *keys), so adding draws to one concern never shifts another, and a
victim's timeline is the same whether or not another victim was dissuaded.
"""

from __future__ import annotations

import numpy as np

PEOPLE, ACCOUNTS, MERCHANTS, GANGS, MULES, BENIGN, MESSAGES, LEAKS, CAMPAIGN, VICTIM, MULE_FLOW, COVER = range(12)
REPORTS, ORDERS = 12, 13


def stream(seed: int, concern: int, *keys: int) -> np.random.Generator:
    """The generator for `concern` (and e.g. a day or a person index) under `seed`."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, concern, *keys])))
