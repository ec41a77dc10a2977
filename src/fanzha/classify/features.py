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
    arr[(arr >= 48) & (arr <= 57)] = _DIGIT
    return arr


def _mix(h: U64) -> U64:
    h ^= h >> np.uint64(33)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def hash_ngrams(
    texts: Sequence[str], ngrams: Sequence[int], bits: int
) -> tuple[I64, npt.NDArray[np.int32], I64]:
    """Bucket ids of every n-gram of every text, grouped by text.

    Returns ``(indptr, buckets, starts)``: the n-grams of text ``i`` are ``buckets[indptr[i]:indptr[i+1]]``,
    each starting at character ``starts[j]`` of its text (so an n-gram's span is ``[start, start + n)``;
    the lengths follow the order of `ngrams` within a text). Texts are read up to MAX_CHARS characters.
    """
    n_docs = len(texts)
    parts = [codepoints(t) for t in texts]
    lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=n_docs)
    codes = np.concatenate(parts).astype(np.uint64) if n_docs else np.zeros(0, np.uint64)
    total = len(codes)
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    mask = np.uint64((1 << bits) - 1)
    all_docs: list[I64] = []
    all_buckets: list[npt.NDArray[np.int32]] = []
    all_starts: list[I64] = []
    for n in ngrams:
        m = total - n + 1
        if m <= 0:
            continue
        h = np.full(m, _SALTS[n], dtype=np.uint64)
        for k in range(n):
            h += codes[k : k + m] * _PRIMES[k]
        h = _mix(h)
        pos = np.arange(m, dtype=np.int64)
        d = doc[:m]
        valid = d == doc[n - 1 : n - 1 + m]
        all_docs.append(d[valid])
        all_buckets.append((h[valid] & mask).astype(np.int32))
        all_starts.append(pos[valid] - offsets[d[valid]])
    if not all_docs:
        return np.zeros(n_docs + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64)
    docs = np.concatenate(all_docs)
    order = np.argsort(docs, kind="stable")
    buckets = np.concatenate(all_buckets)[order]
    starts = np.concatenate(all_starts)[order]
    counts = np.bincount(docs, minlength=n_docs)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, buckets, starts


def ngram_lengths(indptr: I64, text_lengths: Sequence[int], ngrams: Sequence[int]) -> I64:
    """The length n of every n-gram returned by `hash_ngrams` (same order)."""
    out: list[I64] = []
    for i, length in enumerate(text_lengths):
        length = min(length, MAX_CHARS)
        per = [np.full(max(0, length - n + 1), n, dtype=np.int64) for n in ngrams]
        out.append(np.concatenate(per) if per else np.zeros(0, np.int64))
        assert len(out[-1]) == indptr[i + 1] - indptr[i]
    return np.concatenate(out) if out else np.zeros(0, np.int64)
