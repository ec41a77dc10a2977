"""Intake: every input shape becomes cases; bad input is a coded error or a row kept aside, never a traceback, never
a partial folder; inputs are never changed; spans point at the original text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.cases.intake import ReportMap, intake
from fanzha.detect import Detector
from fanzha.errors import InputError

REPORT = (
    "我叫王丽，3月4日12点左右接到一个电话，对方自称是淘宝客服。对方说我买的面膜有质量问题，要给我3倍赔偿。"
    "他让我下载了TIM、小鱼易连，我通过手机银行转了3800元。打来的号码是171 3221 6622。加的QQ号是２８４６１３５７９０。"
    "转到的是尾号8831的农业银行卡。"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.endswith(".old")]


def test_a_sim_world_s_reports_become_cases(tiny_world: Path, tmp_path: Path, rules: Detector) -> None:
    src = tiny_world / "reports.jsonl"
    before = _digest(src)
    result = intake(src, tmp_path / "cases", detector=rules)
    assert _digest(src) == before
    n = len(src.read_bytes().splitlines())
    assert len(result.cases) == n and not result.rejected
    table = pq.read_table(tmp_path / "cases" / "cases.parquet")
    assert table.num_rows == n
    ids = pq.read_table(tmp_path / "cases" / "identifiers.parquet").to_pylist()
    texts = {c.case_id: c.text for c in result.cases}
    assert ids
    for m in ids:
        if m["start"] is not None:
            assert texts[m["case_id"]][m["start"] : m["end"]] == m["text"]
    summary = json.loads((tmp_path / "cases" / "summary.json").read_text(encoding="utf-8"))
    assert summary["accepted"] == n and summary["rejected"] == 0
    assert _leftovers(tmp_path) == []


def test_what_a_report_names_is_typed_and_keyed(tmp_path: Path, rules: Detector) -> None:
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    case = intake(p, detector=rules).cases[0]
    keys = {(m.kind, m.key) for m in case.identifiers()}
    assert ("phone", "17132216622") in keys
    assert ("qq", "2846135790") in keys
    assert ("partial_number", "8831") in keys
    assert case.loss_fen == 380000 and case.loss_source == "text"
    assert case.category == "ecommerce_cs" and case.label != "safe"
    assert "app:TIM" in case.mo and "variant:quality_refund" in case.mo
    partial = next(m for m in case.identifiers() if m.kind == "partial_number")
    assert partial.extra["of"] == "bank_card"
    assert case.time_source == "file"


def test_every_input_shape(tmp_path: Path, rules: Detector) -> None:
    rows = [
        {"report_id": "A1", "person_id": "P1", "time": "2024-03-05T10:00:00+08:00", "text": REPORT, "amount_claimed": "3800"},
        {"report_id": "A2", "person_id": "P2", "time": "2024-03-06T10:00:00+08:00", "text": "对方QQ号：123456789，被骗500元。"},
    ]  # fmt: skip
    (tmp_path / "a.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    (tmp_path / "b.json").write_bytes(orjson.dumps(rows))
    (tmp_path / "c.json").write_bytes(orjson.dumps({"reports": rows}))
    csv_text = "案件编号,报案时间,报案人,简要案情,涉案金额,嫌疑人电话\n"
    csv_text += f'J1,2024/03/05 10:00,P9,"{REPORT}","3,800",170 1234 5678\n'
    (tmp_path / "d.csv").write_text(csv_text, encoding="gb18030")
    mapping = ReportMap.identity().with_overrides(
        ["report_id=案件编号", "time=报案时间", "person_id=报案人", "text=简要案情", "amount_claimed=涉案金额", "caller=嫌疑人电话"]
    )  # fmt: skip
    for name in ("a.jsonl", "b.json", "c.json"):
        res = intake(tmp_path / name, detector=rules)
        assert [c.report_id for c in res.cases] == ["A1", "A2"], name
        assert res.cases[0].loss_fen == 380000 and res.cases[0].loss_source == "field"
    res = intake(tmp_path / "d.csv", mapping=mapping, detector=rules)
    case = res.cases[0]
    assert case.report_id == "J1" and case.person_id == "P9" and case.loss_fen == 380000
    assert ("phone", "17012345678") in {(m.kind, m.key) for m in case.identifiers()}  # from the caller column
    assert case.contact_time is not None and case.contact_time < case.time
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "x.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "folder" / "y.jsonl").write_bytes(orjson.dumps(rows[1]) + b"\n")
    assert len(intake(tmp_path / "folder", detector=rules).cases) == 2


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="rows that are not JSON, not an object, without text, with a bad time or amount, a report_id twice",
    behaviour="each kept aside in rejected.jsonl with its code (E020, E023, E805, E806, E705, E808, E804) and "
    "file:row; the other rows filed; the input unchanged",
)
def test_bad_rows_are_kept_aside_with_their_place(tmp_path: Path, rules: Detector) -> None:
    lines = [
        orjson.dumps({"report_id": "R1", "text": REPORT, "time": "2024-03-05T10:00:00+08:00"}),
        b"{not json",
        b"[1, 2]",
        orjson.dumps({"report_id": "R3", "text": ""}),
        orjson.dumps({"report_id": "R4", "text": "x", "time": "yesterday"}),
        orjson.dumps({"report_id": "R5", "text": "x", "amount_claimed": "a lot"}),
        orjson.dumps({"report_id": "R1", "text": "again"}),
        orjson.dumps({"report_id": "R6", "text": {"nested": True}}),
        orjson.dumps({"report_id": "R7", "text": "被骗了，对方QQ 123456"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    before = _digest(src)
    res = intake(src, tmp_path / "out", detector=rules)
    assert _digest(src) == before
    assert [c.report_id for c in res.cases] == ["R1", "R7"]
    got = [(r.row, r.code) for r in res.rejected]
    assert got == [(2, "E020"), (3, "E023"), (4, "E805"), (5, "E806"), (6, "E705"), (7, "E808"), (8, "E804")]
    assert res.rejected[4].params == {"value": "a lot"}
    assert res.rejected[5].params == {"id": "R1", "first": f"{src}:1"}
    assert res.rejected[6].params == {"field": "text", "type": "dict"}
    assert (
        res.rejected[5].render("en")
        == f"{src}:7: E808 report_id 'R1' given twice (first at {src}:1); the first is kept"
    )
    kept = [orjson.loads(x) for x in (tmp_path / "out" / "rejected.jsonl").read_bytes().splitlines()]
    assert [k["row"] for k in kept] == [2, 3, 4, 5, 6, 7, 8] and all(k["source"] == str(src) for k in kept)
    assert [k["code"] for k in kept] == [code for _, code in got] and kept[1]["params"] == {"type": "list"}


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="a negative amount; a number that is no epoch time",
    behaviour="kept aside (E807, E806) with the value; the other rows filed",
)
def test_a_negative_amount_and_a_number_as_a_time(tmp_path: Path, rules: Detector) -> None:
    rows = [
        {"report_id": "N1", "text": REPORT, "amount_claimed": "-5"},
        {"report_id": "N2", "text": REPORT, "time": -3},
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows) + orjson.dumps({"text": REPORT}) + b"\n")
    res = intake(src, detector=rules)
    assert [(r.row, r.code, dict(r.params)) for r in res.rejected] == [
        (1, "E807", {"value": "-5"}),
        (2, "E806", {"value": -3}),
    ]


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="a binary file, an unknown format, a broken .json, an empty CSV, a file without one usable row",
    behaviour="E003, E801, E803, E816, E810 naming the file; nothing written, no temporary left, the input unchanged",
)
@pytest.mark.parametrize(
    "name, data, code",
    [
        ("x.bin.jsonl", b"\x00\x01\x02binary\x00", "E003"),
        ("x.txt", b"\x00\x00\x00\x00", "E003"),
        ("x.pdf", b"%PDF-1.4", "E801"),
        ("x.json", b"{broken", "E803"),
        ("x.csv", b"", "E816"),
        ("x.jsonl", b"\n\n", "E810"),
    ],
)
def test_bad_files_are_coded_errors_and_write_nothing(
    tmp_path: Path, rules: Detector, name: str, data: bytes, code: str
) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(InputError) as err:
        intake(src, tmp_path / "out", detector=rules)
    assert err.value.code == code and str(src) in (err.value.where or "")
    assert not (tmp_path / "out").exists() and src.read_bytes() == data
    assert _leftovers(tmp_path) == []


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="the output folder is not empty; it holds an input",
    behaviour="E042 unless --force (then replaced whole); E040 before any work, the input kept",
)
def test_the_output_folder_is_guarded(tmp_path: Path, rules: Detector) -> None:
    src = tmp_path / "r.txt"
    src.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    intake(src, out, detector=rules)
    with pytest.raises(InputError) as err:
        intake(src, out, detector=rules)
    assert err.value.code == "E042" and err.value.where == f"--out {out}"
    intake(src, out, detector=rules, force=True)  # replaced whole
    assert (out / "cases.parquet").is_file() and _leftovers(tmp_path) == []
    inside = out / "more.txt"
    inside.write_text(REPORT, encoding="utf-8")
    with pytest.raises(InputError) as err:
        intake(inside, out, detector=rules, force=True)
    assert err.value.code == "E040" and err.value.params == {"input": str(inside)}
    assert inside.is_file()


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="a column mapping that is not YAML, not a mapping, has an unknown key or field, lacks text, "
    "names an unknown time zone or encoding; --map without =",
    behaviour="E850–E857 naming the mapping file (and its line) or the option, before anything is read",
)
def test_a_bad_column_mapping_is_refused(tmp_path: Path) -> None:
    mapping_file = tmp_path / "map.yaml"
    for body, code, where in [
        ("columns: {text: 简要案情\n", "E850", f"{mapping_file}:2"),
        ("- text\n", "E851", str(mapping_file)),
        ("columns: {text: 简要案情}\nbogus: 1\n", "E852", str(mapping_file)),
        ("columns: {colour: x, text: 简要案情}\n", "E854", str(mapping_file)),
        ("columns: {time: 报案时间}\n", "E855", str(mapping_file)),
        ("columns: {text: 简要案情}\ntimezone: Mars/Olympus\n", "E856", str(mapping_file)),
        ("columns: {text: 简要案情}\nencoding: klingon\n", "E857", str(mapping_file)),
    ]:
        mapping_file.write_text(body, encoding="utf-8")
        with pytest.raises(InputError) as err:
            ReportMap.from_file(mapping_file)
        assert (err.value.code, err.value.where) == (code, where), body
    with pytest.raises(InputError) as err:
        ReportMap.from_file(tmp_path / "none.yaml")
    assert err.value.code == "E001"
    with pytest.raises(InputError) as err:
        ReportMap.identity().with_overrides(["colour=x"])
    assert (err.value.code, err.value.where, err.value.params["field"]) == ("E854", "--map", "colour")
    with pytest.raises(InputError) as err:
        ReportMap.identity().with_overrides(["text"])
    assert (err.value.code, err.value.where) == ("E853", "--map")


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="a CSV export without the mapped text column",
    behaviour="E802 at the header (file:1), listing the columns there",
)
def test_a_csv_without_the_text_column_names_the_columns(tmp_path: Path, rules: Detector) -> None:
    src = tmp_path / "x.csv"
    src.write_text("编号,内容\n1,被骗\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        intake(src, detector=rules)
    assert err.value.code == "E802" and err.value.where == f"{src}:1"
    assert err.value.params == {"column": "text", "present": ["编号", "内容"]}
    assert "编号, 内容" in (err.value.hint("en") or "")


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="CSV rows with too few or too many columns",
    behaviour="each kept aside (E818, file:row, the row's text); the other rows filed",
)
def test_csv_rows_with_the_wrong_number_of_columns_are_kept_aside(tmp_path: Path, rules: Detector) -> None:
    src = tmp_path / "x.csv"
    src.write_text(f"编号,简要案情\n1,{REPORT}\n2\n3,被骗,多\n", encoding="utf-8")
    res = intake(
        src, mapping=ReportMap.identity().with_overrides(["text=简要案情", "report_id=编号"]), detector=rules
    )
    assert [c.report_id for c in res.cases] == ["1"]
    assert [(r.row, r.code, dict(r.params), r.raw) for r in res.rejected] == [
        (3, "E818", {"got": 1, "expected": 2}, "2"),
        (4, "E818", {"got": 3, "expected": 2}, "3,被骗,多"),
    ]


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="random bytes, JSON values and CSV rows (hypothesis)",
    behaviour="cases and rows kept aside, or one coded error and nothing written; never a crash",
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(st.one_of(st.text(max_size=40), st.integers(-(2**63), 2**63 - 1), st.none(), st.dictionaries(st.sampled_from(["text", "time", "report_id", "amount_claimed", "x"]), st.one_of(st.text(max_size=30), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.none()), max_size=5)), max_size=6).map(lambda xs: b"\n".join(orjson.dumps(x) for x in xs)),
        st.lists(st.lists(st.text(alphabet='ab,"\n 被骗QQ123', max_size=12), min_size=1, max_size=4), max_size=5).map(lambda rows: "\n".join(",".join(r) for r in [["text", "time"], *rows]).encode()),
    ),
    suffix=st.sampled_from([".jsonl", ".json", ".csv", ".txt"]),
)  # fmt: skip
def test_random_input_is_a_coded_error_or_cases_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, rules: Detector, data: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("random")
    src = folder / f"in{suffix}"
    src.write_bytes(data)
    out = folder / "out"
    try:
        res = intake(src, out, detector=rules)
    except InputError as exc:
        assert exc.code in {"E003", "E004", "E802", "E803", "E810", "E816", "E817"}, exc.render("en")
        assert exc.exit == 2
        assert not out.exists()
    else:
        assert (out / "cases.parquet").is_file() and (out / "summary.json").is_file()
        assert len(res.cases) + len(res.rejected) >= 1
        for c in res.cases:
            for m in c.mentions:
                if m.start is not None and m.end is not None:
                    assert 0 <= m.start <= m.end <= len(c.text) and c.text[m.start : m.end] == m.text
    assert src.read_bytes() == data
    assert _leftovers(folder) == []
