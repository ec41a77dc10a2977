"""Fast, exact conversions between numpy arrays and the Arrow types of the world's files.

Money is integer fen (分) in numpy and `decimal128(18, 2)` in Parquet: the unscaled decimal value *is* the
number of fen, so conversion is a buffer copy, never a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fanzha.records.units import TZ

I64 = npt.NDArray[np.int64]

MONEY = pa.decimal128(18, 2)
TIME = pa.timestamp("us", tz=TZ)


def fen_to_decimal(fen: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Integer fen → decimal128(18, 2) without rounding (mask marks nulls)."""
    values = np.ascontiguousarray(np.asarray(fen, dtype=np.int64))
    n = len(values)
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63  # sign extension into the high word
    validity = None
    nulls = 0
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little").tobytes())
        nulls = int(mask.sum())
    return pa.Array.from_buffers(MONEY, n, [validity, pa.py_buffer(words.tobytes())], null_count=nulls)


def decimal_to_fen(arr: pa.Array | pa.ChunkedArray) -> I64:
    """decimal128(p, 2) → integer fen (nulls become 0; check nulls separately)."""
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([decimal_to_fen(c) for c in arr.chunks])
    typ = arr.type
    if not pa.types.is_decimal128(typ) or typ.scale != 2:
        raise TypeError(f"expected decimal128(*, 2), got {typ}")
    buf = arr.buffers()[1]
    assert buf is not None
    words = np.frombuffer(buf, dtype=np.int64).reshape(-1, 2)[arr.offset : arr.offset + len(arr)]
    out = words[:, 0].copy()
    if arr.null_count:
        out[np.asarray(arr.is_null())] = 0
    return out


def fixed_ids(
    prefix: str, numbers: npt.ArrayLike, width: int, mask: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """Strings `prefix` + zero-padded decimal `numbers` (all the same length), built without Python loops;
    null where `mask` is true."""
    nums = np.asarray(numbers, dtype=np.int64)
    n = len(nums)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    row = len(head) + width
    data = np.empty((n, row), dtype=np.uint8)
    data[:, : len(head)] = head
    pows = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    data[:, len(head) :] = (nums[:, None] // pows[None, :]) % 10 + 48
    offsets = np.arange(0, (n + 1) * row, row, dtype=np.int32)
    validity = None
    nulls = 0
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little").tobytes())
        nulls = int(mask.sum())
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())],
        null_count=nulls,
    )


def times(us: npt.ArrayLike) -> pa.Array:
    """Microseconds since the Unix epoch (UTC) → timestamp[us, tz=Asia/Shanghai]."""
    return pa.array(np.asarray(us, dtype=np.int64), type=TIME)


def times_to_us(arr: pa.Array | pa.ChunkedArray) -> I64:
    """timestamp[us, tz] → microseconds since the epoch (nulls become the minimum int64)."""
    a = arr.cast(pa.int64())
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks()
    return np.asarray(a.fill_null(np.iinfo(np.int64).min), dtype=np.int64)


def take_strings(table: pa.Array, idx: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """`table[idx]` for an Arrow string array, with nulls where `mask` is true."""
    ind = pa.array(np.asarray(idx, dtype=np.int64), mask=mask)
    return table.take(ind)


def strings(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, type=pa.string())


def write_csv(table: pa.Table, path: str | Path) -> None:
    """`table` as a UTF-8 CSV file: a header of its column names, then each row as Python renders its values
    (None as an empty cell)."""
    import csv

    cols = table.column_names
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows(zip(*(table[c].to_pylist() for c in cols), strict=True))
