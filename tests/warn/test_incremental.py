"""The engine's results do not depend on how the events are batched: one batch, many batches, any split.

(Incremental ingest of files — appended rows, new files, standard input — is tested in test_ingest.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.records.events import RawRow, event_files, read_chunks
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnConfig, WarnEngine
from fanzha.warn.textscore import DetectorScorer


@pytest.fixture(scope="module")
def world_events(tiny_world: Path) -> list[RawRow]:
    """The tiny world's events, in time order (every alert opens, escalates and closes in them)."""
    return [r for c in read_chunks(event_files(tiny_world), 100_000) for r in c.raws]


@pytest.fixture(scope="module")
def one_batch(
    world_events: list[RawRow], rules: CompiledRules, scorer: DetectorScorer
) -> list[dict[str, Any]]:
    revs = WarnEngine(rules, scorer=scorer).process(world_events)
    assert any(r["status"] == "closed" for r in revs) and any(r["status"] == "open" for r in revs)
    return revs


def _in_batches(
    events: list[RawRow], cuts: list[int], rules: CompiledRules, scorer: DetectorScorer, **kw: Any
) -> list[dict[str, Any]]:
    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(**kw))
    revs: list[dict[str, Any]] = []
    bounds = [0, *sorted(set(cuts)), len(events)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        revs += engine.process(events[a:b])
    return revs


@pytest.mark.reliability(
    entry="fanzha warn",
    bad_input="the same events in batches of another size (--batch-size), or split anywhere",
    behaviour="the same alerts and revisions, byte for byte: a state expires at its deadline in event time, "
    "not at the end of a batch",
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_split_gives_the_same_revisions(
    data: st.DataObject,
    world_events: list[RawRow],
    one_batch: list[dict[str, Any]],
    rules: CompiledRules,
    scorer: DetectorScorer,
) -> None:
    n = len(world_events)
    cuts = data.draw(st.lists(st.integers(1, n - 1), max_size=25), label="split points")
    assert _in_batches(world_events, cuts, rules, scorer) == one_batch


@pytest.mark.parametrize("size", [1, 97, 5000])
def test_fixed_batch_sizes_give_the_same_revisions(
    size: int,
    world_events: list[RawRow],
    one_batch: list[dict[str, Any]],
    rules: CompiledRules,
    scorer: DetectorScorer,
) -> None:
    cuts = list(range(size, len(world_events), size))
    assert _in_batches(world_events, cuts, rules, scorer) == one_batch
