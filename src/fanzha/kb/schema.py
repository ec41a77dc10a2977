"""The knowledge base schema: categories, variants, indicators, advice and spellings, validated with pydantic."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from fanzha.kb.lexicon import LexiconData

Lang = Literal["zh", "en"]
Role = Literal["scam", "notice", "narrative", "attempt", "benign"]
_SELF_TURN_DEFAULT: dict[Role, float] = {"scam": 0.5}
Status = Literal["stable", "test", "experimental", "deprecated"]
#: What a scam indicator does in the playbook. The seeds put two moves in stage 2 (寻找借口): the pretext and the
#: request to add the "official" customer service on QQ / WeChat (the channel); the stage-chain bonuses and the
#: alone factor of the fusion count moves, the verdict reports stages.
Move = Literal["contact", "pretext", "channel", "execution"]
MOVES: tuple[Move, ...] = ("contact", "pretext", "channel", "execution")
#: The moves of each stage (kb.yaml's `stages` define them in words, with the seeds' quotes; the loader checks the
#: two agree). An indicator that names no move makes the first move of its stage.
STAGE_MOVES: dict[int, tuple[Move, ...]] = {1: ("contact",), 2: ("pretext", "channel"), 3: ("execution",)}
#: Checks a hit of an indicator must pass, implemented in `fanzha.detect.checks` (one per name).
Check = Literal["unofficial_contact"]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Model):
    """A text a person reads, in Simplified Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Category(_Model):
    """A scam category of the Ministry of Public Security list."""

    id: str
    mps_name: str = Field(
        min_length=1, description="the category's name in the MPS list, e.g. 冒充电商物流客服类"
    )
    name: Localized
    description: Localized
    aliases: list[str] = Field(
        default_factory=list, description="names used in corpora and news (冒充客服诈骗 ...)"
    )

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"id {v!r} must be lower_snake_case words joined by dots")
        return v


class Variant(_Model):
    """A variant (pretext) of a category."""

    id: str
    category: str
    name: Localized
    description: Localized


class Advice(_Model):
    """What a person should do now, answering one move of the scam. Lower priority numbers come first."""

    id: str
    priority: int = Field(ge=0, le=100)
    text: Localized


class Examples(_Model):
    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class Indicator(_Model):
    """One move of a scam (or a marker of a genre) that the detector recognises in text.

    `terms` are literal phrases (matched on the normalised text); `regex` are regular expressions over the
    normalised text. `context` words within `window` characters of a hit raise its score to 1.0 (otherwise it
    scores `base`); with `context_required` a hit without context is dropped. `exclude` words within the window
    drop the hit (for example 请勿泄露 next to 验证码).
    """

    id: str
    version: int = Field(default=1, ge=1)
    status: Status = "stable"
    role: Role = "scam"
    stage: Literal[1, 2, 3] | None = None
    move: Move | None = Field(
        default=None,
        description="what the indicator does in the playbook (contact, pretext, channel, execution), one of its "
        "stage's moves; default: the first move of its stage",
    )
    firm: bool = Field(
        default=False,
        description="evidence a genuine message does not give (a forged channel, a pretext only scammers use, an "
        "ask with no innocent reading): with it, a trained model may lower the rules' log-odds by at most "
        "fusion.firm_margin",
    )
    check: Check | None = Field(
        default=None,
        description="a check every hit must pass (fanzha.detect.checks), e.g. unofficial_contact: the number or "
        "link in the hit is not one of the brands' official ones (official.yaml)",
    )
    category: str | None = None
    variant: str | None = None
    meaning: Localized
    weight: float = Field(ge=-10, le=10)
    base: float = Field(default=1.0, ge=0, le=1, description="score of a hit without context")
    terms: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    context_required: bool = False
    exclude: list[str] = Field(default_factory=list)
    window: int = Field(default=16, ge=1, le=200)
    alone_factor: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="multiplies the weight of a channel or execution move when no contact or pretext move was "
        "found: moves such as screen sharing or a meeting app are ordinary life on their own",
    )
    advice: list[str] = Field(default_factory=list)
    examples: Examples
    references: list[str] = Field(default_factory=list)
    false_positives: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"id {v!r} must be lower_snake_case words joined by dots")
        return v

    @field_validator("regex")
    @classmethod
    def _regex(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"regex {pattern!r} does not compile: {exc}") from None
        return v

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if not self.terms and not self.regex:
            raise ValueError("an indicator needs at least one of terms or regex")
        if self.role == "scam" and self.stage is None:
            raise ValueError("a scam indicator needs a stage (1 取得联系, 2 寻找借口, 3 实施诈骗)")
        if self.role != "scam" and self.stage is not None:
            raise ValueError(f"a {self.role} indicator has no stage")
        if self.move is not None and (self.stage is None or self.move not in STAGE_MOVES[self.stage]):
            raise ValueError(
                f"move {self.move!r} is not a move of stage {self.stage} ({STAGE_MOVES.get(self.stage or 0)})"
            )
        if self.firm and self.role != "scam":
            raise ValueError("only scam evidence can be firm")
        if self.context_required and not self.context:
            raise ValueError("context_required needs context words")
        if self.variant is not None and self.category is None:
            raise ValueError("an indicator with a variant needs its category")
        return self

    @property
    def registered_name(self) -> str:
        """Versioned name, e.g. ``fanzha.indicator.ecs.compensation.v1``."""
        return f"fanzha.indicator.{self.id}.v{self.version}"

    @property
    def step(self) -> Move | None:
        """The move this indicator makes (None for genre and benign markers)."""
        if self.stage is None:
            return None
        return self.move or STAGE_MOVES[self.stage][0]


class StageDefinition(_Model):
    """A stage of the playbook as the police descriptions in the seeds define it."""

    id: Literal[1, 2, 3]
    name: Localized
    definition: Localized
    moves: list[Move] = Field(min_length=1, description="the moves of the stage; the first is the default")
    seeds: list[str] = Field(min_length=1, description="the seeds' own words for the stage, with their file")


class Organisation(_Model):
    """A platform, courier, bank or office with its official domains and hotlines (``official.yaml``): a number
    or link in a message that is not among them does not come from it."""

    name: str = Field(min_length=1)
    kind: Literal["platform", "courier", "payment", "bank", "government", "operator", "travel"]
    aliases: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list, description="registrable domains, lower case (jd.com)")
    hotlines: list[str] = Field(default_factory=list, description="digits only (950618, 4006789888)")
    sources: list[str] = Field(min_length=1, description="where the company publishes them")

    @field_validator("domains", "hotlines")
    @classmethod
    def _shape(cls, v: list[str], info: ValidationInfo) -> list[str]:
        pattern, what = _CONTACT_SHAPES[info.field_name or ""]
        for x in v:
            if not re.fullmatch(pattern, x):
                raise ValueError(f"{x!r} must be {what}")
        return v


_CONTACT_SHAPES = {
    "domains": (r"[a-z0-9-]+(\.[a-z0-9-]+)+", "a lower-case host name without scheme or path"),
    "hotlines": (r"\d{5,12}", "5 to 12 digits"),
}


class Spellings(_Model):
    """Evasive spellings: canonical form → variants scammers write (V信 → 微信)."""

    spellings: dict[str, list[str]]


class Thresholds(_Model):
    scam: float = Field(default=0.7, gt=0, lt=1)
    suspicious: float = Field(default=0.4, gt=0, lt=1)


class Fusion(_Model):
    """Constants of the one place where evidence becomes a score (see `fanzha.detect.fusion`)."""

    bias: float = -4.0
    move_chain: dict[str, float] = Field(
        default_factory=dict,
        description="'pretext+channel|execution': bonus when a pretext and a channel or execution move hit",
    )
    max_evidence: float = Field(default=12.0, gt=0, description="cap on the summed scam evidence")
    firm_margin: float = Field(
        default=1.5,
        ge=0,
        description="with firm evidence, the fused log-odds stay at least the rules' log-odds less this margin",
    )
    genre_bias: dict[str, float] = Field(
        default_factory=lambda: {"attempt": 0.0, "narrative": 0.0, "notice": 0.0}
    )
    conversation_attempt_bonus: float = 2.0
    self_turn_factor: dict[Role, float] = Field(
        default_factory=lambda: _SELF_TURN_DEFAULT.copy(),
        description="per role, how much evidence in the protected person's own turns of a conversation counts",
    )
    thresholds: Thresholds = Thresholds()
    advice_by_label: dict[str, list[str]] = Field(default_factory=dict)
    advice_by_kind: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("move_chain")
    @classmethod
    def _chain_keys(cls, v: dict[str, float]) -> dict[str, float]:
        for key in v:
            parts = key.split("+")
            if len(parts) < 2 or any(m not in MOVES for p in parts for m in p.split("|")):
                raise ValueError(
                    f"{key!r}: join two or more of {', '.join(MOVES)} with '+' (alternatives with '|')"
                )
        return v

    @field_validator("self_turn_factor")
    @classmethod
    def _factors_are_shares(cls, v: dict[Role, float]) -> dict[Role, float]:
        bad = {role: f for role, f in v.items() if not 0.0 <= f <= 1.0}
        if bad:
            raise ValueError(f"each factor must be between 0 and 1, not {bad}")
        return v


class Meta(_Model):
    version: str
    fusion: Fusion
    stages: list[StageDefinition] = Field(default_factory=list)


class KnowledgeBase(_Model):
    """The detector's knowledge base, as loaded and cross-checked (the sequence rules and the text templates
    are loaded on demand: `fanzha.kb.loader.LoadedKB`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    version: str
    fusion: Fusion
    categories: list[Category]
    variants: list[Variant]
    advice: list[Advice]
    indicators: list[Indicator]
    spellings: dict[str, list[str]]
    lexicon: LexiconData = Field(default_factory=lambda: LexiconData("entities.yaml"))
    stages: list[StageDefinition] = Field(default_factory=list)
    official: list[Organisation] = Field(default_factory=list)
