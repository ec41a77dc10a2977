"""One synthetic world — people, orders, leaks, gangs, scam campaigns, messages, money — with ground truth.

    from fanzha.sim import PRESETS, simulate, check_world, intervene

See docs/sim.md for the schema, the rules (money conservation, FIFO lineage) and the statistics of a world.
"""

from fanzha.sim.config import PRESETS, SimConfig, preset
from fanzha.sim.generate import SimResult, simulate
from fanzha.sim.intervene import InterventionReport, intervene
from fanzha.sim.validate import Violation, check_world

__all__ = [
    "PRESETS",
    "InterventionReport",
    "SimConfig",
    "SimResult",
    "Violation",
    "check_world",
    "intervene",
    "preset",
    "simulate",
]
