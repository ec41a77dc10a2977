"""Configurations of the worlds the sim tests generate (tiny: well under a second)."""

from __future__ import annotations

from fanzha.sim.config import SimConfig

TINY = SimConfig(people=400, days=10, leaks=2, leak_days=6, leak_stagger_days=2, contacts_per_10k_day=60.0)
