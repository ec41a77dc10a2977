"""The shipped text model: wide and deep over a binary bag of hashed character n-grams (numpy).

A text's distinct n-gram buckets B (n of them; `fanzha.classify.features`) are read as an L2-normalised
binary bag, x_b = 1/√n for b in B:

    wide     = Σ_B u[b] / √n + u0                          a linear model (the floor), fitted to convergence
    pooled   = Σ_B E[b] / √n                               an embedding bag (E is 2**bits × dim) …
    deep     = relu(pooled · W1 + b1) · w_s + b_s          … with a hidden layer, fitted on what `wide` misses
    logit    = a_w · wide + a_d · deep + c                 calibrated (Platt on held-out genres)
    category = softmax(Σ_B V[b] / √n + v0)                 a linear multinomial head over the categories

Weights are float16 in one compressed ``.npz`` with a JSON header (`TextModel.to_bytes`); nothing is fetched
at run time. The stacked fusion's weights (how the calibrated log-odds and the rules' evidence combine,
fitted on held-out training data) travel in the same file.

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

from fanzha.classify.features import hash_ngrams, unique_inverse_counts, unique_ngrams
from fanzha.errors import FanzhaError

F32 = npt.NDArray[np.float32]
FORMAT = "fanzha-textmodel-2"
ARTIFACT = "textmodel.npz"
_ARRAYS = ("emb", "lin", "w1", "b1", "ws", "catw", "catb")


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
    """The model's view of one text: calibrated scam log-odds, probability, its most likely category and
    that category's probability, and the log-probability of every category (in `TextModel.categories`
    order) for the detector to combine with the rules' evidence."""

    logit: float
    p_scam: float
    category: str | None
    category_p: float
    category_logp: tuple[float, ...] = ()


@dataclass
class TextModel:
    """Weights and metadata of the model; `predict_batch` scores normalised texts."""

    emb: F32  # (2**bits, dim) embedding bag
    lin: F32  # (2**bits,) wide weights: after construction column 0 of the side-by-side table
    w1: F32  # (dim, hidden)
    b1: F32  # (hidden,)
    ws: F32  # (hidden,)
    catw: F32  # (2**bits, K) category weights: after construction columns 1… of that table
    catb: F32  # (K,)
    categories: tuple[str, ...]
    ngrams: tuple[int, ...]
    bits: int
    lin0: float = 0.0
    bs: float = 0.0
    calib_wide: float = 1.0
    calib_deep: float = 1.0
    calib_c: float = 0.0
    stack: Stack | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    # -- scoring -----------------------------------------------------------------------------------------

    def __post_init__(self) -> None:
        self._prepare()

    def _prepare(self) -> None:
        """The wide and category weights side by side in one table (one gather per text), kept once: `lin`
        and `catw` become views of its columns (no copy when they already are, as `from_bytes` builds
        them); and whether the deep part can contribute at all."""
        self._wide = side_by_side(self.lin, self.catw)
        self.lin, self.catw = self._wide[:, 0], self._wide[:, 1:]
        self._deep = bool(np.any(self.ws != 0)) and bool(np.any(self.emb != 0))

    def parts(self, texts: Sequence[str]) -> tuple[F32, F32, F32]:
        """(wide, deep, category logits) for a batch of normalised texts, uncalibrated."""
        indptr, buckets = unique_ngrams(texts, self.ngrams, self.bits)
        counts = np.diff(indptr)
        scale = (1.0 / np.sqrt(np.maximum(counts, 1))).astype(np.float32)
        both = bag(self._wide, indptr, buckets) * scale[:, None]
        wide = both[:, 0] + np.float32(self.lin0)
        cat = both[:, 1:] + self.catb
        if self._deep:
            pooled = bag(self.emb, indptr, buckets) * scale[:, None]
            deep = np.maximum(pooled @ self.w1 + self.b1, 0.0) @ self.ws + np.float32(self.bs)
        else:
            deep = np.zeros(len(texts), dtype=np.float32)
        return wide, deep, cat

    def predict_batch(self, texts: Sequence[str]) -> list[Prediction]:
        """Calibrated predictions for a batch of normalised texts."""
        if not texts:
            return []
        wide, deep, cat = self.parts(texts)
        logit = self.calib_wide * wide.astype(np.float64) + self.calib_deep * deep + self.calib_c
        p = 1.0 / (1.0 + np.exp(-logit))
        logp = cat.astype(np.float64)
        logp -= logp.max(axis=1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
        best = logp.argmax(axis=1)
        top = np.exp(logp[np.arange(len(best)), best]).tolist()
        names = [self.categories[b] for b in best.tolist()] if self.categories else [None] * len(best)
        rows = map(tuple, logp.tolist())
        return list(map(Prediction, logit.tolist(), p.tolist(), names, top, rows))

    def predict(self, text: str) -> Prediction:
        return self.predict_batch([text])[0]

    def contributions(
        self, text: str
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per n-gram occurrence, its share of the calibrated scam log-odds (exact for the wide part; for
        the deep part gradient × input at the pooled vector), with each occurrence's start and length. An
        n-gram that occurs k times shares its bucket's contribution k ways. Used to point at the characters
        that made the model decide."""
        indptr, buckets, starts = hash_ngrams([text], self.ngrams, self.bits)
        if len(buckets) == 0:
            z = np.zeros(0, np.int64)
            return np.zeros(0), z, z
        uniq, inverse, occurrences = unique_inverse_counts(buckets)
        scale = 1.0 / np.sqrt(len(uniq))
        per_bucket = self.calib_wide * self.lin[uniq].astype(np.float64)
        if self._deep:
            pooled = self.emb[uniq].sum(axis=0) * scale
            active = (pooled @ self.w1 + self.b1) > 0
            grad = (self.w1[:, active] @ self.ws[active]).astype(np.float64)
            per_bucket += self.calib_deep * (self.emb[uniq].astype(np.float64) @ grad)
        contrib = (per_bucket * scale / occurrences)[inverse.ravel()]
        lengths = _lengths(len(text), self.ngrams, len(buckets))
        return contrib, starts, lengths

    # -- storage -----------------------------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "categories": list(self.categories),
            "ngrams": list(self.ngrams),
            "bits": self.bits,
            "lin0": self.lin0,
            "bs": self.bs,
            "calibration": {"wide": self.calib_wide, "deep": self.calib_deep, "c": self.calib_c},
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
                    raise ModelError("E602", where=where, got=got, expected=FORMAT)
                arrays = {name: _read_npy(zf, f"{name}.npy") for name in _ARRAYS}
        except ModelError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
            raise ModelError("E601", where=where, reason=str(exc)) from None
        try:
            stack = header.get("stack")
            calib = header["calibration"]
            # float16 → float32 straight into the side-by-side table; each float16 array is dropped once
            # converted, so the weights are never held twice
            table = side_by_side(arrays.pop("lin"), arrays.pop("catw"))
            emb16 = arrays.pop("emb")
            zero = emb16.ndim == 2 and not emb16.any() and not np.signbit(emb16).any()
            emb = (  # the deep part off: an all +0 embedding, kept as a read-only view of one zero row
                np.broadcast_to(np.zeros((1, emb16.shape[1]), np.float32), emb16.shape)
                if zero
                else emb16.astype(np.float32)
            )
            del emb16
            model = cls(
                emb=emb,
                lin=table[:, 0],
                catw=table[:, 1:],
                **{name: arr.astype(np.float32) for name, arr in arrays.items()},
                categories=tuple(header["categories"]),
                ngrams=tuple(int(n) for n in header["ngrams"]),
                bits=int(header["bits"]),
                lin0=float(header["lin0"]),
                bs=float(header["bs"]),
                calib_wide=float(calib["wide"]),
                calib_deep=float(calib["deep"]),
                calib_c=float(calib["c"]),
                stack=Stack(**stack) if stack else None,
                meta=dict(header.get("meta") or {}),
            )
            model.check()
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError("E601", where=where, reason=f"{type(exc).__name__}: {exc}") from None
        return model

    def check(self) -> None:
        """Shapes agree with each other and with the header (ValueError otherwise, saying what differs as
        ``name.shape got ≠ expected``)."""
        size = 1 << self.bits
        dim, hid = self.w1.shape
        k = len(self.categories)
        expected = {
            "emb": (size, dim),
            "lin": (size,),
            "b1": (hid,),
            "ws": (hid,),
            "catw": (size, k),
            "catb": (k,),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name}.shape {getattr(self, name).shape} ≠ {shape}")
        if not all(1 <= n <= 5 for n in self.ngrams):
            raise ValueError(f"ngrams {self.ngrams} ⊄ 1..5")
        for name in _ARRAYS:
            if not np.all(np.isfinite(getattr(self, name))):
                raise ValueError(f"{name}: not finite")


def load(path: Path | None = None) -> TextModel:
    """Load the model artifact (default: the one shipped in the package). E600 when missing, E601 / E602
    when unusable."""
    path = path if path is not None else default_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError("E600", where=str(path)) from None
    except OSError as exc:
        raise ModelError("E601", where=str(path), reason=exc.strerror or str(exc)) from None
    return TextModel.from_bytes(data, where=str(path))


def side_by_side(lin: npt.NDArray[Any], catw: npt.NDArray[Any]) -> F32:
    """The C-contiguous float32 table [lin | catw] (2**bits × 1+K). When `lin` and `catw` already are its
    column views, that table itself (no copy)."""
    if lin.ndim != 1 or catw.ndim != 2 or len(lin) != len(catw):
        raise ValueError(f"lin {lin.shape} and catw {catw.shape} do not stack side by side")
    base = lin.base
    if (
        isinstance(base, np.ndarray)
        and catw.base is base
        and base.dtype == np.float32
        and base.flags.c_contiguous
        and base.shape == (len(lin), 1 + catw.shape[1])
        and lin.ctypes.data == base.ctypes.data
        and lin.strides == base.strides[:1]
        and catw.ctypes.data == base.ctypes.data + base.itemsize
        and catw.strides == base.strides
    ):
        return base
    table = np.empty((len(lin), 1 + catw.shape[1]), dtype=np.float32)
    table[:, 0] = lin
    table[:, 1:] = catw
    return table


def _read_npy(zf: zipfile.ZipFile, name: str) -> npt.NDArray[Any]:
    """One array of the artifact, decompressed in chunks straight into the array (no copy of the whole
    ``.npy`` as bytes); read to the end so that the zip's CRC is checked."""
    with zf.open(name) as f:
        arr = np.lib.format.read_array(f, allow_pickle=False)
        if f.read(1):
            raise ValueError(f"{name}: data after the array")
    return arr


def bag(weights: F32, indptr: npt.NDArray[np.int64], buckets: npt.NDArray[np.int32]) -> F32:
    """Per text, the sum of the rows of `weights` (2-D) at its buckets (zeros for a text without any)."""
    n = len(indptr) - 1
    if len(buckets) == 0:
        return np.zeros((n, weights.shape[1]), dtype=np.float32)
    rows = np.take(weights, buckets, axis=0)  # np.take: many times faster than weights[buckets] for 2-D rows
    nonempty = np.diff(indptr) > 0
    if nonempty.all():
        return np.add.reduceat(rows, indptr[:-1], axis=0)
    out = np.zeros((n, weights.shape[1]), dtype=np.float32)
    out[nonempty] = np.add.reduceat(rows, indptr[:-1][nonempty], axis=0)
    return out


def _lengths(text_len: int, ngrams: Sequence[int], total: int) -> npt.NDArray[np.int64]:
    from fanzha.classify.features import MAX_CHARS

    text_len = min(text_len, MAX_CHARS)
    parts = [np.full(max(0, text_len - n + 1), n, dtype=np.int64) for n in ngrams]
    out = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    if len(out) != total:
        raise ValueError("n-gram count mismatch")
    return out
