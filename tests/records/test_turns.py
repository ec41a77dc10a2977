"""One reading of a conversation given as data, whichever entry point it comes through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clirun import run
from fanzha.detect import Detector, Document
from fanzha.errors import InputError
from fanzha.records.turns import RawTurn, parse_json_turns, parse_turns

SCAM = [
    "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿",
    "好的",
    "请下载TIM添加理赔专员QQ 2846135790",
]


@pytest.fixture(scope="module")
def rules() -> Detector:
    return Detector(model=None)


SHAPES: list[Any] = [
    [
        {"speaker": "客服", "text": SCAM[0]},
        {"speaker": "我", "text": SCAM[1]},
        {"speaker": "客服", "text": SCAM[2]},
    ],
    [
        {"from": "客服", "message": SCAM[0]},
        {"from": "我", "message": SCAM[1]},
        {"from": "客服", "message": SCAM[2]},
    ],
    {"messages": [["客服", SCAM[0]], ["我", SCAM[1]], ["客服", SCAM[2]]]},
    # a WeChat export (StrContent, IsSender, Type; a picture in between that is left out)
    [
        {"StrTalker": "wxid_kefu", "IsSender": 0, "Type": 1, "StrContent": SCAM[0]},
        {"StrTalker": "wxid_kefu", "IsSender": 0, "Type": 3, "StrContent": "<msg><img/></msg>"},
        {"StrTalker": "wxid_kefu", "IsSender": 1, "Type": 1, "StrContent": SCAM[1]},
        {"StrTalker": "wxid_kefu", "IsSender": 0, "Type": 1, "StrContent": SCAM[2]},
    ],
    # a QQ export (sender object, content object)
    {
        "messages": [
            {"sender": {"name": "客服", "uin": "2846135790"}, "content": {"text": SCAM[0]}, "isSelf": False},
            {"sender": {"name": "我"}, "content": {"text": SCAM[1]}},
            {"sender": {"name": "客服", "uin": "2846135790"}, "content": {"text": SCAM[2]}},
        ]
    },
]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_the_same_conversation(rules: Detector, shape: Any) -> None:
    turns = parse_turns(shape)
    assert [t.text for t in turns] == SCAM
    verdict = rules.analyze(shape)
    assert verdict.label == "scam" and verdict.stage == 2  # the furthest move: add QQ, stage 2 by the seeds
    base = rules.analyze(SHAPES[0])
    assert (verdict.label, verdict.score, verdict.category, verdict.variant) == (
        base.label,
        base.score,
        base.category,
        base.variant,
    )


def test_the_export_says_who_is_me() -> None:
    doc = Document.from_any(SHAPES[3])
    assert [t.is_self for t in doc.turns] == [False, True, False]


@pytest.mark.parametrize("shape", SHAPES[1:3])
def test_the_same_verdict_through_check_file_check_jsonl_and_the_api(
    tmp_path: Path, rules: Detector, shape: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: ``[{"from": …, "message": …}]`` was a scam through ``check --file`` but E010 through
    ``check --jsonl`` and `Detector.analyze`."""
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(shape, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(["check", "--file", str(chat), "--json", "--no-model"], capsys)
    assert code == 0
    by_file = json.loads(out)
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": "c1", "turns": shape}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run(["check", "--jsonl", str(batch), "--no-model"], capsys)
    assert code == 0
    by_batch = json.loads(out.splitlines()[0])
    api = rules.analyze(shape).to_dict()
    for key in ("label", "score", "category", "variant", "stage"):
        assert by_file[key] == by_batch[key] == api[key], key


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([], "E000"),
        ({"messages": []}, "E000"),
        ([{"text": "  "}], "E000"),
        ([{"speaker": "x"}], "E010"),
        ([3], "E012"),
        ({"id": 3}, "E013"),
        (3, "E011"),
        (b"bytes", "E011"),
    ],
)
def test_bad_conversations_are_coded_errors(data: Any, code: str) -> None:
    with pytest.raises(InputError) as err:
        parse_turns(data, where="chat.json")
    assert err.value.code == code and err.value.where == "chat.json"


def test_json_text() -> None:
    assert parse_json_turns("not json") is None
    assert parse_json_turns("[2024-05-14 18:02] 客服：你好") is None  # a chat log, not JSON
    with pytest.raises(InputError) as err:
        parse_json_turns("[1, 2", strict=True)
    assert err.value.code == "E021"
    assert parse_json_turns('{"text": "你好"}') == [RawTurn(None, "你好")]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["text", "speaker", "messages", "IsSender", "content", "sender", "Type", "StrContent", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_any_json_is_turns_or_a_coded_error(data: Any) -> None:
    try:
        turns = parse_turns(data)
    except InputError as exc:
        assert exc.code in ("E000", "E010", "E011", "E012", "E013")
    else:
        assert turns and all(isinstance(t.text, str) for t in turns)
        assert any(t.text.strip() for t in turns)
