"""Explaining away: a later leak diluted by the victims of an earlier one is found after fewer of its own victims
when the earlier leak's victims are explained by it; a pool with no leak, or with one leak and no other, gives no
false suspect with it; the running test is the batch test of the victims so far with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.cases.leaks import LeakParams, Strata, Victim
from leakorders import DAY, T0
from leakorders import two_leaks as _world


def _found_after(strata: Strata, leaks: list[str], merchant: str) -> int | None:
    """How many of the merchant's victims had reported when it was first suspected (the victims in order)."""
    seen = 0
    for i, suspects in enumerate(strata.running(range(len(strata.victims)))):
        seen += leaks[i] == merchant
        if any(s.merchant_id == merchant for s in suspects):
            return seen
    return None


def test_a_later_leak_diluted_by_an_earlier_one_is_found_earlier(tmp_path: Path) -> None:
    path, victims, leaks = _world(tmp_path, seed=2, first=150, second=30, others=20)
    plain = Strata(path, victims, LeakParams(explain=0, scan_days=()))
    explained = Strata(path, victims, LeakParams(scan_days=()))
    before = _found_after(plain, leaks, "M002")
    after = _found_after(explained, leaks, "M002")
    assert after is not None and before is not None
    # 150 victims of M001 each bought from the big shop M002 as often as anyone: its excess drowns in them
    assert after < before
    # both leaks are found, and nothing else, either way
    for strata in (plain, explained):
        assert {s.merchant_id for s in strata.test() if s.significant} == {"M001", "M002"}
    ranked = explained.test()
    assert {s.merchant_id for s in ranked[:2]} == {"M001", "M002"}


def test_the_scan_finds_a_leak_of_a_big_shop_in_its_period_earlier(tmp_path: Path) -> None:
    """The second leak's victims bought from the big shop M002 in ten days; everyone else's orders from it
    spread over the two months: a period of the scan holds the excess, the windows dilute it."""
    path, victims, leaks = _world(tmp_path, seed=2, first=150, second=30, others=20)
    windows = Strata(path, victims, LeakParams(explain=0, scan_days=()))
    scan = Strata(path, victims, LeakParams(explain=0))
    before = _found_after(windows, leaks, "M002")
    after = _found_after(scan, leaks, "M002")
    assert after is not None and before is not None and after < before
    top = {s.merchant_id: s for s in scan.test() if s.significant}
    assert set(top) == {"M001", "M002"}
    m002 = top["M002"]
    assert m002.period_start is not None and m002.period_days in (7.0, 14.0)
    # the period overlaps the days the leak's orders were placed (25–35), and the evidence lies in it
    assert m002.period_start < T0 + 35 * DAY and m002.period_start + m002.period_days * DAY > T0 + 25 * DAY
    evidence = scan.orders_of(m002)
    assert len({p for p, _, _ in evidence}) == m002.victims
    assert all(m002.period_start <= t < m002.period_start + m002.period_days * DAY for _, _, t in evidence)


def test_running_is_the_test_of_the_victims_so_far_when_explaining(tmp_path: Path) -> None:
    path, victims, _ = _world(tmp_path, seed=4, first=40, second=15, others=15, people=3000)
    strata = Strata(path, victims, LeakParams())
    for k, got in enumerate(strata.running(range(len(victims)))):
        if k % 7 and k != len(victims) - 1:
            continue
        want = [s for s in strata.test(range(k + 1)) if s.significant]
        assert [s.merchant_id for s in got] == [s.merchant_id for s in want]
        assert [s.p_value for s in got] == pytest.approx([s.p_value for s in want], rel=1e-9, abs=1e-300)


def test_running_over_some_of_the_victims_when_explaining_and_forgetting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cluster's running test keeps its own victims' rows only, and `Strata` forgets the chances given all but
    the latest explaining sets: over every second victim, with one set kept, the running test is still the batch
    test of the victims so far (the sets forgotten computed again)."""
    path, victims, _ = _world(tmp_path, seed=4, first=40, second=15, others=15, people=3000)
    strata = Strata(path, victims, LeakParams())
    order = list(range(0, len(victims), 2))
    monkeypatch.setattr("fanzha.cases.leaks.GIVEN_KEPT", 1)
    looks = list(strata.running(order))
    assert len(strata._given) <= 2
    for k in (*range(6, len(order), 6), len(order) - 1):
        want = [s for s in strata.test(order[: k + 1]) if s.significant]
        assert [s.merchant_id for s in looks[k]] == [s.merchant_id for s in want]
        assert [s.p_value for s in looks[k]] == pytest.approx([s.p_value for s in want], rel=1e-9, abs=1e-300)
    assert {s.merchant_id for s in looks[-1]} == {"M001", "M002"}  # both leaks, over half their victims


@settings(max_examples=6, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10_000), first=st.sampled_from([0, 60]))
def test_no_other_leak_no_other_suspect(
    tmp_path_factory: pytest.TempPathFactory, seed: int, first: int
) -> None:
    """A pool with no leak gives no suspect; a pool with one leak gives that one alone — at the end and at every
    look of the running test, with explaining away (at α = 0.01, so a derandomised set of examples is a check
    of the procedure, not a draw of luck)."""
    tmp = tmp_path_factory.mktemp("null")
    path, victims, _ = _world(tmp, seed=seed, first=first, second=0, others=60, people=3000)
    strata = Strata(path, victims, LeakParams(alpha=0.01))
    allowed = {"M001"} if first else set()
    ever = {s.merchant_id for look in strata.running(range(len(victims))) for s in look}
    assert ever <= allowed
    assert {s.merchant_id for s in strata.test() if s.significant} == allowed


def test_no_victim_with_orders_gives_no_merchant(tmp_path: Path) -> None:
    """No victim, or victims who bought nothing in their windows: nothing to test, no error (run_leaks reports
    E833 for it)."""
    path, victims, _ = _world(tmp_path, seed=1, first=5, second=0, others=0, people=500)
    assert Strata(path, [], LeakParams()).test() == []
    early = [Victim(v.person_id, T0 - 100 * DAY) for v in victims]
    strata = Strata(path, early, LeakParams())
    assert not strata.has_orders.any() and strata.test() == []
    assert list(strata.running(range(len(early)))) == [[] for _ in early]
