"""Scoring the detector against gold labels: the definitions every figure of ``fanzha eval`` uses.

- **Scam vs not.** A gold positive is a line labelled ``scam``. Predicted positive is *lenient* — the verdict's
  label is not ``safe`` (scam or suspicious) — or *strict* — the verdict's label is ``scam``. Precision,
  recall and F1 are given for both, with the four counts.
- **Category accuracy** is measured on gold-scam lines that carry a category (alternatives ``a|b``: any is
  correct), twice: over the lines that were *predicted positive* (is the category right when the detector
  fires?) and over *all* of them (is the category the verdict names right, whether or not it fired — the
  detector names a category for a safe verdict when the evidence for one is strong). The JSON also gives
  the end-to-end share *fired with the right category* over all of them.
- **Variant, stage and kind accuracy** are measured over the lines that carry them, whatever their label.
- **Alarms on safe lines:** of the gold-``safe`` lines, the share *flagged at all* (label not safe) and the
  share *flagged as an attempt* (label not safe and kind ``attempt``: what would warn a person,
  `Verdict.is_alarm`). Rates come with a 95 % Wilson interval.
- **Confusion matrices:** gold label × predicted label over every line; gold category × predicted category
  over gold-scam lines with a category (``-`` = no category predicted).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fanzha.detect.verdict import KINDS, LABELS, Verdict
from fanzha.errors import InputError
from fanzha.kb.schema import KnowledgeBase
from fanzha.records.turns import parse_turns

NONE = "-"  # no category predicted, in the category confusion matrix


# -- gold lines --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gold:
    """What a labelled line says is true. Category and variant hold the accepted alternatives."""

    label: str
    category: tuple[str, ...] | None = None
    variant: tuple[str, ...] | None = None
    stage: int | None = None
    kind: str | None = None

    @property
    def positive(self) -> bool:
        return self.label == "scam"


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled line ready to analyse: its id, what to analyse (a text or turns), and the gold answer."""

    id: str
    data: str | Any
    gold: Gold
    source: str = ""
    where: str = ""
    topic: str | None = None
    split: str | None = None

    @property
    def chars(self) -> int:
        if isinstance(self.data, str):
            return len(self.data)
        if isinstance(self.data, list) and all(isinstance(t, Mapping) for t in self.data):
            return sum(len(str(t.get("text", ""))) for t in self.data)
        return sum(len(t.text) for t in parse_turns(self.data))  # turns in any other shape people give


_LABEL_VALUES: dict[Any, str] = {
    "scam": "scam",
    "suspicious": "suspicious",
    "safe": "safe",
    "1": "scam",
    "0": "safe",
    "true": "scam",
    "false": "safe",
}


def parse_label(value: Any) -> str:
    """``scam`` / ``suspicious`` / ``safe``; also 1 / 0 and true / false (as JSON values or strings)."""
    if isinstance(value, bool):
        return "scam" if value else "safe"
    if isinstance(value, int) and value in (0, 1):
        return "scam" if value else "safe"
    if isinstance(value, str) and value.strip().lower() in _LABEL_VALUES:
        return _LABEL_VALUES[value.strip().lower()]
    raise InputError("E311", value=value)


class CategoryNames:
    """Maps a gold category (an id, an alias from categories.yaml, or the MPS / Chinese name) to its id."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.ids = [c.id for c in kb.categories]
        self.names: dict[str, str] = {}
        for c in kb.categories:
            for name in (c.id, c.mps_name, c.name.zh, c.name.en, *c.aliases):
                self.names.setdefault(name.strip().lower(), c.id)

    def resolve(self, value: str) -> str:
        key = value.strip().lower()
        if key in self.names:
            return self.names[key]
        import difflib

        close = difflib.get_close_matches(key, list(self.names), n=3, cutoff=0.5)
        raise InputError("E314", value=value, valid=self.ids, close=close)


def _alternatives(value: Any, field_name: str) -> tuple[str, ...]:
    """The alternatives of a gold field (``a|b``); E318 when there is none."""
    parts = tuple(p.strip() for p in value.split("|") if p.strip()) if isinstance(value, str) else ()
    if not parts:
        raise InputError("E318", field=field_name)
    return parts


def parse_example(obj: Mapping[str, Any], categories: CategoryNames, *, default_id: str = "") -> Example:
    """An `Example` from a labelled JSONL object or a corpus record; bad fields raise `InputError`
    (E310–E318) without a location, which the caller adds."""
    rid = obj.get("id", default_id)
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    if not isinstance(rid, str) or not rid:
        raise InputError("E315")
    if "label" not in obj or obj["label"] is None:
        raise InputError("E310")
    label = parse_label(obj["label"])
    data: str | Any
    if obj.get("turns") is not None:
        turns = obj["turns"]
        parse_turns(turns)  # the detector's own reading of them: E010 / E011 naming the turn, E000 when empty
        data = turns
    elif isinstance(obj.get("text"), str) and obj["text"].strip():
        data = obj["text"]
    else:
        raise InputError("E312")
    category = variant = None
    if obj.get("category") is not None:
        category = tuple(
            dict.fromkeys(categories.resolve(c) for c in _alternatives(obj["category"], "category"))
        )
    if obj.get("variant") is not None:
        variant = _alternatives(obj["variant"], "variant")
    stage = obj.get("stage")
    if stage is not None and (isinstance(stage, bool) or stage not in (1, 2, 3)):
        raise InputError("E313", stage=stage)
    kind = obj.get("kind")
    if kind is not None and kind not in KINDS:
        raise InputError("E316", kind=kind, valid=KINDS)
    topic = obj.get("topic")
    return Example(
        id=rid,
        data=data,
        gold=Gold(label=label, category=category, variant=variant, stage=stage, kind=kind),
        source=str(obj.get("source", "")),
        where=str(obj.get("where", "")),
        topic=topic if isinstance(topic, str) else None,
    )


# -- predictions -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """One example with the detector's verdict and the seconds the verdict took."""

    example: Example
    verdict: Verdict
    seconds: float

    @property
    def gold(self) -> Gold:
        return self.example.gold

    @property
    def flagged(self) -> bool:
        return self.verdict.label != "safe"

    @property
    def flagged_attempt(self) -> bool:
        return self.verdict.label != "safe" and self.verdict.kind == "attempt"

    def errors(self) -> list[str]:
        """What is wrong with the verdict: missed, false_alarm, label, category, variant, stage, kind."""
        g, v = self.gold, self.verdict
        out: list[str] = []
        if g.positive and not self.flagged:
            out.append("missed")
        elif g.label == "safe" and self.flagged:
            out.append("false_alarm")
        elif g.label != v.label:
            out.append("label")
        if g.positive and g.category is not None and v.category not in g.category:
            out.append("category")
        if g.variant is not None and v.variant not in g.variant:
            out.append("variant")
        if g.stage is not None and v.stage != g.stage:
            out.append("stage")
        if g.kind is not None and v.kind != g.kind:
            out.append("kind")
        return out


def predict(
    analyze: Callable[[str | list[dict[str, Any]]], Verdict],
    examples: Iterable[Example],
    *,
    on_error: Callable[[Example, InputError], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Run `analyze` (e.g. ``Detector().analyze``) on every example, timing each verdict. An example the
    detector refuses goes to `on_error` (or raises); `progress` is called with 1 after each example."""
    out: list[Outcome] = []
    clock = time.perf_counter
    for ex in examples:
        t0 = clock()
        try:
            verdict = analyze(ex.data)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(ex, exc)
            continue
        finally:
            if progress is not None:
                progress(1)
        out.append(Outcome(ex, verdict, clock() - t0))
    return out


# -- figures -----------------------------------------------------------------------------------------------


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of the proportion k / n (None when n is 0)."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Ratio:
    """k of n; `rate` is None when n is 0."""

    k: int
    n: int

    @property
    def rate(self) -> float | None:
        return self.k / self.n if self.n else None

    def to_dict(self) -> dict[str, Any]:
        ci = wilson(self.k, self.n)
        return {"k": self.k, "n": self.n, "rate": self.rate, "ci95": list(ci) if ci else None}


@dataclass(frozen=True, slots=True)
class Binary:
    """Counts of a binary decision and what follows from them; undefined figures are None."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every figure of one evaluation (see the module docstring for the definitions)."""

    n: int
    gold_labels: dict[str, int]
    lenient: Binary
    strict: Binary
    category_of_predicted: Ratio
    category_of_all: Ratio
    category_fired_and_right: Ratio
    variant: Ratio
    stage: Ratio
    kind: Ratio
    safe_flagged: Ratio
    safe_flagged_attempt: Ratio
    label_confusion: dict[str, dict[str, int]]
    category_confusion: dict[str, dict[str, int]]
    chars: int = 0
    seconds: float = 0.0
    by_category: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def texts_per_second(self) -> float | None:
        return self.n / self.seconds if self.seconds > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "gold_labels": self.gold_labels,
            "scam_vs_not": {
                "lenient": {"definition": "predicted label != safe", **self.lenient.to_dict()},
                "strict": {"definition": "predicted label == scam", **self.strict.to_dict()},
            },
            "category_accuracy": {
                "over_gold_scam_predicted_positive": self.category_of_predicted.to_dict(),
                "over_all_gold_scam": self.category_of_all.to_dict(),
                "fired_and_right_over_all_gold_scam": self.category_fired_and_right.to_dict(),
            },
            "variant_accuracy": self.variant.to_dict(),
            "stage_accuracy": self.stage.to_dict(),
            "kind_accuracy": self.kind.to_dict(),
            "alarms_on_safe": {
                "flagged": self.safe_flagged.to_dict(),
                "flagged_as_attempt": self.safe_flagged_attempt.to_dict(),
            },
            "by_category": self.by_category,
            "confusion": {"label": self.label_confusion, "category": self.category_confusion},
            "throughput": {
                "texts": self.n,
                "chars": self.chars,
                "seconds": round(self.seconds, 4),
                "texts_per_second": None
                if self.texts_per_second is None
                else round(self.texts_per_second, 1),
                "chars_per_second": round(self.chars / self.seconds, 1) if self.seconds > 0 else None,
            },
        }


def _binary(pairs: Iterable[tuple[bool, bool]]) -> Binary:
    c: Counter[tuple[bool, bool]] = Counter(pairs)
    return Binary(tp=c[True, True], fp=c[False, True], fn=c[True, False], tn=c[False, False])


def _ratio(hits: Iterable[bool]) -> Ratio:
    hits = list(hits)
    return Ratio(sum(hits), len(hits))


def score(outcomes: Sequence[Outcome]) -> Metrics:
    """The `Metrics` of a set of outcomes."""
    lenient = _binary((o.gold.positive, o.flagged) for o in outcomes)
    strict = _binary((o.gold.positive, o.verdict.label == "scam") for o in outcomes)
    with_category = [o for o in outcomes if o.gold.positive and o.gold.category is not None]

    def category_ok(o: Outcome) -> bool:
        return o.gold.category is not None and o.verdict.category in o.gold.category

    label_confusion: dict[str, dict[str, int]] = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for o in outcomes:
        label_confusion[o.gold.label][o.verdict.label] += 1
    category_confusion: dict[str, dict[str, int]] = {}
    by_category: dict[str, dict[str, Any]] = {}
    for o in with_category:
        gold = "|".join(o.gold.category or ())
        pred = o.verdict.category or NONE
        row = category_confusion.setdefault(gold, {})
        row[pred] = row.get(pred, 0) + 1
    for gold in sorted(category_confusion):
        group = [o for o in with_category if "|".join(o.gold.category or ()) == gold]
        fired = [o for o in group if o.flagged]
        by_category[gold] = {
            "n": len(group),
            "recall": Ratio(len(fired), len(group)).to_dict(),
            "category_of_predicted": _ratio(category_ok(o) for o in fired).to_dict(),
            "category_of_all": _ratio(category_ok(o) for o in group).to_dict(),
        }
    safe = [o for o in outcomes if o.gold.label == "safe"]
    return Metrics(
        n=len(outcomes),
        gold_labels={label: sum(1 for o in outcomes if o.gold.label == label) for label in LABELS},
        lenient=lenient,
        strict=strict,
        category_of_predicted=_ratio(category_ok(o) for o in with_category if o.flagged),
        category_of_all=_ratio(category_ok(o) for o in with_category),
        category_fired_and_right=_ratio(o.flagged and category_ok(o) for o in with_category),
        variant=_ratio(o.verdict.variant in o.gold.variant for o in outcomes if o.gold.variant is not None),
        stage=_ratio(o.verdict.stage == o.gold.stage for o in outcomes if o.gold.stage is not None),
        kind=_ratio(o.verdict.kind == o.gold.kind for o in outcomes if o.gold.kind is not None),
        safe_flagged=_ratio(o.flagged for o in safe),
        safe_flagged_attempt=_ratio(o.flagged_attempt for o in safe),
        label_confusion=label_confusion,
        category_confusion={k: category_confusion[k] for k in sorted(category_confusion)},
        chars=sum(o.example.chars for o in outcomes),
        seconds=sum(o.seconds for o in outcomes),
        by_category=by_category,
    )


def error_record(o: Outcome, *, include_data: bool = True) -> dict[str, Any]:
    """A line of ``errors.jsonl``: the example's id, where it came from, what it was, what went wrong, and
    the verdict."""
    ex, g = o.example, o.gold
    out: dict[str, Any] = {"id": ex.id}
    if ex.where:
        out["where"] = ex.where
    if include_data:
        out["turns" if isinstance(ex.data, list) else "text"] = ex.data
    out["errors"] = o.errors()
    out["gold"] = {
        "label": g.label,
        "category": "|".join(g.category) if g.category else None,
        "variant": "|".join(g.variant) if g.variant else None,
        "stage": g.stage,
        "kind": g.kind,
    }
    if ex.topic is not None:
        out["topic"] = ex.topic
    out["verdict"] = o.verdict.to_dict()
    return out
