"""Per-person state and the step function: one signal-bearing event in, the person's new state and at most one
alert revision out.

The state is small and serialisable (`to_json` / `from_json`): the person's recent signal entries (bounded by
the longest rule span, the lateness bound and a count), the sequences matched so far, and the open alert. The
step function reads nothing else — no clock, no global — so the same code runs partitioned by person id on a
distributed stream engine. A state whose person has been idle (no signal) for the TTL is dropped; so is its
alert, which closes.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field

import orjson

from fanzha.kb.sequences import LEVELS
from fanzha.warn.compiled import EID, FEN, INFO, KIND, MASK, SEQ, CompiledRules, Entry, T, match_ending_at

MAX_ENTRIES = 200
MAX_EVIDENCE = 40
#: a revision is also written when the money at stake grows by this factor (or from nothing)
STAKE_STEP = 1.5


@dataclass(slots=True)
class AlertState:
    """The open alert of a person."""

    alert_id: str
    opened: int  # µs: when it was raised
    revision: int
    level: str
    stage: int
    risk: float
    updated: int
    status: str = "open"
    stake: int = 0  # fen at stake at the last revision


@dataclass(slots=True)
class Revision:
    """A change of an alert worth telling: opened, escalated (level or stage up) or closed."""

    person_id: str
    alert_id: str
    revision: int
    status: str
    time: int  # µs, when the alert was raised
    updated: int  # µs, this revision


@dataclass(slots=True)
class PersonState:
    """What the engine remembers about one person."""

    person_id: str
    entries: list[Entry] = field(default_factory=list)
    matched: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    alert: AlertState | None = None
    last_t: int = 0
    seq: int = 0
    trimmed: int = 0
    opened: bool = (
        False  # has a signal that can start a chain (else it is pending: kept for the lateness bound)
    )

    # -- serialisation (signal ids by name, so a state survives rule edits) ---------------------------------

    def to_json(self, rules: CompiledRules) -> bytes:
        a = self.alert
        return orjson.dumps(
            {
                "p": self.person_id,
                "e": [
                    [e[T], e[SEQ], rules.names(e[MASK]), e[FEN], e[EID], e[KIND], e[INFO]]
                    for e in self.entries
                ],
                "m": {k: [t, list(ids)] for k, (t, ids) in self.matched.items()},
                "a": None
                if a is None
                else [
                    a.alert_id,
                    a.opened,
                    a.revision,
                    a.level,
                    a.stage,
                    a.risk,
                    a.updated,
                    a.status,
                    a.stake,
                ],
                "l": self.last_t,
                "s": self.seq,
                "x": self.trimmed,
                "o": self.opened,
            }
        )

    @classmethod
    def from_json(cls, data: bytes | str, rules: CompiledRules) -> PersonState:
        d = orjson.loads(data)
        entries: list[Entry] = []
        for t, seq, names, fen, eid, kind, info in d["e"]:
            entries.append((t, seq, rules.mask_of(names), fen, eid, kind, info))
        a = d["a"]
        alert = None if a is None else AlertState(*a)
        matched = {k: (v[0], tuple(v[1])) for k, v in d["m"].items() if k in rules.by_id}
        return cls(d["p"], entries, matched, alert, d["l"], d["s"], d.get("x", 0), d.get("o", True))

    # -- derived ---------------------------------------------------------------------------------------

    def has_event(self, event_id: str) -> bool:
        return any(e[EID] == event_id for e in self.entries)

    def risk(self, rules: CompiledRules) -> float:
        """Noisy-OR of the risks of the sequences matched."""
        keep = 1.0
        for rid in self.matched:
            keep *= 1.0 - rules.by_id[rid].risk
        return 1.0 - keep

    def stage(self, rules: CompiledRules) -> int:
        """The furthest stage the evidence shows: the highest stage of the signals raised from the first event
        a matched sequence used on (a meeting app installed after the call is stage 2, sharing the screen stage
        3, kb.yaml `stages`); the matched sequences' own stage when their events are no longer kept."""
        reached = 0
        for e in evidence_entries(self):
            m = e[MASK]
            for bit, stage in rules.stage_of:
                if m & bit and stage > reached:
                    reached = stage
        return reached or max((rules.by_id[r].stage for r in self.matched), default=0)


def evidence_entries(st: PersonState) -> list[Entry]:
    """The entries from the first one any matched sequence used, on (at most MAX_EVIDENCE: the first ten and
    the latest)."""
    used = {eid for _, ids in st.matched.values() for eid in ids}
    first = next((k for k, e in enumerate(st.entries) if e[EID] in used), 0)
    ev = st.entries[first:]
    if len(ev) > MAX_EVIDENCE:
        ev = ev[:10] + ev[-(MAX_EVIDENCE - 10) :]
    return ev


def money(st: PersonState, rules: CompiledRules, ev: list[Entry]) -> tuple[int, int, int]:
    """(at stake, sent, borrowed) in fen: sent to payees and borrowed on instruction during the evidence, and
    the largest amount the messages asked for; at stake is the largest of the three."""
    sent = sum(e[FEN] for e in ev if e[MASK] & rules.sent_mask)
    borrowed = sum(e[FEN] for e in ev if e[MASK] & rules.borrowed_mask)
    ask = max((int(e[INFO].get("a", 0)) for e in ev), default=0)
    return max(sent, borrowed, ask), sent, borrowed


def level_of(risk: float, thresholds: tuple[float, float, float]) -> str | None:
    """The level of a risk: the highest whose threshold it reaches, or None below 'low'."""
    out = None
    for name, lo in zip(LEVELS, thresholds, strict=True):
        if risk >= lo:
            out = name
    return out


def alert_id_of(person_id: str, rule_id: str, first_event: str) -> str:
    """Deterministic: the same person, opening rule and first evidence event give the same id."""
    h = hashlib.blake2b(f"{person_id}|{rule_id}|{first_event}".encode(), digest_size=8).hexdigest()
    return f"AL{h}"


class Stepper:
    """The per-person step function over `PersonState`, for one compiled rule set."""

    def __init__(self, rules: CompiledRules, thresholds: tuple[float, float, float], keep_us: int) -> None:
        self.rules = rules
        self.thresholds = thresholds
        self.keep_us = keep_us  # entries older than this (relative to the newest) are dropped

    def step(self, st: PersonState, entry: Entry, now: int) -> Revision | None:
        """Add a signal entry to `st` (in time order, even when it comes late), match the sequences it can
        complete, and update the alert. `now` is the engine's event-time clock (the alert's time)."""
        rules = self.rules
        entries = st.entries
        pos = self.insert(st, entry, prune=False)
        new = False
        matched = st.matched
        if pos < len(entries) - 1 and entry[MASK]:
            self._recheck(st, entry[MASK])
        for j in range(pos, len(entries)):
            m = entries[j][MASK]
            for q in rules.sequences:
                if q.id in matched or not m & q.last_mask:
                    continue
                used = match_ending_at(entries, j, q)
                if used is not None:
                    matched[q.id] = (now, tuple(entries[k][EID] for k in used))
                    new = True
        self._prune(st)
        if new:
            return self._update_alert(st, now)
        a = st.alert
        if a is not None and any(entry[MASK] & bit and stage > a.stage for bit, stage in rules.stage_of):
            return self._update_alert(st, now)  # a further stage (the screen shared after the meeting app)
        if a is not None and (entry[MASK] & (rules.sent_mask | rules.borrowed_mask) or "a" in entry[INFO]):
            stake = money(st, rules, evidence_entries(st))[0]
            if stake > 0 and stake >= a.stake * STAKE_STEP:
                a.stake = stake
                a.revision += 1
                a.updated = now
                return Revision(st.person_id, a.alert_id, a.revision, "open", a.opened, now)
        return None

    def insert(self, st: PersonState, entry: Entry, *, prune: bool = True) -> int:
        """Put `entry` in time order among the person's entries; returns its position."""
        entries = st.entries
        t = entry[T]
        if not entries or t >= entries[-1][T]:
            entries.append(entry)
            pos = len(entries) - 1
        else:
            pos = bisect.bisect_right([(e[T], e[SEQ]) for e in entries], (t, entry[SEQ]))
            entries.insert(pos, entry)
        if t > st.last_t:
            st.last_t = t
        if prune:
            self._prune(st)
        return pos

    def _recheck(self, st: PersonState, mask: int) -> None:
        """An entry came out of order with a signal some matched sequences need absent: keep those matches only
        if they still hold (the alert already raised stays; a revision is never taken back)."""
        entries = st.entries
        for rid in [r for r in st.matched if self.rules.by_id[r].absent & mask]:
            q = self.rules.by_id[rid]
            if not any(
                entries[j][MASK] & q.last_mask and match_ending_at(entries, j, q) is not None
                for j in range(len(entries))
            ):
                del st.matched[rid]

    def _prune(self, st: PersonState) -> None:
        entries = st.entries
        lo = st.last_t - self.keep_us
        if entries and entries[0][T] < lo:
            k = 0
            while k < len(entries) and entries[k][T] < lo:
                k += 1
            del entries[:k]
        if len(entries) > MAX_ENTRIES:
            st.trimmed += len(entries) - MAX_ENTRIES
            del entries[: len(entries) - MAX_ENTRIES]

    def _update_alert(self, st: PersonState, now: int) -> Revision | None:
        rules = self.rules
        risk = st.risk(rules)
        level = level_of(risk, self.thresholds)
        if level is None:
            return None
        stage = st.stage(rules)
        a = st.alert
        if a is None:
            opener = min(st.matched, key=lambda r: (st.matched[r][0], -rules.by_id[r].risk, r))
            first_eid = st.matched[opener][1][0]
            st.alert = AlertState(
                alert_id_of(st.person_id, opener, first_eid), now, 1, level, stage, risk, now
            )
            st.alert.stake = money(st, rules, evidence_entries(st))[0]
            return Revision(st.person_id, st.alert.alert_id, 1, "open", now, now)
        a.risk = risk
        stake = money(st, rules, evidence_entries(st))[0]
        if (
            LEVELS.index(level) > LEVELS.index(a.level)
            or stage > a.stage
            or (stake > 0 and stake >= a.stake * STAKE_STEP)
        ):
            a.level = level if LEVELS.index(level) > LEVELS.index(a.level) else a.level
            a.stage = max(stage, a.stage)
            a.stake = max(stake, a.stake)
            a.revision += 1
            a.updated = now
            return Revision(st.person_id, a.alert_id, a.revision, "open", a.opened, now)
        return None

    def close(self, st: PersonState, now: int) -> Revision | None:
        """The person went idle: close the open alert (a final revision with everything seen)."""
        a = st.alert
        if a is None:
            return None
        a.status = "closed"
        a.revision += 1
        a.updated = now
        return Revision(st.person_id, a.alert_id, a.revision, "closed", a.opened, now)
