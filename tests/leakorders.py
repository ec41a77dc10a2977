"""Orders for the leak tests: one city's orders as `fanzha cases leaks` reads them (orders.parquet), and a city
with two leaks and their victims (used by tests/cases/test_leaks_explain.py and scripts/leak_null.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from fanzha.cases.leaks import Victim

Ints = npt.NDArray[np.int64]
DAY = 86_400 * 10**6
T0 = 1_709_222_400 * 10**6


def write_orders(path: Path, person: Ints, shop: Ints, outlet: Ints, t: Ints, *, city: str = "A") -> Path:
    """Order i: person P{person[i]:05d} bought from shop M{shop[i]:03d}, delivered by outlet K{outlet[i]}, at
    t[i] (µs), in `city`."""
    n = len(person)
    pq.write_table(
        pa.table(
            {
                "order_id": [f"O{i:06d}" for i in range(n)],
                "person_id": [f"P{p:05d}" for p in person],
                "merchant_id": [f"M{m:03d}" for m in shop],
                "outlet_id": [f"K{k}" for k in outlet],
                "time": pa.array(t, pa.timestamp("us", tz="Asia/Shanghai")),
                "city": [city] * n,
            }
        ),
        path,
    )
    return path


class DescribedOrders:
    """One city's orders with what a scammer may quote of them (item, platform, courier), added one by one."""

    COLUMNS = (
        "order_id",
        "person_id",
        "merchant_id",
        "outlet_id",
        "time",
        "city",
        "item",
        "platform",
        "courier",
    )

    def __init__(self) -> None:
        self.rows: dict[str, list[object]] = {k: [] for k in self.COLUMNS}

    def add(self, person: str, t: int, shop: str, outlet: str, item: str, platform: str, courier: str) -> str:
        """The order's id."""
        oid = f"O{len(self.rows['order_id']):07d}"
        for k, v in zip(
            self.COLUMNS, (oid, person, shop, outlet, t, "A", item, platform, courier), strict=True
        ):
            self.rows[k].append(v)
        return oid

    def write(self, path: Path) -> Path:
        times = pa.array(self.rows["time"], pa.timestamp("us", tz="Asia/Shanghai"))
        pq.write_table(pa.table({**{k: v for k, v in self.rows.items() if k != "time"}, "time": times}), path)
        return path


def two_leaks(
    tmp: Path, *, seed: int, first: int, second: int, others: int, people: int = 6000
) -> tuple[Path, list[Victim], list[str]]:
    """One city of `people` buyers, 200 shops over 60 days (shop M002, a big one, takes a tenth of the orders),
    four courier outlets. `first` buyers of shop M001 in days 5–15 are called 1–8 days after (the first leak);
    `second` buyers of M002 in days 25–35 likewise (the second); `others` people are called at random. The victims
    in the order they report: the first leak's, then the others and the second leak's mixed."""
    rng = np.random.default_rng(seed)
    n_orders = people * 4
    weight = np.ones(200)
    weight[2] = 22.0
    weight /= weight.sum()
    person = rng.integers(people, size=n_orders)
    shop = rng.choice(200, size=n_orders, p=weight)
    outlet = rng.choice(4, size=n_orders, p=[0.4, 0.3, 0.2, 0.1])
    t = T0 + rng.integers(0, 60 * DAY, size=n_orders)
    path = write_orders(tmp / "orders.parquet", person, shop, outlet, t)
    used: set[int] = set()

    def called(m: int, lo: int, hi: int, n: int) -> list[Victim]:
        out: list[Victim] = []
        for j in np.flatnonzero((shop == m) & (t >= T0 + lo * DAY) & (t < T0 + hi * DAY)).tolist():
            if len(out) == n:
                break
            if int(person[j]) not in used:
                used.add(int(person[j]))
                out.append(Victim(f"P{int(person[j]):05d}", int(t[j]) + int(rng.integers(1, 9)) * DAY))
        return out

    a = called(1, 5, 15, first)
    b = called(2, 25, 35, second)
    rest: list[Victim] = []
    for p in rng.permutation(people).tolist():
        if len(rest) == others:
            break
        if p not in used:
            used.add(p)
            rest.append(Victim(f"P{p:05d}", T0 + int(rng.integers(20, 60)) * DAY))
    later = b + rest
    mixed = [later[i] for i in rng.permutation(len(later)).tolist()]
    leak = {v.person_id: "M001" for v in a} | {v.person_id: "M002" for v in b}
    return path, a + mixed, [leak.get(v.person_id, "") for v in a + mixed]
