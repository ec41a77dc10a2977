"""The leak statistic: the tail is exact (against enumeration and scipy), Benjamini–Hochberg is right, and on a
planted example the leaking shop is first and alone, while the big shops and the outlets of the victims' city —
frequent among victims without any leak — are not suspected."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.cases.leaks import LeakParams, Strata, Victim, bh, upper_tail
from fanzha.errors import InputError
from leakorders import DescribedOrders, write_orders

DAY = 86_400 * 10**6
T0 = 1_709_222_400 * 10**6


def _enumerate(p: list[float], x: int) -> float:
    total = 0.0
    for bits in itertools.product((0, 1), repeat=len(p)):
        if sum(bits) >= x:
            total += float(np.prod([q if b else 1 - q for q, b in zip(p, bits, strict=True)]))
    return total


@settings(max_examples=60, deadline=None)
@given(
    p=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8),
    x=st.integers(min_value=0, max_value=9),
)
def test_the_tail_is_exact(p: list[float], x: int) -> None:
    got = upper_tail(np.array(p)[:, None], np.array([x]))[0]
    assert got == pytest.approx(_enumerate(p, x) if x > 0 else 1.0, abs=1e-12)


def test_the_tail_of_equal_chances_is_the_binomial() -> None:
    from scipy.stats import binom

    p = np.full((40, 3), 0.05)
    x = np.array([1, 6, 12])
    assert upper_tail(p, x) == pytest.approx(binom.sf(x - 1, 40, 0.05), rel=1e-9)


def test_benjamini_hochberg() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    q = bh(p, 4)
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert bh(p, 100)[3] == pytest.approx(0.005 * 100 / 1)  # a family larger than the merchants with buyers


def _planted(tmp_path: Path) -> tuple[Path, list[Victim]]:
    """2,000 buyers in two cities, 60 shops (three big ones), three courier outlets per city, 40 days of orders;
    shop M007 leaks: 30 of its buyers in days 10–20 are called (victims), 25 of them in city A."""
    rng = np.random.default_rng(5)
    n_people, n_shops = 2000, 60
    weight = np.ones(n_shops)
    weight[:3] = 25.0
    weight /= weight.sum()
    city = np.where(np.arange(n_people) < 1400, "A", "B")
    rows: dict[str, list[object]] = {
        k: [] for k in ("order_id", "person_id", "merchant_id", "outlet_id", "time", "city")
    }
    for i in range(9000):
        person = int(rng.integers(n_people))
        c = str(city[person])
        rows["order_id"].append(f"O{i:06d}")
        rows["person_id"].append(f"P{person:05d}")
        rows["merchant_id"].append(f"M{int(rng.choice(n_shops, p=weight)):03d}")
        rows["outlet_id"].append(f"K{c}{int(rng.integers(3))}")
        rows["time"].append(T0 + int(rng.integers(0, 40 * DAY)))
        rows["city"].append(c)
    orders = pa.table({**{k: v for k, v in rows.items() if k != "time"},
                       "time": pa.array(rows["time"], pa.timestamp("us", tz="Asia/Shanghai"))})  # fmt: skip
    path = tmp_path / "orders.parquet"
    pq.write_table(orders, path)
    t = np.array(rows["time"])
    leaked = sorted({p for p, m, tt in zip(rows["person_id"], rows["merchant_id"], t, strict=True)
                     if m == "M007" and T0 + 10 * DAY <= tt < T0 + 20 * DAY})  # fmt: skip
    in_a = [p for p in leaked if int(str(p)[1:]) < 1400][:25]
    in_b = [p for p in leaked if int(str(p)[1:]) >= 1400][:5]
    victims = []
    for p in in_a + in_b:
        bought = max(
            tt
            for q, m, tt in zip(rows["person_id"], rows["merchant_id"], t, strict=True)
            if q == p and m == "M007"
        )
        victims.append(Victim(str(p), int(bought) + int(rng.integers(1, 6)) * DAY))
    return path, victims


def test_the_planted_leak_is_first_and_alone(tmp_path: Path) -> None:
    path, victims = _planted(tmp_path)
    # the statistic itself: every merchant tested on every victim (explaining away would take M007's victims
    # out of the other merchants' tests, leaving them none)
    strata = Strata(path, victims, LeakParams(windows_days=(14.0,), explain=0))
    ranked = strata.test()
    suspects = [s for s in ranked if s.significant]
    assert [s.merchant_id for s in suspects] == ["M007"]
    top = suspects[0]
    assert top.victims == len(victims) and top.expected < top.victims / 3
    assert strata.tested >= 60
    # the big shops and the outlets of city A are frequent among the victims, and not suspected
    by_id = {s.merchant_id: s for s in ranked}
    assert by_id["M000"].victims > 0 and not by_id["M000"].significant
    outlets_a = [by_id[f"KA{k}"] for k in range(3)]
    assert sum(o.victims for o in outlets_a) >= 15 and not any(o.significant for o in outlets_a)
    evidence = strata.orders_of(top)
    assert {p for p, _, _ in evidence} == {v.person_id for v in victims}
    # a handful of victims already shows it; one alone never does
    assert any(s.merchant_id == "M007" and s.significant for s in strata.test(range(5)))
    assert not any(s.significant for s in strata.test([0]))
    # explaining away suspects the same, and keeps the leak's own figures
    explained = [s for s in Strata(path, victims, LeakParams(windows_days=(14.0,))).test() if s.significant]
    assert [(s.merchant_id, s.victims, s.p_value) for s in explained] == [
        (top.merchant_id, top.victims, top.p_value)
    ]


def test_the_planted_leak_in_two_windows(tmp_path: Path) -> None:
    """Testing a second, longer window (Bonferroni over the two) keeps the leak first and alone."""
    path, victims = _planted(tmp_path)
    strata = Strata(path, victims, LeakParams())
    suspects = [s for s in strata.test() if s.significant]
    assert [s.merchant_id for s in suspects] == ["M007"]
    assert all(0.0 <= s.p_value <= 1.0 and s.p_value <= s.q_value <= 1.0 for s in strata.test())


def test_running_is_the_test_of_the_victims_so_far(tmp_path: Path) -> None:
    path, victims = _planted(tmp_path)
    strata = Strata(path, victims, LeakParams())
    order = [int(i) for i in np.random.default_rng(3).permutation(len(victims))]
    for k, got in enumerate(strata.running(order)):
        want = [s for s in strata.test(order[: k + 1]) if s.significant]
        assert [s.merchant_id for s in got] == [s.merchant_id for s in want]
        assert [s.p_value for s in got] == pytest.approx([s.p_value for s in want], rel=1e-9, abs=1e-300)


def _city(tmp_path: Path, *, leak_victims: int, seed: int = 11) -> tuple[Path, list[Victim]]:
    """One big city of 20,000 buyers over 60 days; outlet K0 delivers 70 % of its parcels, K1–K3 the rest;
    500 ordinary shops. The victims: `leak_victims` buyers of shop M013 called 10–40 days after the order (a leak
    sold on, used weeks later), and 40 people called at random, who bought as everyone does."""
    rng = np.random.default_rng(seed)
    n_people, n_shops, n_orders = 20_000, 500, 60_000
    person = rng.integers(n_people, size=n_orders)
    shop = rng.integers(n_shops, size=n_orders)
    outlet = rng.choice(4, size=n_orders, p=[0.7, 0.1, 0.1, 0.1])
    t = T0 + rng.integers(0, 60 * DAY, size=n_orders)
    path = write_orders(tmp_path / "orders.parquet", person, shop, outlet, t)
    victims: list[Victim] = []
    used: set[int] = set()
    for j in np.flatnonzero((shop == 13) & (t < T0 + 20 * DAY)).tolist():
        if len(victims) == leak_victims:
            break
        if int(person[j]) not in used:
            used.add(int(person[j]))
            victims.append(Victim(f"P{int(person[j]):05d}", int(t[j]) + int(rng.integers(10, 40)) * DAY))
    for p in rng.choice(n_people, size=200, replace=False).tolist():
        if len(victims) == leak_victims + 40:
            break
        if p not in used:
            used.add(p)
            victims.append(Victim(f"P{p:05d}", T0 + int(rng.integers(20, 60)) * DAY))
    return path, victims


def test_a_city_wide_outlet_is_not_suspected_and_a_small_leak_is(tmp_path: Path) -> None:
    path, victims = _city(tmp_path, leak_victims=6)
    strata = Strata(path, victims, LeakParams())
    ranked = {s.merchant_id: s for s in strata.test()}
    # K0 delivers most parcels of the city: most victims had an order through it, as most buyers do
    assert ranked["K0"].victims >= len(victims) // 3
    assert not ranked["K0"].significant
    # six victims of a shop among 20,000 buyers, called weeks after they bought: only the long window sees them
    assert ranked["M013"].significant and ranked["M013"].rank == 1 and ranked["M013"].window_days == 56.0
    assert [s.merchant_id for s in ranked.values() if s.significant] == ["M013"]
    short = {s.merchant_id: s for s in Strata(path, victims, LeakParams(windows_days=(14.0,))).test()}
    assert short["M013"].p_value > ranked["M013"].p_value


@settings(max_examples=60, deadline=None)
@given(
    p=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=12),
    bump=st.floats(min_value=0.0, max_value=1.0),
    at=st.integers(min_value=0, max_value=11),
    x=st.integers(min_value=0, max_value=13),
)
def test_a_likelier_purchase_never_makes_a_count_more_surprising(
    p: list[float], bump: float, at: int, x: int
) -> None:
    """A buyer who is not a victim raises the share of the merchant in the stratum, so p(v, m) rises: the tail
    at the same count never falls. Tails are probabilities."""
    a = np.array(p)[:, None]
    b = a.copy()
    b[at % len(p), 0] = max(b[at % len(p), 0], bump)
    ta, tb = upper_tail(a, np.array([x]))[0], upper_tail(b, np.array([x]))[0]
    assert 0.0 <= ta <= 1.0 + 1e-12 and 0.0 <= tb <= 1.0 + 1e-12
    assert tb >= ta - 1e-12


@settings(max_examples=5, deadline=None)
@given(extra=st.integers(min_value=1, max_value=40), seed=st.integers(min_value=0, max_value=10_000))
def test_adding_a_buyer_who_is_no_victim_never_makes_a_merchant_more_suspicious(
    tmp_path_factory: pytest.TempPathFactory, extra: int, seed: int
) -> None:
    """(The window test's property: in the scan, any order outside a period — of this merchant or another —
    raises the stratum's total and so lowers the period's share a little.)"""
    tmp = tmp_path_factory.mktemp("buyers")
    path, victims = _planted(tmp)
    prm = LeakParams(scan_days=())
    before = {s.merchant_id: s.p_value for s in Strata(path, victims, prm).test()}
    table = pq.read_table(path)
    rng = np.random.default_rng(seed)
    merchant = "M007" if seed % 2 else sorted(before)[int(rng.integers(len(before)))]
    times = T0 + rng.integers(0, 40 * DAY, size=extra)
    added = (
        pa.table(
            {
                "order_id": [f"X{i:05d}" for i in range(extra)],
                "person_id": ["P99999"] * extra,  # nobody among the victims
                "merchant_id": [merchant] * extra,
                "outlet_id": ["KA0"] * extra,
                "time": pa.array(times, pa.timestamp("us", tz="Asia/Shanghai")),
                "city": ["A"] * extra,
            }
        )
        .select(table.column_names)
        .cast(table.schema)
    )
    more = tmp / "more.parquet"
    pq.write_table(pa.concat_tables([table, added]), more)
    after = {s.merchant_id: s.p_value for s in Strata(more, victims, prm).test()}
    assert after[merchant] >= before[merchant] * (1 - 1e-9)
    assert all(0.0 <= v <= 1.0 for v in after.values())


@pytest.mark.reliability(
    entry="fanzha cases leaks",
    bad_input="no orders; orders without a column the test needs; --alpha outside (0, 1), --window 0d, "
    "--min-victims 0, --explain -1, --period 0d",
    behaviour="E830, E834 naming the file; E831, E823, E824 naming the option",
)
def test_bad_orders_and_options(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        Strata(tmp_path, [], LeakParams())
    assert (err.value.code, err.value.where) == ("E830", str(tmp_path / "orders.parquet"))
    bad = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"person_id": ["P1"]}), bad)
    with pytest.raises(InputError) as err:
        Strata(bad, [Victim("P1", T0)], LeakParams())
    assert (err.value.code, err.value.where) == ("E834", str(bad))
    assert err.value.params["columns"] == ["merchant_id", "outlet_id", "time", "city"]
    for params, code, where in [
        (LeakParams(alpha=2), "E831", "--alpha"),
        (LeakParams(windows_days=(14.0, 0.0)), "E823", "--window"),
        (LeakParams(min_victims=0), "E824", "--min-victims"),
        (LeakParams(explain=-1), "E824", "--explain"),
        (LeakParams(scan_days=(7.0, -1.0)), "E823", "--period"),
    ]:
        with pytest.raises(InputError) as err:
            params.validate()
        assert (err.value.code, err.value.where) == (code, where)


def _quoted_outlet(tmp_path: Path) -> tuple[Path, list[Victim], dict[str, str]]:
    """One city, three courier outlets (a third of the parcels each), 600 buyers, 100 days; courier outlet K0
    leaks: 8 of its customers are called, each with several orders of their own in the window (through every
    outlet), the scammer quoting the leaked one's platform and item. Returns the victims' leaked order ids."""
    rng = np.random.default_rng(11)
    items = [
        "面膜",
        "电动牙刷",
        "书包",
        "大米",
        "收纳箱",
        "电饭煲",
        "防晒霜",
        "连衣裙",
        "运动鞋",
        "洗衣液",
        "茶叶",
    ]
    platforms = ["京东", "天猫", "拼多多", "淘宝"]
    couriers = {"K0": "韵达", "K1": "京东物流", "K2": "中通"}
    orders = DescribedOrders()

    def order(person: str, t: int, outlet: str, item: str, platform: str) -> str:
        shop = f"M{int(rng.integers(40)):03d}"
        return orders.add(person, t, shop, outlet, item, platform, couriers[outlet])

    for _ in range(12000):
        order(f"P{int(rng.integers(600)):04d}", T0 + int(rng.integers(-60 * DAY, 40 * DAY)), f"K{int(rng.integers(3))}",
              str(rng.choice(items)), str(rng.choice(platforms)))  # fmt: skip
    victims, leaked = [], {}
    for k in range(8):
        person, contact = f"V{k:02d}", T0 + 35 * DAY
        mine = rng.permutation(items)[:6]
        leaked[person] = order(person, contact - int(rng.integers(2, 30)) * DAY, "K0", str(mine[0]), "拼多多")
        for item in mine[1:]:  # the victim's other orders in the window, like everyone's
            t = contact - int(rng.integers(1, 56)) * DAY
            order(person, t, f"K{int(rng.integers(3))}", str(item), str(rng.choice(platforms)))
        quote = f"对方说是{couriers['K0']}快递客服，说我在拼多多买的{mine[0]}快递丢了，要给我双倍理赔。"
        victims.append(Victim(person, contact, quotes=quote))
    return orders.write(tmp_path / "orders.parquet"), victims, leaked


def test_the_order_a_scammer_quotes_finds_a_courier_outlet_leak(tmp_path: Path) -> None:
    """Every victim has an order through the leaking outlet among its many — as most buyers of the city do — but
    the order the scammer quoted went through it each time: tested on the quoted orders the outlet stands out,
    on all the orders of the window it does not."""
    path, victims, leaked = _quoted_outlet(tmp_path)
    strata = Strata(path, victims, LeakParams(windows_days=(14.0, 56.0)))
    assert {victims[vi].person_id: ids for vi, ids in strata.quoted.items()} == {
        p: [oid] for p, oid in leaked.items()
    }
    found = [s for s in strata.test() if s.significant]
    assert [s.merchant_id for s in found][:1] == ["K0"] and found[0].victims == len(victims)
    assert {oid for _, oid, _ in strata.orders_of(found[0])} == set(leaked.values())  # the quoted orders
    plain = Strata(path, victims, LeakParams(windows_days=(14.0, 56.0), quotes=False))
    assert not plain.quoted and not any(s.merchant_id == "K0" and s.significant for s in plain.test())
    # a victim whose text quotes none of its orders is tested on all of them
    vague = [Victim(v.person_id, v.t, quotes="对方自称客服，让我下载会议软件") for v in victims]
    assert not Strata(path, vague, LeakParams()).quoted
    # a longer name is not found again inside it: 京东物流 quotes no 京东 order
    v0 = victims[0]
    mine = [r for r in pq.read_table(path).to_pylist() if r["person_id"] == v0.person_id]
    by_courier = sorted(r["order_id"] for r in mine if r["courier"] == "京东物流")
    assert by_courier and any(r["platform"] == "京东" and r["courier"] != "京东物流" for r in mine)
    quoted = Strata(path, [Victim(v0.person_id, v0.t, quotes="自称京东物流的理赔专员")], LeakParams()).quoted
    assert sorted(quoted[0]) == by_courier


def test_a_shop_s_quoted_orders_do_not_make_its_couriers_suspects(tmp_path: Path) -> None:
    """A shop leaks the orders of one week and its victims' scammers quote them: the outlets that delivered them
    (a third each) have all those victims in that week, far above what the week's share gives — but the orders
    are the shop's leaked records, so once the shop is chosen they are explained for the outlets too."""
    rng = np.random.default_rng(3)
    orders = DescribedOrders()
    items = ["面膜", "书包", "大米", "收纳箱", "电饭煲", "茶叶", "台灯", "抽纸"]

    def order(person: str, t: int, shop: str, item: str) -> str:
        k = int(rng.integers(3))
        return orders.add(person, t, shop, f"K{k}", item, "淘宝", ("韵达", "中通", "圆通")[k])

    for _ in range(12000):
        order(f"P{int(rng.integers(600)):04d}", T0 + int(rng.integers(-60 * DAY, 40 * DAY)),
              f"M{int(rng.integers(1, 40)):03d}", str(rng.choice(items)))  # fmt: skip
    victims = []
    for k in range(20):
        person, contact = f"V{k:02d}", T0 + 35 * DAY
        mine = rng.permutation(items)
        order(person, T0 + int(rng.integers(10 * DAY, 16 * DAY)), "M000", str(mine[0]))  # the leaked week
        for item in mine[1:5]:
            order(
                person,
                contact - int(rng.integers(1, 56)) * DAY,
                f"M{int(rng.integers(1, 40)):03d}",
                str(item),
            )
        victims.append(Victim(person, contact, quotes=f"淘宝客服说我买的{mine[0]}有质量问题，要给我三倍赔偿"))
    path = orders.write(tmp_path / "orders.parquet")
    strata = Strata(path, victims, LeakParams())
    assert len(strata.quoted) == len(victims)
    assert [s.merchant_id for s in strata.test() if s.significant] == ["M000"]
    # without explaining (every merchant tested on every victim) the week's couriers stand out beside it
    alone = [s.merchant_id for s in Strata(path, victims, LeakParams(explain=0)).test() if s.significant]
    assert alone[0] == "M000" and any(m.startswith("K") for m in alone)
