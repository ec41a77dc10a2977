"""Shared pieces of the cases tests: one detector (rules only, fast) and a tiny world with many reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.detect import Detector
from fanzha.sim.config import SimConfig
from fanzha.sim.generate import simulate

#: a tiny world where many people are reached, so that it has reports to file and link (about a second)
TINY_CASES = SimConfig(
    people=600, days=12, leaks=2, leak_days=6, leak_stagger_days=2, contacts_per_10k_day=150.0
)


@pytest.fixture(scope="session")
def rules() -> Detector:
    return Detector(model=None)


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cases-world") / "tiny"
    simulate(TINY_CASES, out)
    return out
