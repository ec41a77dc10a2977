"""The model at the detector's fusion point: the verdict says what the model did, batches equal single
calls, the ablation switches work, and the shipped artifact is what its card says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fanzha.classify.model import TextModel, default_path, load
from fanzha.cli.main import cli
from fanzha.detect import Detector

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "src" / "fanzha" / "examples" / "examples.jsonl"
TEXTS = [
    "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理",
    "晚上回家吃饭吗？我炖了汤。",
    "【工商银行】您尾号1234的储蓄卡11月2日消费支出人民币35.00元，余额1200.00元。",
    "宝贝，我在一个平台发现了漏洞，稳赚的，你也注册一个，我带你赚钱",
    "",
]


@pytest.fixture(scope="module")
def shipped() -> TextModel:
    return load()


def test_the_shipped_artifact_is_small_and_loads(shipped: TextModel) -> None:
    assert default_path().stat().st_size <= 30 * 1024 * 1024
    assert shipped.stack is not None and shipped.categories


def test_the_shipped_artifact_matches_its_training_report(shipped: TextModel) -> None:
    """training.json beside the artifact (quoted by docs/model-card.md) records the artifact's hash and its
    verdicts on a fixed sample: the project's own examples."""
    import hashlib

    report = json.loads((default_path().parent / "training.json").read_text(encoding="utf-8"))
    assert report["artifact"]["sha256"] == hashlib.sha256(default_path().read_bytes()).hexdigest()
    sample = report["fixed_sample"]
    rows = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r.get("turns") or r["text"] for r in rows]
    from fanzha.classify.data import model_text

    det = Detector(model=None)
    preds = shipped.predict_batch([model_text(det, t) for t in texts])
    assert [round(p.logit, 3) for p in preds] == sample["logits"]
    flagged = sum(p.p_scam >= 0.4 for p in preds)
    assert flagged == sample["model_flagged"]
    fused = Detector(model=shipped)
    labels = [fused.analyze(t).label for t in texts]
    assert {k: labels.count(k) for k in set(labels)} == sample["fused_labels"]
    card = (REPO / "docs" / "model-card.md").read_text(encoding="utf-8")
    assert report["artifact"]["sha256"][:12] in card
    n = len(texts)
    scam = sample["fused_labels"].get("scam", 0)
    assert f"on the {n} texts of" in card and f"the model alone flags {flagged}" in card
    assert f"the fused detector labels {scam} scam" in card
    assert f"{max(sample['logits']):.3f}" in card and f"{min(sample['logits']):.3f}".replace("-", "−") in card


def test_fused_verdict_explains_the_model(shipped: TextModel) -> None:
    det = Detector(model=shipped)
    for text in TEXTS:
        v = det.analyze(text, explain=True)
        info = v.decision["model"]
        assert info["mode"] == "fused" and -50 < info["logit"] < 50
        assert "stack" in v.decision
        model_findings = [f for f in v.findings if f.indicator == "model.text"]
        for f in model_findings:
            assert text[f.start : f.end] == f.text and f.role == "model" and f.reason
        if info["alone"]:
            assert v.label != "safe" and info["rules_label"] == "safe"
            assert model_findings and "规则未找到足够证据" in model_findings[0].reason
        if v.label == "safe":
            assert not model_findings


def test_a_verdict_the_model_raised_always_has_its_finding(shipped: TextModel) -> None:
    det = Detector(model=shipped)
    texts = [
        "我是你领导，明天来我办公室，先加我这个新号",
        "恭喜您被选为产品体验官，关注博主截图就能拿佣金",
        "宝贝，我在一个平台发现了漏洞，稳赚的，你也注册一个，我带你赚钱",
        *TEXTS,
    ]
    raised = 0
    for text in texts:
        plain = det.analyze(text)
        info = det.analyze(text, explain=True).decision["model"]
        has = any(f.indicator == "model.text" for f in plain.findings)
        if info["effect"] == "raised":
            raised += 1
            assert has, text
        elif info["effect"] == "none":
            assert not has, text  # agreeing with the rules is shown with --explain only
    assert raised >= 1


def test_a_model_alone_verdict_says_so_in_english(shipped: TextModel) -> None:
    text = "宝贝，我在一个平台发现了漏洞，稳赚的，你也注册一个，我带你赚钱，先充一万试试"
    det = Detector(model=shipped, lang="en")
    v = det.analyze(text, explain=True)
    if v.decision["model"]["alone"]:
        assert "rules found too little" in next(f.reason for f in v.findings if f.indicator == "model.text")


def test_analyze_many_equals_analyze(shipped: TextModel) -> None:
    det = Detector(model=shipped)
    singles = [det.analyze(t, explain=True) for t in TEXTS]
    batch = list(det.analyze_many(TEXTS, explain=True, batch=2))
    assert [v.to_dict(explain=True) for v in batch] == [v.to_dict(explain=True) for v in singles]


def test_model_only_ignores_the_rules(shipped: TextModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_MODEL", "only")
    det = Detector()
    for text in TEXTS:
        v = det.analyze(text, explain=True)
        p = v.decision["model"]["p_scam"]
        assert v.score == pytest.approx(p, abs=1e-4)
        assert (v.label != "safe") == (p >= 0.4)


def test_rules_only_has_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_MODEL", "off")
    v = Detector().analyze(TEXTS[0], explain=True)
    assert "model" not in v.decision and v.decision["model_logit"] is None
    assert not [f for f in v.findings if f.indicator == "model.text"]


def test_check_no_model_and_batch(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["check", "--json", "--explain", "--no-model", TEXTS[0]])
    assert out.exit_code == 0, out.output
    assert "model" not in json.loads(out.output)["decision"]
    out = runner.invoke(cli, ["check", "--json", "--explain", TEXTS[0]])
    assert json.loads(out.output)["decision"]["model"]["mode"] == "fused"
    src = tmp_path / "in.jsonl"
    lines = [{"id": i, "text": t} for i, t in enumerate(TEXTS)] + [
        {"id": "t", "turns": [{"speaker": "客服", "text": TEXTS[0]}]}
    ]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    res = runner.invoke(cli, ["check", "--jsonl", str(src), "--out", str(dst)])
    assert res.exit_code == 0, res.output
    got = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == [x["id"] for x in lines]
    det = Detector()
    for g, x in zip(got, lines, strict=True):
        v = det.analyze(x["turns"] if "turns" in x else x["text"])
        assert (g["label"], g["score"]) == (v.label, round(v.score, 4))


def test_category_combines_the_rules_evidence_and_the_models_view(shipped: TextModel) -> None:
    """The category of a flagged text maximises the rules' weighted evidence plus the model's
    log-probability: a model with no opinion leaves the rules' category, a sure one outvotes a few keywords,
    and the model alone (FANZHA_MODEL=only) names its own."""
    import dataclasses

    import numpy as np

    text = TEXTS[0]  # the rules say 冒充电商物流客服
    k = len(shipped.categories)
    no_opinion = dataclasses.replace(shipped, catw=np.zeros_like(shipped.catw), catb=np.zeros(k, np.float32))
    assert Detector(model=no_opinion).analyze(text).category == "ecommerce_cs"
    sure = np.full(k, -60.0, dtype=np.float32)
    sure[shipped.categories.index("game_trade")] = 0.0
    opinionated = dataclasses.replace(no_opinion, catb=sure)
    v = Detector(model=opinionated).analyze(text)
    assert v.label != "safe" and v.category == "game_trade" and v.variant is None
    assert Detector(model=None).analyze(text).category == "ecommerce_cs"
