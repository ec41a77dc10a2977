"""Orders for the leak tests: one city's orders as `fanzha cases leaks` reads them (orders.parquet)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

Ints = npt.NDArray[np.int64]


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
