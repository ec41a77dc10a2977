"""How fast the model is, alone and inside the detector: the figures of the model card.

    python -m fanzha.evaluate.model_speed [--cpu 1] [--n 6000]

Prints the artifact's size and load time, the model's cost per text (one at a time and in batches of 256),
and the detector's throughput and single-message latency with and without the model, on one core, over the
TF5 mix (all of telecom_fraud_texts_5, read from ``../shared/data`` at run time; nothing is copied) or, without
the corpora, over the project's own examples. The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any


def _texts(n: int) -> tuple[str, list[str]]:
    try:
        from fanzha.records.corpora import load

        texts = [str(r.get("text", "")) for r in load("tf5", "all", limit=n)]
        return "TF5 mix", texts
    except Exception:  # noqa: BLE001 — no corpora here: fall back to the project's own texts
        from fanzha.kb.loader import default_kb

        kb = default_kb().kb
        base = [t for ind in kb.indicators for t in (*ind.examples.positive, *ind.examples.negative)]
        return "project examples", [base[i % len(base)] for i in range(n)]


def measure(n: int = 6000) -> dict[str, Any]:
    """Every figure, as a dict."""
    from fanzha.classify.model import default_path, load
    from fanzha.detect import Detector

    out: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    path = default_path()
    out["artifact_mb"] = round(path.stat().st_size / 1e6, 2)
    t0 = time.perf_counter()
    model = load(path)
    out["load_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
    mix, texts = _texts(n)
    out["mix"] = mix
    out["texts"] = len(texts)
    rules = Detector(model=None)
    norm = [rules.normalize(t).text for t in texts]
    t0 = time.perf_counter()
    for t in norm:
        model.predict_batch([t])
    out["model_single_us"] = round((time.perf_counter() - t0) / len(norm) * 1e6, 1)
    t0 = time.perf_counter()
    for i in range(0, len(norm), 256):
        model.predict_batch(norm[i : i + 256])
    out["model_batch_us"] = round((time.perf_counter() - t0) / len(norm) * 1e6, 1)
    for name, det in (("rules", rules), ("fused", Detector(model=model))):
        det.analyze(texts[0])
        t0 = time.perf_counter()
        for _ in det.analyze_many(texts):
            pass
        batch = (time.perf_counter() - t0) / len(texts)
        lat = []
        for t in texts[:3000]:
            t1 = time.perf_counter()
            det.analyze(t)
            lat.append(time.perf_counter() - t1)
        lat.sort()
        out[name] = {
            "batch_per_s": round(1 / batch),
            "batch_us": round(batch * 1e6, 1),
            "single_p50_ms": round(lat[len(lat) // 2] * 1e3, 3),
            "single_p99_ms": round(lat[int(len(lat) * 0.99)] * 1e3, 3),
        }
    out["load_average_end"] = os.getloadavg()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fanzha.evaluate.model_speed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU (default: the last one)")
    parser.add_argument("--n", type=int, default=6000, help="texts in the mix")
    args = parser.parse_args(argv)
    cpu = args.cpu if args.cpu is not None else max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    import json

    print(json.dumps(measure(args.n), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
