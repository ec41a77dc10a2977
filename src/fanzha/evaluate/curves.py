"""Recall at equal false alarms: rules, model and fused compared at the same operating point.

    python -m fanzha.evaluate.curves [--split test] [--rates 0.001,0.0026,0.0041]

The ablation table compares each part at its own thresholds (0.4 flags); a part that flags more gets more recall
and more false alarms. Here each part's score (the verdict's score; the model's probability) is thresholded so
that it raises a given share of false alarms on TF5's real normal SMS, and the recall on TF5's and TF8's scams is
read at that threshold. Reads ``../shared/data`` (or ``$FANZHA_DATA``) at run time; prints Markdown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np


def scores(mode: str, texts: Sequence[str]) -> np.ndarray:
    """Each text's score under `mode` (rules, model or fused)."""
    from fanzha.classify.model import load
    from fanzha.classify.runtime import shipped_path
    from fanzha.detect import Detector

    if mode == "rules":
        det = Detector(model=None)
        return np.array([v.score for v in det.analyze_many(texts)])
    model = load(shipped_path())
    if mode == "model":
        norm = Detector(model=None)
        return np.array([p.p_scam for p in model.predict_batch([norm.normalize(t).text for t in texts])])
    det = Detector(model=model)
    return np.array([v.score for v in det.analyze_many(texts)])


def table(split: str, rates: Sequence[float]) -> str:
    from fanzha.records.corpora import load

    tf5 = load("tf5", split)  # type: ignore[arg-type]
    tf8 = load("tf8", split)  # type: ignore[arg-type]
    normal = [str(r["text"]) for r in tf5 if r["label"] != "scam"]
    scam5 = [str(r["text"]) for r in tf5 if r["label"] == "scam"]
    scam8 = [str(r["text"]) for r in tf8]
    lines = [
        f"| false alarms on TF5 normal ({len(normal):,}) | part | recall TF5 scams ({len(scam5):,}) "
        f"| recall TF8 scams ({len(scam8):,}) |",
        "| ---: | --- | ---: | ---: |",
    ]
    for mode in ("rules", "model", "fused"):
        sn, s5, s8 = scores(mode, normal), scores(mode, scam5), scores(mode, scam8)
        for rate in rates:
            k = int(rate * len(sn))  # at most k false alarms: flag strictly above the (k+1)-th highest score
            threshold = float(np.sort(sn)[::-1][k]) if k < len(sn) else -np.inf
            lines.append(
                f"| {100 * rate:.2f} % ({int((sn > threshold).sum())}) | {mode} "
                f"| {float((s5 > threshold).mean()):.3f} | {float((s8 > threshold).mean()):.3f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fanzha.evaluate.curves", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", default="test", choices=["dev", "test", "all"])
    parser.add_argument("--rates", default="0.001,0.0026,0.0041")
    args = parser.parse_args(argv)
    rates = [float(x) for x in args.rates.split(",") if x.strip()]
    sys.stdout.write(table(args.split, rates))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
