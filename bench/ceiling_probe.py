"""How far a model of the shipped kind gets when it may learn from the evaluation corpora themselves.

A development probe for docs/model-card.md ("How far the aims are"), never a shipped model: TF5 and TF8 are
evaluation-only corpora (``../shared/data/README.md``), so nothing trained here leaves this script. The same
character n-gram linear model as the shipped one (hashed binary bag of 1–3-grams, 2¹⁸ buckets, liblinear
logistic regression, C = 4, balanced classes) is fitted on the **dev** half of TF5 (scams and normal SMS) and
TF8 (scams) and scored on their **test** half — the in-distribution figure, with the generator's own wording
and the corpus' own category labels to learn from. Its gap to the shipped detector says how much of what is
missing is the difference between the texts the project may train on and these generators; what it still
misses says how far the corpora's own labels agree with themselves.

    pip install -e '.[train]'
    python bench/ceiling_probe.py [--data ../shared/data]
    python bench/ceiling_probe.py --export /tmp/indomain     # for `fanzha train`, see below

Prints, for the test half: scam F1 / precision / recall / false-alarm rate on TF5 (scams vs normal SMS) and
on TF8's scams against TF5's normal SMS, at the probability 0.5 of the model (fitted on balanced classes);
and the category accuracy on TF8's test scams (TF8's seven classes, its 贷款征信 class one class).

``--export DIR`` instead writes the two dev halves as training JSONL (``tf5_dev.jsonl``, ``tf8_dev.jsonl``:
``{text, label, category}``) and ``DIR/model.yaml`` — the shipped config with them as ``data.extra_jsonl`` —
so that the whole fused detector can be retrained as a user with the rights to such data would
(``fanzha train --config DIR/model.yaml --out DIR/out``) and evaluated with
``FANZHA_MODEL_PATH=DIR/out/textmodel.npz fanzha eval --split test``. Keep DIR outside the repository.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fanzha.classify.data import model_text
from fanzha.classify.train import ModelConfig, binary_metrics, features
from fanzha.detect.engine import Detector
from fanzha.errors import FanzhaError
from fanzha.records import corpora
from fanzha.records.corpora import Split

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ModelConfig()  # the shipped model's features: hashed 1–3-grams, 2¹⁸ buckets


def half(name: str, split: Split, data: Path, det: Detector) -> tuple[list[str], np.ndarray, list[str]]:
    recs = corpora.load(name, split, root=data)
    texts = [model_text(det, r.get("turns") or r["text"]) for r in recs]
    return texts, np.array([r["label"] == "scam" for r in recs]), [r.get("category") or "" for r in recs]


def scores(y: np.ndarray, flagged: np.ndarray) -> str:
    m = binary_metrics(y.astype(float), flagged.astype(float), threshold=0.5)
    return f"F1 {m['f1']:.3f} (P {m['precision']:.3f}, R {m['recall']:.3f}), FA {m['false_alarms']:.2%}"


def export(data: Path, out: Path) -> None:
    """The dev halves of TF5 and TF8 as training JSONL in `out`, and the shipped config pointing at them."""
    import json

    import yaml

    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, stem in (("telecom_fraud_texts_5", "tf5_dev"), ("telecom_fraud_texts_8", "tf8_dev")):
        path = out / f"{stem}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for r in corpora.load(name, "dev", root=data):
                row = {"text": r["text"], "label": r["label"], "category": r.get("category")}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        files.append(str(path))
    config = yaml.safe_load((REPO / "configs" / "model.yaml").read_text(encoding="utf-8"))
    config["data"]["extra_jsonl"] = files
    config["data"]["data_dir"] = str(data)
    (out / "model.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    print(f"wrote {', '.join(files)} and {out / 'model.yaml'}")


def main(argv: Sequence[str] | None = None) -> None:
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=corpora.default_data_dir())
    ap.add_argument("--export", type=Path, metavar="DIR", help="write the dev halves as training JSONL")
    args = ap.parse_args(argv)
    if args.export is not None:
        export(args.data, args.export)
        return
    det = Detector(model=None)
    t5d, y5d, _ = half("telecom_fraud_texts_5", "dev", args.data, det)
    t8d, _, c8d = half("telecom_fraud_texts_8", "dev", args.data, det)
    t5t, y5t, _ = half("telecom_fraud_texts_5", "test", args.data, det)
    t8t, _, c8t = half("telecom_fraud_texts_8", "test", args.data, det)

    x_train = features(t5d + t8d, SHIPPED)
    y_train = np.concatenate([y5d, np.ones(len(t8d), dtype=bool)])
    scam = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=2000)
    scam.fit(x_train, y_train)
    s5t = scam.decision_function(features(t5t, SHIPPED))
    s8t = scam.decision_function(features(t8t, SHIPPED))
    normal = ~y5t
    y8 = np.concatenate([np.ones(len(t8t), dtype=bool), np.zeros(int(normal.sum()), dtype=bool)])
    f8 = np.concatenate([s8t > 0, s5t[normal] > 0])
    print(f"trained on the dev halves: {len(t5d):,} TF5 lines, {len(t8d):,} TF8 scams")
    print(f"test: TF5 {scores(y5t, s5t > 0)}; TF8 + TF5 normal {scores(y8, f8)}")

    cat = LogisticRegression(C=4.0, solver="lbfgs", max_iter=3000)
    cat.fit(x_train[len(t5d) :], np.array(c8d))  # TF8's rows of the training matrix
    pred = cat.predict(features(t8t, SHIPPED))
    gold = np.array(c8t)
    print(f"TF8 test category accuracy: {(pred == gold).mean():.1%} of {len(gold):,}")
    for c in sorted(set(c8t)):
        m = gold == c
        print(f"  {c}: {(pred[m] == c).mean():.1%} of {int(m.sum()):,}")


if __name__ == "__main__":
    try:
        main()
    except (FanzhaError, OSError) as exc:  # a missing corpus or an unwritable folder: one line, no traceback
        raise SystemExit(f"ceiling_probe: {exc}") from None
