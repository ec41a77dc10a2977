"""`fanzha.detect.batch`: the JSONL batch below the command line (what `check --jsonl` and the HTTP service run)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import orjson
import pytest

from fanzha.detect import Detector
from fanzha.detect.batch import BATCH, check_jsonl
from fanzha.errors import InputError

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"


def _src(tmp_path: Path, n: int) -> Path:
    rows: list[object] = [{"id": i, "text": SCAM if i % 2 else f"第{i}条：明天开会"} for i in range(n)]
    rows[3] = {"id": 3}  # no text
    rows[5] = {"id": 5, "turns": {"messages": []}}  # a chat with no text
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "{\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("to", ["stream", "file"])
def test_a_batch_returns_what_it_accepted_and_rejected(tmp_path: Path, detector: Detector, to: str) -> None:
    n = BATCH + 10
    src = _src(tmp_path, n)
    seen: list[InputError] = []
    progress: list[tuple[str, int, int | None]] = []
    stream = io.BytesIO()
    out = stream if to == "stream" else tmp_path / "out.jsonl"
    result = check_jsonl(
        detector,
        src,
        out,
        lang="en",
        on_rejected=seen.append,
        progress=lambda stage, done, total: progress.append((stage, done, total)),
    )
    data = stream.getvalue() if to == "stream" else (tmp_path / "out.jsonl").read_bytes()
    rows = [orjson.loads(x) for x in data.splitlines()]
    assert result.accepted == len(rows) == n - 2
    assert [r["id"] for r in rows] == [i for i in range(n) if i not in (3, 5)]
    assert rows[1]["label"] == "scam" and rows[1]["advice"][0].isascii()  # --lang en
    assert [(e.where, e.code) for e in result.rejected] == [
        (f"{src}:4", "E024"),
        (f"{src}:6", "E000"),
        (f"{src}:{n + 1}", "E020"),
    ]
    assert seen == result.rejected
    assert progress[0] == ("in.jsonl", 0, n + 1) and progress[-1] == ("in.jsonl", n + 1, n + 1)
    assert [d for _, d, _ in progress] == sorted(d for _, d, _ in progress)


def test_the_input_is_checked_before_the_output(tmp_path: Path, detector: Detector) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        check_jsonl(detector, tmp_path / "missing.jsonl", out, lang="zh")
    assert err.value.code == "E001" and out.read_text(encoding="utf-8") == "kept\n"
    src = _src(tmp_path, 8)
    with pytest.raises(InputError) as err:
        check_jsonl(detector, src, src, lang="zh")
    assert err.value.code == "E040"
