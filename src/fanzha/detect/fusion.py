"""The one place where evidence becomes a score, a label and a kind.

Evidence is summed in log-odds: every indicator that fired contributes ``weight × hit score`` once (its best
hit), to the scam logit (role ``scam`` and ``benign``, whose weights are negative) or to the logit of a genre
(``attempt``, ``narrative``, ``notice``). Stages reached together (a pretext and then an execution move) add
the chain bonus. A trained model, when present, adds its own log-odds as one more term (`model_logit`), so the
verdict stays one sum that the decision trail shows term by term. With the model's learned `stack` (weights
fitted by `fanzha train` on held-out training data, see docs/model-card.md) the scam log-odds are instead
``intercept + w_rules · (bias + capped + chain) + w_model · model + w_model_alone · model × [no scam evidence]``,
each term in the trail (``stack``); the genre logic below gates the result the same way.

    p_scam   = σ(bias + min(Σ scam evidence, cap) + chain bonus + model term)
    P(genre) = softmax over attempt / narrative / notice of (genre bias + Σ genre evidence)
    score    = p_scam × (1 − P(notice))

A notice (a warning, a news report) talks about the scam without being one, so its probability discounts the
score; the label follows the thresholds; the kind is the most likely genre, or ``other`` when nothing points
at a scam and nothing marks a genre.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, Protocol

from fanzha.detect.verdict import Kind, Label
from fanzha.kb.schema import Fusion, Thresholds

GENRES: tuple[Kind, ...] = ("attempt", "narrative", "notice")


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The best hit score of each indicator that fired, grouped by what it is evidence of."""

    role: str
    indicator: str
    weight: float
    score: float
    stage: int | None
    alone_factor: float = 1.0

    @property
    def contribution(self) -> float:
        return self.weight * self.score


class StackWeights(Protocol):
    """The learned fusion of a trained model (`fanzha.classify.model.Stack`): with it, the scam log-odds are
    ``intercept + w_rules · (bias + capped evidence + chain) + w_model · model + w_model_alone · model ×
    [no scam evidence]`` instead of the plain sum."""

    @property
    def intercept(self) -> float: ...

    @property
    def w_rules(self) -> float: ...

    @property
    def w_model(self) -> float: ...

    @property
    def w_model_alone(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Decision:
    label: Label
    kind: Kind
    score: float
    p_scam: float
    genre: dict[str, float]
    trail: dict[str, Any] = field(default_factory=dict)


def label_of(score: float, t: Thresholds) -> Label:
    """The label a score earns against the thresholds."""
    return "scam" if score >= t.scam else "suspicious" if score >= t.suspicious else "safe"


def chain_bonus(stage_chain: Mapping[str, float], stages: Set[int]) -> float:
    """The stage-chain bonuses earned by the stages reached (a key "1+3" needs stages 1 and 3)."""
    return sum(bonus for needed, bonus in _chain(tuple(stage_chain.items())) if needed <= stages)


@functools.lru_cache(maxsize=64)
def _chain(items: tuple[tuple[str, float], ...]) -> tuple[tuple[frozenset[int], float], ...]:
    """The stage-chain bonuses with their keys ("1+3") parsed into sets of stages, in the configured order."""
    return tuple((frozenset(int(s) for s in key.split("+")), bonus) for key, bonus in items)


def fuse(
    config: Fusion,
    evidence: Iterable[Evidence],
    *,
    conversation: bool = False,
    model_logit: float | None = None,
    stack: StackWeights | None = None,
) -> Decision:
    """Combine evidence (and optionally a model's log-odds, plainly added or through the learned `stack`)
    into score, label and kind."""
    scam_terms: dict[str, float] = {}
    genre_terms: dict[str, dict[str, float]] = {g: {} for g in GENRES}
    stages: set[int] = set()
    evidence = list(evidence)
    # A stage-3 move with no contact or pretext before it (a work meeting's screen sharing) counts less.
    alone = not any(ev.role == "scam" and ev.stage in (1, 2) and ev.contribution > 0 for ev in evidence)
    for ev in evidence:
        if ev.role in ("scam", "benign"):
            factor = ev.alone_factor if alone and ev.stage == 3 else 1.0
            scam_terms[ev.indicator] = ev.contribution * factor
            if ev.role == "scam" and ev.stage is not None and ev.contribution > 0:
                stages.add(ev.stage)
        elif ev.role in genre_terms:
            genre_terms[ev.role][ev.indicator] = ev.contribution
    raw = sum(scam_terms.values())
    capped = min(raw, config.max_evidence)
    chain = chain_bonus(config.stage_chain, stages)
    rule_logit = config.bias + capped + chain
    stacked: dict[str, float] | None = None
    if stack is not None and model_logit is not None:
        fired = any(v > 0 for v in scam_terms.values())
        stacked = {
            "intercept": stack.intercept,
            "rules": stack.w_rules * rule_logit,
            "model": stack.w_model * model_logit,
            "model_alone": 0.0 if fired else stack.w_model_alone * model_logit,
        }
        logit = sum(stacked.values())
    else:
        logit = rule_logit + (model_logit or 0.0)
    p_scam = sigmoid(logit)

    genre_logits: dict[str, float] = {
        g: config.genre_bias.get(g, 0.0) + sum(genre_terms[g].values()) for g in GENRES
    }
    if conversation:
        genre_logits["attempt"] += config.conversation_attempt_bonus
    top = max(genre_logits.values())
    exp = {g: math.exp(v - top) for g, v in genre_logits.items()}
    total = sum(exp.values())
    genre: dict[str, float] = {g: exp[g] / total for g in GENRES}
    score = p_scam * (1.0 - genre["notice"])

    label = label_of(score, config.thresholds)
    kind: Kind = max(GENRES, key=lambda g: genre[g])
    has_genre_evidence = any(genre_terms[g] for g in GENRES) or conversation
    if kind != "notice" and label == "safe" and not stages and not has_genre_evidence:
        kind = "other"
    if kind == "notice":
        label = "safe"
    elif kind == "attempt" and label == "safe":
        kind = "other"  # a message addressed to the reader that is not a scam is just ordinary text
    trail = {
        "bias": config.bias,
        "scam_evidence": scam_terms,
        "scam_evidence_sum": raw,
        "scam_evidence_capped": capped,
        "stage_chain_bonus": chain,
        "model_logit": model_logit,
        "rule_logit": rule_logit,
        "logit": logit,
        "p_scam": p_scam,
        "genre_evidence": genre_terms,
        "genre_logits": genre_logits,
        "genre": genre,
        "score": score,
    }
    if stacked is not None:
        trail["stack"] = stacked
    return Decision(label, kind, score, p_scam, genre, trail)
