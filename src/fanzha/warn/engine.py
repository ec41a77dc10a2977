"""The warning engine: a person's events in, one alert per person out, escalated as evidence arrives.

    from fanzha.warn import WarnEngine, Event
    engine = WarnEngine()                       # shipped rules, the detector, in memory
    engine = WarnEngine(store="warn.db")        # … persisted in SQLite: restart resumes exactly
    revisions = engine.process(events)          # one batch (committed before it returns)

Per event: the lateness check against the watermark (the latest event time seen), the duplicate check, the
signals it raises (message texts scored by the detector, once per distinct text), then — only for a
signal-bearing event — the person's state and the step function (`fanzha.warn.state`). Events that raise no
signal cost a few dictionary lookups and comparisons. At the end of each batch idle states expire and the batch
is committed in one transaction.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from fanzha.errors import InputError
from fanzha.kb.sequences import Playbook, RuleSet, default_rules
from fanzha.messages import LANGS
from fanzha.records.events import (
    KINDS,
    MESSAGE_KINDS,
    Chunk,
    Event,
    Mark,
    Raw,
    RawRow,
    Rejected,
    raw_from_dict,
)
from fanzha.records.kinds import PAYEE_KINDS
from fanzha.records.units import us_of
from fanzha.warn.alerts import SNIPPET, render
from fanzha.warn.compiled import EID, INFO, KIND, CompiledRules, Entry, T
from fanzha.warn.payees import PayeeIntel, PayeeList
from fanzha.warn.state import PersonState, Revision, Stepper, evidence_entries
from fanzha.warn.store import WarnStore
from fanzha.warn.textscore import DetectorScorer, Scorer, TextVerdict

Clock = Callable[[], datetime]
RECENT_IDS = 65_536
#: the option of `fanzha warn` behind each setting a store keeps
_OPTION = {
    "lang": "--lang",
    "lateness": "--lateness",
    "lateness_by_kind": "--lateness-for",
    "ttl": "--ttl",
    "tz": "tz",
    "kb": "kb",
    "payee_feed": "--no-payee-feed",
    "payee_list": "--payee-list",
}
#: alert levels from which a person's new payees are flagged for the others (a dissuasion call and up)
FEED_LEVELS = frozenset(("medium", "high"))
#: payees the engine's own feed never lists, by the event's `attrs.counterparty_type` (what the person's bank
#: knows of the payee account): a company's account (a utility, a shop, a lender) is paid by thousands, and one
#: alert on one of its payers — right or wrong — would alert every one of them (see docs/warn.md)
NOT_FED = frozenset(("corporate",))
#: longest `attrs.counterparty_type` an entry keeps
MAX_CP_TYPE = 32


@dataclass(frozen=True, slots=True)
class WarnConfig:
    """Settings of the engine (the rules themselves are data: `kb/data/sequences/`)."""

    #: events older than the watermark minus this are late: reported and kept aside, not applied
    lateness: timedelta = timedelta(minutes=30)
    #: a bound of its own for some event kinds, for sources that deliver later than the others (telephone
    #: operators' call and SMS records come in batches up to an hour late: {"call": 65m, "sms": 65m})
    lateness_by_kind: Mapping[str, timedelta] = field(default_factory=dict)
    #: a person's state is dropped after this long without a signal (default: the longest rule span + lateness)
    ttl: timedelta | None = None
    #: language of alerts' texts: zh (default) or en
    lang: str = "zh"
    #: time zone in which alerts' times are written
    tz: str = "Asia/Shanghai"
    #: score message texts through the indicator gate (see `fanzha.warn.textscore`)
    text_gate: bool = True
    #: distinct texts whose verdict is cached
    text_cache: int = 200_000
    #: state across persons: flag the payees of a person under a medium or high alert on the shared payee list
    #: (`fanzha.warn.payees`), so that another person who adds one later is warned at once
    payee_feed: bool = True

    def __post_init__(self) -> None:
        if self.lateness < timedelta(0):
            raise InputError(
                "E741", where="--lateness", option="lateness", valid="≥ 0", value=str(self.lateness)
            )
        for kind, bound in self.lateness_by_kind.items():
            if kind not in KINDS:
                raise InputError(
                    "E741",
                    where="--lateness-for",
                    option="lateness_by_kind",
                    valid=" | ".join(KINDS),
                    value=kind,
                )
            if bound < timedelta(0):
                raise InputError(
                    "E741", where="--lateness-for", option="lateness_by_kind", valid="≥ 0", value=str(bound)
                )
        if self.ttl is not None and self.ttl <= timedelta(0):
            raise InputError("E741", where="--ttl", option="ttl", valid="> 0", value=str(self.ttl))
        if self.lang not in LANGS:
            raise InputError("E741", where="--lang", option="lang", valid=" | ".join(LANGS), value=self.lang)


@dataclass
class Counters:
    """What happened to the events so far (persisted with the state)."""

    read: int = 0
    accepted: int = 0
    with_signals: int = 0
    rejected: int = 0
    late: int = 0
    duplicates: int = 0
    unknown_kind: int = 0
    messages: int = 0
    alerts: int = 0
    revisions: int = 0
    closed: int = 0
    states_opened: int = 0
    states_expired: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Counters:
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in d.items() if k in names})


@dataclass
class _Batch:
    dirty: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    times: list[int] = field(default_factory=list)  # (raised, updated) µs of each revision, flattened
    rejects: list[Rejected] = field(default_factory=list)


class WarnEngine:
    """Turns persons' event streams into alerts. Not thread-safe: one engine per partition of person ids."""

    def __init__(
        self,
        rules: RuleSet | CompiledRules | None = None,
        *,
        config: WarnConfig | None = None,
        scorer: Scorer | None = None,
        store: WarnStore | str | Path | None = None,
        clock: Clock | None = None,
        payees: PayeeIntel | None = None,
    ) -> None:
        self.config = config or WarnConfig()
        #: the shared list of payee accounts known as scam accounts (read at each payee event, fed by alerts)
        self.payees: PayeeIntel = payees if payees is not None else PayeeList()
        given = self.payees if isinstance(self.payees, PayeeList) else None
        #: what the list given says (a setting: the alerts depend on it); None for an empty or foreign list
        self._payee_list = given.digest() if given is not None and len(given) else None
        if rules is None:
            rules = default_rules()
        self.rules = rules if isinstance(rules, CompiledRules) else CompiledRules(rules)
        pb = self.rules.rules.playbook
        if pb is None:
            raise InputError("E729")
        self.playbook: Playbook = pb
        self.scorer: Scorer = scorer or DetectorScorer(
            cache_size=self.config.text_cache, gate=self.config.text_gate
        )
        self.clock = clock
        self.tz = ZoneInfo(self.config.tz)
        self.lateness = int(self.config.lateness.total_seconds() * 1_000_000)
        self.lateness_by_kind = {
            k: int(v.total_seconds() * 1_000_000) for k, v in self.config.lateness_by_kind.items()
        }
        #: the longest bound of any kind: how long a pending state waits for an earlier event
        self.wait = max([self.lateness, *self.lateness_by_kind.values()])
        self.ttl = (
            int(self.config.ttl.total_seconds() * 1_000_000)
            if self.config.ttl is not None
            else self.rules.max_span + self.wait
        )
        keep = max(self.rules.max_span, self.wait)
        thresholds = (
            self.playbook.levels[0].min_risk,
            self.playbook.levels[1].min_risk,
            self.playbook.levels[2].min_risk,
        )
        self.stepper = Stepper(self.rules, thresholds, keep)
        self.states: dict[str, PersonState] = {}
        self.watermark = 0
        self.counters = Counters()
        self._expiry: list[tuple[int, str]] = []
        # the last event ids (two generations of RECENT_IDS), for duplicates of any event
        self._recent: set[str] = set()
        self._older: set[str] = set()
        self._batch = _Batch()
        self.store: WarnStore | None = None
        self._stamped = False
        if store is not None:
            self.store = store if isinstance(store, WarnStore) else WarnStore(store)
            self._restore()

    # -- persistence -----------------------------------------------------------------------------------

    def _restore(self) -> None:
        store = self.store
        assert store is not None
        stamped = store.get_json("settings")
        if stamped is not None:
            self._check_settings(stamped, str(store.path))
            self._stamped = True
        for pid, data in store.load_states():
            st = PersonState.from_json(data, self.rules)
            self.states[pid] = st
            heapq.heappush(self._expiry, (st.last_t + (self.ttl if st.opened else self.wait), pid))
        self.watermark = int(store.get_json("watermark", 0))
        self.counters = Counters.from_dict(store.get_json("counters", {}))
        for account, reason, t, source in store.load_payee_flags():
            self.payees.flag(account, t, reason, source)
        self.payees.drain()  # already stored

    def settings(self) -> dict[str, Any]:
        """What the results depend on besides the events: the rules (sequences, signals, playbook), the detector's
        knowledge base, the lateness bound, the TTL, the alerts' language and time zone. A store keeps them
        from its first committed batch and refuses to go on with others (E710 the rules, E746 the rest)."""
        kb = getattr(getattr(self.scorer, "detector", None), "kb", None)
        return {
            "rules": self.rules.digest,
            "kb": getattr(kb, "version", None),
            "lateness": str(self.config.lateness),
            **(
                {"lateness_by_kind": {k: str(v) for k, v in sorted(self.config.lateness_by_kind.items())}}
                if self.config.lateness_by_kind
                else {}
            ),
            "ttl": str(timedelta(microseconds=self.ttl)),
            "lang": self.config.lang,
            "tz": self.config.tz,
            "payee_feed": self.config.payee_feed,
            "payee_list": self._payee_list,
        }

    def _check_settings(self, stamped: Mapping[str, Any], where: str) -> None:
        now = self.settings()
        if stamped.get("rules") != now["rules"]:
            raise InputError("E710", where=where, was=stamped.get("rules"), now=now["rules"])
        if stamped.get("lateness_by_kind", {}) != now.get(
            "lateness_by_kind", {}
        ):  # a store of before has none
            raise InputError(
                "E746",
                where=where,
                setting="--lateness-for",
                was=stamped.get("lateness_by_kind", {}),
                now=now.get("lateness_by_kind", {}),
            )
        for key, value in now.items():
            if key in stamped and stamped[key] != value:
                raise InputError(
                    "E746", where=where, setting=_OPTION.get(key, key), was=stamped[key], now=value
                )

    def commit(
        self, extra_meta: dict[str, Any] | None = None, marks: dict[str, Mark] | None = None
    ) -> list[dict[str, Any]]:
        """Expire idle states, write the batch (in one transaction when there is a store: with `marks`, how
        much of each input it read) and return its alert revisions. The first batch that read anything stamps
        the settings (`settings`) on the store."""
        self._expire(self.watermark)
        b = self._batch
        self._batch = _Batch()
        if self.store is not None:
            states = []
            for pid in b.dirty:
                st = self.states.get(pid)
                if st is not None:
                    states.append((pid, st.last_t, st.to_json(self.rules)))
            alerts = [
                (
                    r["alert_id"],
                    r["person_id"],
                    r["revision"],
                    r["status"],
                    r["level"],
                    t0,
                    t1,
                    orjson.dumps(r).decode(),
                )
                for r, t0, t1 in zip(b.revisions, b.times[0::2], b.times[1::2], strict=True)
            ]
            meta = {"watermark": self.watermark, "counters": self.counters.to_dict(), **(extra_meta or {})}
            if not self._stamped and self.counters.read:
                meta["settings"] = self.settings()
                self._stamped = True
            deleted = sorted(p for p in b.deleted if p not in self.states)
            flags = [  # the engine feeds accounts only; a phone is given, never learned (and not stored here)
                (f.account, f.reason, f.time, f.source) for f in self.payees.drain() if f.subject == "account"
            ]
            self.store.commit(states, deleted, alerts, b.rejects, meta, marks, flags)
        else:
            self.payees.drain()
        return b.revisions

    # -- the stream ----------------------------------------------------------------------------------

    def process(self, events: Iterable[Event | RawRow | Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Process one batch of events — `Event`s, `Raw` tuples or JSON-like mappings — in any order (late ones
        beyond the bound are kept aside) and commit it. Returns the alert revisions raised (opened, escalated,
        closed), as JSON-ready dicts."""
        raws: list[RawRow] = []
        rows: list[int] = []
        rejects: list[Rejected] = []
        n = 0
        for i, ev in enumerate(events, 1):
            n += 1
            if isinstance(ev, tuple):
                raws.append(ev)
            elif isinstance(ev, Event):
                raws.append(ev.to_raw())
            else:
                try:
                    raws.append(raw_from_dict(ev, where=f"api:{i}"))
                except InputError as exc:
                    eid = ev.get("event_id") if isinstance(ev, Mapping) else None
                    eid = eid if isinstance(eid, str) else None
                    rejects.append(Rejected.of_error("api", i, exc, event_id=eid))
                    continue
            rows.append(i)
        self.process_chunk(Chunk("api", raws, rows, rejects, n))
        return self.commit()

    def process_chunk(self, chunk: Chunk) -> None:
        """Apply rows read from files (events and rejected rows); `commit` writes them."""
        for rej in chunk.rejects:
            self.reject(rej)
        self.counters.read += len(chunk.rejects)
        self._accept_many(chunk.raws, chunk)

    def reject(self, rej: Rejected) -> None:
        self.counters.rejected += 1
        if rej.code == "E708":
            self.counters.late += 1
        elif rej.code == "E707":
            self.counters.duplicates += 1
        self._batch.rejects.append(rej)

    def accept(self, raw: Raw, source: str = "api", row: int = 0) -> None:
        """One event: lateness, duplicates, signals, and the person's step."""
        self._accept_many([raw], Chunk(source, [raw], [row], [], 1))

    def _accept_many(self, raws: Sequence[RawRow], where: Chunk) -> None:
        """The hot loop: events that raise no signal cost a few lookups and comparisons."""
        rules = self.rules
        by_kind = rules.by_kind
        quiet_by_kind = rules.quiet_by_kind
        text_kinds = rules.text_kinds
        signals_of = rules.signals_of
        text_possible = rules.text_possible
        monotone = rules.text_monotone
        scorer = self.scorer
        full = getattr(scorer, "full", None)
        recent = self._recent
        older = self._older
        lateness = self.lateness
        by_kind_late = self.lateness_by_kind
        expiry = self._expiry
        wm = self.watermark
        known = self.payees.known
        known_device = self.payees.known_device
        accepted = messages = unknown = 0
        for i, raw in enumerate(raws):
            eid, _, t, kind, channel, direction, counterparty, text, app, fen, attrs = raw
            if t > wm:
                wm = t
                if expiry and expiry[0][0] < wm:  # event time passed a state's deadline: expire it now
                    self.watermark = wm
                    self._expire(wm)
            elif t < wm - (bound := by_kind_late.get(kind, lateness) if by_kind_late else lateness):
                source, row = where.where(i)
                lag = round((wm - t) / 1_000_000)
                self.reject(Rejected.of(source, row, "E708", event_id=eid, lag=lag, bound=bound // 1_000_000))
                continue
            if eid in recent or eid in older:
                source, row = where.where(i)
                self.reject(Rejected.of(source, row, "E707", event_id=eid, id=eid))
                continue
            recent.add(eid)
            if len(recent) >= RECENT_IDS:  # two generations: the last RECENT_IDS to 2 × RECENT_IDS ids
                older = self._older = recent
                recent = self._recent = set()
            accepted += 1
            preds = by_kind.get(kind)
            if preds is None:
                if kind not in KINDS:
                    unknown += 1
                continue
            if kind in PAYEE_KINDS:  # the shared list: the payee account, and the phone it was made from
                if counterparty and (why := known(counterparty, t)) is not None:
                    attrs = {**attrs, "payee_flag": why} if attrs else {"payee_flag": why}
                if (
                    attrs
                    and isinstance(dev := attrs.get("device"), str)
                    and (why := known_device(dev, t)) is not None
                ):  # a phone that emptied a reported victim's account (account takeover)
                    attrs = {**attrs, "device_flag": why}
            verdict: TextVerdict | None = None
            if text and kind in MESSAGE_KINDS:
                messages += 1
                if kind in text_kinds and text_possible(
                    kind, direction, channel, app, counterparty, fen, attrs
                ):
                    verdict = scorer(text)
                    if verdict.quiet:
                        preds = quiet_by_kind[kind]
                        if not preds:
                            continue
                    elif verdict.bound:
                        # an upper bound that raises nothing proves the verdict raises nothing
                        bound_mask = signals_of(
                            preds, direction, channel, app, counterparty, fen, attrs, verdict
                        )
                        if not bound_mask and monotone:
                            continue
                        if full is None:
                            raise TypeError(
                                "a scorer that answers with upper bounds needs a full(text) method"
                            )
                        verdict = full(text)
            mask = signals_of(preds, direction, channel, app, counterparty, fen, attrs, verdict)
            if mask:
                self.watermark = wm
                if not self._apply(raw, mask, verdict):
                    accepted -= 1
                    source, row = where.where(i)
                    self.reject(Rejected.of(source, row, "E707", event_id=eid, id=eid))
        self.watermark = wm
        c = self.counters
        c.read += len(raws)
        c.accepted += accepted
        c.messages += messages
        c.unknown_kind += unknown

    def _apply(self, raw: RawRow, mask: int, verdict: TextVerdict | None) -> bool:
        """A signal-bearing event: the person's step. False when it is a duplicate of an event in the state."""
        c = self.counters
        rules = self.rules
        eid, pid, t, kind, channel, _, cp, text, app, fen, attrs = raw
        st = self.states.get(pid)
        if st is not None and t > (deadline := st.last_t + (self.ttl if st.opened else self.wait)):
            self._drop(st, deadline)  # idle for longer than its TTL: this event starts afresh
            st = None
        if st is None:
            # a signal that cannot start a chain is kept too, for the lateness bound only (a pending state):
            # an earlier event that opens the chain may still be on its way
            st = PersonState(pid)
            self.states[pid] = st
            c.states_opened += 1
        elif st.has_event(eid):  # a duplicate older than the in-memory window (or before a restart)
            return False
        c.with_signals += 1
        info: dict[str, Any] = {}
        if cp:
            info["cp"] = cp
            if channel:
                info["ch"] = channel
            if attrs and isinstance(ct := attrs.get("counterparty_type"), str) and ct:
                info["ct"] = ct[:MAX_CP_TYPE]
        if app:
            info["app"] = app
        if verdict is not None:
            if text:
                info["x"] = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
            if verdict.variants:
                info["vs"] = list(verdict.variants)
            if verdict.ask_fen and verdict.alarming:
                info["a"] = verdict.ask_fen
        entry: Entry = (t, st.seq, mask, fen or 0, eid, kind, info)
        st.seq += 1
        if mask & rules.opening:
            st.opened = True
        if st.opened:
            rev = self.stepper.step(st, entry, self.watermark)
        else:  # a pending state: no sequence can match before a signal that opens one
            self.stepper.insert(st, entry)
            rev = None
        self._batch.dirty.add(pid)
        deadline = st.last_t + (self.ttl if st.opened else self.wait)
        heapq.heappush(self._expiry, (deadline, pid))
        if rev is not None:
            self._emit(rev, st)
        if self.config.payee_feed and st.alert is not None and st.alert.level in FEED_LEVELS:
            self._feed_payees(st)
        if deadline < self.watermark:  # a late event with a TTL shorter than the lateness bound
            self._expire(self.watermark)
        return True

    def _feed_payees(self, st: PersonState) -> None:
        """The person is under a medium or high alert: the payees they added during the evidence go on the shared
        list, known from now on (the engine's clock: the latest event time) or from when they were added, if
        later. A payment to an account never added as a payee (a shop's QR code) is not flagged: shops are paid
        by everyone; nor is a payee the bank says is a company's (`NOT_FED`), for the same reason."""
        now = self.watermark
        flag = self.payees.flag
        for e in evidence_entries(st):
            info = e[INFO]
            if e[KIND] == "payee_added" and (cp := info.get("cp")) and info.get("ct") not in NOT_FED:
                flag(cp, max(e[T], now), "alerted_payer", f"{st.person_id}:{e[EID]}")

    def _emit(self, rev: Revision, st: PersonState) -> None:
        c = self.counters
        c.revisions += 1
        if rev.revision == 1:
            c.alerts += 1
        if rev.status == "closed":
            c.closed += 1
        self._batch.revisions.append(render(rev, st, self.rules, self.playbook, self.config.lang, self.tz))
        self._batch.times.extend((rev.time, rev.updated))

    def _expire(self, now: int) -> None:
        """Drop the states whose deadline (the last signal + the TTL, or the lateness bound for a pending state)
        is before `now`, closing their alerts at the deadline: so when a state closes does not depend on how the
        events were batched, nor on when the clock ticked."""
        heap = self._expiry
        while heap and heap[0][0] < now:
            _, pid = heapq.heappop(heap)
            st = self.states.get(pid)
            if st is None or (deadline := st.last_t + (self.ttl if st.opened else self.wait)) >= now:
                continue  # stale heap entry: the person had a signal since
            self._drop(st, deadline)

    def _drop(self, st: PersonState, now: int) -> None:
        rev = self.stepper.close(st, now)
        if rev is not None:
            self._emit(rev, st)
        pid = st.person_id
        del self.states[pid]
        self.counters.states_expired += 1
        self._batch.deleted.add(pid)
        self._batch.dirty.discard(pid)

    def tick(self) -> list[dict[str, Any]]:
        """Expire the states idle for the TTL by the injected clock (a live stream with no events for a while)
        and commit. Without a clock, only event time moves the engine."""
        if self.clock is not None:
            self._expire(us_of(self.clock()))
        return self.commit()

    # -- reading --------------------------------------------------------------------------------------

    def state_of(self, person_id: str) -> PersonState | None:
        return self.states.get(person_id)

    def open_alerts(self) -> list[str]:
        return sorted(st.alert.alert_id for st in self.states.values() if st.alert is not None)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
