"""Reading a chat screenshot: bubbles become turns on the right side, the chrome is set aside, and every finding
maps back to the boxes of its characters."""

from __future__ import annotations

import pytest

from fanzha.detect import Detector
from fanzha.errors import InputError
from fanzha.screenshots import check_screenshot, read_screenshot, verdict_dict
from fanzha.screenshots.ocr import Box, Line, spread
from fanzha.screenshots.reading import Bubble, join_lines
from fanzha.screenshots.render import Style, render
from screenshots.conftest import SCAM_CHAT, Checked


def _line(text: str, x0: int, y0: int) -> Line:
    box = Box(x0, y0, x0 + 20 * len(text), y0 + 20)
    return Line(text, box, spread(text, box))


def test_lines_of_a_bubble_join_without_a_break_and_latin_words_keep_their_space() -> None:
    lines = (
        _line("请加QQ 28461", 0, 0),
        _line("35790然后下载", 0, 30),
        _line("the TIM", 0, 60),
        _line("app now", 0, 90),
    )
    text, source = join_lines(lines)
    assert text == "请加QQ 2846135790然后下载the TIM app now"
    assert source[text.index("app") - 1] is None  # the space put back between two Latin words
    bubble = Bubble(False, lines, text, source)
    start = text.index("2846135790")
    boxes = bubble.boxes(start, start + 10)
    assert len(boxes) == 2 and boxes[0].y0 == 0 and boxes[1].y0 == 30


def test_spread_gives_each_character_a_box_inside_the_line() -> None:
    box = Box(100, 10, 400, 40)
    chars = spread("退款QQ123", box)
    assert len(chars) == 7 and chars[0].x0 == 100 and abs(chars[-1].x1 - 400) <= 1
    assert chars[0].width > chars[3].width  # a Chinese character is wider than a letter


def test_a_scam_screenshot_reads_as_the_chat_it_shows(scam_shot: Checked) -> None:
    reading = scam_shot.reading
    assert [b.me for b in reading.bubbles] == [s.me for s in scam_shot.drawn.shown] == [False, True, False]
    assert "三倍赔偿" in reading.bubbles[0].text and "2846135790" in reading.bubbles[2].text
    aside = {a.why: a.line.text for a in reading.aside}
    assert aside.get("title") == "淘宝官方售后" and "status_bar" in aside and aside.get("time") == "14:02"
    assert scam_shot.verdict.label == "scam"


def test_every_finding_is_boxed_on_the_characters_it_quotes(scam_shot: Checked) -> None:
    reading, verdict = scam_shot.reading, scam_shot.verdict
    out = verdict_dict(verdict, reading)
    assert out["findings"] and out["screenshot"]["turns"]
    for f, item in zip(verdict.findings, out["findings"], strict=True):
        bubble = reading.bubbles[f.turn]
        assert bubble.text[f.start : f.end] == f.text
        assert item["boxes"], f
        outer = bubble.box
        for x0, y0, x1, y1 in item["boxes"]:
            assert outer.x0 - 2 <= x0 < x1 <= outer.x1 + 2 and outer.y0 - 2 <= y0 < y1 <= outer.y1 + 2
    qq = next(e for e in out["entities"] if e["kind"] == "qq")
    assert qq["boxes"]


def test_a_family_chat_in_a_dark_qq_jpeg_is_safe(safe_shot: Checked, detector: Detector) -> None:
    assert [b.me for b in safe_shot.reading.bubbles] == [s.me for s in safe_shot.drawn.shown]
    assert safe_shot.verdict.label == "safe"
    text = detector.analyze(
        [{"speaker": "我" if s.me else "对方", "text": s.text, "me": s.me} for s in safe_shot.drawn.shown]
    )
    assert text.label == safe_shot.verdict.label


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="a screenshot with no text (a blank screen)",
    behaviour="E063",
)
def test_an_image_with_no_text_is_e063() -> None:
    from screenshots.test_image import png

    with pytest.raises(InputError) as exc:
        read_screenshot(png(540, 1170), where="blank.png")
    assert exc.value.code == "E063"


@pytest.mark.parametrize(
    "style",
    [
        Style("wechat", "dark", 540, 1170),
        Style("qq", "light", 540, 1170, jpeg=True),
        Style("sms", "dark", 540, 1170),
    ],
    ids=lambda s: s.name,
)
def test_every_layout_reads_the_scam_chat_with_the_verdict_of_its_text(
    style: Style, detector: Detector
) -> None:
    drawn = render(SCAM_CHAT, style)
    verdict, reading, _ = check_screenshot(detector, drawn.data(style.jpeg))
    assert [b.me for b in reading.bubbles] == [s.me for s in drawn.shown]
    shown = detector.analyze(
        [{"speaker": "我" if s.me else "对方", "text": s.text, "me": s.me} for s in drawn.shown]
    )
    assert verdict.label == shown.label == "scam"
    chrome = [c for c in drawn.chrome if len(c) > 3 and c not in str(SCAM_CHAT["turns"])]
    assert not any(c in b.text for c in chrome for b in reading.bubbles)  # no status bar, title or input bar


def test_the_ocr_reads_offline_with_the_models_of_its_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    from pathlib import Path

    import rapidocr_onnxruntime

    from fanzha.screenshots.ocr import RapidOcr
    from fanzha.screenshots.render import Style, render

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert sorted(p.suffix for p in models.iterdir() if p.name.startswith("ch_")) == [".onnx"] * 3

    def no_network(*args: object, **kw: object) -> None:
        raise AssertionError("the OCR opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    drawn = render(SCAM_CHAT, Style("sms", "light", 540, 1170))
    from fanzha.screenshots.image import open_image

    lines = RapidOcr(n_threads=1).read(open_image(drawn.data(False)))
    assert any("2846135790" in line.text for line in lines)
