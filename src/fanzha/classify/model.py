"""The shipped text model: an embedding bag of hashed character n-grams with a small hidden layer (numpy).

    pooled  = Σ idf[b] · E[b] / Σ idf[b] over the text's n-grams b   (a fastText-style bag, E is 2**bits × dim,
              weighted by inverse document frequency so that the words every text has count little)
    hidden  = relu(pooled · W1 + b1)
    scam    = hidden · w_s + b_s          → calibrated log-odds  a · scam + c   (Platt, fitted out of fold)
    category= softmax(hidden · W_c + b_c) over the knowledge base's categories

Weights are stored as float16 in one compressed ``.npz`` with a JSON header (`ModelArtifact`); nothing is
fetched at run time. The stacked fusion's weights (how the calibrated model log-odds and the rules' evidence
combine, fitted on held-out training data) travel in the same file.

Errors: E600 artifact missing, E601 artifact unreadable or corrupt, E602 artifact of another format version.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from fanzha.classify.features import hash_ngrams
from fanzha.errors import FanzhaError

F32 = npt.NDArray[np.float32]
FORMAT = "fanzha-textmodel-1"
ARTIFACT = "textmodel.npz"
_ARRAYS = ("emb", "idf", "w1", "b1", "ws", "wc", "bc")


class ModelError(FanzhaError):
    """The model artifact cannot be used (the rules still work without it)."""


def default_path() -> Path:
    """The artifact shipped inside the package."""
    return Path(__file__).resolve().parent / "artifacts" / ARTIFACT


@dataclass(frozen=True, slots=True)
class Stack:
    """The learned fusion: fused log-odds = intercept + w_rules · rule log-odds + w_model · model log-odds
    + w_model_alone · model log-odds × [no scam evidence]. Fitted by logistic regression on held-out
    training data (never on evaluation corpora)."""

    intercept: float
    w_rules: float
    w_model: float
    w_model_alone: float

    def to_dict(self) -> dict[str, float]:
        return {
            "intercept": self.intercept,
            "w_rules": self.w_rules,
            "w_model": self.w_model,
            "w_model_alone": self.w_model_alone,
        }


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's view of one text: calibrated scam log-odds, probability, category probabilities."""

    logit: float
    p_scam: float
    category: str | None
    category_p: float


@dataclass
class TextModel:
    """Weights and metadata of the model; `predict_batch` scores normalised texts."""

    emb: F32
    idf: F32
    w1: F32
    b1: F32
    ws: F32
    bs: float
    wc: F32
    bc: F32
    categories: tuple[str, ...]
    ngrams: tuple[int, ...]
    bits: int
    calib_a: float = 1.0
    calib_c: float = 0.0
    stack: Stack | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    # -- scoring -----------------------------------------------------------------------------------------

    def hidden(self, texts: Sequence[str]) -> tuple[F32, F32]:
        """(pooled, hidden) for a batch of normalised texts."""
        indptr, buckets, _ = hash_ngrams(texts, self.ngrams, self.bits)
        pooled = pool(self.emb, self.idf, indptr, buckets)
        z = pooled @ self.w1 + self.b1
        return pooled, np.maximum(z, 0.0)

    def raw_logits(self, texts: Sequence[str]) -> tuple[F32, F32]:
        """Uncalibrated scam logits (n,) and category logits (n, K)."""
        _, h = self.hidden(texts)
        return h @ self.ws + np.float32(self.bs), h @ self.wc + self.bc

    def predict_batch(self, texts: Sequence[str]) -> list[Prediction]:
        """Calibrated predictions for a batch of normalised texts."""
        if not texts:
            return []
        raw, cat = self.raw_logits(texts)
        logit = self.calib_a * raw.astype(np.float64) + self.calib_c
        p = 1.0 / (1.0 + np.exp(-logit))
        cat = cat.astype(np.float64)
        cat -= cat.max(axis=1, keepdims=True)
        probs = np.exp(cat)
        probs /= probs.sum(axis=1, keepdims=True)
        best = probs.argmax(axis=1)
        return [
            Prediction(
                float(logit[i]),
                float(p[i]),
                self.categories[int(best[i])] if self.categories else None,
                float(probs[i, best[i]]),
            )
            for i in range(len(texts))
        ]

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]

    def contributions(
        self, text: str
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per n-gram contribution to the calibrated scam log-odds (gradient × input at the pooled vector:
        exact for the bag, a first-order view through the hidden layer), with each n-gram's start and
        length. Used to point at the characters that made the model decide."""
        indptr, buckets, starts = hash_ngrams([text], self.ngrams, self.bits)
        if len(buckets) == 0:
            z = np.zeros(0, np.int64)
            return np.zeros(0), z, z
        pooled = pool(self.emb, self.idf, indptr, buckets)
        active = (pooled @ self.w1 + self.b1)[0] > 0
        grad = (self.w1[:, active] @ self.ws[active]).astype(np.float64) * self.calib_a
        weights = self.idf[buckets].astype(np.float64)
        contrib = (self.emb[buckets].astype(np.float64) @ grad) * weights / max(float(weights.sum()), 1e-9)
        lengths = _lengths(len(text), self.ngrams, len(buckets))
        return contrib, starts, lengths

    # -- storage -----------------------------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "categories": list(self.categories),
            "ngrams": list(self.ngrams),
            "bits": self.bits,
            "bs": self.bs,
            "calibration": {"a": self.calib_a, "c": self.calib_c},
            "stack": self.stack.to_dict() if self.stack is not None else None,
            "meta": self.meta,
        }

    def to_bytes(self) -> bytes:
        """The artifact: a compressed npz (float16 weights) whose ``header`` entry is JSON. Deterministic:
        the same weights give the same bytes."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            entries: dict[str, bytes] = {"header.json": json.dumps(self.header(), sort_keys=True).encode()}
            for name in _ARRAYS:
                arr = np.ascontiguousarray(getattr(self, name).astype(np.float16))
                npy = io.BytesIO()
                np.lib.format.write_array(npy, arr, allow_pickle=False)
                entries[f"{name}.npy"] = npy.getvalue()
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return buf.getvalue()

    def save(self, path: Path) -> str:
        """Write the artifact; returns its SHA-256."""
        data = self.to_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def from_bytes(cls, data: bytes, *, where: str = "model") -> TextModel:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                header = json.loads(zf.read("header.json"))
                if not isinstance(header, dict) or header.get("format") != FORMAT:
                    got = header.get("format") if isinstance(header, dict) else None
                    raise ModelError(
                        "E602",
                        f"model artifact format {got!r}, expected {FORMAT!r}",
                        where=where,
                        hint="retrain with `fanzha train` for this version of fanzha",
                    )
                arrays = {
                    name: np.lib.format.read_array(io.BytesIO(zf.read(f"{name}.npy")), allow_pickle=False)
                    for name in _ARRAYS
                }
        except ModelError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
            raise ModelError(
                "E601",
                f"model artifact is corrupt or unreadable: {exc}",
                where=where,
                hint="reinstall fanzha or retrain with `fanzha train`; the rules work without the model",
            ) from None
        try:
            stack = header.get("stack")
            calib = header["calibration"]
            model = cls(
                emb=arrays["emb"].astype(np.float32),
                idf=arrays["idf"].astype(np.float32),
                w1=arrays["w1"].astype(np.float32),
                b1=arrays["b1"].astype(np.float32),
                ws=arrays["ws"].astype(np.float32),
                bs=float(header["bs"]),
                wc=arrays["wc"].astype(np.float32),
                bc=arrays["bc"].astype(np.float32),
                categories=tuple(header["categories"]),
                ngrams=tuple(int(n) for n in header["ngrams"]),
                bits=int(header["bits"]),
                calib_a=float(calib["a"]),
                calib_c=float(calib["c"]),
                stack=Stack(**stack) if stack else None,
                meta=dict(header.get("meta") or {}),
            )
            model.check()
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(
                "E601",
                f"model artifact is inconsistent: {exc}",
                where=where,
                hint="retrain with `fanzha train`",
            ) from None
        return model

    def check(self) -> None:
        """Shapes agree with each other and with the header (ValueError otherwise)."""
        dim, hid = self.w1.shape
        if self.emb.shape != (1 << self.bits, dim):
            raise ValueError(f"embedding shape {self.emb.shape} != ({1 << self.bits}, {dim})")
        if self.idf.shape != (1 << self.bits,) or bool((self.idf < 0).any()):
            raise ValueError("idf weights have the wrong shape or negative values")
        if self.b1.shape != (hid,) or self.ws.shape != (hid,):
            raise ValueError("hidden layer shapes disagree")
        if self.wc.shape != (hid, len(self.categories)) or self.bc.shape != (len(self.categories),):
            raise ValueError("category layer shapes disagree")
        if not all(1 <= n <= 5 for n in self.ngrams):
            raise ValueError(f"n-gram lengths {self.ngrams} outside 1..5")
        for name in _ARRAYS:
            if not np.all(np.isfinite(getattr(self, name))):
                raise ValueError(f"{name} has non-finite values")


def load(path: Path | None = None) -> TextModel:
    """Load the model artifact (default: the one shipped in the package). E600 when missing, E601 / E602
    when unusable."""
    path = path if path is not None else default_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(
            "E600",
            "model artifact not found",
            where=str(path),
            hint="train one with `fanzha train --config configs/model.yaml --out DIR`; the rules work without it",
        ) from None
    except OSError as exc:
        raise ModelError("E601", f"cannot read model artifact: {exc.strerror}", where=str(path)) from None
    return TextModel.from_bytes(data, where=str(path))


def pool(emb: F32, idf: F32, indptr: npt.NDArray[np.int64], buckets: npt.NDArray[np.int32]) -> F32:
    """The idf-weighted mean of the embedding rows of each text's n-grams (zeros for a text without any)."""
    n = len(indptr) - 1
    out = np.zeros((n, emb.shape[1]), dtype=np.float32)
    if len(buckets) == 0:
        return out
    counts = np.diff(indptr)
    nonempty = counts > 0
    weights = idf[buckets]
    rows = emb[buckets] * weights[:, None]
    starts = indptr[:-1][nonempty]
    sums = np.add.reduceat(rows, starts, axis=0)
    totals = np.add.reduceat(weights, starts)
    out[nonempty] = sums / np.maximum(totals, np.float32(1e-6))[:, None]
    return out


def _lengths(text_len: int, ngrams: Sequence[int], total: int) -> npt.NDArray[np.int64]:
    from fanzha.classify.features import MAX_CHARS

    text_len = min(text_len, MAX_CHARS)
    parts = [np.full(max(0, text_len - n + 1), n, dtype=np.int64) for n in ngrams]
    out = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    if len(out) != total:
        raise ValueError("n-gram count mismatch")
    return out
