"""Replaying the sequences' example timelines (used by `fanzha kb lint` and the tests).

Each example timeline runs through a fresh engine with the real detector: a positive one must make its sequence
match for the example person, a negative one must not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fanzha.kb.lint import Validator
from fanzha.kb.loader import Issue, LoadedKB
from fanzha.kb.schema import KnowledgeBase
from fanzha.kb.sequences import RuleSet, Timeline, load_rules
from fanzha.records.events import Raw
from fanzha.records.units import parse_duration, to_fen, us_of
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.textscore import DetectorScorer, Scorer

EXAMPLE_PERSON = "P_EXAMPLE"
EXAMPLE_START = datetime(2024, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def timeline_events(
    tl: Timeline, *, person: str = EXAMPLE_PERSON, start: datetime = EXAMPLE_START, prefix: str = "EX"
) -> list[Raw]:
    """The events of an example timeline, for `person`, from `start` (ids PREFIX-0001 …)."""
    t0 = us_of(start)
    out = []
    for i, ev in enumerate(tl.events, 1):
        fen = None if ev.amount is None else to_fen(round(ev.amount, 2), where=f"{tl.name}#{i}")
        out.append(
            Raw(
                f"{prefix}-{i:04d}",
                person,
                t0 + parse_duration(ev.at),
                ev.kind,
                ev.channel,
                ev.direction,
                ev.counterparty,
                ev.text,
                ev.app,
                fen,
                ev.attrs,
            )
        )
    return out


def matched_rules(rules: CompiledRules, scorer: Scorer, events: list[Raw]) -> set[str]:
    """The sequences a fresh engine matches for the example person (events taken in time order)."""
    from fanzha.warn.engine import WarnConfig, WarnEngine

    engine = WarnEngine(rules, scorer=scorer, config=WarnConfig(lateness=timedelta(days=30)))
    for raw in sorted(events, key=lambda r: r.t):
        engine.accept(raw, "example", 0)
    persons = {r.person_id for r in events}
    out: set[str] = set()
    for p in persons:
        st = engine.state_of(p)
        if st is not None:
            out |= set(st.matched)
    return out


def example_results(rules: RuleSet, scorer: Scorer) -> Iterator[tuple[str, str, int, Timeline, bool]]:
    """(sequence id, positive|negative, index, timeline, matched) for every example."""
    compiled = CompiledRules(rules)
    for q in rules.sequences:
        for kind in ("positive", "negative"):
            for j, tl in enumerate(getattr(q.examples, kind)):
                yield q.id, kind, j, tl, q.id in matched_rules(compiled, scorer, timeline_events(tl))


def sequence_issues(root: Path | None = None, kb: KnowledgeBase | None = None) -> tuple[list[Issue], int]:
    """Load problems of the sequence rules and playbook under `root`, plus every example replayed.
    Returns (issues, examples run)."""
    rules = load_rules(root, kb=kb, strict=False)
    issues = list(rules.issues)
    if any(i.severity == "error" for i in issues) or rules.playbook is None:
        return issues, 0
    replayed = list(_replay(rules, kb))
    return issues + [issue for issue in replayed if issue is not None], len(replayed)


def _replay(rules: RuleSet, kb: KnowledgeBase | None) -> Iterator[Issue | None]:
    """Every example timeline replayed: an issue for one that misbehaves (E726 / E727), None for one that
    behaves."""
    from fanzha.detect import Detector

    scorer = DetectorScorer(Detector(kb, model="off") if kb is not None else None)
    for rid, kind, j, tl, hit in example_results(rules, scorer):
        file, line = rules.origin.get(rid, ("sequences", 1))
        line = rules.example_lines.get((rid, kind, j), line)
        if kind == "positive" and not hit:
            yield Issue.of(file, line, "E726", item=rid, example=tl.name)
        elif kind == "negative" and hit:
            yield Issue.of(file, line, "E727", item=rid, example=tl.name)
        else:
            yield None


def _sequence_examples(loaded: LoadedKB) -> Iterator[Issue]:
    rules = loaded.rules
    if rules.playbook is None or any(i.severity == "error" for i in rules.issues):
        return
    yield from (issue for issue in _replay(rules, loaded.kb) if issue is not None)


#: the ``sequence_examples`` validator of `fanzha kb lint`
sequence_examples = Validator(
    "sequence_examples",
    "error",
    _sequence_examples,
    "every sequence's positive example timelines match it through a fresh engine, its negative ones do not",
)
