"""The model as the detector uses it: loaded once per process, lazily, with a rules-only fallback.

`resolve(spec)` turns the detector's ``model=`` argument into a `ModelHook` or None:

- ``"default"``: the shipped artifact (or ``$FANZHA_MODEL_PATH``), unless ``$FANZHA_MODEL`` says otherwise —
  ``off`` (rules only), ``only`` (the model alone: the ablation's middle column), ``on`` / unset (fused), or a
  path to another artifact;
- ``None`` or ``"off"``: rules only;
- ``"only"``: the shipped model alone;
- a `TextModel` or a path: that model, fused.

A missing or corrupt artifact is reported once on standard error (E600 / E601 / E602) and the detector goes on
with the rules; ``FANZHA_MODEL=strict`` turns that into an error.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from fanzha.classify.features import MAX_CHARS
from fanzha.classify.model import ModelError, Prediction, TextModel, default_path, load

Mode = Literal["fused", "only"]
_CACHE: dict[Path, TextModel | ModelError] = {}
_LOCK = threading.Lock()
_WARNED: set[str] = set()


def cached_load(path: Path) -> TextModel:
    """Load an artifact once per process (the failure is cached too)."""
    key = path.resolve()
    with _LOCK:
        got = _CACHE.get(key)
        if got is None:
            try:
                got = load(path)
            except ModelError as exc:
                got = exc
            _CACHE[key] = got
    if isinstance(got, ModelError):
        raise got
    return got


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
        _WARNED.clear()


@dataclass
class ModelHook:
    """A model source for the detector: the model (or where to load it from) and the mode."""

    mode: Mode
    path: Path | None = None
    model_: TextModel | None = None
    strict: bool = False
    failed: bool = False

    def get(self) -> TextModel | None:
        """The model, loading it on first use; None (after one warning on stderr) when it cannot be used."""
        if self.model_ is not None:
            return self.model_
        if self.failed or self.path is None:
            return None
        try:
            self.model_ = cached_load(self.path)
        except ModelError as exc:
            self.failed = True
            if self.strict:
                raise
            msg = exc.render()
            if msg not in _WARNED:
                _WARNED.add(msg)
                print(f"fanzha: warning: {msg}; going on with the rules only", file=sys.stderr)
            return None
        return self.model_

    def predict_batch(self, texts: list[str]) -> list[Prediction] | None:
        model = self.get()
        return model.predict_batch(texts) if model is not None else None


def shipped_path() -> Path:
    """The artifact the detector uses by default: ``$FANZHA_MODEL_PATH``, or the one shipped in the package."""
    return Path(os.environ["FANZHA_MODEL_PATH"]) if os.environ.get("FANZHA_MODEL_PATH") else default_path()


def resolve(spec: Any) -> ModelHook | None:
    """The hook for the detector's ``model=`` argument (see the module docstring)."""
    if spec is None or spec == "off":
        return None
    if isinstance(spec, TextModel):
        return ModelHook("fused", model_=spec)
    if isinstance(spec, Path):
        return ModelHook("fused", path=spec, strict=True)
    shipped = shipped_path()
    if spec == "only":
        return ModelHook("only", path=shipped)
    if spec != "default":
        raise ValueError(f"model must be 'default', 'off', 'only', None, a TextModel or a Path, not {spec!r}")
    env = os.environ.get("FANZHA_MODEL", "").strip()
    low = env.lower()
    if low in ("off", "0", "none", "rules"):
        return None
    if low == "only":
        return ModelHook("only", path=shipped)
    if low in ("", "on", "1", "fused"):
        return ModelHook("fused", path=shipped)
    if low == "strict":
        return ModelHook("fused", path=shipped, strict=True)
    return ModelHook("fused", path=Path(env), strict=True)


_BREAKS = np.array([ord(c) for c in ",。!?;\n:、 "], dtype=np.uint32)


def spans(
    model: TextModel, text: str, *, max_spans: int = 2, min_len: int = 2
) -> list[tuple[int, int, float]]:
    """The stretches of `text` (normalised) that pushed the model towards "scam" most: each character gets
    the contributions of the n-grams covering it (split evenly), and the best runs of positive characters
    within a clause are returned as (start, end, contribution), strongest first."""
    contrib, starts, lengths = model.contributions(text)
    n = min(len(text), MAX_CHARS)
    if n == 0 or len(contrib) == 0:
        return []
    share = contrib / lengths
    per_char = np.zeros(n + 1)
    for k in range(int(lengths.max())):  # each n-gram's share goes to each of its characters
        if k == 0:  # every n-gram covers its first character
            per_char += np.bincount(starts, weights=share, minlength=n + 1)[: n + 1]
            continue
        sel = lengths > k
        per_char += np.bincount(starts[sel] + k, weights=share[sel], minlength=n + 1)[: n + 1]
    per_char = per_char[:n]
    codes = np.frombuffer(text[:n].encode("utf-32-le"), dtype=np.uint32)
    breaks = (codes[:, None] == _BREAKS).any(axis=1)  # np.isin, without its per-call overhead
    good = (per_char > 0) & ~breaks
    edges = np.diff(np.concatenate([[0], good.astype(np.int8), [0]]))
    run_starts = np.flatnonzero(edges == 1)
    run_ends = np.flatnonzero(edges == -1)
    cum = np.concatenate([[0.0], np.cumsum(per_char)])
    runs = [
        (int(a), int(b), float(cum[b] - cum[a]))
        for a, b in zip(run_starts, run_ends, strict=True)
        if b - a >= min_len
    ]
    runs.sort(key=lambda r: -r[2])
    return runs[:max_spans]


# -- at the fusion point ------------------------------------------------------------------------------------

REASON = {
    "zh": {
        "alone": "训练模型判断这段文字像诈骗（知识库规则未找到足够证据），最像诈骗的是这几处",
        "support": "训练模型也判断这段文字像诈骗，最像诈骗的是这几处",
    },
    "en": {
        "alone": "The trained model judged this text a scam (the knowledge base's rules found too little); "
        "these stretches weighed most",
        "support": "The trained model also judged this text a scam; these stretches weighed most",
    },
}
MODEL_FINDING_MIN = 0.5  # a model finding is shown when the model's own probability reaches this


def model_only_decision(config: Any, prediction: Prediction) -> Any:
    """The model alone (the ablation's "model only"): its calibrated probability against the same
    thresholds; a flagged text is an attempt; nothing marks a genre."""
    from fanzha.detect.fusion import Decision, label_of

    p = prediction.p_scam
    label = label_of(p, config.thresholds)
    kind = "attempt" if label != "safe" else "other"
    trail = {"model_logit": prediction.logit, "logit": prediction.logit, "p_scam": p, "score": p}
    return Decision(label, kind, p, p, {"attempt": 1.0, "narrative": 0.0, "notice": 0.0}, trail)  # type: ignore[arg-type]


def fuse_with_model(
    config: Any,
    evidence: list[Any],
    conversation: bool,
    hook: ModelHook,
    prediction: Prediction,
    text: str,
    lang: str,
    explain: bool = False,
) -> tuple[Any, list[tuple[int, int, dict[str, Any]]]]:
    """The decision with the model (fused through the artifact's stack, or alone), with
    ``trail["model"]`` saying what the model did, and the model's findings as (start, end, fields) on the
    normalised text: always when the model changed the label upwards (or decided alone), and with `explain`
    also when it only agreed with the rules."""
    from fanzha.detect.fusion import fuse, label_of, sigmoid

    model = hook.get()
    stack = model.stack if model is not None else None
    fused = fuse(config, evidence, conversation=conversation, model_logit=prediction.logit, stack=stack)
    # What the rules alone would have said: the same sum without the model (the genre does not depend on it).
    rules_score = sigmoid(fused.trail["rule_logit"]) * (1.0 - fused.genre["notice"])
    rules_label = label_of(rules_score, config.thresholds)
    if fused.kind == "notice":
        rules_label = "safe"
    decision = model_only_decision(config, prediction) if hook.mode == "only" else fused
    order = {"safe": 0, "suspicious": 1, "scam": 2}
    effect = (
        "raised"
        if order[decision.label] > order[rules_label]
        else "lowered"
        if order[decision.label] < order[rules_label]
        else "none"
    )
    alone = decision.label != "safe" and rules_label == "safe"
    info = {
        "mode": hook.mode,
        "logit": round(prediction.logit, 4),
        "p_scam": round(prediction.p_scam, 4),
        "category": prediction.category,
        "category_p": round(prediction.category_p, 4),
        "rules_label": rules_label,
        "rules_score": round(rules_score, 4),
        "effect": effect,
        "alone": alone,
    }
    decision.trail["model"] = info
    extra: list[tuple[int, int, dict[str, Any]]] = []
    # A verdict the model raised always says so; one it merely agrees with does with `explain`.
    raised = effect == "raised" or (hook.mode == "only" and decision.label != "safe")
    wanted = raised or (explain and decision.label != "safe" and prediction.p_scam >= MODEL_FINDING_MIN)
    if wanted and model is not None:
        reason = REASON.get(lang, REASON["zh"])["alone" if alone or hook.mode == "only" else "support"]
        found = spans(model, text) or [(0, len(text), prediction.logit)]  # nothing stands out: the whole text
        for a, b, contribution in found:
            extra.append(
                (
                    a,
                    b,
                    {
                        "indicator": "model.text",
                        "reason": reason,
                        "score": round(prediction.p_scam, 4),
                        "weight": round(contribution, 4),
                        "role": "model",
                        "pattern": "model",
                    },
                )
            )
    return decision, extra
