"""Training: the embedding-bag model (numpy + scipy.sparse), its calibration, and the stacked fusion.

`fanzha train --config configs/model.yaml --out src/fanzha/classify/artifacts` runs `run`:

1. assemble the training items (`fanzha.classify.data`);
2. split the groups (genres, call types) into ``folds`` folds; for each fold train a model on the others and
   score the held-out fold — out-of-fold log-odds of texts whose genre the model never saw;
3. fit the calibration (Platt: a · raw + c) on those out-of-fold log-odds;
4. run the rules on every item and fit the stacked fusion (a logistic regression over the rules' log-odds,
   the calibrated model log-odds and the model log-odds when the rules found no scam evidence) on the same
   out-of-fold scores — never on evaluation corpora;
5. train the final model on everything, attach calibration and stack, write ``textmodel.npz`` and
   ``training.json`` (data counts, out-of-fold figures, the floor's figures).

Training needs scipy (the ``train`` extra); running the model needs numpy only. Same config, same seed, same
data → same bytes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from fanzha.classify.data import Item, stable_fold
from fanzha.classify.features import hash_ngrams
from fanzha.classify.model import Stack, TextModel
from fanzha.errors import InputError

F64 = npt.NDArray[np.float64]
Log = Callable[[str], None]


@dataclass
class ModelConfig:
    ngrams: tuple[int, ...] = (1, 2, 3)
    bits: int = 18
    dim: int = 32
    hidden: int = 64
    weighting: str = "uniform"  # uniform: every seen n-gram weighs 1; idf: inverse document frequency


@dataclass
class TrainConfig:
    epochs: int = 6
    batch: int = 128
    lr_emb: float = 0.2
    lr: float = 0.003
    l2: float = 1e-6
    category_weight: float = 0.5
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
        """A config from the YAML's mapping; E604 for unknown keys or bad values."""
        try:
            unknown = set(raw) - {"seed", "data", "model", "train"}
            if unknown:
                raise TypeError(f"unknown keys {sorted(unknown)}")
            model = dict(raw.get("model") or {})
            if "ngrams" in model:
                model["ngrams"] = tuple(int(n) for n in model["ngrams"])
            cfg = cls(
                seed=int(raw.get("seed", 20261122)),
                data=DataConfig(**(raw.get("data") or {})),
                model=ModelConfig(**model),
                train=TrainConfig(**(raw.get("train") or {})),
            )
        except (TypeError, ValueError) as exc:
            raise InputError("E604", f"bad training config: {exc}", where=where) from None
        if cfg.data.teleantifraud_split not in ("dev", "test", "all"):
            raise InputError("E604", "data.teleantifraud_split must be dev, test or all", where=where)
        if not all(1 <= n <= 5 for n in cfg.model.ngrams) or not 10 <= cfg.model.bits <= 22:
            raise InputError("E604", "model.ngrams must be in 1..5 and model.bits in 10..22", where=where)
        if not 0.0 < cfg.train.prior_scam < 1.0:
            raise InputError("E604", "train.prior_scam must be between 0 and 1", where=where)
        if cfg.model.weighting not in ("uniform", "idf"):
            raise InputError("E604", "model.weighting must be uniform or idf", where=where)
        if cfg.train.folds < 2:
            raise InputError("E604", "train.folds must be at least 2", where=where)
        return cfg


# -- the network ---------------------------------------------------------------------------------------------


def document_frequency_idf(texts: Sequence[str], mc: ModelConfig) -> npt.NDArray[np.float32]:
    """The pooling weight of every bucket: 1 (``uniform``) or ``log((1 + N) / (1 + df))`` (``idf``) for
    buckets the training texts have, 0 for the others (an n-gram never seen adds nothing)."""
    indptr, buckets, _ = hash_ngrams(texts, mc.ngrams, mc.bits)
    docs = np.repeat(np.arange(len(texts)), np.diff(indptr))
    pairs = np.unique(docs.astype(np.int64) << 24 | buckets.astype(np.int64))
    df = np.bincount((pairs & ((1 << 24) - 1)).astype(np.int64), minlength=1 << mc.bits)
    idf = np.log((1.0 + len(texts)) / (1.0 + df))
    if mc.weighting == "uniform":
        idf = np.ones_like(idf)
    idf[df == 0] = 0.0
    out: npt.NDArray[np.float32] = idf.astype(np.float32)
    return out


def _csr(texts: Sequence[str], mc: ModelConfig, idf: npt.NDArray[np.float32]) -> Any:
    """Rows of idf-weighted pooling weights over buckets (scipy CSR, duplicates summed)."""
    from scipy import sparse

    indptr, buckets, _ = hash_ngrams(texts, mc.ngrams, mc.bits)
    weights = idf[buckets].astype(np.float64)
    totals = np.add.reduceat(weights, indptr[:-1]) if len(weights) else np.zeros(len(texts))
    totals[np.diff(indptr) == 0] = 1.0
    data = (weights / np.maximum(np.repeat(totals, np.diff(indptr)), 1e-6)).astype(np.float32)
    x = sparse.csr_matrix((data, buckets, indptr), shape=(len(texts), 1 << mc.bits))
    x.sum_duplicates()
    return x


def _softmax(z: F64) -> F64:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: F64 = e / e.sum(axis=1, keepdims=True)
    return out


def _sigmoid(z: F64) -> F64:
    out: F64 = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


def fit_network(
    items: Sequence[Item],
    categories: Sequence[str],
    mc: ModelConfig,
    tc: TrainConfig,
    seed: int,
    log: Log | None = None,
) -> TextModel:
    """Train the embedding bag + hidden layer with a scam head (weighted logistic loss) and a category head
    (softmax, scam items with a category only). Embeddings: sparse Adagrad on the rows a batch touches;
    dense layers: Adam."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    n = len(items)
    texts = [it.text for it in items]
    idf = document_frequency_idf(texts, mc)
    x = _csr(texts, mc, idf)
    y = np.array([it.label for it in items], dtype=np.float64)
    w = np.array([it.weight for it in items], dtype=np.float64)
    pos = w[y == 1].sum()
    neg = w[y == 0].sum()
    if pos == 0 or neg == 0:
        raise InputError("E605", "training data needs both scam and non-scam texts")
    w = np.where(y == 1, w * (w.sum() / (2 * pos)), w * (w.sum() / (2 * neg)))  # balance the classes
    cat_index = {c: i for i, c in enumerate(categories)}
    cat = np.array([cat_index.get(it.category, -1) if it.category else -1 for it in items], dtype=np.int64)
    k = len(categories)
    present = np.bincount(cat[cat >= 0], minlength=k).astype(np.float64)
    # every category present weighs the same in the category loss, however many texts it has
    cat_w = np.where(
        present > 0, present.sum() / np.maximum(present, 1) / max(1, int((present > 0).sum())), 0.0
    )

    buckets, dim, hid = 1 << mc.bits, mc.dim, mc.hidden
    emb = rng.uniform(-1.0, 1.0, size=(buckets, dim)) * (1.0 / dim)
    emb_acc = np.zeros(buckets, dtype=np.float64)  # Adagrad accumulator per row
    dense = {
        "w1": rng.normal(0.0, math.sqrt(2.0 / dim), size=(dim, hid)),
        "b1": np.zeros(hid),
        "ws": rng.normal(0.0, math.sqrt(1.0 / hid), size=hid),
        "bs": np.zeros(1),
        "wc": rng.normal(0.0, math.sqrt(1.0 / hid), size=(hid, k)),
        "bc": np.zeros(k),
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
            s = h @ dense["ws"] + dense["bs"][0]
            wb = w[idx]
            norm = wb.sum()
            p = _sigmoid(s)
            yb = y[idx]
            total += float(-(wb * (yb * np.log(p + 1e-12) + (1 - yb) * np.log(1 - p + 1e-12))).sum())
            ds = wb * (p - yb) / norm
            grads: dict[str, F64] = {"ws": h.T @ ds, "bs": np.array([ds.sum()])}
            dh = np.outer(ds, dense["ws"])
            cb = cat[idx]
            has = cb >= 0
            if k and has.any():
                c = h[has] @ dense["wc"] + dense["bc"]
                pc = _softmax(c)
                pc[np.arange(has.sum()), cb[has]] -= 1.0
                dc = tc.category_weight * pc * cat_w[cb[has], None] / max(1, has.sum())
                grads["wc"] = h[has].T @ dc
                grads["bc"] = dc.sum(axis=0)
                dh[has] += dc @ dense["wc"].T
            else:
                grads["wc"] = np.zeros_like(dense["wc"])
                grads["bc"] = np.zeros_like(dense["bc"])
            dz1 = dh * (z1 > 0)
            grads["w1"] = pooled.T @ dz1
            grads["b1"] = dz1.sum(axis=0)
            d_pooled = dz1 @ dense["w1"].T
            d_emb = np.asarray(xs.T @ d_pooled) + tc.l2 * e_sub
            step += 1
            for name, g in grads.items():
                if name in ("w1", "ws", "wc"):
                    g = g + tc.l2 * dense[name]
                m1[name] = b1_ * m1[name] + (1 - b1_) * g
                m2[name] = b2_ * m2[name] + (1 - b2_) * g * g
                mh = m1[name] / (1 - b1_**step)
                vh = m2[name] / (1 - b2_**step)
                dense[name] = dense[name] - tc.lr * mh / (np.sqrt(vh) + eps)
            emb_acc[cols] += (d_emb * d_emb).mean(axis=1)
            emb[cols] = e_sub - tc.lr_emb * d_emb / (np.sqrt(emb_acc[cols])[:, None] + 1e-8)
        if log is not None:
            log(f"epoch {epoch + 1}/{tc.epochs}: loss {total / w.sum():.4f}")
    emb[idf == 0] = 0.0
    return TextModel(
        emb=emb.astype(np.float32),
        idf=idf,
        w1=dense["w1"].astype(np.float32),
        b1=dense["b1"].astype(np.float32),
        ws=dense["ws"].astype(np.float32),
        bs=float(dense["bs"][0]),
        wc=dense["wc"].astype(np.float32),
        bc=dense["bc"].astype(np.float32),
        categories=tuple(categories),
        ngrams=tuple(mc.ngrams),
        bits=mc.bits,
    )


def quantised(model: TextModel) -> TextModel:
    """The model as it will be stored (float16 weights), so that calibration sees what ships."""
    return TextModel.from_bytes(model.to_bytes())


def raw_scores(model: TextModel, texts: Sequence[str], batch: int = 512) -> F64:
    out = [model.raw_logits(texts[i : i + batch])[0] for i in range(0, len(texts), batch)]
    return np.concatenate(out).astype(np.float64) if out else np.zeros(0)


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
    """Per item: the rules' scam log-odds (bias + capped evidence + chain bonus) and whether any scam
    evidence fired (1/0)."""
    rows = []
    for it in items:
        trail = detector.analyze(it.data, explain=True, model_logit=None).decision
        rule = float(trail["bias"] + trail["scam_evidence_capped"] + trail["stage_chain_bonus"])
        fired = any(v > 0 for v in trail["scam_evidence"].values())
        rows.append((rule, 1.0 if fired else 0.0))
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


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


# -- the floor: char n-gram TF-IDF-like linear model ---------------------------------------------------------


def fit_floor(items: Sequence[Item], mc: ModelConfig, seed: int) -> Callable[[Sequence[str]], F64]:
    """The floor the model must beat: logistic regression on the same hashed char n-grams (binary,
    L2-normalised rows), via scikit-learn's liblinear when available, else not computed."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    def feats(texts: Sequence[str]) -> Any:
        indptr, buckets, _ = hash_ngrams(texts, mc.ngrams, mc.bits)
        x = sparse.csr_matrix(
            (np.ones(len(buckets), np.float64), buckets, indptr), shape=(len(texts), 1 << mc.bits)
        )
        x.sum_duplicates()
        x.data = np.minimum(x.data, 1.0)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        return sparse.diags(1.0 / np.maximum(norms, 1e-9)) @ x

    y = np.array([it.label for it in items])
    w = np.array([it.weight for it in items])
    clf = LogisticRegression(
        C=4.0, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=seed
    )
    clf.fit(feats([it.text for it in items]), y, sample_weight=w)

    def score(texts: Sequence[str]) -> F64:
        out: F64 = clf.decision_function(feats(texts)).astype(np.float64)
        return out

    return score


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
    *,
    floor: bool = True,
) -> tuple[TextModel, dict[str, Any]]:
    """Out-of-fold scores, calibration, stack, final model; returns the model and the training report."""
    say = log or (lambda _msg: None)
    y = np.array([it.label for it in items], dtype=np.float64)
    w = np.array([it.weight for it in items], dtype=np.float64)
    texts = [it.text for it in items]
    fold = folds_of(items, cfg.train.folds, cfg.seed)
    oof = np.zeros(len(items))
    oof_floor = np.zeros(len(items))
    for k in range(cfg.train.folds):
        test = fold == k
        train_items = [it for it, f in zip(items, fold, strict=True) if f != k]
        if not test.any() or not train_items:
            raise InputError("E605", f"fold {k} is empty: too few groups for {cfg.train.folds} folds")
        say(f"fold {k + 1}/{cfg.train.folds}: {len(train_items):,} training, {int(test.sum()):,} held out")
        m = quantised(fit_network(train_items, categories, cfg.model, cfg.train, cfg.seed + k + 1, say))
        held = [t for t, keep in zip(texts, test, strict=True) if keep]
        oof[test] = raw_scores(m, held)
        if floor:
            oof_floor[test] = fit_floor(train_items, cfg.model, cfg.seed)(held)
    wp = prior_weights(y, w, cfg.train.prior_scam)
    calib = fit_logistic(oof[:, None], y, wp)
    calib_a, calib_c = float(calib[1]), float(calib[0])
    model_logit = calib_a * oof + calib_c
    say("rules on the training items …")
    rules = rule_features(detector, items)
    stack_beta = fit_logistic(stack_features(rules, model_logit), y, wp)
    stack = Stack(
        intercept=float(stack_beta[0]),
        w_rules=float(stack_beta[1]),
        w_model=float(stack_beta[2]),
        w_model_alone=float(stack_beta[3]),
    )
    fused = _sigmoid(stack_features(rules, model_logit) @ stack_beta[1:] + stack_beta[0])
    report: dict[str, Any] = {
        "out_of_fold": {
            "model": binary_metrics(y, _sigmoid(model_logit), weights=wp),
            "rules": binary_metrics(y, _sigmoid(rules[:, 0]), weights=wp),
            "fused": binary_metrics(y, fused, weights=wp),
        }
    }
    if floor:
        fc = fit_logistic(oof_floor[:, None], y, wp)
        report["out_of_fold"]["floor"] = binary_metrics(y, _sigmoid(fc[0] + fc[1] * oof_floor), weights=wp)
    report["out_of_fold_by_group"] = _by_group(items, y, model_logit, oof_floor if floor else None)
    say("final model on everything …")
    final = fit_network(items, categories, cfg.model, cfg.train, cfg.seed, say)
    final = quantised(final)
    final.calib_a, final.calib_c, final.stack = calib_a, calib_c, stack
    report["calibration"] = {"a": calib_a, "c": calib_c}
    report["stack"] = stack.to_dict()
    return final, report


def _by_group(items: Sequence[Item], y: F64, model_logit: F64, floor: F64 | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    groups = sorted({it.group for it in items})
    gs = np.array([it.group for it in items])
    for g in groups:
        sel = gs == g
        row: dict[str, Any] = {"n": int(sel.sum()), "label": int(y[sel][0])}
        row["model_acc"] = round(float(((model_logit[sel] >= 0) == (y[sel] == 1)).mean()), 4)
        if floor is not None:
            row["floor_acc"] = round(float(((floor[sel] >= 0) == (y[sel] == 1)).mean()), 4)
        out[g] = row
    return out


def categories_of(detector: Any) -> list[str]:
    return [c.id for c in detector.kb.categories]


def run(
    cfg: Config, out: Path, *, examples: Path | None, log: Log | None = None, floor: bool = True
) -> dict[str, Any]:
    """Assemble, fit and write ``textmodel.npz`` and ``training.json`` into `out`; returns the report."""
    import json

    from fanzha.classify.data import assemble
    from fanzha.classify.model import ARTIFACT
    from fanzha.detect.engine import Detector
    from fanzha.evaluate.corpora import default_data_dir

    say = log or (lambda _msg: None)
    detector = Detector(model=None)
    data_dir = Path(cfg.data.data_dir) if cfg.data.data_dir else default_data_dir()
    tele = data_dir if cfg.data.teleantifraud else None
    if tele is not None and not (tele / "teleantifraud").is_dir():
        raise InputError(
            "E606",
            "teleantifraud not found in the data folder",
            where=str(tele),
            hint="set data.data_dir (or $FANZHA_DATA), or data.teleantifraud: false",
        )
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
    model, report = fit_all(items, categories_of(detector), cfg, detector, say, floor=floor)
    report = {"data": summary(items), **report}
    model.meta = {"seed": cfg.seed, "data": report["data"]}
    digest = model.save(out / ARTIFACT)
    report["artifact"] = {"file": ARTIFACT, "sha256": digest, "bytes": (out / ARTIFACT).stat().st_size}
    (out / "training.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return report
