"""Scoring message texts for the engine: the detector's verdict, reduced to what signals look at, cached.

Texts repeat in an event stream (the same SMS to many people, the same greeting), so each distinct text is
scored once; the cache holds the last `cache_size` distinct texts. With `gate` on, the detector first screens
the text (`Detector.screen`: its indicators matched, nothing else): a text on which no scam indicator fires is
answered as safe without the rest of the analysis (entities, fusion) — exactly what the full analysis would say
while the detector is made of indicators only — and one on which some fire is answered with the upper bound
of its verdict, which the engine replaces with the full verdict only when the bound could raise a signal. The
gate turns itself off when the detector carries a trained model (which can flag a text without any indicator).
The engine's default detector works with the rules alone (`model="off"`), so its figures do not depend on
whether a model artifact is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

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
        self.gate = gate and (hook is None or not hook.available())
        self._bounds: dict[frozenset[str], TextVerdict] = {}

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
        if not self.gate:
            return self._analyze(text)
        screen = self.detector.screen(text)
        if screen is None:
            self.gated += 1
            return SAFE
        self.bounded += 1
        verdict = self._bounds.get(screen.indicators)
        if verdict is None:
            verdict = TextVerdict(
                screen.label, "attempt", screen.score, None, None, None, screen.indicators, 0, (), True
            )
            if len(self._bounds) < 100_000:
                self._bounds[screen.indicators] = verdict
        return verdict

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
