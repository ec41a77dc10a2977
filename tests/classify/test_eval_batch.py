"""`fanzha eval` scores in batches through `Detector.analyze_many`: the same verdicts as one by one."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fanzha.detect import Detector
from fanzha.errors import InputError
from fanzha.evaluate.metrics import CategoryNames, Example, parse_example, predict
from fanzha.evaluate.runner import predict_batched


def _examples(det: Detector) -> list[Example]:
    names = CategoryNames(det.kb)
    raw: list[dict[str, Any]] = [
        {"id": "a", "text": "您好，我是淘宝客服，您的面膜有质量问题，三倍赔偿，加QQ办理", "label": "scam"},
        {"id": "b", "text": "晚上回家吃饭吗", "label": "safe"},
        {
            "id": "c",
            "turns": [{"speaker": "客服", "text": "下载小鱼易连共享屏幕"}, {"speaker": "我", "text": "好"}],
            "label": "scam",
        },
        {"id": "d", "text": "placeholder", "label": "safe"},
    ] + [{"id": f"x{i}", "text": f"第{i}条：验证码{i}告诉我", "label": "scam"} for i in range(7)]
    examples = [parse_example(r, names) for r in raw]
    # a turn list the detector refuses (parse_example would have caught it: built by hand)
    examples[3] = dataclasses.replace(examples[3], data=[{"speaker": "客服", "text": "hi"}, 7])
    return examples


@pytest.mark.parametrize("batch", [1, 3, 256])
def test_batched_equals_one_by_one(batch: int) -> None:
    det = Detector()
    examples = _examples(det)
    refused_a: list[str] = []
    refused_b: list[str] = []
    ticks: list[int] = []
    one = predict(det.analyze, examples, on_error=lambda ex, _e: refused_a.append(ex.id))
    many = predict_batched(
        det, examples, on_error=lambda ex, _e: refused_b.append(ex.id), progress=ticks.append, batch=batch
    )
    assert refused_a == refused_b == ["d"]
    assert [o.example.id for o in one] == [o.example.id for o in many]
    assert [o.verdict.to_dict(explain=True) for o in one] == [o.verdict.to_dict(explain=True) for o in many]
    assert sum(ticks) == len(examples) and all(o.seconds >= 0 for o in many)


def test_bad_example_raises_without_on_error() -> None:
    det = Detector(model=None)
    with pytest.raises(InputError):
        predict_batched(det, _examples(det))


def test_an_analyzer_without_analyze_many_is_called_one_by_one() -> None:
    det = Detector(model=None)

    class Plain:
        kb = det.kb

        def analyze(self, data: Any) -> Any:
            return det.analyze(data)

    examples = [e for e in _examples(det) if e.id != "d"]
    got = predict_batched(Plain(), examples)  # type: ignore[arg-type]
    assert [o.verdict.label for o in got] == [det.analyze(e.data).label for e in examples]
