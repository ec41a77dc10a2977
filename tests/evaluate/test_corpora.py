"""Corpus loaders: on small hand-written files (always), and on the real corpora (skipped when absent),
checking the counts that SOURCE.txt states."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from fanzha.errors import InputError
from fanzha.records.corpora import (
    CORPORA,
    INFO,
    Record,
    default_data_dir,
    load,
    load_imfraud,
    load_news,
    load_taobao,
    load_teleantifraud,
    load_tf5,
    resolve,
    split_key,
    split_of,
)

# -- hand-written files ---------------------------------------------------------------------------------------


def test_tf5_reads_gb18030_reports_bad_rows_and_keeps_the_others(tmp_path: Path) -> None:
    root = tmp_path / "telecom_fraud_texts_5"
    root.mkdir()
    (root / "label00-last.csv").write_text(
        'content,label\n明天开会,0\n"跨行\n的短信",0\n,0\n', encoding="utf-8"
    )
    (root / "label03-last.csv").write_bytes(
        "content,label\n我是淘宝客服,冒充客服服务\n只有一列\n".encode("gb18030")
    )
    (root / "label03-last.utf8.csv").write_text("content,label\nignored twin,x\n", encoding="utf-8")
    problems: list[InputError] = []
    records = list(load_tf5(root, problems.append))
    assert [(r["text"], r["label"], r.get("category")) for r in records] == [
        ("明天开会", "safe", None),
        ("跨行\n的短信", "safe", None),
        ("我是淘宝客服", "scam", "ecommerce_cs"),
    ]
    assert records[1]["where"] == "telecom_fraud_texts_5/label00-last.csv:3"
    assert [(e.code, e.where) for e in problems] == [
        ("E304", "telecom_fraud_texts_5/label00-last.csv:5"),
        ("E303", "telecom_fraud_texts_5/label03-last.csv:3"),
    ]


def test_unexpected_header_and_missing_folder(tmp_path: Path) -> None:
    root = tmp_path / "telecom_fraud_texts_5"
    root.mkdir()
    (root / "label00-last.csv").write_text("text,class\na,0\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        list(load_tf5(root, lambda e: None))
    assert exc.value.code == "E306" and exc.value.where == "telecom_fraud_texts_5/label00-last.csv:1"
    with pytest.raises(InputError) as exc:
        list(load_tf5(tmp_path / "nowhere"))
    assert exc.value.code == "E305"


def test_teleantifraud_interleaves_caller_and_callee(tmp_path: Path) -> None:
    root = tmp_path / "teleantifraud"
    root.mkdir()
    (root / "fraud_dialogues-1.jsonl").write_text(
        '{"tts_id": "t1", "left": ["a1", "a2"], "right": ["b1"], "fraud_type": "客服诈骗"}\n'
        "{broken\n"
        '{"tts_id": "t2", "left": "x", "right": []}\n',
        encoding="utf-8",
    )
    (root / "normal_dialogues-1.jsonl").write_text(
        '{"tts_id": "t1", "left": ["c"], "right": ["d"], "fraud_type": "订餐服务"}\n', encoding="utf-8"
    )
    problems: list[InputError] = []
    recs = list(load_teleantifraud(root, problems.append))
    assert [e.where for e in problems] == [
        "teleantifraud/fraud_dialogues-1.jsonl:2",
        "teleantifraud/fraud_dialogues-1.jsonl:3",
    ]
    assert recs[0]["turns"] == [
        {"speaker": "caller", "text": "a1"},
        {"speaker": "我", "text": "b1"},
        {"speaker": "caller", "text": "a2"},
    ]
    assert recs[0]["label"] == "scam" and recs[0]["kind"] == "attempt" and recs[0]["topic"] == "客服诈骗"
    assert recs[1]["label"] == "safe" and "kind" not in recs[1]
    assert recs[0]["id"] != recs[1]["id"]  # the same tts_id in two files


def test_news_topic_text_and_twin(tmp_path: Path) -> None:
    root = tmp_path / "fraud_news_reports"
    root.mkdir()
    header = "标题,标题链接,首页缩略封面图,首页缩略文段,发布者,文章正文内容,图片链接\n"
    (root / "诈骗(2).csv").write_bytes((header + "标题一,u,,,,正文一,\n,,,,,,\n").encode("gb18030"))
    (root / "诈骗(2).utf8.csv").write_text(header + "标题一,u,,,,正文一,\n,,,,,,\n", encoding="utf-8")
    problems: list[InputError] = []
    recs = list(load_news(root, problems.append))
    assert len(recs) == 1 and recs[0]["text"] == "标题一\n正文一" and recs[0]["topic"] == "诈骗"
    assert recs[0]["label"] == "safe" and recs[0]["kind"] == "notice"
    assert [e.code for e in problems] == ["E304"]


def test_taobao_speakers_alternate_ending_with_the_agent(tmp_path: Path) -> None:
    root = tmp_path / "taobao_ecd_sample"
    root.mkdir()
    (root / "test").write_text(
        "1\t你 好\t在 的\t发 什么 快递\t韵达 哦\n0\ta\tb\tc\td\nnonsense\n", encoding="utf-8"
    )
    (root / "valid").write_text("1\t你 好\t在 的\t发 什么 快递\t韵达 哦\n", encoding="utf-8")
    problems: list[InputError] = []
    recs = list(load_taobao(root, problems.append))
    assert len(recs) == 1  # the negative candidate is skipped, the copy in valid is kept once
    assert [t["speaker"] for t in recs[0]["turns"]] == ["客户", "客服", "客户", "客服"]
    assert recs[0]["turns"][0]["text"] == "你 好"
    assert [e.where for e in problems] == ["taobao_ecd_sample/test:3"]


def test_imfraud_splits_reused_case_ids_and_orders_turns(tmp_path: Path) -> None:
    root = tmp_path / "imfraud_benign_cs"
    root.mkdir()
    (root / "customer_service_dialogues_m.csv").write_text(
        "case_id,turn_number,speaker,content,is_issue\n"
        "c1,1,客户,你好,False\nc1,3,客服,好的,False\nc1,2,客服,在的,False\n"
        "c1,1,Customer,再来,False\nc1,2,,,\nc1,3,Customer Service,好,False\n",
        encoding="utf-8",
    )
    problems: list[InputError] = []
    recs = list(load_imfraud(root, problems.append))
    assert [[t["text"] for t in r["turns"]] for r in recs] == [["你好", "在的", "好的"], ["再来", "好"]]
    assert [t["speaker"] for t in recs[1]["turns"]] == ["客户", "客服"]
    assert len({r["id"] for r in recs}) == 2 and [e.code for e in problems] == ["E304"]


def test_registry_names_and_aliases() -> None:
    assert set(CORPORA) == set(INFO)
    assert resolve("TF5") == "telecom_fraud_texts_5" and resolve("news") == "fraud_news_reports"
    with pytest.raises(InputError) as exc:
        resolve("tf9")
    assert exc.value.code == "E301" and "tf8" in (exc.value.hint() or "")
    with pytest.raises(InputError) as exc:
        load("tf5", "train")  # type: ignore[arg-type]
    assert exc.value.code == "E330"


def test_data_dir_is_next_to_the_repository_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANZHA_DATA", raising=False)
    assert default_data_dir().parts[-2:] == ("shared", "data")
    from fanzha.records.corpora import repo_root

    assert default_data_dir() == repo_root().parent / "shared" / "data"
    assert (repo_root() / "pyproject.toml").is_file()
    monkeypatch.setenv("FANZHA_DATA", "/somewhere/else")
    assert default_data_dir() == Path("/somewhere/else")


# -- the real corpora -----------------------------------------------------------------------------------------


def _load(name: str, data_dir: Path) -> tuple[list[Record], list[InputError]]:
    problems: list[InputError] = []
    return load(name, root=data_dir, on_error=problems.append), problems


def _count(records: list[Record]) -> collections.Counter[tuple[str, str | None]]:
    return collections.Counter((r["label"], r.get("category")) for r in records)


@pytest.mark.corpora
def test_real_teleantifraud(data_dir: Path) -> None:
    recs, problems = _load("teleantifraud", data_dir)
    assert not problems
    assert _count(recs) == {("scam", None): 7507, ("safe", None): 2499}  # SOURCE.txt
    assert sum(r.get("topic") == "客服诈骗" for r in recs) == 941
    assert all(r["turns"][0]["speaker"] == "caller" for r in recs)
    assert len({r["id"] for r in recs}) == len(recs)


@pytest.mark.corpora
def test_real_tf5(data_dir: Path) -> None:
    recs, problems = _load("tf5", data_dir)
    assert not problems
    assert _count(recs) == {
        ("safe", None): 7773,
        ("scam", "impersonate_authority"): 1000,
        ("scam", "fake_loan|fake_credit"): 1000,
        ("scam", "ecommerce_cs"): 1000,
        ("scam", "impersonate_acquaintance"): 1000,
    }
    assert all(r.get("kind") == "attempt" for r in recs if r["label"] == "scam")


@pytest.mark.corpora
def test_real_tf5_gb18030_file_equals_its_utf8_twin(data_dir: Path) -> None:
    from fanzha.records.files import decode_bytes

    folder = data_dir / "telecom_fraud_texts_5"
    original = decode_bytes((folder / "label04-last.csv").read_bytes(), where="label04")
    twin = (folder / "label04-last.utf8.csv").read_text(encoding="utf-8")
    assert original.replace("\r\n", "\n") == twin.replace("\r\n", "\n")


@pytest.mark.corpora
def test_real_tf8(data_dir: Path) -> None:
    recs, problems = _load("tf8", data_dir)
    assert not problems
    by_cat = collections.Counter(r.get("category") for r in recs)
    assert by_cat == {
        "impersonate_authority": 1415,
        "fake_loan|fake_credit": 2017,
        "ecommerce_cs": 1403,
        "impersonate_acquaintance": 1533,
        "task_rebate": 2759,
        "romance": 627,
        "game_trade": 1499,
    }
    assert all(r["label"] == "scam" for r in recs)


@pytest.mark.corpora
def test_real_news(data_dir: Path) -> None:
    recs, problems = _load("news", data_dir)
    # 2,372 rows (README); 4 rows are entirely empty and 1 has neither title nor text: reported, skipped.
    assert len(recs) + len(problems) == 2372
    assert {e.code for e in problems} == {"E304"} and len(problems) == 5
    topics = collections.Counter(r["topic"] for r in recs)
    assert len(topics) == 13 and topics["冒充客服诈骗"] == 200 and topics["诈骗"] == 150
    assert all(r["label"] == "safe" and r["kind"] == "notice" for r in recs)


@pytest.mark.corpora
def test_real_fintech(data_dir: Path) -> None:
    recs, problems = _load("fintech", data_dir)
    assert not problems
    assert 110_000 < len(recs) < 120_000  # "~115k" distinct sentences
    assert len({r["text"] for r in recs}) == len(recs) == len({r["id"] for r in recs})
    assert not any("\ufeff" in r["text"] for r in recs)


@pytest.mark.corpora
def test_real_taobao_and_imfraud(data_dir: Path) -> None:
    recs, problems = _load("taobao", data_dir)
    assert not problems
    assert len(recs) == 100 + 77  # label-1 lines of test and train; valid is a copy of train
    assert all(r["turns"][-1]["speaker"] == "客服" for r in recs)
    recs, problems = _load("imfraud", data_dir)
    assert len(recs) == 16 and [e.code for e in problems] == ["E304"]


@pytest.mark.corpora
def test_real_split_and_limit_are_deterministic(data_dir: Path) -> None:
    dev = load("tf5", "dev", root=data_dir)
    test = load("tf5", "test", root=data_dir)
    assert {r["id"] for r in dev}.isdisjoint(r["id"] for r in test)
    assert len(dev) + len(test) == 11773 and abs(len(dev) - len(test)) < 400
    assert all(split_of(split_key(r)) == "dev" for r in dev)
    # a text repeated within TF5 or in TF8 (which repeats TF5's class 3) falls on one side only
    dev_texts = {split_key(r) for r in dev} | {split_key(r) for r in load("tf8", "dev", root=data_dir)}
    test_texts = [split_key(r) for r in test] + [split_key(r) for r in load("tf8", "test", root=data_dir)]
    assert not dev_texts.intersection(test_texts)
    a = load("tf5", "test", root=data_dir, limit=50)
    b = load("tf5", "test", root=data_dir, limit=50)
    assert [r["id"] for r in a] == [r["id"] for r in b] and len(a) == 50
    assert {r["label"] for r in a} == {"scam", "safe"}  # a sample across the files, not the first rows


def test_split_is_by_content_so_duplicates_stay_on_one_side() -> None:
    a = {"id": "x:1", "text": "您好，我是淘宝客服 ", "label": "scam"}
    b = {"id": "y:999", "text": " 您好，我是淘宝客服", "label": "scam"}
    assert split_key(a) == split_key(b)
    keys = [split_key({"id": f"id-{i}", "text": f"短信 {i}"}) for i in range(400)]
    assert 150 < sum(split_of(k) == "dev" for k in keys) < 250
    turns = {"id": "d", "turns": [{"speaker": "a", "text": "喂 你好"}, {"speaker": "b", "text": "嗯"}]}
    assert split_key(turns) == split_key(
        {"id": "e", "turns": [{"speaker": "x", "text": "喂  你好"}, {"text": "嗯"}]}
    )
    assert split_key({"id": "only-id", "text": "  "}) == "only-id"
