"""The detector's answer: `Verdict` and the `Finding`s that explain it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from fanzha.text.entities import Entity

Label = Literal["scam", "suspicious", "safe"]
Kind = Literal["attempt", "narrative", "notice", "other"]

LABELS: tuple[Label, ...] = ("scam", "suspicious", "safe")
KINDS: tuple[Kind, ...] = ("attempt", "narrative", "notice", "other")


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence: an indicator matched at [start, end) of the original text (of `turn`, for a
    conversation given as turns)."""

    indicator: str
    start: int
    end: int
    text: str
    reason: str
    score: float
    weight: float
    role: str
    stage: int | None = None
    category: str | None = None
    variant: str | None = None
    pattern: str = ""
    context: str | None = None
    turn: int | None = None

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "indicator": self.indicator,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
            "stage": self.stage,
        }
        if self.turn is not None:
            out["turn"] = self.turn
        if explain:
            out.update(
                score=self.score,
                weight=self.weight,
                role=self.role,
                category=self.category,
                variant=self.variant,
                pattern=self.pattern,
                context=self.context,
            )
        return out


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity (amount, phone, QQ number, app …) found in the input; offsets as for findings."""

    entity: Entity
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.entity.to_dict()
        if self.turn is not None:
            out["turn"] = self.turn
        return out


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Is it a scam, which kind of text, which category / variant, how far it went, why, and what to do."""

    label: Label
    kind: Kind
    category: str | None
    variant: str | None
    stage: int | None
    score: float
    findings: tuple[Finding, ...]
    advice: tuple[Advice, ...]
    entities: tuple[Mention, ...] = ()
    lang: str = "zh"
    decision: dict[str, Any] = field(default_factory=dict)
    not_listed: int = (
        0  # a long text's findings and mentions beyond the ones listed (fanzha.detect.engine.LISTED)
    )

    @property
    def is_alarm(self) -> bool:
        """True when a person should be warned: a scam or suspicious attempt aimed at the reader."""
        return self.label != "safe" and self.kind == "attempt"

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "kind": self.kind,
            "category": self.category,
            "variant": self.variant,
            "stage": self.stage,
            "score": round(self.score, 4),
            "findings": [f.to_dict(explain=explain) for f in self.findings],
            "advice": [a.text for a in self.advice],
            "advice_ids": [a.id for a in self.advice],
            "entities": [m.to_dict() for m in self.entities],
        }
        if self.not_listed:
            out["not_listed"] = self.not_listed
        if explain:
            out["decision"] = self.decision
        return out

    def summary(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in asdict(self).items()
            if k not in ("findings", "advice", "entities", "decision", "not_listed")
        }
