"""`fanzha eval` end to end: labelled JSONL with good and bad lines, the corpora on small slices, and bad
input (missing file, malformed line, missing label, unknown label value, unknown corpus name); never a
traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clirun import run

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"
SAFE = "明天下午三点开会，记得带电脑"


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_jsonl_good_lines_metrics_and_errors_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "s1", "text": SCAM, "label": "scam", "category": "冒充客服诈骗", "kind": "attempt"},
            {"id": "s2", "text": SAFE, "label": 1},  # a scam the detector cannot see: a miss
            {"id": "n1", "text": SAFE, "label": False},
            {"id": "n2", "text": SCAM, "label": "safe"},  # labelled safe: a false alarm
            {
                "id": "c1",
                "turns": [
                    {"speaker": "客服", "text": "您的快递丢失了，我们双倍赔付"},
                    {"speaker": "我", "text": "好"},
                ],
                "label": "scam",
                "category": "ecommerce_cs|fake_loan",
            },
        ],
    )
    code, out, err = run(["eval", "--jsonl", str(path), "--out", str(tmp_path / "o"), "--lang", "en"], capsys)
    assert code == 0 and "5 lines evaluated, 0 with errors" in err
    assert "scam vs not" in out and "label confusion" in out
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n"] == 5 and metrics["gold_labels"] == {"scam": 3, "suspicious": 0, "safe": 2}
    lenient = metrics["scam_vs_not"]["lenient"]
    assert lenient["fn"] >= 1 and lenient["fp"] >= 1 and lenient["tp"] + lenient["fn"] == 3
    assert metrics["alarms_on_safe"]["flagged"]["n"] == 2
    assert metrics["category_accuracy"]["over_all_gold_scam"]["n"] == 2
    errors = [
        json.loads(x) for x in (tmp_path / "o" / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    by_id = {e["id"]: e for e in errors}
    assert "missed" in by_id["s2"]["errors"] and "false_alarm" in by_id["n2"]["errors"]
    assert by_id["s2"]["where"].endswith("in.jsonl:2") and by_id["s2"]["text"] == SAFE
    assert "label" in by_id["s2"]["verdict"] and "s1" not in by_id


@pytest.mark.reliability(
    entry="fanzha eval --jsonl",
    bad_input="bad lines among good ones: invalid JSON, no or unknown label, unknown category, repeated id, no text",
    behaviour="each reported as FILE:LINE: CODE; the others evaluated; exit 1 (was 0)",
)
def test_jsonl_bad_lines_are_reported_with_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "text": SCAM, "label": "scam"},
            "{not json",
            {"id": "b", "text": SAFE},
            {"id": "c", "text": SAFE, "label": "maybe"},
            {"id": "d", "text": SAFE, "label": "safe", "category": "no_such_category"},
            {"id": "a", "text": SAFE, "label": "safe"},
            {"id": "e", "label": "safe"},
            [1, 2],
            "",
            {"id": "f", "text": SAFE, "label": "safe"},
        ],
    )
    code, out, err = run(["eval", "--jsonl", str(path)], capsys)
    assert code == 1  # some records were rejected
    for line, code_ in (
        (2, "E020"),
        (3, "E310"),
        (4, "E311"),
        (5, "E314"),
        (6, "E317"),
        (7, "E312"),
        (8, "E023"),
    ):
        assert f"in.jsonl:{line}: {code_}" in err, (line, code_, err)
    assert "已评估 2 行，7 行有错误" in err


def test_jsonl_nothing_to_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SAFE}])
    code, _, err = run(["eval", "--jsonl", str(path)], capsys)
    assert code == 2 and "E310" in err and "in.jsonl: E320 没有任何内容可以评估" in err


def test_jsonl_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["eval", "--jsonl", str(tmp_path / "nope.jsonl")], capsys)
    assert code == 2 and "nope.jsonl: E001 没有这个文件" in err
    code, _, err = run(["eval", "--jsonl", str(tmp_path)], capsys)
    assert code == 2 and "Traceback" not in err


def test_out_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SAFE, "label": "safe"}])
    (tmp_path / "f").write_text("x", encoding="utf-8")
    code, _, err = run(["eval", "--jsonl", str(path), "--out", str(tmp_path / "f")], capsys)
    assert code == 2 and "E053 --out" in err and "是文件，这里要的是文件夹" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["eval"],
        ["eval", "--jsonl", "a.jsonl", "--corpora", "d"],
        ["eval", "--jsonl", "a.jsonl", "--split", "dev"],
        ["eval", "--jsonl", "a.jsonl", "--only", "tf5"],
        ["eval", "--corpora", "d", "--split", "train"],
        ["eval", "--corpora", "d", "--limit", "0"],
    ],
)
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2 and err.strip()


def test_corpora_missing_folder_and_unknown_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["eval", "--corpora", str(tmp_path / "none")], capsys)
    assert code == 2 and "none: E300 找不到数据文件夹 (用 --corpora DIR 指定" in err
    code, _, err = run(["eval", "--corpora", str(tmp_path), "--only", "tf5,tf9", "--lang", "en"], capsys)
    assert code == 2 and "E301 unknown corpus 'tf9'; valid: " in err and "(did you mean tf8, tf5?)" in err


def test_corpora_errors_must_stay_outside_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    from fanzha.records.corpora import repo_root

    if not (repo_root() / ".git").exists():
        pytest.skip("not a git checkout")
    code, _, err = run(["eval", "--corpora", ".", "--errors", str(repo_root() / "docs" / "x")], capsys)
    assert code == 2 and "E322" in err


def test_corpora_on_hand_written_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data folder with one small corpus and one absent: the absent one is reported, exit 1, tables
    written for the other; a bad row is reported with its file and line."""
    root = tmp_path / "data"
    tf5 = root / "telecom_fraud_texts_5"
    tf5.mkdir(parents=True)
    rows = [f"{SAFE}{i},0" for i in range(6)] + ["只有一列"] + [f"{SCAM}{i},冒充客服服务" for i in range(4)]
    (tf5 / "label00-last.csv").write_text("content,label\n" + "\n".join(rows[:7]) + "\n", encoding="utf-8")
    (tf5 / "label03-last.csv").write_text("content,label\n" + "\n".join(rows[7:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    errors = tmp_path / "errs"
    code, stdout, err = run(
        [
            "eval",
            "--corpora",
            str(root),
            "--only",
            "tf5,news",
            "--split",
            "all",
            "--out",
            str(out),
            "--errors",
            str(errors),
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 1
    assert "telecom_fraud_texts_5/label00-last.csv:8: E303" in err
    assert "fraud_news_reports: E305 corpus folder not found" in err  # --lang en: the errors too
    assert "TF5" in stdout
    report = json.loads((out / "corpora.json").read_text(encoding="utf-8"))
    row = report["tables"]["all"]["rows"][0]
    assert row["name"] == "telecom_fraud_texts_5" and row["n"] == 10 and row["n_scam"] == 4
    assert report["meta"]["bad_rows"] == 1 and "fraud_news_reports" in report["meta"]["missing"]
    md = (out / "corpora.md").read_text(encoding="utf-8")
    assert "| Telecom_Fraud_Texts_5 |" in md and "**TF5 scam + TF5 normal**" in md
    assert (errors / "telecom_fraud_texts_5.errors.jsonl").is_file()


def test_doc_block_is_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fanzha.evaluate.report import BEGIN, END

    root = tmp_path / "data" / "telecom_fraud_texts_5"
    root.mkdir(parents=True)
    (root / "label00-last.csv").write_text(f"content,label\n{SAFE},0\n", encoding="utf-8")
    doc = tmp_path / "evaluation.md"
    doc.write_text(f"# Title\n\n{BEGIN}\nold table\n{END}\n\nafter\n", encoding="utf-8")
    code, _, _ = run(
        ["eval", "--corpora", str(tmp_path / "data"), "--only", "tf5", "--doc", str(doc)], capsys
    )
    text = doc.read_text(encoding="utf-8")
    assert code == 0 and "old table" not in text and "| Telecom_Fraud_Texts_5 |" in text
    assert text.startswith("# Title") and text.endswith("after\n")
    doc.write_text("no markers\n", encoding="utf-8")
    code, _, err = run(
        ["eval", "--corpora", str(tmp_path / "data"), "--only", "tf5", "--doc", str(doc)], capsys
    )
    assert code == 2 and "E321" in err


@pytest.mark.corpora
def test_corpora_small_slices_of_the_real_data(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["eval", "--corpora", str(data_dir), "--limit", "40", "--out", str(tmp_path), "--lang", "en"], capsys
    )
    assert code == 0, err
    report = json.loads((tmp_path / "corpora.json").read_text(encoding="utf-8"))
    assert set(report["tables"]) == {"test", "all"}
    rows = {r["name"]: r for r in report["tables"]["all"]["rows"]}
    assert set(rows) == {
        "teleantifraud",
        "telecom_fraud_texts_5",
        "telecom_fraud_texts_8",
        "fraud_news_reports",
        "fintech_cs_queries",
        "taobao_ecd_sample",
        "imfraud_benign_cs",
    }
    assert rows["telecom_fraud_texts_8"]["false_alarms"] is None  # scams only
    assert rows["fintech_cs_queries"]["scam"] is None  # benign only
    assert rows["telecom_fraud_texts_5"]["category_of_all"] is not None
    combined = {r["name"] for r in report["tables"]["all"]["combined"]}
    assert combined == {"tf5_scam_tf5_normal", "tf8_scam_tf5_normal", "real_benign"}
    assert report["meta"]["commit"] is None or len(report["meta"]["commit"]) == 12
    assert "F1" in (tmp_path / "corpora.md").read_text(encoding="utf-8")
    assert "texts in" in err  # the summary per corpus on stderr
