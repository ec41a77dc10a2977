"""Training is reproducible; the config is checked; the out-of-fold report has every part."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fanzha.classify.train import Config, run
from fanzha.errors import InputError

from .conftest import EXAMPLES, tiny_config


def test_training_twice_gives_the_same_bytes(
    tiny_run: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    first, report = tiny_run
    again = run(tiny_config(), tmp_path, examples=EXAMPLES)
    a = (first / "textmodel.npz").read_bytes()
    b = (tmp_path / "textmodel.npz").read_bytes()
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest() == again["artifact"]["sha256"]
    assert (first / "training.json").read_text() == (tmp_path / "training.json").read_text()


def test_another_seed_gives_another_model(tiny_run: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    run(tiny_config(seed=8), tmp_path, examples=EXAMPLES)
    assert (tmp_path / "textmodel.npz").read_bytes() != (tiny_run[0] / "textmodel.npz").read_bytes()


def test_report_has_the_ablation_and_the_data(tiny_run: tuple[Path, dict[str, object]]) -> None:
    report = tiny_run[1]
    oof = report["out_of_fold"]
    assert isinstance(oof, dict) and set(oof) == {"model", "rules", "fused", "floor"}
    data = report["data"]
    assert isinstance(data, dict) and data["scam"] > 0 and data["safe"] > 0
    assert "tele" not in data["by_source"]  # the tiny config reads no corpus


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"bogus": 1}, "E610", None),
        ({"model": {"ngrams": [0, 9]}}, "E604", "model.ngrams"),
        ({"model": {"ngrams": ["x"]}}, "E604", "model.ngrams"),
        ({"model": {"bits": 40}}, "E604", "model.bits"),
        ({"train": {"folds": 1}}, "E604", "train.folds"),
        ({"train": {"prior_scam": 1.5}}, "E604", "train.prior_scam"),
        ({"data": {"teleantifraud_split": "train"}}, "E604", "data.teleantifraud_split"),
        ({"data": {"nope": True}}, "E610", None),
        ({"model": {"deep": "maybe", "dim": "x"}}, "E604", "model.deep"),
        ({"train": [1]}, "E611", None),
    ],
)
def test_bad_configs_name_the_field(raw: dict[str, object], code: str, field: str | None) -> None:
    with pytest.raises(InputError) as exc:
        Config.from_dict(raw)
    assert exc.value.code == code
    if field is not None:
        assert exc.value.params["field"] == field


def test_the_shipped_config_parses() -> None:
    import yaml

    path = Path(__file__).resolve().parents[2] / "configs" / "model.yaml"
    cfg = Config.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert cfg.data.teleantifraud_split == "dev"  # the test half stays unseen for `fanzha eval`


def test_the_train_command(tmp_path: Path) -> None:
    import yaml
    from click.testing import CliRunner

    from fanzha.cli.main import cli

    config = tmp_path / "tiny.yaml"
    raw = {
        "seed": 3,
        "data": {"teleantifraud": False, "synth_per_genre": 8, "limit_per_source": 200},
        "model": {"bits": 11},
        "train": {"folds": 2},
    }
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = tmp_path / "model"
    res = CliRunner().invoke(cli, ["train", "--config", str(config), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert (out / "textmodel.npz").is_file() and (out / "training.json").is_file()
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: {bits: 99}\n", encoding="utf-8")
    from fanzha.errors import InputError

    res = CliRunner().invoke(cli, ["train", "--config", str(bad), "--out", str(out)])
    assert isinstance(res.exception, InputError) and res.exception.code == "E604"
    res = CliRunner().invoke(cli, ["train", "--config", str(tmp_path / "none.yaml"), "--out", str(out)])
    assert isinstance(res.exception, InputError) and res.exception.code == "E001"
    raw["data"] = {"teleantifraud": True, "data_dir": str(tmp_path)}
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    res = CliRunner().invoke(cli, ["train", "--config", str(config), "--out", str(out)])
    assert isinstance(res.exception, InputError) and res.exception.code == "E606"


def test_extra_jsonl_trains_and_bad_lines_are_coded(tmp_path: Path) -> None:
    from fanzha.classify.data import labelled_jsonl

    good = tmp_path / "mine.jsonl"
    good.write_text(
        '{"text": "加我微信领取返利", "label": "scam", "category": "task_rebate"}\n{"text": "吃饭了吗", "label": 0}\n',
        encoding="utf-8",
    )
    rows = list(labelled_jsonl(good, group="extra.mine"))
    assert [(r[1], r[2]) for r in rows] == [(1, "task_rebate"), (0, None)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        list(labelled_jsonl(bad, group="extra.bad"))
    assert exc.value.code == "E603" and "bad.jsonl:1" in exc.value.render()
    bad.write_text('{"label": "scam"}\n[1]\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        list(labelled_jsonl(bad, group="extra.bad"))
    assert exc.value.code == "E609" and exc.value.where == f"{bad}:1"
