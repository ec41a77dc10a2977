"""Identifier keys: one normal form per kind, whatever the writing; normalising twice equals once; what the
entity extractor finds in a text keys the same as the value written alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.kb.loader import default_kb
from fanzha.text.entities import extract_entities, luhn_ok
from fanzha.text.identifiers import KINDS, normalize, of_entity
from fanzha.text.normalize import Normalizer

NORM = Normalizer(default_kb().kb.spellings)
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _card(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


CARD = _card("622848146881104279")

SAME: list[tuple[str, list[str], str]] = [
    ("phone", ["17132216622", "171 3221 6622", "171-3221-6622", "+86 17132216622", "１７１３２２１６６２２"], "17132216622"),
    ("phone", ["0571-52013000", "057152013000"], "057152013000"),
    ("phone", ["95188", "９５１８８"], "95188"),
    ("qq", ["2846135790", "2846 135790", "２８４６１３５７９０"], "2846135790"),
    ("wechat_id", ["kf_npcdpw", "KF_NPCDPW", " kf_npcdpw "], "kf_npcdpw"),
    ("meeting_id", ["872294646", "872 294 646", "８７２２９４６４６"], "872294646"),
    ("bank_card", [CARD, " ".join(CARD[i : i + 4] for i in range(0, 19, 4)), CARD.translate(FULL)], CARD),
    ("payment_account", ["kf8821@163.com", "KF8821@163.COM"], "kf8821@163.com"),
    ("payment_account", ["13812345678", "138 1234 5678"], "13812345678"),
    ("domain", ["http://tuikuan-x7k2.top/abc", "https://WWW.Tuikuan-X7K2.top", "tuikuan-x7k2.top/x?y=1"], "tuikuan-x7k2.top"),
    ("order_number", ["O0000123456", "o0000123456", "O-0000-123456"], "O0000123456"),
    ("partial_number", ["8831", "８８３１"], "8831"),
]  # fmt: skip


@pytest.mark.parametrize("kind, writings, key", SAME)
def test_every_writing_gives_one_key(kind: str, writings: list[str], key: str) -> None:
    assert {normalize(kind, w) for w in writings} == {key}


@pytest.mark.parametrize(
    "kind, raw",
    [
        ("phone", "abc123"),
        ("qq", "0123456"),
        ("qq", "1234"),
        ("bank_card", CARD[:-1] + str((int(CARD[-1]) + 1) % 10)),  # fails the Luhn check
        ("wechat_id", "微信号"),
        ("meeting_id", "12"),
        ("domain", "not a domain"),
        ("partial_number", "12"),
    ],
)
def test_what_cannot_be_an_identifier_is_none(kind: str, raw: str) -> None:
    assert normalize(kind, raw) is None


def test_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown identifier kind"):
        normalize("fax", "123")


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), raw=st.text(max_size=40))
def test_normalising_twice_equals_once(kind: str, raw: str) -> None:
    once = normalize(kind, raw)
    if once is not None:
        assert normalize(kind, once) == once


@settings(max_examples=200, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    prefix=st.sampled_from(["138", "171", "186"]),
    style=st.sampled_from(["plain", "spaced", "dashed", "full"]),
)
def test_a_phone_in_a_text_keys_as_the_phone_alone(digits: str, prefix: str, style: str) -> None:
    number = prefix + digits[:8]
    written = {
        "plain": number,
        "spaced": f"{number[:3]} {number[3:7]} {number[7:]}",
        "dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "full": number.translate(FULL),
    }[style]
    text = f"对方打来的号码是{written}，说是客服。"
    keys = [of_entity(e) for e in extract_entities(NORM.normalize(text))]
    assert ("phone", normalize("phone", written)) in keys
