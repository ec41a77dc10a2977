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

`ModelHook` is the detector's `fanzha.detect.scorer.TextScorer`; `resolve` is registered as the detector's
``default`` scorer factory through the ``fanzha.scorers`` entry point (pyproject.toml), so the detector finds
the shipped model without importing this package.
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
from fanzha.classify.model import ModelError, Prediction, Stack, TextModel, default_path, load
from fanzha.messages import default_lang, t

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
                print(f"fanzha: warning: {t('msg.rules_only', default_lang(), error=msg)}", file=sys.stderr)
            return None
        return self.model_

    # -- the detector's `fanzha.detect.scorer.TextScorer` ---------------------------------------------

    def available(self) -> bool:
        return self.get() is not None

    def predict_batch(self, texts: list[str]) -> list[Prediction] | None:
        model = self.get()
        return model.predict_batch(texts) if model is not None else None

    def stack(self) -> Stack | None:
        model = self.get()
        return model.stack if model is not None else None

    def categories(self) -> tuple[str, ...]:
        model = self.get()
        return model.categories if model is not None else ()

    def spans(self, text: str) -> list[tuple[int, int, float]]:
        model = self.get()
        return spans(model, text) if model is not None else []


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
