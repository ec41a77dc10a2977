"""The detector: knowledge-base indicators matched on normalised text, fused into a `Verdict`.

Matching is one Aho-Corasick pass for every literal (indicator terms, context words and exclusion words of all
indicators at once) plus the indicators' regular expressions; each hit is kept, boosted or dropped by the
context and exclusion words within its window, as presidio's recognizers do; then `fusion.fuse` decides.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import ahocorasick

from fanzha.detect import checks as _checks
from fanzha.detect.document import Document
from fanzha.detect.fusion import Decision, Evidence, bound, fuse, fuse_model
from fanzha.detect.prefilter import required_literal_sets, with_first_character_lookahead
from fanzha.detect.scorer import TextScorer
from fanzha.detect.scorer import resolve as resolve_scorer
from fanzha.detect.verdict import Advice, Finding, Label, Mention, Verdict
from fanzha.kb.loader import LoadedKB, default_kb
from fanzha.kb.schema import Indicator, KnowledgeBase
from fanzha.text.entities import Entity, compile_lexicon, extract_entities
from fanzha.text.normalize import Normalized, Normalizer

_TERM, _CONTEXT, _EXCLUDE = 0, 1, 2
# A text up to MAX_CHARS characters is analysed in one piece. A longer one is analysed whole, in windows of at
# most MAX_CHARS characters, each overlapping the next by 2 × MARGIN; a window reports the hits and entities that
# start in its middle stretch (its `core`), so each is found once, with MARGIN characters of context on either
# side (more than any indicator's window reaches).
#
# A long text lists at most LISTED hits of an indicator (per kind of hit: with or without its context word, in
# the person's own turns or not, each kind scoring the same) and LISTED mentions of an entity, so that a text
# repeating a scam a million times stays a verdict of bounded size: the evidence each indicator gives (its
# strongest hit), the stage, the variant (the first pretext) and the advice are those of every hit. The trained
# model, which reads the first 4,000 characters of a text, is left out of a long text's verdict: it would judge
# the whole by its first 2 %.
MAX_CHARS = 200_000
MARGIN = 1_000
LISTED = 100


@dataclass(frozen=True, slots=True)
class Screen:
    """What `Detector.screen` saw: the scam indicators that fire, and the upper bound of the verdict."""

    indicators: frozenset[str]
    score: float
    label: Label


class _Hit(NamedTuple):
    idx: int
    start: int  # normalised-text offsets
    end: int
    pattern: str


class CompiledKB:
    """The knowledge base compiled for matching: one automaton, per-indicator regexes, lookup tables."""

    def __init__(self, kb: KnowledgeBase, *, prefilter: bool = True) -> None:
        self.kb = kb
        self.normalizer = Normalizer(kb.spellings)
        self.lexicon = compile_lexicon(kb.lexicon)
        self.indicators: list[Indicator] = [i for i in kb.indicators if i.status != "deprecated"]
        self.by_id = {ind.id: ind for ind in self.indicators}
        self.steps = [ind.step for ind in self.indicators]  # each indicator's move (Indicator.step), once
        built = _checks.build(kb)
        #: per indicator, the check its hits must pass (fanzha.detect.checks), or None
        self.checks = [built[ind.check] if ind.check is not None else None for ind in self.indicators]
        self.advice = {a.id: a for a in kb.advice}
        self.categories = {c.id: c for c in kb.categories}
        self.variants = {v.id: v for v in kb.variants}
        automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[int, int, str]]] = {}
        norm = self.normalizer
        for idx, ind in enumerate(self.indicators):
            for slot, words in ((_TERM, ind.terms), (_CONTEXT, ind.context), (_EXCLUDE, ind.exclude)):
                for word in words:
                    key = norm(word)
                    if key:
                        entries.setdefault(key, []).append((slot, idx, word))
        # Each regex is compiled on its own (behind a look-ahead on its first characters when the regex
        # compiler finds no prefix of its own to scan for), and runs only when a literal of each of its (up to
        # two) most selective required elements occurred: the same automaton pass that finds the terms tells,
        # so most texts run only a few regexes.
        self.regexes: list[tuple[int, re.Pattern[str]]] = []
        self.always: list[int] = []
        self._needed: list[int] = []  # per regex: the bit mask of its required elements (at most two)
        triggers: dict[str, list[tuple[int, int]]] = {}  # literal → (regex, element)
        for idx, ind in enumerate(self.indicators):
            for pattern in ind.regex:
                slot = len(self.regexes)
                self.regexes.append((idx, re.compile(with_first_character_lookahead(pattern))))
                sets = required_literal_sets(pattern, limit=2) if prefilter else []
                self._needed.append((1 << len(sets)) - 1)
                if not sets:
                    self.always.append(slot)
                for bit, literals in enumerate(sets):
                    for lit in literals:
                        triggers.setdefault(lit, []).append((slot, bit))
        # Per automaton key, everything it means at once: (length, terms as (indicator, word), context words as
        # (indicator, word), excluded indicators, the regexes whose first required element it is a literal of,
        # and those whose second one).
        self._always = frozenset(self.always)
        self._two = frozenset(slot for slot, need in enumerate(self._needed) if need > 1)
        for key in set(entries) | set(triggers):
            value = entries.get(key, [])
            trig = triggers.get(key, [])
            automaton.add_word(
                key,
                (
                    len(key),
                    tuple((idx, word) for slot, idx, word in value if slot == _TERM),
                    tuple((idx, word) for slot, idx, word in value if slot == _CONTEXT),
                    tuple(idx for slot, idx, _ in value if slot == _EXCLUDE),
                    tuple(sorted({slot for slot, bit in trig if bit == 0})),
                    tuple(sorted({slot for slot, bit in trig if bit == 1})),
                ),
            )
        automaton.make_automaton()
        self.automaton = automaton

    def match(self, text: str, norm: Normalized | None = None) -> list[tuple[_Hit, str | None]]:
        """All kept hits in a normalised text, each with the context word that boosted it (or None). With
        `norm` (the text with its map to the original) the indicators' checks run; without it they keep every
        hit (an upper bound)."""
        if not text:
            return []
        hits: list[_Hit] = []
        # context and exclusion words matter only for indicators that hit: keep their occurrences and read them
        # after the regexes, so a text without any hit (most ordinary messages) never sorts them per indicator
        around: list[tuple[int, int, tuple[tuple[int, str], ...], tuple[int, ...]]] = []
        first: set[int] = set()  # regexes a literal of whose first required element occurred
        second: set[int] = set()  # … of whose second required element
        for end, (length, terms, contexts, excludes, firsts, seconds) in self.automaton.iter(text):
            if firsts:
                first.update(firsts)
            if seconds:
                second.update(seconds)
            if terms:
                start = end - length + 1
                for idx, word in terms:
                    hits.append(_Hit(idx, start, end + 1, word))
            if contexts or excludes:
                around.append((end - length + 1, end + 1, contexts, excludes))
        run: Iterable[int] = self.always
        if first:
            run = sorted(self._always | (first - self._two) | (first & second))
        regexes = self.regexes
        for slot in run:
            idx, rx = regexes[slot]
            for m in rx.finditer(text):
                a, b = m.span()
                if b > a:
                    hits.append(_Hit(idx, a, b, "regex"))
        if not hits:
            return []
        wanted = {h.idx for h in hits}
        context: dict[int, list[tuple[int, int, str]]] = {}
        exclude: dict[int, list[tuple[int, int]]] = {}
        for start, stop, contexts, excludes in around:
            for idx, word in contexts:
                if idx in wanted:
                    context.setdefault(idx, []).append((start, stop, word))
            for idx in excludes:
                if idx in wanted:
                    exclude.setdefault(idx, []).append((start, stop))
        kept: list[tuple[_Hit, str | None]] = []
        indicators = self.indicators
        checks = self.checks
        for hit in hits:
            ind = indicators[hit.idx]
            lo, hi = hit.start - ind.window, hit.end + ind.window
            if exclude and any(b > lo and a < hi for a, b in exclude.get(hit.idx, ())):
                continue
            ctx = None
            for a, b, w in context.get(hit.idx, ()) if context else ():
                if b > lo and a < hi:
                    ctx = w
                    break
            if ind.context_required and ctx is None:
                continue
            check = checks[hit.idx]
            if check is not None and not check(text, norm, hit.start, hit.end):
                continue
            kept.append((hit, ctx))
        return kept


class Detector:
    """Analyse texts and conversations. Thread-safe once built; build one and reuse it."""

    def __init__(
        self, kb: LoadedKB | KnowledgeBase | None = None, *, lang: str = "zh", model: Any = "default"
    ) -> None:
        """`model`: the trained text model fused at the fusion point — ``"default"`` (the shipped artifact,
        loaded on first use; ``$FANZHA_MODEL=off|only|PATH`` overrides), ``None`` / ``"off"`` (rules only),
        ``"only"`` (the model alone), a `fanzha.classify.TextModel`, a `Path` to an artifact, or any
        `fanzha.detect.scorer.TextScorer`. See `fanzha.detect.scorer` and `fanzha.classify.runtime`."""
        if kb is None:
            kb = default_kb()
        self.compiled = CompiledKB(kb.kb if isinstance(kb, LoadedKB) else kb)
        self._screening: CompiledKB | None = None  # the scam indicators alone, built on the first `screen`
        self.lang = lang
        self._model_spec = model
        self._hook: Any = _UNSET  # resolved on first use, so that importing and building stay cheap

    def model_hook(self) -> TextScorer | None:
        """The trained model at the fusion point (a `TextScorer`), or None when the rules work alone."""
        if self._hook is _UNSET:
            self._hook = resolve_scorer(self._model_spec)
        hook: TextScorer | None = self._hook
        return hook

    @property
    def kb(self) -> KnowledgeBase:
        return self.compiled.kb

    def screen(self, text: str) -> Screen | None:
        """A look at a text before the full analysis, for callers that score many texts and need a verdict
        only for some (the warning engine): None when no scam indicator fires on it — the analysis would call
        it safe without a scam finding, unless a trained model is fused (`model_hook`) — otherwise the scam
        indicators that fire and the highest score and label `fusion.bound` allows them (the real verdict's
        scam findings are among them and its score is never higher)."""
        if len(text) <= MAX_CHARS:
            # an indicator's hits depend on nothing but its own words, so matching the scam indicators alone finds
            # the same ones, without the benign, notice and genre words most ordinary messages are full of
            c = self._screening
            if c is None:
                kb = self.compiled.kb
                scam = [ind for ind in kb.indicators if ind.role == "scam"]
                c = self._screening = CompiledKB(kb.model_copy(update={"indicators": scam}))
            hits = c.match(c.normalizer(text))
        else:
            c = self.compiled
            hits = self._windows(text).hits
        found = frozenset(hit.idx for hit, _ in hits if c.indicators[hit.idx].role == "scam")
        if not found:
            return None
        inds = c.indicators
        score, label = bound(c.kb.fusion, ((inds[k].weight, c.steps[k]) for k in found))
        return Screen(frozenset(inds[k].id for k in found), score, label)

    def normalize(self, text: str) -> Normalized:
        return self.compiled.normalizer.normalize(text)

    def analyze(
        self,
        data: str | Document | Sequence[Any] | Mapping[str, Any],
        *,
        lang: str | None = None,
        explain: bool = False,
        model_logit: float | None = None,
    ) -> Verdict:
        """Analyse a text (a chat log pasted as text is parsed into turns), a `Document`, or a list of turns."""
        lang = lang or self.lang
        doc = Document.from_any(data)
        return self._finish(doc, self._prepare(doc), lang, explain, model_logit, _UNSET)

    def analyze_many(
        self,
        items: Iterable[str | Document | Sequence[Any]],
        *,
        lang: str | None = None,
        explain: bool = False,
        batch: int = 256,
    ) -> Iterator[Verdict]:
        """Verdicts for many texts (or documents, or turn lists), in order; the model scores them in batches
        of `batch`."""
        lang = lang or self.lang
        chunk: list[Document] = []
        for data in items:
            chunk.append(Document.from_any(data))
            if len(chunk) >= batch:
                yield from self._analyze_batch(chunk, lang, explain)
                chunk = []
        if chunk:
            yield from self._analyze_batch(chunk, lang, explain)

    def _analyze_batch(self, docs: list[Document], lang: str, explain: bool) -> Iterator[Verdict]:
        prepared = [self._prepare(doc) for doc in docs]
        hook = self.model_hook()
        preds = hook.predict_batch([p.norm.text for p in prepared]) if hook is not None else None
        for i, (doc, prep) in enumerate(zip(docs, prepared, strict=True)):
            yield self._finish(doc, prep, lang, explain, None, preds[i] if preds is not None else _UNSET)

    # -- internals -------------------------------------------------------------------------------------

    def _prepare(self, doc: Document) -> _Prepared:
        """The turns joined, their starts, and the normalised text; for a text longer than MAX_CHARS, what its
        windows found instead."""
        joined, bounds = join_turns(doc)
        if len(joined) <= MAX_CHARS:
            return _Prepared(joined, bounds, self.compiled.normalizer.normalize(joined), None)
        turns = doc.turns

        def own(at: int) -> bool:
            return doc.conversation and turns[bisect.bisect_right(bounds, at) - 1].is_self

        return _Prepared(joined, bounds, _EMPTY, self._windows(joined, own))

    def _windows(self, text: str, own: Callable[[int], bool] | None = None) -> _Windows:
        """The hits and entities of a text longer than MAX_CHARS, window by window (see MARGIN and LISTED);
        `own` tells whether a character is in the person's own words."""
        c = self.compiled
        core = MAX_CHARS - 2 * MARGIN
        out = _Windows()
        base = 0  # where the window's normalised text starts when the windows' are laid end to end
        listed: dict[tuple[Any, ...], int] = {}

        def room(key: tuple[Any, ...]) -> bool:
            n = listed.get(key, 0)
            if n >= LISTED:
                out.not_listed += 1
                return False
            listed[key] = n + 1
            return True

        for lo in range(0, len(text), core):
            hi = min(len(text), lo + core)
            offset = max(0, lo - MARGIN)
            norm = c.normalizer.normalize(text[offset : hi + MARGIN])
            out.count += 1
            for hit, ctx in _dedupe(c.match(norm.text, norm)):
                a, b = norm.to_original(hit.start, hit.end)
                a, b = a + offset, b + offset
                if lo <= a < hi and room((hit.idx, ctx is None, own is not None and own(a))):
                    out.spans[hit.start + base, hit.end + base] = (a, b)
                    out.hits.append((hit._replace(start=hit.start + base, end=hit.end + base), ctx))
            for ent in extract_entities(norm, lexicon=c.lexicon):
                if lo <= ent.start + offset < hi and room((ent.kind, ent.value)):
                    out.entities.append(replace(ent, start=ent.start + offset, end=ent.end + offset))
            base += len(norm.text)
        return out

    def _finish(
        self,
        doc: Document,
        prepared: _Prepared,
        lang: str,
        explain: bool,
        model_logit: float | None,
        prediction: Any,
    ) -> Verdict:
        c = self.compiled
        joined, bounds, norm, windows = prepared
        if windows is None:
            hits = _dedupe(c.match(norm.text, norm))
            locate = functools.partial(_locate, norm, bounds)
        else:
            # in the order of one piece's hits (by indicator, then place), so the evidence sums in the same order
            hits = sorted(windows.hits, key=lambda h: (h[0].idx, h[0].start, h[0].start - h[0].end))
            locate = functools.partial(windows.locate, bounds)
        own_turn = c.kb.fusion.self_turn_factor if doc.conversation else {}
        findings: list[Finding] = []
        best: dict[int, Evidence] = {}
        for hit, ctx in hits:
            ind = c.indicators[hit.idx]
            score = 1.0 if ctx is not None else ind.base
            where = None  # (original start, end, turn index), found once per hit when needed
            factor = own_turn.get(ind.role)
            if factor is not None:
                where = locate(hit.start, hit.end)
                if doc.turns[where[2]].is_self:
                    score *= factor  # the protected person's own words count less (kb.yaml: self_turn_factor)
            if ind.role != "scam" and not explain:  # genre and benign markers: evidence only, no finding
                prev = best.get(hit.idx)
                if prev is None or score > prev.score:
                    best[hit.idx] = Evidence(
                        ind.role, ind.id, ind.weight, score, c.steps[hit.idx], ind.alone_factor, ind.firm
                    )
                continue
            a, b, turn_i = where or locate(hit.start, hit.end)
            turn = doc.turns[turn_i]
            off = bounds[turn_i]
            if doc.per_turn:
                start, end, turn_no = a - off, b - off, turn_i
            else:
                start, end, turn_no = turn.start + a - off, turn.start + b - off, None
            findings.append(
                Finding(
                    indicator=ind.id,
                    start=start,
                    end=end,
                    text=joined[a:b],
                    reason=ind.meaning.get(lang),
                    score=score,
                    weight=ind.weight,
                    role=ind.role,
                    stage=ind.stage,
                    category=ind.category,
                    variant=ind.variant,
                    pattern=hit.pattern,
                    context=ctx,
                    turn=turn_no,
                )
            )
            prev = best.get(hit.idx)
            if prev is None or score > prev.score:
                best[hit.idx] = Evidence(
                    ind.role, ind.id, ind.weight, score, c.steps[hit.idx], ind.alone_factor, ind.firm
                )
        entities = extract_entities(norm, lexicon=c.lexicon) if windows is None else windows.entities
        mentions = tuple(self._mentions(doc, entities, bounds))
        # the trained model reads the first 4,000 characters of a text: nothing of most of a long one
        hook = self.model_hook() if model_logit is None and windows is None else None
        if hook is not None and prediction is _UNSET:
            preds = hook.predict_batch([norm.text])
            prediction = preds[0] if preds else None
        if hook is not None and prediction is not None and prediction is not _UNSET:
            decision, extra = fuse_model(
                c.kb.fusion, list(best.values()), doc.conversation, hook, prediction, norm.text, lang, explain
            )
            for a, b, fields in extra:  # the model's finding: the stretches that made it decide
                oa, ob = norm.to_original(a, b)
                turn_i = bisect.bisect_right(bounds, oa) - 1
                off = bounds[turn_i]
                if doc.per_turn:
                    start, end, turn_no = oa - off, ob - off, turn_i
                else:
                    start, end, turn_no = (
                        doc.turns[turn_i].start + oa - off,
                        doc.turns[turn_i].start + ob - off,
                        None,
                    )
                findings.append(Finding(start=start, end=end, text=joined[oa:ob], turn=turn_no, **fields))
        else:
            decision = fuse(
                c.kb.fusion, best.values(), conversation=doc.conversation, model_logit=model_logit
            )
        scam_findings = [f for f in findings if f.role == "scam" and f.score > 0]
        model_logp: dict[str, float] = {}
        if decision.label != "safe" and hook is not None and prediction is not None and hook.available():
            model_logp = dict(zip(hook.categories(), prediction.category_logp, strict=False))
        category, variant = self._classify(scam_findings, decision, model_logp)
        stage = (
            max((f.stage for f in scam_findings if f.stage), default=None)
            if decision.label != "safe"
            else None
        )
        advice = self._advice(scam_findings, decision, lang)
        trail = dict(decision.trail)
        if windows is not None:
            trail["windows"] = windows.count
        findings.sort(key=lambda f: (f.turn or 0, f.start, -f.end))
        shown = tuple(findings)
        return Verdict(
            label=decision.label,
            kind=decision.kind,
            category=category,
            variant=variant,
            stage=stage,
            score=decision.score,
            findings=shown,
            advice=advice,
            entities=mentions,
            lang=lang,
            decision=trail if explain else {},
            not_listed=windows.not_listed if windows is not None else 0,
        )

    def _mentions(self, doc: Document, entities: Iterable[Entity], bounds: list[int]) -> Iterator[Mention]:
        """Entities of the joined text, with offsets moved into the original input (or into their turn)."""
        for ent in entities:
            turn_i = bisect.bisect_right(bounds, ent.start) - 1
            off = bounds[turn_i]
            if doc.per_turn:
                yield Mention(replace(ent, start=ent.start - off, end=ent.end - off), turn_i)
            else:
                base = doc.turns[turn_i].start - off
                yield Mention(replace(ent, start=ent.start + base, end=ent.end + base) if base else ent)

    def _classify(
        self, findings: list[Finding], decision: Decision, model_logp: Mapping[str, float]
    ) -> tuple[str | None, str | None]:
        """Category: the one with the most weighted evidence (each indicator's weight × score, in log-odds),
        plus, for a flagged text the model has read, the model's log-probability of each category — the two
        views multiplied, so a confident model outvotes a weak keyword and strong evidence outvotes an unsure
        model (measured on the dev half: see docs/model-card.md). Variant (of that category): the pretext met
        first in the text, since later moves (credit score, 备用金) are how most variants continue."""
        votes: dict[str, float] = {}
        if decision.trail.get("model", {}).get("mode") != "only":  # the model alone: its category alone
            for f in findings:
                if f.category is not None:
                    votes[f.category] = votes.get(f.category, 0.0) + f.weight * f.score
        order = {c: i for i, c in enumerate(self.compiled.categories)}
        if model_logp:
            combined = {c: lp + votes.get(c, 0.0) for c, lp in model_logp.items()}
            category = max(combined, key=lambda k: (combined[k], -order.get(k, 99)))
        elif not votes:
            if decision.label == "safe":
                return None, None
            return "other", None
        else:
            category = max(votes, key=lambda k: (votes[k], -order.get(k, 99)))
        if decision.label == "safe" and decision.kind != "notice" and votes.get(category, 0.0) < 2.0:
            return None, None
        if decision.kind == "notice":
            return category, None  # a notice's topic, not a case: it has no variant
        pretexts = [f for f in findings if f.category == category and f.variant is not None]
        if not pretexts:
            variants_of = [v for v in self.compiled.variants.values() if v.category == category]
            return category, ("other" if variants_of else None)
        first = min(pretexts, key=lambda f: (f.turn or 0, f.start, -f.weight))
        return category, first.variant

    def _advice(self, findings: list[Finding], decision: Decision, lang: str) -> tuple[Advice, ...]:
        fusion = self.compiled.kb.fusion
        ids: list[str] = []
        if decision.label != "safe" or decision.kind == "narrative":
            ids.extend(fusion.advice_by_kind.get(decision.kind, []))
            ids.extend(fusion.advice_by_label.get(decision.label, []))
            for f in findings:
                ind = self.compiled.by_id[f.indicator]
                ids.extend(ind.advice)
        else:
            ids.extend(fusion.advice_by_kind.get(decision.kind, []))
            ids.extend(fusion.advice_by_label.get("safe", []))
        # what the kind of text asks for comes first, in its own order (a victim's account of a loss: stop the
        # payment before anything else), after only an advice of priority 0 (a doubter must hear first that the
        # warning is real); the rest by priority
        first = fusion.advice_by_kind.get(decision.kind, [])
        table = self.compiled.advice

        def order(a: str) -> tuple[int, int, int]:
            if table[a].priority == 0:
                return (0, 0, ids.index(a))
            if a in first:
                return (1, first.index(a), 0)
            return (2, table[a].priority, ids.index(a))

        unique = sorted(dict.fromkeys(ids), key=order)
        return tuple(Advice(a, table[a].text.get(lang)) for a in unique)


_UNSET: Any = object()


@dataclass
class _Windows:
    """What the windows of a long text found: the hits (their offsets into the windows' normalised texts laid
    end to end), the span of each in the text (`spans`), the entities (offsets into the text), how many windows
    there were and how many hits and mentions were not listed (LISTED)."""

    hits: list[tuple[_Hit, str | None]] = field(default_factory=list)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    count: int = 0
    not_listed: int = 0  # hits and mentions beyond LISTED

    def locate(self, bounds: list[int], start: int, end: int) -> tuple[int, int, int]:
        """As `_locate`, for a hit of `hits`."""
        a, b = self.spans[start, end]
        return a, b, bisect.bisect_right(bounds, a) - 1


_EMPTY = Normalized("", "")


class _Prepared(NamedTuple):
    """A document ready for the analysis: its turns joined, their starts in the joined text, and either the
    normalised text or, for a text longer than MAX_CHARS, what its windows found (and an empty text: the
    trained model, which reads a text's first 4,000 characters, is left out of a long text's verdict)."""

    joined: str
    bounds: list[int]
    norm: Normalized
    windows: _Windows | None


_TURN_BREAK = "\n\n"  # a paragraph break: normalisation never joins across it


def join_turns(doc: Document) -> tuple[str, list[int]]:
    """Join the turns' texts with blank lines; return the text and each turn's start in it."""
    bounds: list[int] = []
    pos = 0
    parts: list[str] = []
    for t in doc.turns:
        bounds.append(pos)
        parts.append(t.text)
        pos += len(t.text) + len(_TURN_BREAK)
    return _TURN_BREAK.join(parts), bounds


def _locate(norm: Normalized, bounds: list[int], start: int, end: int) -> tuple[int, int, int]:
    """The span `start`–`end` of the normalised text in the joined original text, and the index of its turn."""
    a, b = norm.to_original(start, end)
    return a, b, bisect.bisect_right(bounds, a) - 1


def _dedupe(hits: list[tuple[_Hit, str | None]]) -> list[tuple[_Hit, str | None]]:
    """Per indicator, drop hits contained in a longer hit of the same indicator."""
    hits.sort(key=lambda h: (h[0].idx, h[0].start, -(h[0].end - h[0].start)))
    out: list[tuple[_Hit, str | None]] = []
    last_idx, last_end = -1, -1
    for h, ctx in hits:
        if h.idx == last_idx and h.end <= last_end:
            continue
        out.append((h, ctx))
        last_end = max(last_end, h.end) if h.idx == last_idx else h.end
        last_idx = h.idx
    return out
