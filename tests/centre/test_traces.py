"""A trace job over a stored world starts from what the world's investigators have: its reported cases."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from fanzha.centre.traces import reported_seeds
from fanzha.errors import InputError
from fanzha.evaluate.trace import world_seeds
from fanzha.sim import preset, simulate


@pytest.mark.slow
def test_a_worlds_seeds_are_its_reported_cases_one_per_campaign(tmp_path: Path) -> None:
    """Small seed 0 has a repeat victim who reported both campaigns: two cases, each with its own losses (the
    person's `reported` applied to all their campaigns made them one)."""
    world = tmp_path / "city"
    simulate(preset("small").replace(seed=0), world)
    victims = pq.read_table(world / "truth/victims.parquet", columns=["person_id", "reported"])
    twice = {p for p in victims["person_id"].to_pylist() if victims["person_id"].to_pylist().count(p) > 1}
    reported_twice = {
        p for p in twice if all(victims.filter(pc.equal(victims["person_id"], p))["reported"].to_pylist())
    }
    assert reported_twice, "the world this test needs has changed"
    got = reported_seeds(world)
    want = world_seeds(world, reported_only=True, per_campaign=True)
    assert sorted(r["transfer_id"] for r in got) == sorted(s.transfer_id for s in want)
    cases = {}
    for r in got:
        cases.setdefault(r["victim_id"], set()).add(r["transfer_id"])
    truth: dict[str, set[str]] = {}
    for s in want:
        truth.setdefault(s.victim_id, set()).add(s.transfer_id)
    assert sorted(map(sorted, cases.values())) == sorted(map(sorted, truth.values()))
    assert all(v.startswith("R") for v in cases)  # under the report that opened each case


def test_a_world_without_its_investigation_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        reported_seeds(tmp_path)
    assert exc.value.code == "E001" and exc.value.where.endswith("investigation/seeds.csv")
