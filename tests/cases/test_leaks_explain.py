"""Explaining away: a later leak diluted by the victims of an earlier one is found after fewer of its own victims
when the earlier leak's victims are explained by it; a pool with no leak, or with one leak and no other, gives no
false suspect with it; the running test is the batch test of the victims so far with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.cases.leaks import LeakParams, Strata, Victim, _chance, _Sparse
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


def _whole(strata: Strata, chosen: list[int], part: int) -> tuple[np.ndarray, np.ndarray]:
    """The chances and purchases of every victim in `part` given `chosen`, each as one computation over the
    whole victims × columns matrix (as they were computed before the rows were computed a few at a time)."""
    pt = strata.parts[part]
    k, own = pt.k.astype(np.float64), pt.own.astype(np.float64)
    every_outlets = []
    for g in strata.given(chosen):
        if g is None:
            every_outlets.append((_chance(k - own, pt.n_all - pt.n_own, pt.n_own), pt.bought))
            continue
        k_e = g.k_e[part].dense(np.arange(len(strata.victims)))
        p = _chance(k - k_e - own, pt.n_all - g.n_e[part] - pt.n_own, pt.n_own)
        left = g.left[part][:, None]
        every_outlets.append((np.where(left, p, 0.0), pt.bought & left))
    (p_e, b_e), (p_o, b_o) = every_outlets
    return np.where(pt.outlet[None, :], p_o, p_e), np.where(pt.outlet[None, :], b_o, b_e)


def test_the_chances_of_a_few_rows_are_those_of_the_whole_matrix_to_the_bit(tmp_path: Path) -> None:
    """The chances are computed a few victims at a time, for the rows a test reads, in any order: each row is
    the same to the bit as in one computation over every victim — given no merchant, a shop and an outlet
    (outlets tested given the outlet alone), in each window and the scan."""
    path, victims, _ = _world(tmp_path, seed=4, first=40, second=15, others=15, people=3000)
    strata = Strata(path, victims, LeakParams())
    assert strata.scan is not None and len(strata.parts) == 3
    col = {m: j for j, m in enumerate(strata.merchants)}
    rng = np.random.default_rng(5)
    some = rng.permutation(len(victims))[: len(victims) // 3]
    for chosen in ([], [col["M001"]], [col["M001"], col["K0"]]):
        for part in range(len(strata.parts)):
            p_all, b_all = _whole(strata, chosen, part)
            assert np.any(p_all != 0.0)
            p, b = strata.chances(strata.given(chosen), part, np.arange(len(victims)))
            assert np.array_equal(p.view(np.int64), p_all.view(np.int64)) and np.array_equal(b, b_all)
            p, b = strata.chances(strata.given(chosen), part, some)
            assert np.array_equal(p.view(np.int64), p_all[some].view(np.int64))
            assert np.array_equal(b, b_all[some])
            twos = np.flatnonzero(strata.parts[part].n_own == 2)
            assert len(twos)
            for i in twos[:5].tolist():  # a row alone (numpy would square it apart)
                p, b = strata.chances(strata.given(chosen), part, np.array([i]))
                assert np.array_equal(p.view(np.int64), p_all[i : i + 1].view(np.int64))


def test_the_running_test_is_the_same_to_the_bit_whatever_the_rows_computed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, victims, _ = _world(tmp_path, seed=4, first=40, second=15, others=15, people=3000)
    order = list(range(0, len(victims), 2)) + list(range(1, len(victims), 2))

    def looks() -> list[list[tuple[str, float, float, float]]]:
        strata = Strata(path, victims, LeakParams())
        return [
            [(s.merchant_id, s.p_value, s.q_value, s.expected) for s in look]
            for look in strata.running(order)
        ]

    default = looks()
    assert any(default)
    for chunk in (1, 5):
        monkeypatch.setattr("fanzha.cases.leaks.CHUNK", chunk)
        assert looks() == default


def test_sparse_counts_give_their_rows_back() -> None:
    rng = np.random.default_rng(7)
    m = rng.integers(0, 300, size=(40, 23)) * (rng.random((40, 23)) < 0.1)
    r, c = np.nonzero(m)
    sparse = _Sparse(m.shape, [r[::2], r[1::2]], [c[::2], c[1::2]], [m[r, c][::2], m[r, c][1::2]])
    idx = np.array([5, 0, 39, 5, 17], dtype=np.int64)
    assert np.array_equal(sparse.dense(idx), m[idx].astype(np.float64))
    assert sparse.dense(np.zeros(0, dtype=np.int64)).shape == (0, 23)
