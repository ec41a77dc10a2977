"""The model card's ablation table from three eval outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fanzha.evaluate.ablation import main, table


def _write(folder: Path, f1: float, fa_k: int) -> Path:
    folder.mkdir()
    scam_row = {
        "title": "TF5",
        "n": 100,
        "n_scam": 40,
        "scam": {"f1": f1, "recall": f1, "precision": 1.0},
        "false_alarms": {"k": fa_k, "n": 60, "rate": fa_k / 60},
        "category_of_all": {"k": 20, "n": 40, "rate": 0.5},
    }
    safe_row = {
        "title": "news",
        "n": 50,
        "n_scam": 0,
        "false_alarms": {"k": fa_k, "n": 50, "rate": fa_k / 50},
        "attempt_false_alarms": {"k": 0, "n": 50, "rate": 0.0},
    }
    data = {"tables": {"test": {"rows": [scam_row, safe_row], "combined": []}}}
    (folder / "corpora.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_table_says_whether_fused_beats_both(tmp_path: Path) -> None:
    rules = _write(tmp_path / "r", 0.7, 1)
    model = _write(tmp_path / "m", 0.8, 3)
    fused = _write(tmp_path / "f", 0.9, 2)
    out = table({"rules": rules, "model": model, "fused": fused})
    tf5 = next(line for line in out.splitlines() if line.startswith("| TF5"))
    assert "F1 0.900" in tf5 and "| yes |" in tf5 and "50.0 %" in tf5
    news = next(line for line in out.splitlines() if line.startswith("| news"))
    assert "attempts 0.00 %" in news and "| yes |" in news  # 0 attempt false alarms everywhere: a tie at 0


def test_doc_block_is_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dirs = [_write(tmp_path / n, f, k) for n, f, k in (("r", 0.9, 0), ("m", 0.8, 0), ("f", 0.85, 0))]
    doc = tmp_path / "card.md"
    doc.write_text("a\n<!-- BEGIN ablation -->\nold\n<!-- END ablation -->\nb\n", encoding="utf-8")
    assert main([*map(str, dirs), "--doc", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "old" not in text and "| TF5 | 100 |" in text and "| no |" in text
    assert "| TF5" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*map(str, dirs), "--doc", str(tmp_path / "r" / "corpora.json")])


def test_a_folder_that_is_not_an_eval_report_is_a_clear_error(tmp_path: Path) -> None:
    good = [_write(tmp_path / n, 0.9, 0) for n in ("r", "m")]
    with pytest.raises(SystemExit, match=r"missing.corpora\.json: not found"):
        main([*map(str, good), str(tmp_path / "missing")])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "corpora.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="not a `fanzha eval` report"):
        main([*map(str, good), str(broken)])
    with pytest.raises(SystemExit, match="no table for the 'dev' split"):
        main([*map(str, good), str(good[0]), "--split", "dev"])
