"""Normalisation: evasions undone, offsets back to the original, idempotence (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.detect import Detector
from fanzha.text.normalize import Normalizer

DETECTOR = Detector()
NORM = DETECTOR.compiled.normalizer


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("退 款", "退款"),
        ("赔-付", "赔付"),
        ("退\u200b款", "退款"),
        ("屏\u200d幕\ufeff共享", "屏幕共享"),
        ("加V信", "加微信"),
        ("加 v 信", "加微信"),
        ("薇信号", "微信号"),
        ("vx：abc123", "微信:abc123"),
        ("威信", "微信"),
        ("扣扣号", "qq号"),
        ("企鹅号", "qq号"),
        ("ＱＱ１２３４５", "qq12345"),
        ("賠償退款，質量問題", "赔偿退款,质量问题"),
        ("叁倍赔偿", "三倍赔偿"),
        ("一三八一二三四五六七八", "13812345678"),
        ("一一照做", "一一照做"),
        ("退🌹款", "退款"),
        ("验*证*码", "验证码"),
        # the heart is a separator and also a spelling of 信 (v❤, 微❤): both readings give 微信
        ("加v❤好友", "加微信好友"),
        ("微❤信", "微信"),
        ("V❤x", "微信x"),  # hypothesis: once gave "vx", twice "微信"
        ("加薇❤\ufe0f好友", "加微信好友"),  # the emoji's variation selector is invisible: dropped
    ],
)
def test_evasions_are_undone(raw: str, expected: str) -> None:
    assert NORM(raw) == expected
    assert NORM.normalize(raw).text == expected


def test_offsets_point_at_the_original_characters() -> None:
    raw = "请加 V 信：abc，給您叁倍賠-償"
    n = NORM.normalize(raw)
    i = n.text.index("微信")
    assert n.original_text(i, i + 2) == "V 信"
    j = n.text.index("三倍赔偿")
    assert n.original_text(j, j + 4) == "叁倍賠-償"


def test_unchanged_text_has_identity_map() -> None:
    n = NORM.normalize("你好")
    assert n.starts is None and n.to_original(0, 2) == (0, 2)


_ALPHABET = st.sampled_from(
    list(
        "退款赔付微信客服验证码屏幕共享转账安全账户一二三四五六七八九零vxVqQ扣企鹅薇 -_*·.,，。！!?\u200b\u200d\ufeff🌹❤️12345"
    )
)
_TEXT = st.text(_ALPHABET, max_size=40) | st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_normalising_twice_equals_once(text: str) -> None:
    once = NORM(text)
    assert NORM(once) == once


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_the_text_alone_is_the_mapped_text(text: str) -> None:
    """`NORM(text)` skips the map back to the original; the text must be the same."""
    assert NORM(text) == NORM.normalize(text).text


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_every_span_maps_inside_the_original(text: str) -> None:
    n = NORM.normalize(text)
    size = len(n.text)
    for a in range(size + 1):
        for b in range(a, min(size, a + 4) + 1):
            start, end = n.to_original(a, b)
            assert 0 <= start <= end <= len(text)
    if n.starts is not None:
        assert list(n.starts) == sorted(n.starts)


_ZW = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])


@st.composite
def _with_zero_width(draw: st.DrawFn, text: str) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if draw(st.booleans()):
            out.append(draw(_ZW))
    return "".join(out)


_MESSAGES = [
    "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理。",
    "您的快递在运输途中丢失了，我们双倍赔付，请下载小鱼易连开启屏幕共享。",
    "【中国工商银行】验证码：736521，请勿泄露。",
    "民警提醒：凡是自称客服主动要求退款的都是诈骗。",
    "我接到一个自称京东客服的电话，对方让我把借呗的钱借出来转到安全账户，我才意识到被骗了。",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_MESSAGES).flatmap(_with_zero_width))
def test_zero_width_characters_change_no_verdict(text: str) -> None:
    clean = "".join(c for c in text if c not in "\u200b\u200c\u200d\u2060\ufeff")
    a, b = DETECTOR.analyze(clean), DETECTOR.analyze(text)
    assert (a.label, a.kind, a.category, a.variant, a.stage) == (
        b.label,
        b.kind,
        b.category,
        b.variant,
        b.stage,
    )
    assert [f.indicator for f in a.findings] == [f.indicator for f in b.findings]
    for f in b.findings:
        assert text[f.start : f.end] == f.text


def test_normalizer_without_spellings() -> None:
    assert Normalizer()("V信") == "v信"
