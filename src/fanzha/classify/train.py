"""Training: the wide-and-deep model, its calibration, and the stacked fusion.

`fanzha train --config configs/model.yaml --out src/fanzha/classify/artifacts` runs `run`:

1. assemble the training items (`fanzha.classify.data`);
2. split the groups (genres, call types) into ``folds`` folds; for each fold fit a model on the others and
   score the held-out fold — out-of-fold scores of texts whose genre the model never saw. A model is: the wide
   part (logistic regression on the L2-normalised binary bag of hashed n-grams, liblinear — the "floor"),
   the deep part (embedding bag + hidden layer, numpy, trained on top of the wide part's cross-fitted
   log-odds, so it learns what the wide part gets wrong on genres it has not seen) and the category head
   (multinomial logistic regression on scam texts with a category);
3. fit the calibration ``a_w · wide + a_d · deep + c`` on the out-of-fold scores, at the share of scams the
   detector should assume (``prior_scam``); the same with ``wide`` alone is the floor's calibration;
4. run the rules on every item and fit the stacked fusion (a logistic regression over the rules' log-odds,
   the calibrated model log-odds and the model log-odds when the rules found no scam evidence) on the same
   out-of-fold scores — never on evaluation corpora;
5. fit the final model on everything, attach calibration and stack, write ``textmodel.npz`` and
   ``training.json`` (data counts, out-of-fold figures of rules, floor, model and fused, per group).

Training needs scipy and scikit-learn (the ``train`` extra); running the model needs numpy only. Same config,
same seed, same data → same bytes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from fanzha.classify.data import Item, stable_fold
from fanzha.classify.features import unique_ngrams
from fanzha.classify.model import Stack, TextModel
from fanzha.errors import InputError
from fanzha.records.corpora import SPLITS

F64 = npt.NDArray[np.float64]
Log = Callable[[str], None]


@dataclass
class ModelConfig:
    ngrams: tuple[int, ...] = (1, 2, 3)
    bits: int = 18
    dim: int = 32
    hidden: int = 64
    deep: bool = True  # False: the wide part alone (the floor)


@dataclass
class TrainConfig:
    wide_c: float = 4.0  # inverse L2 strength of the wide part and the category head (liblinear / lbfgs)
    epochs: int = 3
    batch: int = 128
    lr_emb: float = 0.05
    lr: float = 0.003
    l2: float = 1e-6
    folds: int = 3
    prior_scam: float = 0.1  # the share of scams the calibrated and fused probabilities assume


@dataclass
class DataConfig:
    data_dir: str | None = None  # None: ../shared/data or $FANZHA_DATA
    teleantifraud: bool = True
    teleantifraud_split: str = "dev"
    windows: bool = True
    synth_per_genre: int = 400
    kb_examples: bool = True
    project_examples: bool = True
    extra_jsonl: list[str] = field(default_factory=list)
    limit_per_source: int | None = None


@dataclass
class Config:
    seed: int = 20261122
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, where: str = "config") -> Config:
        """A config from the YAML's mapping: E610 for an unknown key, E611 for a section that is not a mapping,
        E604 for a bad value."""
        unknown = sorted(set(raw) - {"seed", "data", "model", "train"})
        if unknown:
            raise InputError("E610", where=where, keys=unknown, valid=["seed", "data", "model", "train"])
        seed = raw.get("seed", 20261122)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise InputError("E604", where=where, field="seed", valid="int", value=seed)
        model = raw.get("model")
        if isinstance(model, dict) and "ngrams" in model:
            try:
                model = {**model, "ngrams": tuple(int(n) for n in model["ngrams"])}
            except (TypeError, ValueError):
                raise InputError(
                    "E604", where=where, field="model.ngrams", valid="[1..5, ...]", value=model["ngrams"]
                ) from None
        cfg = cls(
            seed=seed,
            data=_typed(DataConfig, raw.get("data"), "data", where),
            model=_typed(ModelConfig, model, "model", where),
            train=_typed(TrainConfig, raw.get("train"), "train", where),
        )
        d, m, t = cfg.data, cfg.model, cfg.train
        checks = (  # (field, what it must be, its value, whether it is)
            (
                "data.teleantifraud_split",
                " | ".join(SPLITS),
                d.teleantifraud_split,
                d.teleantifraud_split in SPLITS,
            ),
            ("model.ngrams", "[1..5, ...]", m.ngrams, all(1 <= n <= 5 for n in m.ngrams)),
            ("model.bits", "10..22", m.bits, 10 <= m.bits <= 22),
            ("train.prior_scam", "(0, 1)", t.prior_scam, 0.0 < t.prior_scam < 1.0),
            ("train.folds", "≥ 2", t.folds, t.folds >= 2),
        )
        for name, valid, value, ok in checks:
            if not ok:
                raise InputError("E604", where=where, field=name, valid=valid, value=value)
        return cfg


_OPTIONAL = {"data_dir": str, "limit_per_source": int}


def _typed(cls: Any, raw: Any, section: str, where: str) -> Any:
    """A config section from its mapping, each value checked against the type of the field's default."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise InputError("E611", where=where, field=section)
    default = cls()
    for key, value in raw.items():
        if not hasattr(default, key):
            valid = [f"{section}.{f.name}" for f in fields(cls)]
            raise InputError("E610", where=where, keys=[f"{section}.{key}"], valid=valid)
        want = _OPTIONAL.get(key)
        if want is not None:
            ok, typ = value is None or isinstance(value, want), f"{want.__name__} | null"
        else:
            ref = getattr(default, key)
            typ = type(ref).__name__
            if isinstance(ref, bool):
                ok = isinstance(value, bool)
            elif isinstance(ref, float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
            elif isinstance(ref, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, type(ref))
        if not ok:
            raise InputError("E604", where=where, field=f"{section}.{key}", valid=typ, value=value)
    return cls(**raw)


# -- features ------------------------------------------------------------------------------------------------


def features(texts: Sequence[str], mc: ModelConfig) -> Any:
    """The L2-normalised binary bag of hashed n-grams (scipy CSR): what every part of the model reads."""
    from scipy import sparse

    indptr, buckets = unique_ngrams(texts, mc.ngrams, mc.bits)
    counts = np.diff(indptr)
    data = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts)
    return sparse.csr_matrix((data, buckets, indptr), shape=(len(texts), 1 << mc.bits))


def _softmax(z: F64) -> F64:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: F64 = e / e.sum(axis=1, keepdims=True)
    return out


def _sigmoid(z: F64) -> F64:
    """The logistic function over an array (scipy's ``expit``; the detector's scalar one is
    `fanzha.detect.fusion.sigmoid`)."""
    from scipy.special import expit

    out: F64 = expit(z)
    return out


# -- the parts -----------------------------------------------------------------------------------------------


def fit_wide(x: Any, y: F64, w: F64, c: float, seed: int) -> tuple[F64, float]:
    """Logistic regression (liblinear, balanced classes): the floor and the model's wide part."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=seed
    )
    clf.fit(x, y.astype(int), sample_weight=w)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


def fit_category(x: Any, cats: npt.NDArray[np.int64], k: int, c: float) -> tuple[F64, F64]:
    """Multinomial logistic regression (lbfgs, balanced classes) over the categories present; absent ones
    get weights 0 and a very low bias."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((x.shape[1], k))
    bias = np.full(k, -30.0)
    present = np.unique(cats)
    if len(present) == 1:
        bias[present[0]] = 0.0
        return coef, bias
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=300, tol=1e-3)
    clf.fit(x, cats)
    classes = clf.classes_.astype(int)
    if len(classes) == 2:  # sklearn keeps one row for two classes
        coef[:, classes[1]] = clf.coef_[0]
        bias[classes[1]] = clf.intercept_[0]
        bias[classes[0]] = 0.0
    else:
        coef[:, classes] = clf.coef_.T
        bias[classes] = clf.intercept_
    return coef, bias


def fit_deep(
    x: Any, y: F64, w: F64, offset: F64, mc: ModelConfig, tc: TrainConfig, seed: int, log: Log | None = None
) -> dict[str, Any]:
    """The embedding bag + hidden layer, trained with the wide part's log-odds as a fixed offset (weighted
    logistic loss, balanced classes). Embeddings: sparse Adagrad on the rows a batch touches; dense layers:
    Adam."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    n = x.shape[0]
    pos, neg = w[y == 1].sum(), w[y == 0].sum()
    w = np.where(y == 1, w * (w.sum() / (2 * pos)), w * (w.sum() / (2 * neg)))
    buckets, dim, hid = 1 << mc.bits, mc.dim, mc.hidden
    emb = rng.uniform(-1.0, 1.0, size=(buckets, dim)) * (1.0 / dim)
    emb_acc = np.zeros(buckets, dtype=np.float64)
    dense = {
        "w1": rng.normal(0.0, math.sqrt(2.0 / dim), size=(dim, hid)),
        "b1": np.zeros(hid),
        "ws": rng.normal(0.0, math.sqrt(1.0 / hid), size=hid) * 0.1,
        "bs": np.zeros(1),
    }
    m1 = {name: np.zeros_like(v) for name, v in dense.items()}
    m2 = {name: np.zeros_like(v) for name, v in dense.items()}
    b1_, b2_, eps = 0.9, 0.999, 1e-8
    step = 0
    for epoch in range(tc.epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, tc.batch):
            idx = np.sort(order[start : start + tc.batch])
            xb = x[idx]
            cols, inverse = np.unique(xb.indices, return_inverse=True)
            xs = sparse.csr_matrix((xb.data, inverse.ravel(), xb.indptr), shape=(len(idx), len(cols)))
            e_sub = emb[cols]
            pooled = np.asarray(xs @ e_sub)
            z1 = pooled @ dense["w1"] + dense["b1"]
            h = np.maximum(z1, 0.0)
            s = h @ dense["ws"] + dense["bs"][0] + offset[idx]
            wb, yb = w[idx], y[idx]
            p = _sigmoid(s)
            total += float(-(wb * (yb * np.log(p + 1e-12) + (1 - yb) * np.log(1 - p + 1e-12))).sum())
            ds = wb * (p - yb) / wb.sum()
            grads: dict[str, F64] = {"ws": h.T @ ds, "bs": np.array([ds.sum()])}
            dz1 = np.outer(ds, dense["ws"]) * (z1 > 0)
            grads["w1"] = pooled.T @ dz1
            grads["b1"] = dz1.sum(axis=0)
            d_emb = np.asarray(xs.T @ (dz1 @ dense["w1"].T)) + tc.l2 * e_sub
            step += 1
            for name, g in grads.items():
                if name in ("w1", "ws"):
                    g = g + tc.l2 * dense[name]
                m1[name] = b1_ * m1[name] + (1 - b1_) * g
                m2[name] = b2_ * m2[name] + (1 - b2_) * g * g
                mh = m1[name] / (1 - b1_**step)
                vh = m2[name] / (1 - b2_**step)
                dense[name] = dense[name] - tc.lr * mh / (np.sqrt(vh) + eps)
            emb_acc[cols] += (d_emb * d_emb).mean(axis=1)
            emb[cols] = e_sub - tc.lr_emb * d_emb / (np.sqrt(emb_acc[cols])[:, None] + 1e-8)
        if log is not None:
            log(f"deep part, epoch {epoch + 1}/{tc.epochs}: loss {total / w.sum():.4f}")
    seen = np.asarray(x.sum(axis=0)).ravel() > 0
    emb[~seen] = 0.0  # an n-gram never seen adds nothing
    return {"emb": emb, **dense}


def fit_model(
    items: Sequence[Item],
    categories: Sequence[str],
    cfg: Config,
    seed: int,
    log: Log | None = None,
) -> TextModel:
    """Wide part, deep part (on the wide part's cross-fitted log-odds) and category head on `items`;
    uncalibrated, quantised as it will ship."""
    mc, tc = cfg.model, cfg.train
    x = features([it.text for it in items], mc)
    y = np.array([it.label for it in items], dtype=np.float64)
    w = np.array([it.weight for it in items], dtype=np.float64)
    if y.min() == y.max():
        raise InputError("E605")
    lin, lin0 = fit_wide(x, y, w, tc.wide_c, seed)
    size, k = 1 << mc.bits, len(categories)
    deep: dict[str, Any] = {  # without the deep part: a one-wide zero layer (contributes exactly 0)
        "emb": np.zeros((size, 1)),
        "w1": np.zeros((1, 1)),
        "b1": np.zeros(1),
        "ws": np.zeros(1),
        "bs": np.zeros(1),
    }
    if mc.deep:
        # the wide part's log-odds on texts of genres it did not see (two folds of groups)
        inner = np.array([stable_fold(it.group, 2, seed + 1000) for it in items])
        offset = np.zeros(len(items))
        for k_ in range(2):
            tr, te = inner != k_, inner == k_
            if tr.any() and te.any() and y[tr].min() != y[tr].max():
                coef, b0 = fit_wide(x[tr], y[tr], w[tr], tc.wide_c, seed)
                offset[te] = x[te] @ coef + b0
            else:
                offset[te] = x[te] @ lin + lin0
        deep = fit_deep(x, y, w, offset, mc, tc, seed, log)
    cat_index = {c: i for i, c in enumerate(categories)}
    has = np.array([it.label == 1 and it.category in cat_index for it in items])
    if has.any():
        cats = np.array([cat_index[str(it.category)] for it, h in zip(items, has, strict=True) if h])
        catw, catb = fit_category(x[has], cats, k, tc.wide_c)
    else:
        catw, catb = np.zeros((size, k)), np.zeros(k)
    model = TextModel(
        emb=deep["emb"].astype(np.float32),
        lin=lin.astype(np.float32),
        w1=deep["w1"].astype(np.float32),
        b1=deep["b1"].astype(np.float32),
        ws=deep["ws"].astype(np.float32),
        catw=catw.astype(np.float32),
        catb=catb.astype(np.float32),
        categories=tuple(categories),
        ngrams=tuple(mc.ngrams),
        bits=mc.bits,
        lin0=lin0,
        bs=float(deep["bs"][0]),
    )
    return TextModel.from_bytes(model.to_bytes())  # float16, as it ships


def model_parts(model: TextModel, texts: Sequence[str], batch: int = 512) -> tuple[F64, F64]:
    """Uncalibrated (wide, deep) scores of many texts."""
    wide, deep = [], []
    for i in range(0, len(texts), batch):
        a, b, _ = model.parts(texts[i : i + batch])
        wide.append(a)
        deep.append(b)
    if not wide:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(wide).astype(np.float64), np.concatenate(deep).astype(np.float64)


# -- logistic regression for calibration and stacking ------------------------------------------------------


def fit_logistic(x: F64, y: F64, w: F64 | None = None, l2: float = 1e-3, iters: int = 50) -> F64:
    """Weighted L2-regularised logistic regression by Newton's method; returns [intercept, coef...]."""
    n = len(y)
    xa = np.hstack([np.ones((n, 1)), x])
    w = np.ones(n) if w is None else w
    w = w / w.sum()
    beta = np.zeros(xa.shape[1])
    reg = np.full(xa.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = _sigmoid(xa @ beta)
        grad = xa.T @ (w * (p - y)) + reg * beta
        hess = (xa * (w * p * (1 - p))[:, None]).T @ xa + np.diag(reg) + 1e-9 * np.eye(len(beta))
        delta = np.linalg.solve(hess, grad)
        beta -= delta
        if np.abs(delta).max() < 1e-9:
            break
    return beta


def prior_weights(y: F64, w: F64, prior: float) -> F64:
    """Item weights rescaled so that scams carry `prior` of the total weight: the probabilities fitted with
    them assume that share of scams among the texts a detector sees (far fewer than the training data's
    half), which is what keeps false alarms on ordinary messages rare."""
    pos, neg = w[y == 1].sum(), w[y == 0].sum()
    out: F64 = np.where(y == 1, w * prior / max(pos, 1e-12), w * (1.0 - prior) / max(neg, 1e-12))
    return out


def rule_features(detector: Any, items: Sequence[Item]) -> F64:
    """Per item: the rules' scam log-odds (bias + capped evidence + chain bonus), whether any scam evidence
    fired (1/0), and the probability of the notice genre (which discounts the score: p × (1 − P(notice)))."""
    rows = []
    for it in items:
        v = detector.analyze(it.data, explain=True, model_logit=None)
        trail = v.decision
        rule = float(trail["bias"] + trail["scam_evidence_capped"] + trail["chain_bonus"])
        fired = any(val > 0 for val in trail["scam_evidence"].values())
        notice = 1.0 if v.kind == "notice" else float(trail["genre"]["notice"])
        rows.append((rule, 1.0 if fired else 0.0, notice))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def fit_stack(x: F64, y: F64, w: F64, notice: F64, l2: float = 1e-3) -> F64:
    """The stacked fusion's weights [intercept, coef…], fitted for the score the detector decides on,
    ``σ(intercept + x · coef) × (1 − P(notice))`` (a notice is always safe): weighted log-likelihood with a
    small L2 penalty, L-BFGS from the plain logistic regression's solution."""
    from scipy.optimize import minimize

    xa = np.hstack([np.ones((len(y), 1)), x])
    keep = 1.0 - np.clip(notice, 0.0, 1.0 - 1e-9)
    wn = w / w.sum()
    reg = np.full(xa.shape[1], l2)
    reg[0] = 0.0

    def loss(beta: F64) -> tuple[float, F64]:
        s = _sigmoid(xa @ beta)
        q = np.clip(s * keep, 1e-12, 1.0 - 1e-12)
        ll = wn * (y * np.log(q) + (1.0 - y) * np.log(1.0 - q))
        dz = wn * (y * (1.0 - s) - (1.0 - y) * s * (1.0 - s) * keep / (1.0 - q))
        value = float(-ll.sum() + 0.5 * (reg * beta * beta).sum())
        grad: F64 = -(xa.T @ dz) + reg * beta
        return value, grad

    start = fit_logistic(x, y, w, l2=l2)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-9})
    out: F64 = np.asarray(result.x, dtype=np.float64)
    return out


def stack_features(rules: F64, model_logit: F64) -> F64:
    """The stacker's inputs: rule log-odds, model log-odds, model log-odds where no scam evidence fired."""
    return np.column_stack([rules[:, 0], model_logit, model_logit * (1.0 - rules[:, 1])])


# -- metrics -------------------------------------------------------------------------------------------------


def binary_metrics(y: F64, p: F64, threshold: float = 0.4, weights: F64 | None = None) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of ``p ≥ threshold`` (the detector flags a text from 0.4 on),
    and the Brier score and expected calibration error (10 bins) under `weights` (the prior-shifted item
    weights: calibration is judged at the share of scams the probabilities assume)."""
    wt = np.ones(len(y)) if weights is None else weights / weights.sum() * len(y)
    pred = p >= threshold
    tp = float((pred & (y == 1)).sum())
    fp = float((pred & (y == 0)).sum())
    fn = float((~pred & (y == 1)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    bins = np.minimum((p * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        sel = bins == b
        if sel.any():
            ws = wt[sel]
            ece += abs(float((p[sel] * ws).sum() - (y[sel] * ws).sum())) / float(wt.sum())
    return {
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "accuracy": round(float((pred == (y == 1)).mean()), 4),
        "false_alarms": round(fp / max(1.0, float((y == 0).sum())), 4),
        "brier": round(float((wt * (p - y) ** 2).sum() / wt.sum()), 4),
        "ece": round(float(ece), 4),
        "n": int(len(y)),
    }


# -- the whole run --------------------------------------------------------------------------------------------


def folds_of(items: Sequence[Item], folds: int, seed: int) -> npt.NDArray[np.int64]:
    return np.array([stable_fold(it.group, folds, seed) for it in items], dtype=np.int64)


def summary(items: Sequence[Item]) -> dict[str, Any]:
    groups = Counter(it.group.split(".")[0] for it in items)
    return {
        "items": len(items),
        "scam": sum(it.label for it in items),
        "safe": sum(1 - it.label for it in items),
        "by_source": dict(sorted(groups.items())),
        "by_group": dict(sorted(Counter(it.group for it in items).items())),
        "categories": dict(sorted(Counter(it.category for it in items if it.category).items())),
    }


def fit_all(
    items: Sequence[Item],
    categories: Sequence[str],
    cfg: Config,
    detector: Any,
    log: Log | None = None,
) -> tuple[TextModel, dict[str, Any]]:
    """Out-of-fold scores, calibration, stack, final model; returns the model and the training report."""
    say = log or (lambda _msg: None)
    y = np.array([it.label for it in items], dtype=np.float64)
    w = np.array([it.weight for it in items], dtype=np.float64)
    texts = [it.text for it in items]
    fold = folds_of(items, cfg.train.folds, cfg.seed)
    wide = np.zeros(len(items))
    deep = np.zeros(len(items))
    cat_ok: list[bool] = []
    for k in range(cfg.train.folds):
        test = fold == k
        train_items = [it for it, f in zip(items, fold, strict=True) if f != k]
        if not test.any() or not train_items:
            raise InputError("E613", fold=k, folds=cfg.train.folds)
        say(f"fold {k + 1}/{cfg.train.folds}: {len(train_items):,} training, {int(test.sum()):,} held out")
        m = fit_model(train_items, categories, cfg, cfg.seed + k + 1, say)
        held = [t for t, keep in zip(texts, test, strict=True) if keep]
        wide[test], deep[test] = model_parts(m, held)
        held_items = [it for it, keep in zip(items, test, strict=True) if keep and it.label and it.category]
        if held_items:
            preds = m.predict_batch([it.text for it in held_items])
            cat_ok.extend(p.category == it.category for p, it in zip(preds, held_items, strict=True))
    wp = prior_weights(y, w, cfg.train.prior_scam)
    floor_beta = fit_logistic(wide[:, None], y, wp)
    floor_logit = floor_beta[0] + floor_beta[1] * wide
    if cfg.model.deep:
        beta = fit_logistic(np.column_stack([wide, deep]), y, wp)
        calib = (float(beta[1]), float(beta[2]), float(beta[0]))
    else:
        calib = (float(floor_beta[1]), 0.0, float(floor_beta[0]))
    model_logit = calib[0] * wide + calib[1] * deep + calib[2]
    say("rules on the training items …")
    rules = rule_features(detector, items)
    stack_beta = fit_stack(stack_features(rules, model_logit), y, wp, rules[:, 2])
    stack = Stack(
        intercept=float(stack_beta[0]),
        w_rules=float(stack_beta[1]),
        w_model=float(stack_beta[2]),
        w_model_alone=float(stack_beta[3]),
    )
    keep = 1.0 - rules[:, 2]
    fused = _sigmoid(stack_features(rules, model_logit) @ stack_beta[1:] + stack_beta[0]) * keep
    report: dict[str, Any] = {
        "out_of_fold": {
            "rules": binary_metrics(y, _sigmoid(rules[:, 0]) * keep, weights=wp),
            "floor": binary_metrics(y, _sigmoid(floor_logit), weights=wp),
            "model": binary_metrics(y, _sigmoid(model_logit), weights=wp),
            "fused": binary_metrics(y, fused, weights=wp),
        },
        "out_of_fold_category_accuracy": round(float(np.mean(cat_ok)), 4) if cat_ok else None,
        "out_of_fold_by_group": _by_group(items, y, model_logit, floor_logit),
    }
    say("final model on everything …")
    final = fit_model(items, categories, cfg, cfg.seed, say)
    final.calib_wide, final.calib_deep, final.calib_c = calib
    final.stack = stack
    report["calibration"] = {"wide": calib[0], "deep": calib[1], "c": calib[2]}
    report["stack"] = stack.to_dict()
    return final, report


def _by_group(items: Sequence[Item], y: F64, model_logit: F64, floor: F64) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gs = np.array([it.group for it in items])
    for g in sorted(set(gs.tolist())):
        sel = gs == g
        out[g] = {
            "n": int(sel.sum()),
            "scam_share": round(float(y[sel].mean()), 4),
            "model_acc": round(float(((model_logit[sel] >= _LOGIT_04) == (y[sel] == 1)).mean()), 4),
            "floor_acc": round(float(((floor[sel] >= _LOGIT_04) == (y[sel] == 1)).mean()), 4),
        }
    return out


_LOGIT_04 = math.log(0.4 / 0.6)  # flagged from p = 0.4 on (the detector's "suspicious")


def categories_of(detector: Any) -> list[str]:
    return [c.id for c in detector.kb.categories]


def fixed_sample(model: TextModel, detector: Any, examples: Path) -> dict[str, Any]:
    """The model's calibrated log-odds (3 decimals) and the fused labels on the project's examples: the
    figures a test recomputes from the shipped artifact."""
    import json

    from fanzha.classify.data import model_text
    from fanzha.detect.engine import Detector

    rows = [json.loads(line) for line in examples.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = [r.get("turns") or r["text"] for r in rows]
    preds = model.predict_batch([model_text(detector, d) for d in data])
    fused = Detector(detector.kb, model=model)
    labels = [fused.analyze(d).label for d in data]
    return {
        "file": "src/fanzha/examples/examples.jsonl",
        "logits": [round(p.logit, 3) for p in preds],
        "model_flagged": sum(p.p_scam >= 0.4 for p in preds),
        "fused_labels": dict(sorted(Counter(labels).items())),
        "gold_labels": dict(sorted(Counter(r["label"] for r in rows).items())),
    }


def run(cfg: Config, out: Path, *, examples: Path | None, log: Log | None = None) -> dict[str, Any]:
    """Assemble, fit and write ``textmodel.npz`` and ``training.json`` into `out`; returns the report."""
    import json

    from fanzha.classify.data import assemble
    from fanzha.classify.model import ARTIFACT
    from fanzha.detect.engine import Detector
    from fanzha.records.corpora import default_data_dir

    say = log or (lambda _msg: None)
    detector = Detector(model=None)
    data_dir = Path(cfg.data.data_dir) if cfg.data.data_dir else default_data_dir()
    tele = data_dir if cfg.data.teleantifraud else None
    if tele is not None and not (tele / "teleantifraud").is_dir():
        raise InputError("E606", where=str(tele))
    say("assembling the training data …")
    items = assemble(
        detector,
        seed=cfg.seed,
        tele_root=tele,
        tele_split=cfg.data.teleantifraud_split,  # type: ignore[arg-type]
        windows=cfg.data.windows,
        per_genre=cfg.data.synth_per_genre,
        use_kb=cfg.data.kb_examples,
        examples=examples if cfg.data.project_examples else None,
        extra=[Path(p) for p in cfg.data.extra_jsonl],
        limit=cfg.data.limit_per_source,
    )
    say(f"{len(items):,} items")
    model, report = fit_all(items, categories_of(detector), cfg, detector, say)
    report = {"data": summary(items), **report}
    model.meta = {"seed": cfg.seed, "data": report["data"]}
    if examples is not None:
        report["fixed_sample"] = fixed_sample(model, detector, examples)
    digest = model.save(out / ARTIFACT)
    report["artifact"] = {"file": ARTIFACT, "sha256": digest, "bytes": (out / ARTIFACT).stat().st_size}
    (out / "training.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return report
