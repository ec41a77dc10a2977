"""Scoring message texts for the engine: the detector's verdict, reduced to what signals look at, cached.

Texts repeat in an event stream (the same SMS to many people, the same greeting), so each distinct text is
scored once; the cache holds the last `cache_size` distinct texts. With `gate` on, a text in which the detector's
automaton finds no scam indicator at all is answered as safe without the rest of the analysis (entities,
fusion), which is exactly what the full analysis would say while the detector is made of indicators only; the
gate turns itself off when the detector carries a trained model (which can flag a text without any indicator).
The engine's default detector works with the rules alone (`model="off"`), so its figures do not depend on
whether a model artifact is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from fanzha.detect.fusion import chain_bonus, label_of, sigmoid

if TYPE_CHECKING:
    from fanzha.detect import Detector


@dataclass(frozen=True, slots=True)
class TextVerdict:
    """What the signals need from a verdict: label, genre, score, variant, stage, the scam indicators that
    fired, and the largest amount the text mentions (fen)."""

    label: str
    kind: str
    score: float
    variant: str | None
    category: str | None
    stage: int | None
    indicators: frozenset[str]
    ask_fen: int = 0
    variants: tuple[str, ...] = ()  # the variants of the pretexts found (several when the text has several)
    #: an upper bound, not a verdict: every indicator the text could have, the highest label and score the
    #: detector's fusion could give them, genre attempt (see `DetectorScorer`)
    bound: bool = False

    @property
    def alarming(self) -> bool:
        return self.label != "safe" and self.kind == "attempt"

    @property
    def quiet(self) -> bool:
        """Safe, with no scam indicator: only signals that ask for nothing of the text can hold."""
        return self.label == "safe" and not self.indicators and not self.bound


SAFE = TextVerdict("safe", "other", 0.0, None, None, None, frozenset(), 0)


class Scorer(Protocol):
    """Anything that turns a text into a `TextVerdict`. A scorer that may answer with an upper bound
    (`TextVerdict.bound`) also has ``full(text)``, the real verdict."""

    def __call__(self, text: str) -> TextVerdict: ...


class DetectorScorer:
    """The default scorer: `fanzha.detect.Detector`, with a cache of distinct texts and the indicator gate."""

    def __init__(
        self,
        detector: Detector | None = None,
        *,
        cache_size: int = 200_000,
        gate: bool = True,
        model: Any = "off",
    ) -> None:
        """`model` is the detector's `model=` when no detector is given: ``"off"`` (the rules alone: the
        figures in docs/warn.md do not depend on whether a model artifact is installed) or ``"default"``."""
        if detector is None:
            from fanzha.detect import Detector

            detector = Detector(model=model)
        self.detector = detector
        self.cache_size = cache_size
        self._cache: dict[str, TextVerdict] = {}
        self.scored = 0  # texts analysed by the detector
        self.gated = 0  # texts the gate answered safe
        self.bounded = 0  # texts answered by an upper bound first
        self.hits = 0
        # a trained model can flag a text without any indicator: then every text is analysed
        hook = detector.model_hook()
        self.gate = gate and (hook is None or hook.get() is None)
        self._normalize = detector.compiled.normalizer
        gate_ = _Gate(detector) if self.gate else None
        self._gate = gate_ if gate_ is not None and gate_.usable else None

    def __call__(self, text: str) -> TextVerdict:
        cached = self._cache.get(text)
        if cached is not None:
            self.hits += 1
            return cached
        verdict = self._score(text)
        cache = self._cache
        if len(cache) >= self.cache_size:
            # drop the oldest eighth in one go (dicts keep insertion order)
            for key in list(cache)[: max(1, self.cache_size // 8)]:
                del cache[key]
        cache[text] = verdict
        return verdict

    def full(self, text: str) -> TextVerdict:
        """The detector's verdict (never a bound), cached in place of a bound."""
        cached = self._cache.get(text)
        if cached is not None and not cached.bound:
            return cached
        verdict = self._analyze(text)
        self._cache[text] = verdict
        return verdict

    def _score(self, text: str) -> TextVerdict:
        gate = self._gate
        if gate is None:
            return self._analyze(text)
        found = gate(self._normalize(text))
        if not found:
            self.gated += 1
            return SAFE
        self.bounded += 1
        return gate.bound(found)

    def _analyze(self, text: str) -> TextVerdict:
        d = self.detector
        self.scored += 1
        v = d.analyze(text)
        scam = [f for f in v.findings if f.role == "scam" and f.score > 0]
        inds = frozenset(f.indicator for f in scam)
        variants = tuple(sorted({f.variant for f in scam if f.variant}))
        ask = 0
        for m in v.entities:
            e = m.entity
            if e.kind == "amount" and isinstance(e.value, int):
                ask = max(ask, e.value)
        return TextVerdict(v.label, v.kind, v.score, v.variant, v.category, v.stage, inds, ask, variants)

    @property
    def cached(self) -> int:
        return len(self._cache)


class _Gate:
    """Could a normalised text give any scam finding? Mirrors what the detector needs before a hit can count —
    a term or a regex match (a regex is tried only when the literals of each of its prefilter sets occur, as in
    the detector), and a context word when the indicator requires one — but ignores windows and exclusion words,
    so it only ever says yes too often, never no wrongly."""

    def __init__(self, detector: Detector) -> None:
        import ahocorasick

        from fanzha.detect.prefilter import required_literal_sets

        compiled = detector.compiled
        norm = compiled.normalizer
        self.indicators = compiled.indicators
        self.fusion = compiled.kb.fusion
        self._bounds: dict[frozenset[int], TextVerdict] = {}
        entries: dict[str, list[tuple[int, int, int]]] = {}  # key → (slot, indicator or regex, bit)
        self.needs_context: set[int] = set()
        self.regex_of: list[int] = []
        self.regexes: list[re.Pattern[str]] = []
        self.full_mask: list[int] = []
        self.usable = True
        for idx, ind in enumerate(compiled.indicators):
            if ind.role != "scam":
                continue
            if ind.context_required:
                self.needs_context.add(idx)
                for word in ind.context:
                    key = norm(word)
                    if key:
                        entries.setdefault(key, []).append((_CONTEXT, idx, 0))
            for term in ind.terms:
                key = norm(term)
                if key:
                    entries.setdefault(key, []).append((_TERM, idx, 0))
            for pattern in ind.regex:
                sets = required_literal_sets(pattern)
                if not sets:
                    self.usable = False  # a regex that may match anywhere
                    continue
                slot = len(self.regex_of)
                self.regex_of.append(idx)
                self.regexes.append(re.compile(pattern))
                self.full_mask.append((1 << len(sets)) - 1)
                for bit, literals in enumerate(sets):
                    for lit in literals:
                        if lit:
                            entries.setdefault(lit, []).append((_TRIGGER, slot, 1 << bit))
        automaton = ahocorasick.Automaton()
        for key, value in entries.items():
            # per key: the indicators whose term it is, the (regex, bit) it triggers, the context it gives
            terms = tuple(k for slot, k, _ in value if slot == _TERM)
            triggers = tuple((k, bit) for slot, k, bit in value if slot == _TRIGGER)
            contexts = tuple(k for slot, k, _ in value if slot == _CONTEXT)
            automaton.add_word(key, (terms, triggers, contexts))
        automaton.make_automaton()
        self.automaton = automaton

    def bound(self, found: frozenset[int]) -> TextVerdict:
        """The upper bound for a text whose candidate indicators are `found`: the fusion of the detector with
        every candidate at full score, no benign or genre evidence, no alone factor — the sum (capped), the
        stage-chain bonuses and the bias, as in `fanzha.detect.fusion.fuse`. The real score is never higher
        (tested), and the real findings are among the candidates."""
        key = found
        cached = self._bounds.get(key)
        if cached is not None:
            return cached
        f = self.fusion
        inds = self.indicators
        total = sum(max(inds[k].weight, 0.0) for k in found)
        stages = {s for k in found if (s := inds[k].stage) is not None}
        score = sigmoid(f.bias + min(total, f.max_evidence) + chain_bonus(f.stage_chain, stages))
        label = label_of(score, f.thresholds)
        ids = frozenset(inds[k].id for k in found)
        verdict = TextVerdict(label, "attempt", score, None, None, None, ids, 0, (), True)
        if len(self._bounds) < 100_000:
            self._bounds[key] = verdict
        return verdict

    def __call__(self, text: str) -> frozenset[int]:
        """The candidate scam indicators of a normalised text (indices); empty when none can be found."""
        found: set[int] = set()
        context: set[int] = set()
        seen: dict[int, int] = {}
        for _, (terms, triggers, contexts) in self.automaton.iter(text):
            if terms:
                found.update(terms)
            if triggers:
                for k, bit in triggers:
                    seen[k] = seen.get(k, 0) | bit
            if contexts:
                context.update(contexts)
        if seen:
            full, regex_of, regexes = self.full_mask, self.regex_of, self.regexes
            for k, mask in seen.items():
                if mask == full[k] and regex_of[k] not in found and regexes[k].search(text):
                    found.add(regex_of[k])
        if not found:
            return frozenset()
        need = self.needs_context
        return frozenset(k for k in found if k not in need or k in context)


_TERM, _CONTEXT, _TRIGGER = 0, 1, 2
