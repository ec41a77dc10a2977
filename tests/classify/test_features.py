"""Hashed character n-grams: stable, batch = one by one, no n-gram across two texts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.classify.features import MAX_CHARS, codepoints, hash_ngrams


def test_hash_is_stable_across_processes_and_machines() -> None:
    # Golden values: a change here changes every shipped artifact (retrain and update).
    indptr, buckets, starts = hash_ngrams(["退款加QQ"], (1, 2), 18)
    assert indptr.tolist() == [0, 9]
    assert buckets[:5].tolist() == GOLDEN_UNIGRAMS
    assert starts.tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3]


GOLDEN_UNIGRAMS = [47751, 674, 50536, 115868, 115868]


def test_digits_are_folded() -> None:
    a = hash_ngrams(["转账500元"], (1, 2, 3), 16)[1]
    b = hash_ngrams(["转账987元"], (1, 2, 3), 16)[1]
    assert a.tolist() == b.tolist()
    assert codepoints("a1")[1] == ord("0")


def test_empty_and_short_texts() -> None:
    indptr, buckets, starts = hash_ngrams(["", "好", ""], (1, 2, 3), 12)
    assert indptr.tolist() == [0, 0, 1, 1]
    assert len(buckets) == len(starts) == 1
    indptr, buckets, _ = hash_ngrams([], (1, 2), 12)
    assert indptr.tolist() == [0] and len(buckets) == 0


def test_long_texts_are_read_up_to_max_chars() -> None:
    indptr, _, starts = hash_ngrams(["好" * (MAX_CHARS + 50)], (1,), 12)
    assert indptr[-1] == MAX_CHARS and starts.max() == MAX_CHARS - 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=6))
def test_batch_equals_one_by_one(texts: list[str]) -> None:
    ngrams = (1, 2, 3)
    indptr, buckets, starts = hash_ngrams(texts, ngrams, 14)
    for i, text in enumerate(texts):
        one_ptr, one_b, one_s = hash_ngrams([text], ngrams, 14)
        assert buckets[indptr[i] : indptr[i + 1]].tolist() == one_b.tolist()
        assert starts[indptr[i] : indptr[i + 1]].tolist() == one_s.tolist()
        n = len(text)
        assert one_ptr[-1] == sum(max(0, n - k + 1) for k in ngrams)
    assert int(buckets.max(initial=0)) < 1 << 14
    assert np.all(buckets >= 0)
