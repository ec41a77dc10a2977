"""One small world per test session (a second or so), shared read-only by the sim tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.sim.config import PRESETS
from fanzha.sim.generate import SimResult, simulate


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimResult]:
    out = tmp_path_factory.mktemp("world") / "small"
    result = simulate(PRESETS["small"], out)
    return out, result
