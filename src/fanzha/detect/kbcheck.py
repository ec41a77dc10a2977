"""The knowledge base's indicator examples, run through the detector (the ``indicator_examples`` validator of
`fanzha kb lint`)."""

from __future__ import annotations

from collections.abc import Iterator

from fanzha.detect.engine import Detector
from fanzha.kb.lint import Validator
from fanzha.kb.loader import LoadedKB
from fanzha.kb.yamlsrc import Issue


def _examples(loaded: LoadedKB) -> Iterator[Issue]:
    """A positive example must produce a finding of its indicator (E130), a negative one none (E131)."""
    detector = Detector(loaded)
    for ind in detector.compiled.indicators:
        file, line = loaded.origin.get(ind.id, ("kb", 1))
        for kind, texts in (("positive", ind.examples.positive), ("negative", ind.examples.negative)):
            for text in texts:
                verdict = detector.analyze(text, explain=True)
                hit = any(f.indicator == ind.id for f in verdict.findings)
                if kind == "positive" and not hit:
                    yield Issue.of(file, line, "E130", item=ind.id, text=text)
                if kind == "negative" and hit:
                    yield Issue.of(file, line, "E131", item=ind.id, text=text)


indicator_examples = Validator(
    "indicator_examples",
    "error",
    _examples,
    "every indicator's positive examples give a finding of it, its negative examples none",
)
