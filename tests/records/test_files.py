"""Text files in any encoding people save Chinese in: one decision (`detect`) for whole texts and JSONL alike."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.errors import InputError
from fanzha.records.corpora import NEWS_HEADER
from fanzha.records.files import count_lines, decode_bytes, detect, iter_jsonl, read_csv_rows

CHAT = "客服：您好，这里是中通快递理赔中心，您的包裹丢失了，给您双倍赔付。\n我：怎么办理？\n客服：请加QQ 2846135790。"
PURE = "您好我是淘宝客服您购买的面膜有质量问题给您三倍赔偿请加企鹅办理"  # no ASCII at all: no zero byte in UTF-16
ROWS = [
    {"id": "a", "text": "您好，我是淘宝客服，给您三倍赔偿，请加QQ 2846135790"},
    {"id": 2, "turns": [{"speaker": "客服", "text": "您的快递丢失了"}, {"speaker": "我", "text": "好的"}]},
    {"id": "c", "text": "明天下午三点开会，记得带电脑"},
]

# (name, how to encode a text): every encoding a Chinese text file comes in
ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8 with BOM": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "gb18030": lambda s: s.encode("gb18030"),
    "utf-16-le": lambda s: s.encode("utf-16-le"),
    "utf-16-be": lambda s: s.encode("utf-16-be"),
    "utf-16-le with BOM": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be with BOM": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-32 with BOM": lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_a_text_decodes_in_every_encoding(name: str) -> None:
    assert decode_bytes(ENCODINGS[name](CHAT), where="x") == CHAT


@pytest.mark.parametrize("name", ["utf-16-le", "utf-16-be", "gb18030"])
def test_chinese_without_ascii_is_told_apart(name: str) -> None:
    assert decode_bytes(ENCODINGS[name](PURE), where="x") == PURE


@pytest.mark.parametrize("name", ENCODINGS)
def test_jsonl_reads_every_line_in_every_encoding(tmp_path: Path, name: str) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" * (i % 2) + "\n" for i, r in enumerate(ROWS))
    p = tmp_path / "in.jsonl"
    p.write_bytes(ENCODINGS[name](text))
    got = list(iter_jsonl(p))
    assert [r.error for r in got] == [None] * 3
    assert [r.data for r in got] == ROWS and [r.line for r in got] == [1, 2, 4]  # line 3 is blank
    assert count_lines(p) == 4


def test_a_utf8_jsonl_with_a_bad_line_loses_that_line_only(tmp_path: Path) -> None:
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in ROWS]
    lines.insert(1, b'{"id": "x", "text": "\xff\xfe\xb0"}')
    p = tmp_path / "in.jsonl"
    p.write_bytes(b"\n".join(lines) + b"\n")
    got = list(iter_jsonl(p))
    assert [r.data for r in got if r.error is None] == ROWS
    assert [(r.line, r.error.code) for r in got if r.error is not None] == [(2, "E020")]


def test_a_utf16_line_that_does_not_decode_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_bytes(
        json.dumps(ROWS[0], ensure_ascii=False).encode("utf-16-le") + "\n".encode("utf-16-le") + b"{"
    )
    got = list(iter_jsonl(p))
    assert got[0].data == ROWS[0] and got[1].error is not None and got[1].error.code == "E020"
    assert got[1].error.where == f"{p}:2"


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02binary\x00", bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00"]
)
def test_binary_data_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError) as err:
        decode_bytes(data, where="x")
    assert err.value.code == "E003"
    p = tmp_path / "in.jsonl"
    p.write_bytes(data)
    with pytest.raises(InputError) as err:
        list(iter_jsonl(p))
    assert err.value.code == "E003" and err.value.where == str(p)


def test_the_head_of_a_file_decides_even_when_cut_inside_a_character() -> None:
    data = ("您好" * 40_000).encode("gb18030")
    assert detect(data[:65_537], where="x", final=False).codec == "gb18030"
    assert detect(data[:65_537], where="x", final=True).codec != "gb18030"  # whole, it would be cut


@pytest.mark.reliability(
    entry="fanzha.records.files.decode_bytes",
    bad_input="random bytes (hypothesis)",
    behaviour="a text, or E003 (binary) / E004 (no decoding fits); never another exception",
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=100).map(lambda s: s.encode("utf-16-le", "surrogatepass")))
def test_random_bytes_decode_or_are_refused_with_a_code(data: bytes) -> None:
    try:
        text = decode_bytes(data, where="x")
    except InputError as exc:
        assert exc.code in ("E003", "E004")
    else:
        assert isinstance(text, str)


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), max_size=200),
    st.sampled_from(
        ["utf-8", "utf-8 with BOM", "utf-16-le with BOM", "utf-16-be with BOM", "utf-32 with BOM"]
    ),
)
def test_utf8_and_marked_texts_round_trip(text: str, name: str) -> None:
    assert decode_bytes(ENCODINGS[name](text), where="x") == text


def test_csv_rows_end_at_any_line_break_and_say_where_they_start(tmp_path: Path) -> None:
    path = tmp_path / "seeds.csv"
    path.write_bytes(codecs.BOM_UTF8 + b'victim_id,transfer_id\rv,T0\r\nw,"T\n1"\nx,T2\n')
    assert read_csv_rows(path) == [
        (1, ["victim_id", "transfer_id"]),
        (2, ["v", "T0"]),
        (3, ["w", "T\n1"]),
        (5, ["x", "T2"]),
    ]


def test_a_csv_field_the_csv_module_cannot_read_is_e007_at_its_line(tmp_path: Path) -> None:
    import csv

    from fanzha.records.corpora import load_news

    # a corpus loader (which allows 16 MiB fields for long news articles) ran first: the small-file reader keeps
    # its own 128 KiB limit, and neither leaves the process-wide setting changed
    news = tmp_path / "news"
    news.mkdir()
    article = ["标题", "", "", "", "某报", "正文" * 100_000, ""]
    with (news / "冒充客服诈骗(1).csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([list(NEWS_HEADER), article])
    before = csv.field_size_limit()
    assert [len(r["text"]) for r in load_news(news)] == [3 + 200_000]
    path = tmp_path / "links.csv"
    path.write_text('account_id,kind,value\nM1,phone,1\nM2,phone,"' + "9" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_csv_rows(path)
    assert csv.field_size_limit() == before
    assert exc.value.code == "E007" and exc.value.where == f"{path}:3"
