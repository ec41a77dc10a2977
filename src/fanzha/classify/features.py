"""Hashed character n-grams of normalised text, vectorised with numpy.

A text (already normalised by the detector: evasions undone, lower case, simplified) becomes the bucket ids of
its character n-grams: code points from ``np.frombuffer(text.encode("utf-32-le"), np.uint32)``, ASCII digits
folded to one (a phone number or an amount is a run of "digit", whatever its value), each n-gram hashed with
a fixed multiply-and-mix (stable across processes and machines, unlike Python's ``hash()``) and masked to
``2**bits`` buckets. A batch of texts is hashed at once: their code points are concatenated and n-grams that
would cross from one text into the next are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

MAX_CHARS = 4000  # the model reads at most the first MAX_CHARS characters of a text

# Odd 64-bit multipliers (from splitmix64 / xxhash), one per position in the n-gram, and a salt per length.
_PRIMES = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)
_SALTS = np.array(
    [0x0, 0x2545F4914F6CDD1D, 0x5851F42D4C957F2D, 0x14057B7EF767814F, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_DIGIT = 48  # "0"


def codepoints(text: str) -> npt.NDArray[np.uint32]:
    """The code points of `text` (its first MAX_CHARS characters), ASCII digits folded to "0"."""
    arr = np.frombuffer(text[:MAX_CHARS].encode("utf-32-le"), dtype=np.uint32).copy()
    _fold_digits(arr)
    return arr


def _fold_digits(arr: npt.NDArray[Any]) -> None:
    """Fold ASCII digits to "0" in place."""
    arr[(arr - _DIGIT) < 10] = _DIGIT  # unsigned: code points below "0" wrap around to large values


def _mix(h: U64) -> U64:
    h ^= h >> np.uint64(33)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def _raw(
    texts: Sequence[str], ngrams: Sequence[int], bits: int, *, with_starts: bool = True
) -> tuple[I64 | None, npt.NDArray[np.int32], I64 | None]:
    """Every n-gram of every text as (text index or None for a single text, bucket, start in its text or None
    without `with_starts`), by length then position (not grouped by text).

    The texts' code points are read in one pass over their concatenation, and the n-grams of every length are
    mixed and masked in one pass over a single buffer: a few numpy calls per batch, whatever its size."""
    n_docs = len(texts)
    cut = [t if len(t) <= MAX_CHARS else t[:MAX_CHARS] for t in texts]
    joined = cut[0] if n_docs == 1 else "".join(cut)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    _fold_digits(codes)
    total = len(codes)
    doc: I64 | None = None
    offsets: I64 | None = None
    if n_docs != 1:
        lens = np.fromiter((len(t) for t in cut), dtype=np.int64, count=n_docs)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        offsets = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
    lengths = [n for n in range(1, max(ngrams, default=0) + 1) if n in ngrams and total - n + 1 > 0]
    if not lengths:
        z = np.zeros(0, np.int64)
        return (None if doc is None else z), np.zeros(0, np.int32), (z if with_starts else None)
    # h[n] = mix(Σ codes[i + k] · PRIMES[k] for k < n, + SALTS[n]) & mask, for every length side by side.
    sizes = [total - n + 1 for n in lengths]
    buf = np.empty(sum(sizes), dtype=np.uint64)
    acc = np.zeros(total, dtype=np.uint64)
    at = 0
    it = iter(zip(lengths, sizes, strict=True))
    want, size = next(it)
    for n in range(1, lengths[-1] + 1):
        m = total - n + 1
        acc = acc[:m] + codes[n - 1 : n - 1 + m] * _PRIMES[n - 1]
        if n == want:
            np.add(acc, _SALTS[n], out=buf[at : at + size])
            at += size
            want, size = next(it, (0, 0))
    buckets = (_mix(buf) & np.uint64((1 << bits) - 1)).astype(np.int32)
    starts: I64 | None = None
    if with_starts:
        starts = np.concatenate([np.arange(s, dtype=np.int64) for s in sizes])
    if doc is None or offsets is None:
        return None, buckets, starts
    first = np.concatenate([doc[:s] for s in sizes])
    last = np.concatenate([doc[n - 1 : n - 1 + s] for n, s in zip(lengths, sizes, strict=True)])
    valid = first == last
    docs = first[valid]
    return docs, buckets[valid], (starts[valid] - offsets[docs] if starts is not None else None)


def hash_ngrams(
    texts: Sequence[str], ngrams: Sequence[int], bits: int
) -> tuple[I64, npt.NDArray[np.int32], I64]:
    """Bucket ids of every n-gram of every text, grouped by text.

    Returns ``(indptr, buckets, starts)``: the n-grams of text ``i`` are ``buckets[indptr[i]:indptr[i+1]]``,
    each starting at character ``starts[j]`` of its text (so an n-gram's span is ``[start, start + n)``;
    within a text, the n-grams come by length in the order of `ngrams`, then by position). Texts are read up
    to MAX_CHARS characters.
    """
    n_docs = len(texts)
    docs, buckets, starts = _raw(texts, ngrams, bits)
    assert starts is not None
    if docs is None:
        return np.array([0, len(buckets)], dtype=np.int64), buckets, starts
    order = np.argsort(docs, kind="stable")
    counts = np.bincount(docs, minlength=n_docs)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, buckets[order], starts[order]


def unique_ngrams(
    texts: Sequence[str], ngrams: Sequence[int], bits: int
) -> tuple[I64, npt.NDArray[np.int32]]:
    """The distinct buckets of each text (a binary bag), sorted, grouped by text as in `hash_ngrams`."""
    n = len(texts)
    docs, buckets, _ = _raw(texts, ngrams, bits, with_starts=False)
    if docs is None:
        uniq = _distinct(buckets)
        return np.array([0, len(uniq)], dtype=np.int64), uniq
    keys = _distinct((docs << bits) | buckets.astype(np.int64))
    out_buckets = (keys & ((1 << bits) - 1)).astype(np.int32)
    counts = np.bincount(keys >> bits, minlength=n)
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=out_ptr[1:])
    return out_ptr, out_buckets


def _distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The sorted distinct values (a sort and a mask: faster than np.unique for these sizes)."""
    if len(values) == 0:
        return values
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def unique_inverse_counts(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``np.unique(values, return_inverse=True, return_counts=True)`` for a non-empty 1-D array, without
    np.unique's per-call overhead (the same arrays)."""
    perm = np.argsort(values, kind="stable")
    ordered = values[perm]
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[perm] = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(values))
    return ordered[first], inverse, counts
