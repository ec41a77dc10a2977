"""Linking on cases written by hand: shared identifiers join, a hotline shared across gangs is a hub, a partial
number joins only when exactly one full number fits, the ledger joins victims whose money met, the same reporter
joins about one contact; every link says why; the picture is drawn."""

from __future__ import annotations

from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from fanzha.cases.api import run_link
from fanzha.cases.intake import intake
from fanzha.cases.link import LinkParams, link
from fanzha.detect import Detector
from fanzha.errors import InputError
from fanzha.text.entities import luhn_ok


def card(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


CARD_A = card("622848000011112222")
CARD_B = card("621700000033334444")
CARD_C = card("622202000055558831")  # ends 8831, like CARD_D
CARD_D = card("622202000066668831")
HOTLINE = "4008100811"  # a platform's hotline the lexicon does not know: the data must find it a hub


def _report(rid: str, day: int, text: str, person: str | None = None) -> dict[str, object]:
    return {
        "report_id": rid,
        "person_id": person or f"P{rid}",
        "time": f"2024-03-{day:02d}T20:00:00+08:00",
        "text": f"3月{day}日接到电话。{text}",
    }


def _reports() -> list[dict[str, object]]:
    rows = []
    for i in range(6):  # gang A: a QQ for the first three, a card for the last four, a phone now and then
        parts = []
        if i < 3:
            parts.append("对方QQ号：2846135790。")
        if i >= 2:
            parts.append(f"收款卡号{CARD_A}。")
        if i in (1, 4):
            parts.append(f"后来我打{HOTLINE}问了。")
        rows.append(_report(f"A{i}", 3 + i, "".join(parts)))
    for i in range(6):  # gang B: a WeChat id for the first three, a card for the last four
        parts = []
        if i < 3:
            parts.append("对方微信号：kf_bbbbbb。")
        if i >= 2:
            parts.append(f"涉案账户{CARD_B}。")
        if i in (1, 4):
            parts.append(f"事后打了官方电话{HOTLINE}核实。")
        rows.append(_report(f"B{i}", 3 + i, "".join(parts)))
    rows.append(_report("U0", 5, f"接到{HOTLINE}的电话，是真的客服，没有损失。"))
    rows.append(
        _report("A6", 9, "转到的是尾号2222的银行卡，被骗3000元。")
    )  # the one full number ending 2222: CARD_A
    rows.append(_report("X0", 9, f"卡号{CARD_C}。"))
    rows.append(_report("X1", 10, f"卡号{CARD_D}。"))
    rows.append(_report("X2", 11, "转到尾号8831的卡。"))  # two full numbers end so: no link
    rows.append(_report("L0", 12, "被骗5000元。"))
    rows.append(_report("L1", 12, "被骗6000元。"))
    for i in range(4):  # money moved on from phones: M0 and M1 by one gang phone, M2 and M3 by a processor
        rows.append(_report(f"M{i}", 14, f"被骗{7000 + i}元。"))
    rows.append(_report("D0", 13, "对方自称淘宝客服。", person="PDUP"))
    rows.append(
        {
            **_report("D1", 13, "补充报案：对方自称淘宝客服。", person="PDUP"),
            "time": "2024-03-16T09:00:00+08:00",
        }
    )
    rows.append({**_report("D2", 13, "另一件事。", person="PDUP"), "text": "4月28日接到电话。另一件事。", "time": "2024-04-28T20:00:00+08:00"})  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("link")
    src = folder / "reports.jsonl"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in _reports()))
    intake(src, folder / "cases", detector=Detector(model=None))
    trace = folder / "trace"
    trace.mkdir()
    pq.write_table(
        pa.table(
            {
                "victim_id": ["L0", "L1", "L0", "A0"],
                "dst": ["A0000000001", "A0000000001", "ATM", "A0000000009"],
                "terminal": [False, False, True, False],
            }
        ),
        trace / "flows.parquet",
    )
    return folder


def _clusters(case_dir: Path, **kw: object) -> tuple[dict[str, int], object]:
    res = link(case_dir / "cases", **kw)  # type: ignore[arg-type]
    reports = {
        c["case_id"]: c["report_id"] for c in pq.read_table(case_dir / "cases" / "cases.parquet").to_pylist()
    }
    return {reports[c]: k for c, k in res.cluster_labels().items()}, res


def test_gangs_are_linked_and_the_hotline_is_a_hub(case_dir: Path) -> None:
    label, res = _clusters(case_dir, trace_out=case_dir / "trace")
    a = {label[f"A{i}"] for i in range(7)}
    b = {label[f"B{i}"] for i in range(6)}
    assert len(a) == 1 and len(b) == 1 and a != b and -1 not in a | b
    assert label["U0"] == -1  # the genuine report is not pulled into a gang by the hotline
    keys = res.keys.to_pylist()  # type: ignore[attr-defined]
    hot = next(k for k in keys if k["value"] == HOTLINE)
    assert hot["status"] == "hub" and "clusters" in hot["reason"]


def test_a_partial_number_joins_only_when_one_full_number_fits(case_dir: Path) -> None:
    label, res = _clusters(case_dir)
    assert label["A6"] == label["A0"] != -1
    assert label["X2"] == -1 and label["X0"] == -1 and label["X1"] == -1
    assert res.summary["partials_unresolved"] == 1  # type: ignore[attr-defined]
    links = res.links.to_pylist()  # type: ignore[attr-defined]
    partial = [x for x in links if x["via"] == "partial:2222"]
    assert len(partial) == 1 and partial[0]["kind"] == "partial:bank_card" and partial[0]["value"] == CARD_A


def test_the_ledger_joins_victims_whose_money_met(case_dir: Path) -> None:
    without, _ = _clusters(case_dir)
    assert without["L0"] == -1 and without["L1"] == -1
    label, res = _clusters(case_dir, trace_out=case_dir / "trace")
    assert label["L0"] == label["L1"] != -1
    assert res.summary["cases_with_ledger_evidence"] == 3  # type: ignore[attr-defined]
    why = [x for x in res.links.to_pylist() if x["kind"] == "account"]  # type: ignore[attr-defined]
    assert {x["value"] for x in why} == {"A0000000001"}  # the ATM (terminal) links nothing


def test_money_that_met_in_a_third_party_links_nobody(case_dir: Path, tmp_path: Path) -> None:
    """Trace's request list (a processor, a merchant, a landlord) is no gang's account: two victims whose money
    passed one payment processor are not linked by it."""
    import shutil

    trace = tmp_path / "trace"
    shutil.copytree(case_dir / "trace", trace)
    (trace / "request_records.csv").write_text(
        "account_id,kind,city,why\nA0000000001,payment_processor,成都,kind\n", encoding="utf-8"
    )
    label, res = _clusters(case_dir, trace_out=trace)
    assert label["L0"] == -1 and label["L1"] == -1
    assert not [x for x in res.links.to_pylist() if x["kind"] == "account"]  # type: ignore[attr-defined]


def test_the_ledger_joins_victims_whose_money_one_phone_moved(case_dir: Path, tmp_path: Path) -> None:
    """A gang rotates its cards faster than the phones that run them: M0's and M1's money reached different cards,
    moved on from one phone (the device the bank recorded for the transfers out), and the two are linked by it.
    A device on a transfer out of a third party (trace's request list) or of the victim's own card links nobody,
    nor does a transfer without a device."""
    trace = tmp_path / "trace"
    trace.mkdir()
    pq.write_table(
        pa.table(
            {
                "victim_id": ["M0", "M0", "M1", "M1", "M2", "M2", "M3", "M3", "L0"],
                "src": ["V0", "C1", "V1", "C2", "V2", "PROC", "V3", "PROC", "C9"],
                "dst": ["C1", "C5", "C2", "C6", "PROC", "C7", "PROC", "C8", "C10"],
                "device": ["DV0", "DGANG", "DV1", "DGANG", "DV2", "DPROC", "DV3", "DPROC", None],
                "terminal": [False] * 9,
            }
        ),
        trace / "flows.parquet",
    )
    (trace / "request_records.csv").write_text(
        "account_id,kind,city,why\nPROC,processor,,kind=processor\n", encoding="utf-8"
    )
    without, _ = _clusters(case_dir)
    assert without["M0"] == without["M1"] == -1
    label, res = _clusters(case_dir, trace_out=trace)
    assert label["M0"] == label["M1"] != -1
    assert label["M2"] == label["M3"] == -1
    why = [x for x in res.links.to_pylist() if x["kind"] == "device"]  # type: ignore[attr-defined]
    assert [(x["value"], x["via"]) for x in why] == [("DGANG", "ledger")]
    # the same flows as CSV (an export's empty cell is no device)
    pacsv.write_csv(pq.read_table(trace / "flows.parquet"), trace / "flows.csv")
    (trace / "flows.parquet").unlink()
    label_csv, _ = _clusters(case_dir, trace_out=trace)
    assert label_csv["M0"] == label_csv["M1"] != -1 and label_csv["L0"] == -1


def test_the_same_reporter_about_one_contact(case_dir: Path) -> None:
    label, _ = _clusters(case_dir)
    assert label["D0"] == label["D1"] != -1
    assert label["D2"] != label["D0"]  # weeks later: another matter


def test_the_link_folder_and_its_picture(case_dir: Path) -> None:
    res = run_link(case_dir / "cases", trace_out=case_dir / "trace", picture=0)
    out = case_dir / "cases" / "link"
    for name in ("clusters.csv", "case_clusters.csv", "clusters.json", "links.parquet", "links.csv", "keys.csv",
                 "suggestions.csv", "summary.json", "cluster_0.svg"):  # fmt: skip
        assert (out / name).is_file(), name
    svg = (out / "cluster_0.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "串并案" in svg and "</svg>" in svg
    assert res.clusters[0]["strength"] > 0 and res.clusters[0]["tying"]


@pytest.mark.reliability(
    entry="fanzha cases link",
    bad_input="a folder that is no case folder; a trace folder without flows, or flows without victim_id / dst; "
    "a window of 0 days; a hub number below 2",
    behaviour="E820, E821, E822 naming the folder or file; E823, E824 naming the option",
)
def test_bad_folders_and_options(tmp_path: Path, case_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        link(tmp_path)
    assert (err.value.code, err.value.where, err.value.params) == (
        "E820",
        str(tmp_path),
        {"file": "cases.parquet"},
    )
    with pytest.raises(InputError) as err:
        link(case_dir / "cases", trace_out=tmp_path)
    assert (err.value.code, err.value.where) == ("E821", str(tmp_path))
    (tmp_path / "flows.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        link(case_dir / "cases", trace_out=tmp_path)
    assert (err.value.code, err.value.where) == ("E822", str(tmp_path / "flows.csv"))
    assert err.value.params == {"columns": ["victim_id", "dst"]}
    with pytest.raises(InputError) as err:
        link(case_dir / "cases", params=LinkParams(window_days=0))
    assert (err.value.code, err.value.where) == ("E823", "--window")
    with pytest.raises(InputError) as err:
        link(case_dir / "cases", params=LinkParams(hub_clusters=1))
    assert (err.value.code, err.value.where, err.value.params["value"]) == ("E824", "--hub-clusters", 1)


@pytest.mark.reliability(
    entry="fanzha cases link",
    bad_input="--out a folder that is not empty, or that holds the case folder",
    behaviour="E042 unless --force (the default CASE_DIR/link is replaced by each run); E040; before any work",
)
def test_the_link_folder_is_guarded(tmp_path: Path, case_dir: Path) -> None:
    out = tmp_path / "link"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_link(case_dir / "cases", out=out)
    assert (err.value.code, err.value.where) == ("E042", f"--out {out}")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    run_link(case_dir / "cases", out=out, force=True, picture=None)
    assert (out / "clusters.csv").is_file() and not (out / "notes.txt").exists()
    with pytest.raises(InputError) as err:
        run_link(case_dir / "cases", out=case_dir)
    assert err.value.code == "E040"
    assert (case_dir / "cases" / "cases.parquet").is_file()
    run_link(case_dir / "cases", picture=None)
    run_link(case_dir / "cases", picture=None)  # the default folder: replaced
    assert sorted(p.name for p in (case_dir / "cases").iterdir() if p.name.startswith(".")) == []
