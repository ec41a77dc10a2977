"""Screenshots drawn once per test process (small ones: the OCR reads a 540-pixel-wide screen in well under a
second) and the verdicts on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from fanzha.detect import Detector
from fanzha.screenshots import Reading, check_screenshot
from fanzha.screenshots.render import Rendered, Style, render

SCAM_CHAT: dict[str, Any] = {
    "id": "test-scam",
    "title": "淘宝官方售后",
    "nick": "售后客服",
    "turns": [
        {"t": "14:02"},
        {"o": "您好，我是淘宝售后客服，您购买的面膜检测出质量问题，给您三倍赔偿"},
        {"m": "怎么赔"},
        {"o": "请加理赔专员QQ 2846135790，下载TIM开启屏幕共享，我指导您操作"},
    ],
}
SAFE_CHAT: dict[str, Any] = {
    "id": "test-safe",
    "title": "妈妈",
    "turns": [{"o": "中午吃饭了吗"}, {"m": "吃了，在食堂吃的"}, {"o": "天冷了多穿点"}],
}
SMALL = Style("wechat", "light", 540, 1170)


@dataclass
class Checked:
    drawn: Rendered
    data: bytes
    verdict: Any
    reading: Reading


def _checked(detector: Detector, chat: dict[str, Any], style: Style) -> Checked:
    drawn = render(chat, style)
    data = drawn.data(style.jpeg)
    verdict, reading, _ = check_screenshot(detector, data)
    return Checked(drawn, data, verdict, reading)


@pytest.fixture(scope="session")
def scam_shot(detector: Detector) -> Checked:
    return _checked(detector, SCAM_CHAT, SMALL)


@pytest.fixture(scope="session")
def safe_shot(detector: Detector) -> Checked:
    return _checked(detector, SAFE_CHAT, Style("qq", "dark", 540, 1170, jpeg=True))
