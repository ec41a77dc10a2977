"""`Detector.analyze` on random data shaped like what people hand it (hypothesis): a verdict or a coded error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.detect import Detector
from fanzha.errors import InputError

KEYS = ["text", "turns", "messages", "speaker", "content", "role", "from", "IsSender", "StrContent", "Type"]
JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner)
    ),
    max_leaves=12,
)


@pytest.mark.reliability(
    entry="Detector.analyze",
    bad_input="random JSON-like data: texts, lists, objects, turns in any shape (hypothesis)",
    behaviour="a verdict whose findings slice the input, or an InputError with a code; never another exception",
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON_LIKE)
def test_random_data(detector: Detector, data: Any) -> None:
    try:
        v = detector.analyze(data, explain=True)
    except InputError as exc:
        assert exc.code.startswith("E0")
        return
    assert v.label in ("scam", "suspicious", "safe")
    if isinstance(data, str):
        assert all(data[f.start : f.end] == f.text for f in v.findings)
