"""Texts longer than MAX_CHARS are analysed whole, in overlapping windows whose findings merge into one verdict:
the same findings, entities and rules' verdict as one piece would give, each finding once, on the characters
the user sent; a text repeating a scam endlessly stays a verdict of bounded size."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from clirun import run
from fanzha.detect import Detector, engine

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"
CHATTER = "今天天气很好，我们去公园散步。晚上一起吃饭吧，我订了七点的位子。"


def _text() -> str:
    """A long text mixing scam sentences, entities and chatter, cut by spaces and line breaks at every offset
    modulo a window's core, so that hits fall on every side of the windows' edges."""
    examples = [
        json.loads(line)
        for line in (Path(engine.__file__).parents[1] / "examples" / "examples.jsonl")
        .read_text("utf-8")
        .splitlines()
    ]
    texts = [e["text"] for e in examples if "text" in e]
    parts: list[str] = []
    for i in range(120):
        parts.append(texts[i % len(texts)])
        parts.append(CHATTER * (1 + i % 3))
        parts.append(" " * (i % 5) + "\n" * (i % 2))
    return "".join(parts)


def _key(v: object) -> object:
    data = v.to_dict(explain=True)  # type: ignore[attr-defined]
    data["decision"].pop("windows", None)
    return data


def test_windows_give_the_verdict_of_one_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    detector = Detector(model=None)
    text = _text()
    whole = detector.analyze(text, explain=True)
    monkeypatch.setattr(engine, "MAX_CHARS", 2_600)  # windows of at most 2,600 characters, cores of 600
    monkeypatch.setattr(engine, "MARGIN", 1_000)
    cut = detector.analyze(text, explain=True)
    assert cut.decision["windows"] == -(-len(text) // 600) > 20
    assert _key(cut) == _key(whole)
    assert all(text[f.start : f.end] == f.text for f in cut.findings)


@pytest.mark.reliability(
    entry="Detector.analyze",
    bad_input="a text repeating a scam sentence for 450,000 characters",
    behaviour="analysed whole, in 3 windows; at most 100 findings per indicator listed, the rest counted in "
    "not_listed (the human view says so); scam",
)
def test_a_text_repeating_a_scam_stays_a_bounded_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    detector = Detector(model=None)
    text = "您好，我是淘宝客服，给您三倍赔偿。" * 26_500
    v = detector.analyze(text, explain=True)
    assert v.label == "scam" and v.decision["windows"] == 3
    per_indicator: dict[str, int] = {}
    for f in v.findings:
        per_indicator[f.indicator] = per_indicator.get(f.indicator, 0) + 1
        assert text[f.start : f.end] == f.text
    assert max(per_indicator.values()) <= engine.LISTED and v.not_listed > 100_000
    assert v.to_dict()["not_listed"] == v.not_listed
    from rich.console import Console

    from fanzha.cli.render import VerdictView

    console = Console(width=100, record=True)
    console.print(VerdictView(v, [text], detector.kb, "zh"))
    assert f"另有 {v.not_listed} 处命中未显示" in console.export_text()


@pytest.mark.slow
@pytest.mark.reliability(
    entry="fanzha check --file",
    bad_input="a 10 MB text with the scam at its end",
    behaviour="analysed whole (was: cut at 200,000 characters, safe 0.0014, said only with --explain): scam, "
    "every finding on the characters at the end of the file",
)
def test_a_10_mb_text_with_the_scam_at_the_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("今天天气很好，我们去公园散步。" * 20 + "\n") * 35_000 + SCAM
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8")
    assert p.stat().st_size > 10_000_000
    code, out, _ = run(["check", "--json", "--explain", "--file", str(p)], capsys)
    v = orjson.loads(out)
    assert code == 0 and v["label"] == "scam" and v["decision"]["windows"] > 50
    assert v["findings"] and all(text[f["start"] : f["end"]] == f["text"] for f in v["findings"])
    assert min(f["start"] for f in v["findings"]) >= len(text) - len(SCAM)


@pytest.mark.reliability(
    entry="fanzha check --file",
    bad_input="a JSON chat longer than 200,000 characters, the scam in its last turn",
    behaviour="analysed whole (was: cut at 200,000 characters): scam, the findings in the last turn",
)
def test_a_long_chat_with_the_scam_in_its_last_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turns = [{"speaker": "朋友" if i % 2 else "我", "text": CHATTER * 3} for i in range(2_400)]
    turns.append({"speaker": "客服", "text": SCAM})
    p = tmp_path / "chat.json"
    p.write_text(json.dumps({"messages": turns}, ensure_ascii=False), encoding="utf-8")
    assert sum(len(t["text"]) for t in turns) > engine.MAX_CHARS
    code, out, _ = run(["check", "--json", "--file", str(p)], capsys)
    v = orjson.loads(out)
    assert code == 0 and v["label"] == "scam"
    last = len(turns) - 1
    assert {f["turn"] for f in v["findings"]} == {last}
    assert all(SCAM[f["start"] : f["end"]] == f["text"] for f in v["findings"])


def test_screen_sees_what_the_windows_see() -> None:
    detector = Detector(model=None)
    text = CHATTER * 8_000 + SCAM
    assert len(text) > engine.MAX_CHARS
    screen = detector.screen(text)
    v = detector.analyze(text)
    assert screen is not None and {f.indicator for f in v.findings if f.role == "scam"} <= screen.indicators
