"""The training data of the shipped model, assembled from what may train it.

- teleantifraud (the one corpus marked ``train: yes`` in ``../shared/data``): whole calls, and windows of two or
  three consecutive turns (for scam calls only from the second half, where the scam has shown itself);
- the project's own texts: the knowledge base's indicator examples, ``src/fanzha/examples/examples.jsonl``, and
  the synthetic genres of `fanzha.classify.synth` (which include the sim's phrasings);
- optionally, labelled JSONL files that a user has the rights to (``{text | turns, label, category?}``).

Every text is reduced to what the detector gives the model: the turns joined by blank lines, normalised
(`Detector.normalize`). Each `Item` has a group (the genre, the call type) used to hold out whole groups when
the fusion is fitted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fanzha.classify import synth
from fanzha.detect.document import Document
from fanzha.detect.engine import MAX_CHARS, Detector, join_turns
from fanzha.errors import InputError
from fanzha.records.corpora import Split
from fanzha.records.files import iter_jsonl


@dataclass(frozen=True, slots=True)
class Item:
    """One training example as the model sees it."""

    text: str  # normalised
    label: int  # 1 scam, 0 not
    category: str | None
    group: str
    weight: float
    data: Any  # what the detector analyses (a text or a list of turns), for the rules' evidence


def model_text(detector: Detector, data: Any) -> str:
    """The normalised text the detector hands the model for `data` (a text or a list of turns)."""
    doc = Document.from_text(data) if isinstance(data, str) else Document.from_turns(data)
    joined, _ = join_turns(doc)
    return detector.normalize(joined[:MAX_CHARS]).text


def teleantifraud(
    data_dir: Path, split: Split, windows: bool
) -> Iterator[tuple[Any, int, str | None, str, float]]:
    """(data, label, category, group, weight) of the teleantifraud calls of `split` (dev / test / all) in
    the data folder `data_dir`."""
    from fanzha.records.corpora import load

    for rec in load("teleantifraud", split, root=data_dir):
        turns = rec.get("turns") or []
        label = 1 if rec["label"] == "scam" else 0
        topic = rec.get("topic") or "?"
        # Calls do not train the category head: their fraud types do not map onto the Ministry's categories
        # (客服诈骗 is mostly bank "account anomaly" calls), and their long conversational style would make
        # the head learn the corpus instead of the category (measured: see docs/model-card.md).
        category: str | None = None
        group = f"tele.{topic}"
        yield [dict(t) for t in turns], label, category, group, 1.0
        if not windows or len(turns) < 4:
            continue
        first = len(turns) // 2 if label else 0
        for i in range(first, len(turns) - 1, 2):
            window = [dict(t) for t in turns[i : i + 3]]
            yield window, label, category, group, 0.5


def kb_examples(detector: Detector) -> Iterator[tuple[Any, int, str | None, str, float]]:
    """Indicator examples: positives of scam indicators are scams (with the indicator's category); the
    near-miss negatives, and notices and benign uses, are not. Narratives (a victim's account) are left out:
    they are neither an attempt nor safe text."""
    for ind in detector.kb.indicators:
        if ind.role == "scam":
            for text in ind.examples.positive:
                yield text, 1, ind.category, "kb.scam", 1.0
            for text in ind.examples.negative:
                yield text, 0, None, "kb.negative", 1.0
        elif ind.role in ("benign", "notice"):
            for text in ind.examples.positive:
                yield text, 0, None, f"kb.{ind.role}", 1.0


def project_examples(path: Path) -> Iterator[tuple[Any, int, str | None, str, float]]:
    """``examples.jsonl``: scam attempts and safe texts (narratives left out, as above)."""
    yield from labelled_jsonl(path, group="examples", skip_narratives=True)


def labelled_jsonl(
    path: Path, *, group: str, skip_narratives: bool = False
) -> Iterator[tuple[Any, int, str | None, str, float]]:
    """A labelled JSONL file (``{text | turns, label, category?, kind?}``); E603 for a line without a usable
    text or label."""
    for rec in iter_jsonl(path):
        where = f"{path}:{rec.line}"
        if rec.error is not None:
            raise rec.error
        assert rec.data is not None  # iter_jsonl gives each line its data or an error
        obj = rec.data
        label = obj.get("label")
        if label in ("scam", 1, True, "1"):
            y = 1
        elif label in ("safe", 0, False, "0"):
            y = 0
        else:
            raise InputError("E603", where=where, label=label)
        if skip_narratives and obj.get("kind") == "narrative":
            continue
        data = obj.get("turns") if obj.get("turns") is not None else obj.get("text")
        if not isinstance(data, str | list) or not data:
            raise InputError("E609", where=where)
        category = obj.get("category") if y else None
        yield data, y, str(category).split("|")[0] if category else None, group, 1.0


def stable_fold(group: str, folds: int, seed: int) -> int:
    """The fold a group is held out in (stable: SHA-256 of seed and group)."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


def assemble(
    detector: Detector,
    *,
    seed: int,
    tele_root: Path | None,
    tele_split: Split,
    windows: bool,
    per_genre: int,
    use_kb: bool,
    examples: Path | None,
    extra: Sequence[Path] = (),
    limit: int | None = None,
) -> list[Item]:
    """Every training item, in a fixed order. `limit` keeps a fixed sample of each source (for tests)."""
    sources: list[list[tuple[Any, int, str | None, str, float]]] = []
    if tele_root is not None:
        sources.append(list(teleantifraud(tele_root, tele_split, windows)))
    rng = np.random.default_rng(seed)
    sources.append([(s.text, s.label, s.category, s.group, s.weight) for s in synth.generate(rng, per_genre)])
    if use_kb:
        sources.append(list(kb_examples(detector)))
    if examples is not None:
        sources.append(list(project_examples(examples)))
    for path in extra:
        sources.append(list(labelled_jsonl(path, group=f"extra.{path.stem}")))
    items: list[Item] = []
    for src in sources:
        if limit is not None and len(src) > limit:
            pick = np.random.default_rng(seed).choice(len(src), size=limit, replace=False)
            src = [src[int(i)] for i in sorted(pick)]
        for data, label, category, group, weight in src:
            text = model_text(detector, data)
            if text.strip():
                items.append(Item(text, label, category, group, weight, data))
    return items
