"""The shortcuts in front of the detector change nothing: the indicator gate answers safe only for texts the
detector calls safe with no scam finding; an upper bound is never below the verdict; and the signals the engine
raises with the shortcuts are exactly those it raises when every text is fully analysed."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fanzha.detect import Detector
from fanzha.kb.loader import default_kb
from fanzha.kb.sequences import default_rules
from fanzha.records.events import MESSAGE_KINDS, event_files, read_chunks
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnEngine
from fanzha.warn.textscore import DetectorScorer, TextVerdict

ORDER = {"safe": 0, "suspicious": 1, "scam": 2}


def _texts(world: Path) -> list[str]:
    kb = default_kb().kb
    out = [x for i in kb.indicators for x in (*i.examples.positive, *i.examples.negative)]
    out += [
        e.text
        for q in default_rules().sequences
        for kind in ("positive", "negative")
        for tl in getattr(q.examples, kind)
        for e in tl.events
        if e.text
    ]
    table = pq.read_table(world / "events.parquet", columns=["text"])
    out += [t for t in dict.fromkeys(table.column("text").to_pylist()) if t]
    return list(dict.fromkeys(out))


@pytest.fixture(scope="module")
def plain(rules_detector: Detector) -> DetectorScorer:
    return DetectorScorer(rules_detector, gate=False)


def _signal_view(v: TextVerdict) -> tuple[str, str, frozenset[str]]:
    return v.label, v.kind, v.indicators


def test_gate_and_bound_on_real_texts(
    small_world: Path, rules_detector: Detector, plain: DetectorScorer
) -> None:
    fast = DetectorScorer(rules_detector)
    assert fast.gate, "the gate should be on with the rules-only detector"
    gated = bounded = 0
    for text in _texts(small_world):
        real = plain(text)
        quick = fast(text)
        if quick.quiet:
            gated += 1
            assert real.label == "safe" and not real.indicators, text
        elif quick.bound:
            bounded += 1
            assert real.indicators <= quick.indicators, text
            assert real.score <= quick.score + 1e-9, text
            assert ORDER[real.label] <= ORDER[quick.label], text
            assert _signal_view(fast.full(text)) == _signal_view(real)
    assert gated > 1000 and bounded > 100


def test_the_screen_finds_what_the_whole_knowledge_base_finds(
    small_world: Path, rules_detector: Detector
) -> None:
    """`Detector.screen` matches the scam indicators alone: on every text, the scam indicators the whole
    knowledge base's match keeps (checks not run, as in the screen)."""
    c = rules_detector.compiled
    flagged = 0
    for text in _texts(small_world):
        whole = frozenset(
            c.indicators[hit.idx].id
            for hit, _ in c.match(c.normalizer(text))
            if c.indicators[hit.idx].role == "scam"
        )
        screen = rules_detector.screen(text)
        assert (screen.indicators if screen is not None else frozenset()) == whole, text
        flagged += bool(whole)
    assert flagged > 100


def test_the_engine_raises_the_same_signals_with_and_without_shortcuts(
    small_world: Path, rules_detector: Detector, plain: DetectorScorer
) -> None:
    rules = CompiledRules(default_rules())
    raws = [r for c in read_chunks(event_files(small_world), 5000) for r in c.raws]
    messages = [r for r in raws if r[3] in MESSAGE_KINDS and r[7]]
    a = WarnEngine(rules, scorer=DetectorScorer(rules_detector))
    b = WarnEngine(rules, scorer=plain)
    assert a.process(raws) == b.process(raws)
    assert a.counters.with_signals == b.counters.with_signals > 0
    for pid in set(a.states) | set(b.states):
        sa, sb = a.state_of(pid), b.state_of(pid)
        assert sa is not None and sb is not None
        assert [(e[4], e[2]) for e in sa.entries] == [(e[4], e[2]) for e in sb.entries]
    assert len(messages) > 10_000
