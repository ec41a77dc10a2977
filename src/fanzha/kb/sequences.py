"""Sequence rules as data: signals (what one event says) and sequences (ordered signals per person within a
time span), loaded from ``kb/data/sequences/*.yaml`` with every problem as ``file:line: CODE message``.

A **signal** is a predicate over one event (its kind, direction, channel, app, amount, attributes and, for a
message, the detector's verdict on its text): ``contact.cs_pretext`` is an incoming call, SMS or chat from
outside the platforms' own apps whose text poses as customer service with a refund or compensation pretext.

A **sequence** is SigmaHQ's ``temporal_ordered`` correlation: steps of signals that must occur in this order for
one person within ``within``; a step may need a ``count`` of occurrences and a ``min_amount`` in total, and
``absent`` signals between the first and the last step break the chain (money moved *during* a screen share:
no ``screen_share_stop`` in between). Each sequence has a risk, the stage it shows, and example timelines for
and against that `fanzha kb lint` and the tests replay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fanzha.errors import KnowledgeBaseError
from fanzha.kb.loader import default_root  # sequences/ and playbooks.yaml live in the shipped KB folder
from fanzha.kb.schema import ID_RE, KnowledgeBase, Localized
from fanzha.kb.yamlsrc import Issue, read_into, relative, validate_list, validation_issues
from fanzha.records.units import parse_duration

Status = Literal["stable", "test", "experimental", "deprecated"]
LABELS = ("scam", "suspicious", "safe")
VERDICT_KINDS = ("attempt", "narrative", "notice", "other")
LEVELS = ("low", "medium", "high")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_id(v: str) -> str:
    if not ID_RE.match(v):
        raise ValueError(f"id {v!r} must be lower_snake_case words joined by dots")
    return v


class TextCondition(_Model):
    """Conditions on the detector's verdict of a message's text (all given conditions must hold)."""

    labels: list[Literal["scam", "suspicious", "safe"]] = Field(default_factory=list)
    kinds: list[Literal["attempt", "narrative", "notice", "other"]] = Field(default_factory=list)
    findings: list[str] = Field(
        default_factory=list, description="indicator ids, or a prefix with '*' (ecs.*): at least min_findings"
    )
    min_findings: int = Field(default=1, ge=1)
    not_findings: list[str] = Field(default_factory=list)
    min_score: float | None = Field(default=None, ge=0, le=1)


class When(_Model):
    """One way an event raises a signal: every given field must match."""

    kind: list[str] = Field(min_length=1)
    direction: list[str] = Field(default_factory=list)
    channel: list[str] = Field(default_factory=list)
    not_channel: list[str] = Field(default_factory=list)
    app: list[str] = Field(default_factory=list)
    not_app: list[str] = Field(default_factory=list)
    counterparty_prefix: list[str] = Field(default_factory=list)
    min_amount: float | None = Field(default=None, ge=0, description="yuan")
    max_amount: float | None = Field(default=None, ge=0, description="yuan")
    attrs: dict[str, str | int | bool] = Field(default_factory=dict)
    text: TextCondition | None = None


class Signal(_Model):
    """What one event says, as a named predicate."""

    id: str
    meaning: Localized
    stage: Literal[1, 2, 3] | None = None
    variant: str | None = Field(default=None, description="a variant this signal points to (a weak hint)")
    stake: Literal["sent", "borrowed"] | None = Field(
        default=None, description="money counted as at stake: sent out, or borrowed on instruction"
    )
    when: list[When] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)


class Step(_Model):
    any: list[str] = Field(min_length=1, description="signal ids; one of them makes the step")
    count: int = Field(default=1, ge=1, le=20)
    min_amount: float | None = Field(default=None, ge=0, description="yuan, over the step's occurrences")
    same_counterparty_as: int | None = Field(
        default=None,
        ge=1,
        description="this step's event has the counterparty of step N's (1-based, an earlier step): money that "
        "comes back from the account it went to, not from anyone",
    )


class TimelineEvent(_Model):
    """An event of an example timeline; `at` is its offset from the timeline's start."""

    at: str = "0s"
    kind: str
    direction: str | None = None
    channel: str | None = None
    counterparty: str | None = None
    text: str | None = None
    app: str | None = None
    amount: float | None = None
    attrs: dict[str, Any] | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        parse_duration(v)
        return v


class Timeline(_Model):
    name: str = Field(min_length=1)
    events: list[TimelineEvent] = Field(min_length=1)


class TimelineExamples(_Model):
    positive: list[Timeline] = Field(min_length=1)
    negative: list[Timeline] = Field(min_length=1)


class Sequence(_Model):
    """Ordered signals for one person within a time span: a kill-chain rule."""

    id: str
    version: int = Field(default=1, ge=1)
    status: Status = "stable"
    meaning: Localized
    steps: list[Step] = Field(min_length=1)
    within: str
    absent: list[str] = Field(default_factory=list)
    risk: float = Field(gt=0, lt=1)
    stage: Literal[1, 2, 3]
    examples: TimelineExamples
    references: list[str] = Field(default_factory=list)
    false_positives: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("within")
    @classmethod
    def _within(cls, v: str) -> str:
        if parse_duration(v) <= 0:
            raise ValueError("within must be positive")
        return v

    @model_validator(mode="after")
    def _same_counterparty(self) -> Sequence:
        named: set[int] = set()
        for k, st in enumerate(self.steps, 1):
            ref = st.same_counterparty_as
            if ref is None:
                continue
            if ref >= k:
                raise ValueError(f"step {k}: same_counterparty_as must name an earlier step, not {ref}")
            if ref in named:  # chain them instead: step 3 names step 2, step 2 names step 1
                raise ValueError(f"step {k}: step {ref} is named by same_counterparty_as twice")
            named.add(ref)
            for n, other in ((k, st), (ref, self.steps[ref - 1])):
                if other.count != 1 or other.min_amount is not None:
                    raise ValueError(
                        f"step {k}: same_counterparty_as needs steps of one event each (step {n} has a count "
                        "or a min_amount)"
                    )
        return self

    @property
    def registered_name(self) -> str:
        return f"fanzha.sequence.{self.id}.v{self.version}"


class Level(_Model):
    id: Literal["low", "medium", "high"]
    min_risk: float = Field(gt=0, lt=1)
    name: Localized
    action: Localized
    code: str = Field(min_length=1)


class Script(_Model):
    zh: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)

    def get(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.zh


class Objection(_Model):
    """What a person in the scam's hands says to the dissuasion call, and what the officer answers (seed 004:
    周女士将信将疑……担心自己被扣款)."""

    id: str
    says: Localized
    answer: Localized

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)


class Playbook(_Model):
    """Recommended actions by level (as anti-fraud centres work), the call script for each variant, and the
    answers to what a doubting person says."""

    version: str
    levels: list[Level] = Field(min_length=3, max_length=3)
    stages: dict[int, Localized]
    kinds: dict[str, Localized]
    scripts: dict[str, Script]
    phrases: dict[str, Localized] = Field(default_factory=dict)
    variant_priority: list[str] = Field(default_factory=list)
    #: what a sequence adds to its level's action (sequence id → text): where the money is lost another way
    rule_actions: dict[str, Localized] = Field(default_factory=dict)
    objections: list[Objection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _levels(self) -> Playbook:
        ids = [lv.id for lv in self.levels]
        if ids != list(LEVELS):
            raise ValueError(f"levels must be low, medium, high in this order, got {ids}")
        risks = [lv.min_risk for lv in self.levels]
        if risks != sorted(risks) or len(set(risks)) != 3:
            raise ValueError(f"min_risk must increase from low to high, got {risks}")
        if sorted(self.stages) != [1, 2, 3]:
            raise ValueError("stages must name 1, 2 and 3")
        said = [o.id for o in self.objections]
        if len(set(said)) != len(said):
            raise ValueError(f"objections: an id is given twice in {said}")
        return self

    def script(self, variant: str, lang: str) -> list[str]:
        """The call script for `variant` (the general one, `other`, for a variant without its own)."""
        script = self.scripts.get(variant) or self.scripts.get("other")
        return script.get(lang) if script is not None else []

    def action(self, level: str, variant: str, rule_ids: Iterable[str], lang: str) -> dict[str, Any]:
        """What the centre does with an alert: the level's action and what its sequences add to it, the call
        script, and the answers to a doubting person — the same for the engine's alerts and the centre's."""
        lv = next(x for x in self.levels if x.id == level)
        added = [self.rule_actions[r].get(lang) for r in rule_ids if r in self.rule_actions]
        return {
            "level": level,
            "code": lv.code,
            "text": (" " if lang == "en" else "").join([lv.action.get(lang), *added]),
            "call_script": self.script(variant, lang),
            "objections": self.answers(lang),
        }

    def answers(self, lang: str) -> list[dict[str, str]]:
        """What a doubting person says and what the officer answers, in order."""
        return [{"says": o.says.get(lang), "answer": o.answer.get(lang)} for o in self.objections]


# -- loading -----------------------------------------------------------------------------------------------


@dataclass
class RuleSet:
    """Signals, sequences and the playbook as loaded, with the file and line of every entry."""

    signals: list[Signal]
    sequences: list[Sequence]
    playbook: Playbook | None
    origin: dict[str, tuple[str, int]]
    issues: list[Issue]
    digest: str = ""
    example_lines: dict[tuple[str, str, int], int] = field(default_factory=dict)
    variant_names: dict[str, Localized] = field(default_factory=dict)


def load_rules(root: Path | None = None, *, kb: KnowledgeBase | None = None, strict: bool = True) -> RuleSet:
    """Load ``ROOT/sequences/*.yaml`` and ``ROOT/playbooks.yaml`` and cross-check them against `kb` (default:
    the shipped knowledge base): the indicator ids text conditions name, the variants.

    With `strict`, any error raises `KnowledgeBaseError` listing every problem.
    """
    root = root or default_root()
    if kb is None:
        from fanzha.kb.loader import default_kb

        kb = default_kb().kb
    issues: list[Issue] = []
    origin: dict[str, tuple[str, int]] = {}
    example_lines: dict[tuple[str, str, int], int] = {}
    signals: list[Signal] = []
    sequences: list[Sequence] = []
    digest = hashlib.sha256()
    seq_dir = root / "sequences"
    files = sorted(seq_dir.glob("*.yaml")) if seq_dir.is_dir() else []
    if not files:
        issues.append(Issue.of(relative(seq_dir), 1, "E725"))
    for p in files:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
        doc = read_into(p, relative(p), issues)
        if doc is None:
            continue
        if not isinstance(doc.data, dict) or not ({"signals", "sequences"} & set(doc.data)):
            issues.append(Issue.of(doc.file, 1, "E720"))
            continue
        extra = set(doc.data) - {"version", "signals", "sequences"}
        if extra:
            issues.append(Issue.of(doc.file, 1, "E731", keys=sorted(extra)))
        if "signals" in doc.data:
            for item, line in validate_list(doc, "signals", Signal, issues):
                if _claim(origin, item.id, doc.file, line, issues):
                    signals.append(item)
        if "sequences" in doc.data:
            for i, (item, line) in enumerate(validate_list(doc, "sequences", Sequence, issues)):
                if not _claim(origin, item.id, doc.file, line, issues):
                    continue
                if item.status != "deprecated":
                    sequences.append(item)
                idx = _index_of(doc.data["sequences"], item.id, i)
                for kind in ("positive", "negative"):
                    for j in range(len(getattr(item.examples, kind))):
                        example_lines[(item.id, kind, j)] = doc.line_of(
                            ("sequences", idx, "examples", kind, j)
                        )
    playbook: Playbook | None = None
    pb_path = root / "playbooks.yaml"
    if not pb_path.is_file():
        issues.append(Issue.of(relative(pb_path), 1, "E729"))
    else:
        digest.update(b"playbooks\0" + pb_path.read_bytes())
        doc = read_into(pb_path, relative(pb_path), issues)
        if doc is not None:
            from pydantic import ValidationError

            try:
                playbook = Playbook.model_validate(doc.data)
            except ValidationError as exc:
                issues.extend(validation_issues(doc, exc, whole="file"))
            origin["playbooks"] = (doc.file, 1)
    indicators = {i.id for i in kb.indicators}
    variants = {v.id: v.name for v in kb.variants}
    _cross_check(signals, sequences, playbook, origin, indicators, set(variants), issues)
    rules = RuleSet(
        signals, sequences, playbook, origin, issues, digest.hexdigest()[:16], example_lines, variants
    )
    if strict and any(i.severity == "error" for i in issues):
        raise KnowledgeBaseError(issues)
    return rules


def _claim(origin: dict[str, tuple[str, int]], ident: str, file: str, line: int, issues: list[Issue]) -> bool:
    """Record where `ident` is defined; False (and E721) when an earlier signal or sequence has it."""
    if ident in origin:
        f, ln = origin[ident]
        issues.append(Issue.of(file, line, "E721", id=ident, first=f"{f}:{ln}"))
        return False
    origin[ident] = (file, line)
    return True


def _index_of(items: Any, ident: str, fallback: int) -> int:
    if isinstance(items, list):
        for k, it in enumerate(items):
            if isinstance(it, dict) and it.get("id") == ident:
                return k
    return fallback


def _cross_check(
    signals: list[Signal],
    sequences: list[Sequence],
    playbook: Playbook | None,
    origin: dict[str, tuple[str, int]],
    indicators: set[str],
    variants: set[str],
    issues: list[Issue],
) -> None:
    from fanzha.records.events import KINDS

    sig_ids = {s.id for s in signals}
    prefixes = {i.split(".", 1)[0] + "." for i in indicators}
    for s in signals:
        f, line = origin[s.id]
        if s.variant is not None and s.variant not in variants:
            issues.append(Issue.of(f, line, "E724", item=s.id, variant=s.variant))
        for w in s.when:
            for k in w.kind:
                if k not in KINDS:
                    issues.append(Issue.of(f, line, "E730", item=s.id, kind=k, valid=KINDS))
            if w.text is not None:
                for ind in (*w.text.findings, *w.text.not_findings):
                    known = ind[:-1] in prefixes if ind.endswith("*") else ind in indicators
                    if not known:
                        issues.append(Issue.of(f, line, "E723", item=s.id, indicator=ind))
                if (
                    w.text.findings
                    and w.text.min_findings > len(w.text.findings)
                    and not any(x.endswith("*") for x in w.text.findings)
                ):
                    issues.append(Issue.of(f, line, "E732", item=s.id))
            if w.min_amount is not None and w.max_amount is not None and w.min_amount > w.max_amount:
                issues.append(Issue.of(f, line, "E733", item=s.id))
    for q in sequences:
        f, line = origin[q.id]
        for ref in [x for st in q.steps for x in st.any] + q.absent:
            if ref not in sig_ids:
                issues.append(Issue.of(f, line, "E722", item=q.id, signal=ref))
        if set(q.absent) & {x for st in q.steps for x in st.any}:
            issues.append(Issue.of(f, line, "E734", item=q.id))
        for kind in ("positive", "negative"):
            for tl in getattr(q.examples, kind):
                for ev in tl.events:
                    if ev.kind not in KINDS:
                        issues.append(Issue.of(f, line, "E728", item=q.id, example=tl.name, kind=ev.kind))
    if playbook is not None:
        f, line = origin.get("playbooks", ("playbooks.yaml", 1))
        for v in sorted(variants):
            if v not in playbook.scripts:
                issues.append(Issue.of(f, line, "E735", section="scripts", key=v))
        for v in sorted(set(playbook.scripts) - variants):
            issues.append(Issue.of(f, line, "E724", item="scripts", variant=v))
        for v in playbook.variant_priority:
            if v not in variants:
                issues.append(Issue.of(f, line, "E724", item="variant_priority", variant=v))
        seq_ids = {q.id for q in sequences}
        for r in sorted(set(playbook.rule_actions) - seq_ids):
            issues.append(Issue.of(f, line, "E758", item="rule_actions", rule=r))
        for k in KINDS:
            if k not in playbook.kinds:
                issues.append(Issue.of(f, line, "E735", section="kinds", key=k))


def default_rules() -> RuleSet:
    """The shipped rules, loaded once per process (with the shipped knowledge base)."""
    from fanzha.kb.loader import default_kb

    return default_kb().rules
