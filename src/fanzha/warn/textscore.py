"""Scoring message texts for the engine: the detector's verdict, reduced to what signals look at, cached.

Texts repeat in an event stream (the same SMS to many people, the same greeting), so each distinct text is
scored once; the cache holds the last `cache_size` distinct texts. With `gate` on, a text in which the detector's
automaton finds no scam indicator at all is answered as safe without the rest of the analysis (entities,
fusion), which is exactly what the full analysis would say while the detector is made of indicators only; turn it
off when the detector carries a trained model that can flag texts without any indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

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

    @property
    def alarming(self) -> bool:
        return self.label != "safe" and self.kind == "attempt"


SAFE = TextVerdict("safe", "other", 0.0, None, None, None, frozenset(), 0)


class Scorer(Protocol):
    """Anything that turns a text into a `TextVerdict`."""

    def __call__(self, text: str) -> TextVerdict: ...


class DetectorScorer:
    """The default scorer: `fanzha.detect.Detector`, with a cache of distinct texts and the indicator gate."""

    def __init__(
        self, detector: Detector | None = None, *, cache_size: int = 200_000, gate: bool = True
    ) -> None:
        if detector is None:
            from fanzha.detect import Detector

            detector = Detector()
        self.detector = detector
        self.cache_size = cache_size
        self.gate = gate
        self._cache: dict[str, TextVerdict] = {}
        self.scored = 0
        self.gated = 0
        self.hits = 0
        compiled = detector.compiled
        self._scam_idx = frozenset(i for i, ind in enumerate(compiled.indicators) if ind.role == "scam")

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

    def _score(self, text: str) -> TextVerdict:
        d = self.detector
        if self.gate:
            compiled = d.compiled
            hits = compiled.match(compiled.normalizer(text))
            scam = self._scam_idx
            if not any(h.idx in scam for h, _ in hits):
                self.gated += 1
                return SAFE
        self.scored += 1
        v = d.analyze(text)
        inds = frozenset(f.indicator for f in v.findings if f.role == "scam" and f.score > 0)
        ask = 0
        for m in v.entities:
            e = m.entity
            if e.kind == "amount" and isinstance(e.value, int):
                ask = max(ask, e.value)
        return TextVerdict(v.label, v.kind, v.score, v.variant, v.category, v.stage, inds, ask)

    @property
    def cached(self) -> int:
        return len(self._cache)
