"""The one place where evidence becomes a score, a label and a kind.

Evidence is summed in log-odds: every indicator that fired contributes ``weight × hit score`` once (its best
hit), to the scam logit (role ``scam`` and ``benign``, whose weights are negative) or to the logit of a genre
(``attempt``, ``narrative``, ``notice``). Moves made together (a pretext, then the move to another channel or an
execution move; an indicator's move is `Indicator.step`) add the chain bonus (kb.yaml ``move_chain``). A trained
model, when present, adds its own log-odds as one more term (`model_logit`), so the verdict stays one sum that
the decision trail shows term by term. With the model's learned `stack` (weights
fitted by `fanzha train` on held-out training data, see docs/model-card.md) the scam log-odds are instead
``intercept + w_rules · (bias + capped + chain) + w_model · model + w_model_alone · model × [no scam evidence]``,
each term in the trail (``stack``); the genre logic below gates the result the same way. When the rules found firm
evidence (`Indicator.firm`: a forged channel, a pretext only scammers use, an ask with no innocent reading), the
model may pull the log-odds at most ``fusion.firm_margin`` below the rules' own (``firm_floor`` in the trail): a
model that has not seen the wording must not veto it.

    p_scam   = σ(bias + min(Σ scam evidence, cap) + chain bonus + model term)
    P(genre) = softmax over attempt / narrative / notice of (genre bias + Σ genre evidence)
    score    = p_scam × (1 − P(notice))

A notice (a warning, a news report) talks about the scam without being one, so its probability discounts the
score; the label follows the thresholds; the kind is the most likely genre, or ``other`` when nothing points
at a scam and nothing marks a genre.

Everything that turns evidence into a score is here: `fuse` (the rules, optionally with a model's log-odds),
`fuse_model` (a `TextScorer` fused through its stack, or alone, with what the rules alone would have said and the
model's own findings), and `bound` (the highest score a set of indicators could reach: what the warning engine
may answer instead of a full analysis).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from fanzha.detect.scorer import ModelScore, StackWeights, TextScorer
from fanzha.detect.verdict import Kind, Label
from fanzha.kb.schema import Fusion, Thresholds
from fanzha.messages import t

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
    move: str | None  # contact, pretext, channel, execution (scam indicators); None for the others
    alone_factor: float = 1.0
    firm: bool = False  # Indicator.firm: the model may lower it by at most fusion.firm_margin

    @property
    def contribution(self) -> float:
        return self.weight * self.score


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


def chain_bonus(move_chain: Mapping[str, float], moves: Set[str]) -> float:
    """The chain bonuses earned by the moves made: a key "pretext+channel|execution" needs a pretext and a
    channel or execution move."""
    return sum(
        bonus for parts, bonus in _chain(tuple(move_chain.items())) if all(part & moves for part in parts)
    )


@functools.lru_cache(maxsize=64)
def _chain(items: tuple[tuple[str, float], ...]) -> tuple[tuple[tuple[frozenset[str], ...], float], ...]:
    """The chain bonuses with their keys parsed: each ``+``-part a set of ``|``-alternatives, in order."""
    return tuple((tuple(frozenset(p.split("|")) for p in key.split("+")), bonus) for key, bonus in items)


#: moves that are ordinary life on their own (a work meeting, a QR code): with no contact or pretext found they
#: count `alone_factor` times their weight
_ALONE_MOVES = frozenset({"channel", "execution"})


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
    moves: set[str] = set()
    evidence = list(evidence)
    # A channel or execution move with no contact or pretext before it (a work meeting's screen sharing)
    # counts less.
    alone = not any(
        ev.role == "scam" and ev.move in ("contact", "pretext") and ev.contribution > 0 for ev in evidence
    )
    for ev in evidence:
        if ev.role in ("scam", "benign"):
            factor = ev.alone_factor if alone and ev.move in _ALONE_MOVES else 1.0
            scam_terms[ev.indicator] = ev.contribution * factor
            if ev.role == "scam" and ev.move is not None and ev.contribution > 0:
                moves.add(ev.move)
        elif ev.role in genre_terms:
            genre_terms[ev.role][ev.indicator] = ev.contribution
    raw = sum(scam_terms.values())
    capped = min(raw, config.max_evidence)
    chain = chain_bonus(config.move_chain, moves)
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
    floor: float | None = None
    firm: list[str] = []
    if model_logit is not None and logit < rule_logit - config.firm_margin:
        firm = sorted(
            ev.indicator for ev in evidence if ev.firm and ev.role == "scam" and ev.contribution > 0
        )
    if firm:
        # Firm evidence (a forged channel, a pretext only scammers use): the model, which may never have seen
        # the wording, lowers the rules' verdict by at most the margin.
        floor = rule_logit - config.firm_margin
        logit = floor
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
    if kind != "notice" and label == "safe" and not moves and not has_genre_evidence:
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
        "moves": sorted(moves),
        "chain_bonus": chain,
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
    if floor is not None:
        trail["firm_floor"] = {"logit": floor, "indicators": firm}
    return Decision(label, kind, score, p_scam, genre, trail)


def rules_only(decision: Decision, config: Fusion) -> tuple[float, Label]:
    """What the rules alone would have said of a fused decision: the same sum without the model (the genre
    does not depend on it)."""
    score = sigmoid(decision.trail["rule_logit"]) * (1.0 - decision.genre["notice"])
    label = "safe" if decision.kind == "notice" else label_of(score, config.thresholds)
    return score, label


def bound(config: Fusion, indicators: Iterable[tuple[float, str | None]]) -> tuple[float, Label]:
    """The highest score (and its label) that `fuse` can give a text whose scam indicators are among
    `indicators` (weight, move): every one at full score, no benign or genre evidence, no alone factor —
    the bias, the capped sum and the chain bonuses. The real score is never higher."""
    total = 0.0
    moves: set[str] = set()
    for weight, move in indicators:
        total += max(weight, 0.0)
        if move is not None:
            moves.add(move)
    score = sigmoid(config.bias + min(total, config.max_evidence) + chain_bonus(config.move_chain, moves))
    return score, label_of(score, config.thresholds)


MODEL_FINDING_MIN = 0.5  # a model finding is shown when the model's own probability reaches this
_ORDER = {"safe": 0, "suspicious": 1, "scam": 2}


def model_only(config: Fusion, score: ModelScore) -> Decision:
    """The model alone (the ablation's "model only"): its calibrated probability against the same
    thresholds; a flagged text is an attempt; nothing marks a genre."""
    p = score.p_scam
    label = label_of(p, config.thresholds)
    kind: Kind = "attempt" if label != "safe" else "other"
    trail = {"model_logit": score.logit, "logit": score.logit, "p_scam": p, "score": p}
    return Decision(label, kind, p, p, {"attempt": 1.0, "narrative": 0.0, "notice": 0.0}, trail)


def fuse_model(
    config: Fusion,
    evidence: list[Evidence],
    conversation: bool,
    scorer: TextScorer,
    score: ModelScore,
    text: str,
    lang: str,
    explain: bool = False,
) -> tuple[Decision, list[tuple[int, int, dict[str, Any]]]]:
    """The decision with the model (fused through its stack, or alone), with ``trail["model"]`` saying what
    the model did, and the model's findings as (start, end, fields) on the normalised `text`: always when the
    model changed the label upwards (or decided alone), and with `explain` also when it only agreed with the
    rules."""
    fused = fuse(config, evidence, conversation=conversation, model_logit=score.logit, stack=scorer.stack())
    rules_score, rules_label = rules_only(fused, config)
    decision = model_only(config, score) if scorer.mode == "only" else fused
    effect = (
        "raised"
        if _ORDER[decision.label] > _ORDER[rules_label]
        else "lowered"
        if _ORDER[decision.label] < _ORDER[rules_label]
        else "none"
    )
    alone = decision.label != "safe" and rules_label == "safe"
    decision.trail["model"] = {
        "mode": scorer.mode,
        "logit": round(score.logit, 4),
        "p_scam": round(score.p_scam, 4),
        "category": score.category,
        "category_p": round(score.category_p, 4),
        "rules_label": rules_label,
        "rules_score": round(rules_score, 4),
        "effect": effect,
        "alone": alone,
    }
    extra: list[tuple[int, int, dict[str, Any]]] = []
    # A verdict the model raised always says so; one it merely agrees with does with `explain`.
    raised = effect == "raised" or (scorer.mode == "only" and decision.label != "safe")
    wanted = raised or (explain and decision.label != "safe" and score.p_scam >= MODEL_FINDING_MIN)
    if wanted:
        reason = t("model.alone" if alone or scorer.mode == "only" else "model.support", lang)
        found = scorer.spans(text) or [(0, len(text), score.logit)]  # nothing stands out: the whole text
        for a, b, contribution in found:
            extra.append(
                (
                    a,
                    b,
                    {
                        "indicator": "model.text",
                        "reason": reason,
                        "score": round(score.p_scam, 4),
                        "weight": round(contribution, 4),
                        "role": "model",
                        "pattern": "model",
                    },
                )
            )
    return decision, extra
