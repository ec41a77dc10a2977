"""Probes of other text models against the shipped one (the character n-gram linear model, "the floor").

Development measurements for docs/model-card.md ("Why this model"): each candidate is trained on the same
training items as `fanzha train --config configs/model.yaml` (TeleAntiFraud's dev half and the project's own
texts) and scored, alone, on the **dev** half of the evaluation corpora. The figure is recall on TF5's and
TF8's scams at the threshold that flags a fixed share (0.1 %, 0.3 %, 0.5 %) of TF5's real normal SMS, with the
share of fintech questions and news reports flagged at that threshold.

    pip install -e '.[train]' torch          # torch only for the neural probes; never a runtime dependency
    python bench/model_probes.py linear cnn bag ensemble

Candidates: ``linear`` (the floor: liblinear logistic regression on the hashed binary bag of 1–3-grams),
``linear4`` (1–4-grams, 2¹⁹ buckets), ``cnn`` (hashed characters → 48-d embeddings → convolutions of widths
2, 3, 4 × 64 filters → max-pooling → logistic output; 3 epochs, Adam), ``bag`` (a fastText-style mean-pooled
n-gram embedding bag with n-gram dropout 0.3), and ``ensemble`` (the linear model's log-odds plus c × the
CNN's, both standardised, for several c).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from fanzha.classify.data import assemble, model_text
from fanzha.classify.features import unique_ngrams
from fanzha.detect.engine import Detector
from fanzha.records import corpora

REPO = Path(__file__).resolve().parents[1]
CORPORA = ("telecom_fraud_texts_5", "telecom_fraud_texts_8", "fraud_news_reports", "fintech_cs_queries")
Score = Callable[[Sequence[str]], np.ndarray]


def load(data: Path) -> tuple[list[Any], dict[str, tuple[list[str], np.ndarray]]]:
    det = Detector(model=None)
    items = assemble(
        det,
        seed=20261122,
        tele_root=data,
        tele_split="dev",
        windows=True,
        per_genre=400,
        use_kb=True,
        examples=REPO / "src" / "fanzha" / "examples" / "examples.jsonl",
    )
    dev: dict[str, tuple[list[str], np.ndarray]] = {}
    for name in CORPORA:
        recs = corpora.load(name, "dev", root=data, limit=20000 if name == "fintech_cs_queries" else None)
        texts = [model_text(det, r.get("turns") or r["text"]) for r in recs]
        dev[name] = (texts, np.array([r["label"] == "scam" for r in recs]))
    return items, dev


def report(name: str, scores: dict[str, np.ndarray], dev: dict[str, tuple[list[str], np.ndarray]]) -> None:
    s5, y5 = scores["telecom_fraud_texts_5"], dev["telecom_fraud_texts_5"][1]
    cells = []
    for fa in (0.001, 0.003, 0.005):
        th = np.quantile(s5[~y5], 1 - fa)
        cells.append(
            f"FA {fa:.1%}: TF5 R {(s5[y5] > th).mean():.3f}, TF8 R {(scores['telecom_fraud_texts_8'] > th).mean():.3f},"
            f" fintech {(scores['fintech_cs_queries'] > th).mean():.2%}, news {(scores['fraud_news_reports'] > th).mean():.1%}"
        )
    print(f"{name}: " + " | ".join(cells), flush=True)


def linear(
    texts: list[str], y: np.ndarray, w: np.ndarray, ngrams: tuple[int, ...] = (1, 2, 3), bits: int = 18
) -> Score:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    def feats(ts: Sequence[str]) -> Any:
        indptr, buckets = unique_ngrams(ts, ngrams, bits)
        counts = np.diff(indptr)
        data = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts)
        return sparse.csr_matrix((data, buckets, indptr), shape=(len(ts), 1 << bits))

    clf = LogisticRegression(
        C=4.0, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=0
    )
    clf.fit(feats(texts), y, sample_weight=w)
    return lambda ts: clf.decision_function(feats(ts))


def _torch_fit(
    model: Any,
    batches: Callable[[np.ndarray], tuple[Any, ...]],
    y: np.ndarray,
    w: np.ndarray,
    order: np.ndarray,
    epochs: int,
    bs: int,
) -> None:
    import torch

    yy = torch.tensor(y, dtype=torch.float32)
    ww = torch.tensor(w, dtype=torch.float32)
    ww = torch.where(yy == 1, ww * (ww[yy == 0].sum() / ww[yy == 1].sum()), ww)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    chunks = [order[i : i + bs] for i in range(0, len(order), bs)]
    for _ in range(epochs):
        model.train()
        for ci in rng.permutation(len(chunks)):
            idx = chunks[ci]
            out = model(*batches(idx))
            t = torch.from_numpy(idx)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out, yy[t], reduction="none")
            loss = (loss * ww[t]).sum() / ww[t].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()


def cnn(texts: list[str], y: np.ndarray, w: np.ndarray, epochs: int = 3) -> Score:
    import torch
    from torch import nn

    torch.manual_seed(0)
    max_len, vocab = 400, 1 << 13

    def encode(ts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((len(ts), max_len), dtype=np.int64)
        lens = np.ones(len(ts), dtype=np.int64)
        for i, t in enumerate(ts):
            c = np.frombuffer(t[:max_len].encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            out[i, : len(c)] = (c * 2654435761 % (1 << 32)) % (vocab - 1) + 1
            lens[i] = max(len(c), 1)
        return out, lens

    class CNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(vocab, 48, padding_idx=0)
            self.convs = nn.ModuleList([nn.Conv1d(48, 64, k, padding=k - 1) for k in (2, 3, 4)])
            self.drop = nn.Dropout(0.3)
            self.out = nn.Linear(64 * 3, 1)

        def forward(self, x: Any) -> Any:
            e = self.emb(x).transpose(1, 2)
            mask = (x != 0)[:, None, :]
            pooled = [
                torch.relu(c(e))[:, :, : x.shape[1]].masked_fill(~mask, 0.0).max(dim=2).values
                for c in self.convs
            ]
            return self.out(self.drop(torch.cat(pooled, 1))).squeeze(-1)

    x, lens = encode(texts)
    model = CNN()
    _torch_fit(
        model,
        lambda idx: (torch.from_numpy(x[idx, : int(lens[idx].max())]),),
        y,
        w,
        np.argsort(lens, kind="stable"),
        epochs,
        64,
    )

    def score(ts: Sequence[str]) -> np.ndarray:
        xe, le = encode(ts)
        res = np.zeros(len(ts))
        order = np.argsort(le)
        with torch.no_grad():
            for i in range(0, len(ts), 256):
                idx = order[i : i + 256]
                res[idx] = model(torch.from_numpy(xe[idx, : int(le[idx].max())])).numpy()
        return res

    return score


def bag(texts: list[str], y: np.ndarray, w: np.ndarray, epochs: int = 3, drop: float = 0.3) -> Score:
    import torch
    from torch import nn

    torch.manual_seed(0)
    bits = 18
    indptr, buckets = unique_ngrams(texts, (1, 2, 3), bits)
    gen = torch.Generator().manual_seed(0)

    class Bag(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.EmbeddingBag(1 << bits, 64, mode="mean")
            nn.init.normal_(self.emb.weight, 0, 0.05)
            self.out = nn.Linear(64, 1)

        def forward(self, ids: Any, offsets: Any) -> Any:
            return self.out(self.emb(ids, offsets)).squeeze(-1)

    def batch(
        idx: np.ndarray, ip: np.ndarray = indptr, bk: np.ndarray = buckets, p: float = drop
    ) -> tuple[Any, Any]:
        starts, lens = ip[idx], ip[idx + 1] - ip[idx]
        pos = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(lens.sum())
        owner = np.repeat(np.arange(len(idx)), lens)
        keep = (torch.rand(len(pos), generator=gen).numpy() > p) | np.repeat(lens <= 4, lens)
        counts = np.bincount(owner[keep], minlength=len(idx))
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return torch.from_numpy(bk[pos[keep]].astype(np.int64)), torch.from_numpy(offsets)

    model = Bag()
    _torch_fit(model, batch, y, w, np.arange(len(texts)), epochs, 64)

    def score(ts: Sequence[str]) -> np.ndarray:
        ip, bk = unique_ngrams(ts, (1, 2, 3), bits)
        with torch.no_grad():
            return model(
                torch.from_numpy(bk.astype(np.int64)), torch.from_numpy(ip[:-1].astype(np.int64))
            ).numpy()

    return score


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("probes", nargs="+", choices=["linear", "linear4", "cnn", "bag", "ensemble"])
    ap.add_argument("--data", type=Path, default=corpora.default_data_dir())
    args = ap.parse_args(argv)
    items, dev = load(args.data)
    texts = [it.text for it in items]
    y = np.array([it.label for it in items])
    w = np.array([it.weight for it in items], dtype=np.float64)
    print(f"{len(items):,} training items", file=sys.stderr)
    fitted: dict[str, dict[str, np.ndarray]] = {}
    makers: dict[str, Callable[[], Score]] = {
        "linear": lambda: linear(texts, y, w),
        "linear4": lambda: linear(texts, y, w, (1, 2, 3, 4), 19),
        "cnn": lambda: cnn(texts, y, w),
        "bag": lambda: bag(texts, y, w),
    }
    for name in args.probes:
        if name == "ensemble":
            for part in ("linear", "cnn"):
                if part not in fitted:
                    fn = makers[part]()
                    fitted[part] = {k: fn(v[0]) for k, v in dev.items()}
            a, b = fitted["linear"], fitted["cnn"]
            sa, sb = a["telecom_fraud_texts_5"].std(), b["telecom_fraud_texts_5"].std()
            for c in (0.1, 0.2, 0.35, 0.5, 1.0):
                report(f"linear + {c} × cnn", {k: a[k] / sa + c * b[k] / sb for k in a}, dev)
            continue
        t0 = time.perf_counter()
        fn = makers[name]()
        fitted[name] = {k: fn(v[0]) for k, v in dev.items()}
        report(f"{name} ({time.perf_counter() - t0:.0f} s)", fitted[name], dev)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
