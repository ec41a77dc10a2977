"""`bench/ceiling_probe.py --export` writes what `fanzha train` accepts: the dev halves of TF5 and TF8 as
labelled JSONL and the shipped config pointing at them (the model card's "What the training data allows")."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchrun import REPO, run_bench
from fanzha.classify.data import labelled_jsonl
from fanzha.classify.train import Config
from fanzha.records import corpora


def test_export_writes_training_jsonl_and_a_config_train_accepts(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "indomain"
    proc = run_bench("ceiling_probe.py", "--data", str(data_dir), "--export", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    raw = yaml.safe_load((out / "model.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((REPO / "configs" / "model.yaml").read_text(encoding="utf-8"))
    files = [out / "tf5_dev.jsonl", out / "tf8_dev.jsonl"]
    assert raw["data"]["extra_jsonl"] == [str(f) for f in files]
    assert raw["data"]["data_dir"] == str(data_dir)
    # everything else is the shipped config, and the training command's loader accepts it
    assert {k: v for k, v in raw["data"].items() if k not in ("extra_jsonl", "data_dir")} == {
        k: v for k, v in shipped["data"].items() if k not in ("extra_jsonl", "data_dir")
    }
    assert (
        raw["model"] == shipped["model"]
        and raw["train"] == shipped["train"]
        and raw["seed"] == shipped["seed"]
    )
    Config.from_dict(raw)
    for path, name in zip(files, ("telecom_fraud_texts_5", "telecom_fraud_texts_8"), strict=True):
        rows = list(labelled_jsonl(path, group="extra"))
        dev = list(corpora.load(name, "dev", root=data_dir))
        assert len(rows) == len(dev)
        assert {label for _, label, _, _, _ in rows} == ({0, 1} if name.endswith("5") else {1})
        # only the dev half: no test-half text is exported
        test_texts = {r["text"] for r in corpora.load(name, "test", root=data_dir)}
        assert not any(data in test_texts for data, *_ in rows)


def test_a_missing_corpus_folder_is_one_clear_line(tmp_path: Path) -> None:
    proc = run_bench("ceiling_probe.py", "--data", str(tmp_path / "none"), "--export", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert "E305" in proc.stderr and "telecom_fraud_texts_5" in proc.stderr and "Traceback" not in proc.stderr
