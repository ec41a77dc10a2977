"""The regex prefilter never changes what matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.detect import Detector
from fanzha.detect.engine import CompiledKB
from fanzha.detect.prefilter import first_characters, required_literal_sets, required_literals


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("(质量|质检)[^,]{0,4}(问题|不合格)", {"问题", "不合格"}),
        ("退税", {"退税"}),
        ("(?:ab)|(?:cd)", {"ab", "cd"}),
        ("a?b?", None),
        ("[0-9]+", None),
        ("(x|y*)z", {"z"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    assert required_literals(pattern) == expected


DETECTOR = Detector()
_PATTERNS = [p for ind in DETECTOR.kb.indicators for p in ind.regex]
_WORDS = sorted({lit for p in _PATTERNS for s in required_literal_sets(p) for lit in s})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*_WORDS, "，", "您", "我", "的", "了", "1", "元"]), max_size=12).map("".join)
)
def test_every_regex_match_contains_a_literal_of_each_required_set_and_starts_right(text: str) -> None:
    for pattern in _PATTERNS:
        first = first_characters(pattern)
        for m in re.finditer(pattern, text):
            for literals in required_literal_sets(pattern):
                assert any(lit in m.group(0) for lit in literals), (pattern, m.group(0))
            if first and m.group(0):
                assert m.group(0)[0] in first, (pattern, m.group(0))


def test_prefiltered_matching_equals_running_every_regex() -> None:
    fast = DETECTOR.compiled
    slow = CompiledKB(DETECTOR.kb, prefilter=False)
    assert len(slow.always) == len(slow.regexes) > len(fast.always)
    texts = [ex for ind in DETECTOR.kb.indicators for ex in ind.examples.positive + ind.examples.negative]
    for text in texts:
        norm = fast.normalizer(text)
        assert sorted(fast.match(norm), key=repr) == sorted(slow.match(norm), key=repr), text
