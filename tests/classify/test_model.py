"""The model artifact: round trip, clear errors for missing / corrupt / foreign files, rules-only fallback."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np
import pytest

from fanzha.classify import runtime
from fanzha.classify.model import ModelError, TextModel, load
from fanzha.detect import Detector

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"


def test_round_trip_gives_the_same_predictions_and_bytes(tiny_model: TextModel) -> None:
    data = tiny_model.to_bytes()
    again = TextModel.from_bytes(data)
    assert again.to_bytes() == data
    texts = ["退款请加微信", "晚上回家吃饭吗", ""]
    a = tiny_model.predict_batch(texts)
    b = again.predict_batch(texts)
    assert [p.logit for p in a] == [p.logit for p in b]
    assert a[2].p_scam == pytest.approx(1 / (1 + np.exp(-a[2].logit)))


def test_batch_equals_one_by_one(tiny_model: TextModel) -> None:
    texts = ["退款请加微信", "好", "晚上回家吃饭吗？我买了菜。", "验证码告诉我"]
    batch = tiny_model.predict_batch(texts)
    for text, pred in zip(texts, batch, strict=True):
        assert tiny_model.predict(text).logit == pytest.approx(pred.logit, abs=1e-5)
    assert tiny_model.predict_batch([]) == []


def test_the_wide_and_category_weights_are_kept_once(tiny_model: TextModel) -> None:
    table = tiny_model._wide
    assert table.dtype == np.float32 and table.flags.c_contiguous
    assert table.shape == (len(tiny_model.lin), 1 + len(tiny_model.categories))
    assert np.shares_memory(tiny_model.lin, table) and np.shares_memory(tiny_model.catw, table)
    assert np.array_equal(tiny_model.lin, table[:, 0]) and np.array_equal(tiny_model.catw, table[:, 1:])
    assert dataclasses.replace(tiny_model, calib_c=0.5)._wide is table  # no copy when nothing moved


def test_a_model_from_separate_arrays_scores_and_saves_the_same(tiny_model: TextModel) -> None:
    fresh = dataclasses.replace(tiny_model, lin=np.array(tiny_model.lin), catw=np.array(tiny_model.catw))
    assert not np.shares_memory(fresh._wide, tiny_model._wide) and np.shares_memory(fresh.lin, fresh._wide)
    texts = ["退款请加微信", "晚上回家吃饭吗？我买了菜。", "验证码告诉我", ""]
    assert fresh.predict_batch(texts) == tiny_model.predict_batch(texts)
    for got, want in zip(fresh.contributions(texts[0]), tiny_model.contributions(texts[0]), strict=True):
        assert np.array_equal(got, want)
    assert fresh.to_bytes() == tiny_model.to_bytes()


def test_a_zero_embedding_takes_no_memory_and_round_trips(tiny_model: TextModel) -> None:
    off = dataclasses.replace(tiny_model, emb=np.zeros_like(tiny_model.emb), ws=np.zeros_like(tiny_model.ws))
    data = off.to_bytes()
    again = TextModel.from_bytes(data)
    assert again.emb.shape == off.emb.shape and again.emb.strides[0] == 0 and not again._deep
    assert again.to_bytes() == data
    texts = ["退款请加微信", "好"]
    assert again.predict_batch(texts) == off.predict_batch(texts)


def test_missing_artifact_is_E600(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as exc:
        load(tmp_path / "nope.npz")
    assert exc.value.code == "E600" and "fanzha train" in exc.value.render()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "no_header", "bad_shape", "nan"])
def test_corrupt_artifact_is_E601(tiny_model: TextModel, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "bad.npz"
    data = tiny_model.to_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        with zipfile.ZipFile(path, "w") as zf, zipfile.ZipFile(__import__("io").BytesIO(data)) as src:
            for name in src.namelist():
                payload = src.read(name)
                if damage == "no_header" and name == "header.json":
                    continue
                if damage == "bad_shape" and name == "b1.npy":
                    payload = _npy(np.zeros(3, np.float16))
                if damage == "nan" and name == "lin.npy":
                    payload = _npy(np.full(tiny_model.lin.shape, np.nan, np.float16))
                zf.writestr(name, payload)
    with pytest.raises(ModelError) as exc:
        load(path)
    assert exc.value.code == "E601"


def test_other_format_is_E602(tiny_model: TextModel, tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    import io
    import json

    with zipfile.ZipFile(path, "w") as zf, zipfile.ZipFile(io.BytesIO(tiny_model.to_bytes())) as src:
        for name in src.namelist():
            payload = src.read(name)
            if name == "header.json":
                header = json.loads(payload)
                header["format"] = "fanzha-textmodel-1"
                payload = json.dumps(header).encode()
            zf.writestr(name, payload)
    with pytest.raises(ModelError) as exc:
        load(path)
    assert exc.value.code == "E602"


def _npy(arr: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def test_rules_still_work_when_the_artifact_is_missing_or_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "corrupt.npz"
    bad.write_bytes(b"\x00" * 100)
    rules = Detector(model=None).analyze(SCAM, explain=True)
    for path in (bad, tmp_path / "missing.npz"):
        runtime.clear_cache()
        monkeypatch.setattr(runtime, "default_path", lambda p=path: p)
        det = Detector()
        verdict = det.analyze(SCAM, explain=True)
        assert verdict.label == rules.label and verdict.score == rules.score
        assert "model" not in verdict.decision
        assert [f.indicator for f in verdict.findings] == [f.indicator for f in rules.findings]
        err = capsys.readouterr().err
        assert ("E601" if path == bad else "E600") in err and "只用规则继续" in err
        det.analyze("再来一条")  # warned once only
        assert capsys.readouterr().err == ""
    runtime.clear_cache()


def test_an_explicit_path_that_is_corrupt_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.npz"
    bad.write_bytes(b"\x00" * 100)
    runtime.clear_cache()
    with pytest.raises(ModelError):
        Detector(model=bad).analyze(SCAM)
    runtime.clear_cache()


@pytest.mark.parametrize(
    ("env", "mode"), [("off", None), ("rules", None), ("only", "only"), ("", "fused"), ("on", "fused")]
)
def test_fanzha_model_environment(monkeypatch: pytest.MonkeyPatch, env: str, mode: str | None) -> None:
    monkeypatch.setenv("FANZHA_MODEL", env)
    hook = runtime.resolve("default")
    assert (hook.mode if hook is not None else None) == mode


def test_resolve_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        runtime.resolve("sometimes")
    assert runtime.resolve(None) is None and runtime.resolve("off") is None
