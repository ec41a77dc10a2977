"""Rules compiled for the hot path: signals become bits, predicates are grouped by event kind, sequences become
step bit masks, and each sequence is indexed by the signals of its last step (only those can complete it).

Matching a sequence ending at an entry is a backward greedy scan: take the latest occurrences of the last step,
then the latest earlier occurrences of the step before, and so on. Taking the latest occurrence at every step
gives the latest possible start, so if any match fits within the span this one does, and its interval is the
shortest, so if an `absent` signal falls inside it, it falls inside every match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from fanzha.kb.sequences import RuleSet, Sequence, Signal, TextCondition, When
from fanzha.records.units import parse_duration
from fanzha.warn.textscore import TextVerdict

# an entry of a person's history: (time µs, arrival number, signal mask, fen, event id, kind, info)
T: Final = 0
SEQ: Final = 1
MASK: Final = 2
FEN: Final = 3
EID: Final = 4
KIND: Final = 5
INFO: Final = 6
Entry = tuple[int, int, int, int, str, str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _TextPred:
    labels: frozenset[str]
    kinds: frozenset[str]
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    min_findings: int
    not_exact: frozenset[str]
    not_prefixes: tuple[str, ...]
    min_score: float | None

    @property
    def monotone(self) -> bool:
        """More indicators, a higher label or score, genre attempt can only make it hold (so an upper bound
        that fails it proves the verdict fails it too)."""
        return (
            not self.not_exact
            and not self.not_prefixes
            and "safe" not in self.labels
            and (not self.kinds or "attempt" in self.kinds)
        )

    @property
    def accepts_quiet(self) -> bool:
        """Can a quiet verdict (safe, no scam indicator) satisfy this condition?"""
        return not self.min_findings and (not self.labels or "safe" in self.labels)

    def __call__(self, v: TextVerdict) -> bool:
        if self.labels and v.label not in self.labels:
            return False
        if self.kinds and v.kind not in self.kinds:
            return False
        if self.min_score is not None and v.score < self.min_score:
            return False
        inds = v.indicators
        if self.exact or self.prefixes:
            n = len(inds & self.exact)
            if self.prefixes:
                n += sum(1 for i in inds if i not in self.exact and i.startswith(self.prefixes))
            if n < self.min_findings:
                return False
        if self.not_exact and inds & self.not_exact:
            return False
        return not (self.not_prefixes and any(i.startswith(self.not_prefixes) for i in inds))


def _text_pred(t: TextCondition) -> _TextPred:
    exact = frozenset(x for x in t.findings if not x.endswith("*"))
    prefixes = tuple(x[:-1] for x in t.findings if x.endswith("*"))
    return _TextPred(
        frozenset(t.labels),
        frozenset(t.kinds),
        exact,
        prefixes,
        t.min_findings if t.findings else 0,
        frozenset(x for x in t.not_findings if not x.endswith("*")),
        tuple(x[:-1] for x in t.not_findings if x.endswith("*")),
        t.min_score,
    )


@dataclass(frozen=True, slots=True)
class Pred:
    """One `When` of one signal, for one event kind."""

    bit: int
    direction: frozenset[str]
    channel: frozenset[str]
    not_channel: frozenset[str]
    app: frozenset[str]
    not_app: frozenset[str]
    cp_prefix: tuple[str, ...]
    min_fen: int | None
    max_fen: int | None
    attrs: tuple[tuple[str, Any], ...]
    text: _TextPred | None

    def __call__(
        self,
        direction: str | None,
        channel: str | None,
        app: str | None,
        cp: str | None,
        fen: int | None,
        attrs: Mapping[str, Any] | None,
        verdict: TextVerdict | None,
    ) -> bool:
        if not self.base_ok(direction, channel, app, cp, fen, attrs):
            return False
        if self.text is not None:
            if verdict is None:
                return False
            return self.text(verdict)
        return True

    def base_ok(
        self,
        direction: str | None,
        channel: str | None,
        app: str | None,
        cp: str | None,
        fen: int | None,
        attrs: Mapping[str, Any] | None,
    ) -> bool:
        """Every condition but the text's."""
        if self.direction and direction not in self.direction:
            return False
        if self.channel and channel not in self.channel:
            return False
        if self.not_channel and channel in self.not_channel:
            return False
        if self.app and app not in self.app:
            return False
        if self.not_app and app in self.not_app:
            return False
        if self.cp_prefix and not (cp and cp.startswith(self.cp_prefix)):
            return False
        if self.min_fen is not None and (fen is None or fen < self.min_fen):
            return False
        if self.max_fen is not None and (fen is None or fen > self.max_fen):
            return False
        if self.attrs:
            if attrs is None:
                return False
            for k, want in self.attrs:
                if attrs.get(k) != want:
                    return False
        return True


def _pred(bit: int, w: When) -> Pred:
    return Pred(
        bit,
        frozenset(w.direction),
        frozenset(w.channel),
        frozenset(w.not_channel),
        frozenset(w.app),
        frozenset(w.not_app),
        tuple(w.counterparty_prefix),
        None if w.min_amount is None else round(w.min_amount * 100),
        None if w.max_amount is None else round(w.max_amount * 100),
        tuple(sorted(w.attrs.items())),
        None if w.text is None else _text_pred(w.text),
    )


def _group(preds: list[tuple[str, Pred]], keep: Callable[[Pred], bool]) -> dict[str, tuple[Pred, ...]]:
    """Event kind → the predicates of that kind that `keep` accepts (every kind, even with none), in order."""
    out: dict[str, list[Pred]] = {}
    for k, p in preds:
        out.setdefault(k, [])
        if keep(p):
            out[k].append(p)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class CSeq:
    """A compiled sequence."""

    index: int
    id: str
    steps: tuple[tuple[int, int, int], ...]  # (mask, count, min fen)
    within: int
    absent: int
    risk: float
    stage: int
    last_mask: int
    #: (step, earlier step), 0-based: the two steps' events have the same counterparty
    same_cp: tuple[tuple[int, int], ...] = ()


class CompiledRules:
    """A `RuleSet` ready for the engine."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.signals: list[Signal] = list(rules.signals)
        self.signal_ids = [s.id for s in self.signals]
        self.bit = {s.id: 1 << i for i, s in enumerate(self.signals)}
        # (event kind, predicate) in definition order; a `When` of several kinds shares one predicate
        preds = [
            (k, p) for s in self.signals for w in s.when for p in (_pred(self.bit[s.id], w),) for k in w.kind
        ]
        self.text_kinds: set[str] = {k for k, p in preds if p.text is not None}
        #: event kind → its predicates; and those that can hold for a quiet text (safe, no indicator)
        self.by_kind = _group(preds, lambda p: True)
        self.quiet_by_kind = _group(preds, lambda p: p.text is None or p.text.accepts_quiet)
        #: kind → the predicates that look at the text
        self.text_preds = _group(preds, lambda p: p.text is not None)
        # text_possible depends only on (kind, direction, channel, app) when no text predicate looks further
        self._possible: dict[tuple[str, str | None, str | None, str | None], bool] | None = (
            {}
            if all(
                not p.cp_prefix and p.min_fen is None and p.max_fen is None and not p.attrs
                for v in self.text_preds.values()
                for p in v
            )
            else None
        )
        #: may a text's upper bound stand in for its verdict when it raises nothing?
        self.text_monotone = all(p.text is None or p.text.monotone for _, p in preds)
        self.sequences: list[CSeq] = []
        for i, q in enumerate(rules.sequences):
            self.sequences.append(self._compile(i, q))
        self.by_id = {q.id: q for q in self.sequences}
        self.source = {q.id: q for q in rules.sequences}
        # signals of a first step open a person's state; the others are recorded only while one is open
        self.opening = 0
        for cq in self.sequences:
            self.opening |= cq.steps[0][0]
        self.max_span = max((q.within for q in self.sequences), default=3600 * 1_000_000)
        self.sent_mask = self._mask(s.id for s in self.signals if s.stake == "sent")
        self.borrowed_mask = self._mask(s.id for s in self.signals if s.stake == "borrowed")
        self.stage_of = [(self.bit[s.id], s.stage) for s in self.signals if s.stage is not None]
        self.variant_hints = [(self.bit[s.id], s.variant) for s in self.signals if s.variant is not None]
        self.digest = rules.digest

    def _mask(self, ids: Any) -> int:
        m = 0
        for i in ids:
            m |= self.bit[i]
        return m

    def _compile(self, index: int, q: Sequence) -> CSeq:
        steps = tuple(
            (self._mask(st.any), st.count, 0 if st.min_amount is None else round(st.min_amount * 100))
            for st in q.steps
        )
        return CSeq(
            index,
            q.id,
            steps,
            parse_duration(q.within),
            self._mask(q.absent),
            q.risk,
            q.stage,
            steps[-1][0],
            tuple(
                (k, st.same_counterparty_as - 1)
                for k, st in enumerate(q.steps)
                if st.same_counterparty_as is not None
            ),
        )

    def text_possible(
        self,
        kind: str,
        direction: str | None,
        channel: str | None,
        app: str | None,
        cp: str | None,
        fen: int | None,
        attrs: Mapping[str, Any] | None,
    ) -> bool:
        """Can any signal that reads the text hold for this event, whatever the text says? (An outgoing chat
        or a platform's in-app service: no, so its text is not scored.)"""
        memo = self._possible
        if memo is not None:
            key = (kind, direction, channel, app)
            got = memo.get(key)
            if got is None:
                got = any(
                    p.base_ok(direction, channel, app, cp, fen, attrs) for p in self.text_preds.get(kind, ())
                )
                if len(memo) < 100_000:
                    memo[key] = got
            return got
        return any(p.base_ok(direction, channel, app, cp, fen, attrs) for p in self.text_preds.get(kind, ()))

    def names(self, mask: int) -> list[str]:
        """The signal ids of a mask, in definition order."""
        return [sid for sid in self.signal_ids if mask & self.bit[sid]]

    def mask_of(self, names: list[str]) -> int:
        """The mask of signal ids (unknown ids — from an older rule set — are ignored)."""
        m = 0
        bit = self.bit
        for n in names:
            m |= bit.get(n, 0)
        return m

    def signals_for(self, raw: Any, verdict: TextVerdict | None) -> int:
        """The signal mask an event (a `Raw`) raises, given its text's verdict."""
        preds = self.by_kind.get(raw.kind)
        if not preds:
            return 0
        if verdict is not None and verdict.quiet:
            preds = self.quiet_by_kind[raw.kind]
        return self.signals_of(
            preds, raw.direction, raw.channel, raw.app, raw.counterparty, raw.fen, raw.attrs, verdict
        )

    @staticmethod
    def signals_of(
        preds: tuple[Pred, ...],
        direction: str | None,
        channel: str | None,
        app: str | None,
        cp: str | None,
        fen: int | None,
        attrs: Mapping[str, Any] | None,
        verdict: TextVerdict | None,
    ) -> int:
        """The signal mask raised by the predicates `preds` (those of the event's kind)."""
        mask = 0
        for p in preds:
            if not mask & p.bit and p(direction, channel, app, cp, fen, attrs, verdict):
                mask |= p.bit
        return mask


def match_ending_at(entries: list[Entry], j: int, q: CSeq) -> tuple[int, ...] | None:
    """The indices (in time order) of a match of `q` whose last step uses entries[j], or None. A step that must
    share its counterparty with a later one (`same_cp`) takes the latest occurrence that does (the later step is
    chosen first, scanning backwards): exact when the later step is the last (its entry is j) or is itself bound
    to the last, as `money.test_transfer`'s are; otherwise the later step's latest occurrence decides."""
    end = entries[j]
    lo_t = end[T] - q.within
    steps = q.steps
    # step → the later step whose counterparty it must have
    bound_to = {r: s for s, r in q.same_cp} if q.same_cp else None
    # per step, the entry it took (same_cp steps take one); only for a sequence that binds steps
    at = [0] * len(steps) if bound_to is not None else None
    used: list[int] = []
    i = j  # next candidate index, scanning backwards
    first = True
    for s in range(len(steps) - 1, -1, -1):
        mask, count, min_fen = steps[s]
        want: str | None = None
        if bound_to is not None and at is not None and s in bound_to:
            want = entries[at[bound_to[s]]][INFO].get("cp")
            if not want:
                return None
        got = 0
        total = 0
        if first:
            if not end[MASK] & mask:
                return None
            used.append(j)
            got, total = 1, end[FEN]
            i = j - 1
            first = False
        while got < count or total < min_fen:
            while i >= 0 and (
                not entries[i][MASK] & mask or (want is not None and entries[i][INFO].get("cp") != want)
            ):
                if entries[i][T] < lo_t:
                    return None
                i -= 1
            if i < 0 or entries[i][T] < lo_t:
                return None
            used.append(i)
            got += 1
            total += entries[i][FEN]
            i -= 1
        if at is not None:
            at[s] = used[-1]
    used.reverse()
    if q.absent:
        for k in range(used[0] + 1, j):
            if entries[k][MASK] & q.absent and k not in used:
                return None
    return tuple(used)
