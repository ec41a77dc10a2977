"""The live warning engine: events in, durable, then turned into alert revisions.

Event-sourced. A batch of events is validated row by row (`fanzha.records.events.raw_from_dict`: the coded
errors of `fanzha warn`), the new ones (by `event_id`) are committed to `events` with the batch's number, and
only then handed to the in-memory `fanzha.warn.WarnEngine`; the revisions it returns are written (unique by
alert id and revision), applied to the queue, queued for webhooks and published to subscribers. One lock
serialises all of it, so the engine sees the batches in exactly the order the store numbered them.

On start-up, `replay` rebuilds the engine by feeding it every stored event again, batch by batch in ingestion
order: the same input in the same batches gives the same revisions, and writing them is idempotent, so a crash
anywhere — after the events were committed and before their revisions were — loses nothing and duplicates
nothing.

The shared scam-account list (`fanzha.warn.payees`: accounts reported by victims, flagged by their receiving
bank) is given through `add_payees`: each flag is stored with the number of the last batch the engine had
processed, then handed to the engine, which reads it for every later event whose time is at or after the flag's.
A replay hands each stored flag to the engine at the same place between the batches, so it answers as the live
engine did.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, select, update

from fanzha.centre.access import Actor, Refused
from fanzha.centre.alerts import iso
from fanzha.centre.audit import AuditLog
from fanzha.centre.coded import coded
from fanzha.centre.models import EventRow, PayeeFlagRow
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.errors import InputError, shown
from fanzha.records.events import Raw, RawRow, Rejected, raw_from_dict
from fanzha.warn.engine import WarnConfig, WarnEngine
from fanzha.warn.payees import PayeeFlag, PayeeList, checked_subject, parse_flag
from fanzha.warn.textscore import DetectorScorer

log = logging.getLogger("fanzha.centre")

#: longest ids and kinds the store keeps
MAX_ID = 200
MAX_KIND = 64

#: the reasons a flag given to the centre may have (the engine's own, alerted_payer, it learns from its alerts)
GIVEN_REASONS = ("reported", "receiving_bank")
#: the reason of a stored row that takes an account off the list (`clear_payee`)
CLEARED = "cleared"

#: a batch's event ids as stored, with the batch that stored each (one statement, compiled once)
STORED = select(EventRow.event_id, EventRow.batch).where(
    EventRow.event_id.in_(bindparam("ids", expanding=True))
)

Revisions = list[dict[str, Any]]
#: what the centre does with the revisions of a batch: write them (in the session given) and return the
#: items to publish
Sink = Callable[[Revisions, bool], list[dict[str, Any]]]


class _Engine(WarnEngine):
    """The warning engine in memory, keeping the rows it puts aside (late events) for the ingest's answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: list[Rejected] = []

    def reject(self, rej: Rejected) -> None:
        super().reject(rej)
        self.kept.append(rej)


@dataclass
class IngestResult:
    """The answer to one batch: a status per row (accepted, duplicate or rejected with a coded error)."""

    batch: int | None
    rows: list[dict[str, Any]]
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    revisions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "revisions": self.revisions,
            "rows": self.rows,
        }


@dataclass
class ReplayStats:
    events: int = 0
    batches: int = 0
    revisions: int = 0
    seconds: float = 0.0
    kept_aside: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rate = self.events / self.seconds if self.seconds > 0 else None
        return {
            "events": self.events,
            "batches": self.batches,
            "revisions": self.revisions,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(rate) if rate else None,
            "kept_aside": self.kept_aside,
        }


class LiveWarn:
    """The one live engine of this process (the store may hold several processes' events only if they
    partition the persons among them; see docs/service.md)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        audit: AuditLog,
        sink: Sink,
        now_us: Callable[[], int],
        scorer: DetectorScorer | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.audit = audit
        self.sink = sink
        self.now_us = now_us
        self.lock = threading.Lock()
        self.scorer = scorer
        self.engine = self._fresh()
        self.batch_no = 0
        self.broken = False
        self.last_replay = ReplayStats()

    def _fresh(self) -> _Engine:
        if self.scorer is None:
            self.scorer = DetectorScorer()
        config = WarnConfig(lateness=self.settings.lateness, lang=self.settings.lang)
        return _Engine(config=config, scorer=self.scorer, store=None)

    # -- start-up --------------------------------------------------------------------------------------

    def replay(self) -> ReplayStats:
        """Rebuild the engine from the stored events (ingestion order, original batches) and write whatever
        revisions are missing."""
        with self.lock:
            return self._replay()

    def _replay(self) -> ReplayStats:
        started = time.perf_counter()
        self.engine = self._fresh()
        stats = ReplayStats()
        pending: Revisions = []
        flags = self._stored_flags()
        k = 0

        def given_before(batch: int | None) -> None:  # the flags the live engine had read before `batch`
            nonlocal k
            while k < len(flags) and (batch is None or flags[k][0] < batch):
                self._give(flags[k][1])
                k += 1

        q = select(EventRow.batch, EventRow.raw).order_by(EventRow.seq)
        with self.store.engine.connect() as conn:
            result = conn.execution_options(
                stream_results=True, yield_per=self.settings.replay_chunk
            ).execute(q)
            current: int | None = None
            raws: list[RawRow] = []
            for batch, raw in result:
                if batch != current and raws:
                    given_before(current)
                    pending.extend(self._run(raws))
                    stats.batches += 1
                    raws = []
                current = batch
                raws.append(tuple(orjson.loads(raw)))
                stats.events += 1
            if raws:
                given_before(current)
                pending.extend(self._run(raws))
                stats.batches += 1
        given_before(None)
        stats.kept_aside = self.engine.counters.rejected
        for k in range(0, len(pending), 2_000):
            self.sink(pending[k : k + 2_000], True)
        with self.store.sessions() as s:
            self.batch_no = int(s.scalar(select(func.max(EventRow.batch))) or 0)
        stats.revisions = len(pending)
        stats.seconds = time.perf_counter() - started
        self.broken = False
        self.last_replay = stats
        return stats

    def _stored_flags(self) -> list[tuple[int, PayeeFlag]]:
        """The flags given to the centre, as (the batch after which the engine read it, flag), in that order."""
        q = select(
            PayeeFlagRow.batch,
            PayeeFlagRow.account,
            PayeeFlagRow.time_us,
            PayeeFlagRow.reason,
            PayeeFlagRow.source,
            PayeeFlagRow.subject,
        ).order_by(PayeeFlagRow.batch, PayeeFlagRow.id)
        with self.store.engine.connect() as conn:
            return [(int(b), PayeeFlag(a, int(t), r, s, sub)) for b, a, t, r, s, sub in conn.execute(q)]

    def _give(self, f: PayeeFlag) -> None:
        """Hand one stored flag (or a clear: reason `CLEARED`) to the engine's list."""
        lst = self.engine.payees
        if f.reason == CLEARED:
            if isinstance(lst, PayeeList):
                lst.clear(f.account, f.time, f.source, subject=f.subject)
        else:
            lst.flag(f.account, f.time, f.reason, f.source, subject=f.subject)

    def _run(self, raws: Sequence[RawRow]) -> Revisions:
        self.engine.kept = []
        return self.engine.process(raws)

    # -- ingest ----------------------------------------------------------------------------------------

    def ingest(self, actor: Actor, rows: Sequence[Any], lang: str) -> IngestResult:
        """Validate, store and process one batch of events given as JSON objects."""
        self.audit.require(actor, "events:write", "events.ingest", resource="events")
        if len(rows) > self.settings.max_batch:
            raise Refused("E912", max=self.settings.max_batch, count=len(rows))
        out: list[dict[str, Any]] = [{} for _ in rows]
        valid: list[tuple[int, Raw]] = []
        rejected = 0
        for i, row in enumerate(rows):
            where = f"events[{i}]"
            eid = row.get("event_id") if isinstance(row, dict) else None
            try:
                raw = raw_from_dict(row, where=where)
                _check_sizes(raw, where)
            except InputError as exc:
                rejected += 1
                out[i] = {
                    "row": i,
                    "event_id": eid if isinstance(eid, str) else None,
                    "status": "rejected",
                    "error": coded(exc, lang),
                }
                continue
            valid.append((i, raw))
        return self._ingest(actor, valid, out, rejected, lang, source=actor.principal.label)

    def ingest_raws(self, actor: Actor, raws: Sequence[RawRow], source: str) -> IngestResult:
        """Store and process events already validated (the demo's feeder reads them from a world)."""
        out: list[dict[str, Any]] = [{} for _ in raws]
        return self._ingest(actor, [(i, Raw(*r)) for i, r in enumerate(raws)], out, 0, "zh", source=source)

    def _ingest(
        self,
        actor: Actor,
        valid: list[tuple[int, Raw]],
        out: list[dict[str, Any]],
        rejected: int,
        lang: str,
        source: str,
    ) -> IngestResult:
        result = IngestResult(None, out, rejected=rejected)
        with self.lock:
            if self.broken:
                self._replay()
            batch = self.batch_no + 1
            now = self.now_us()
            first: list[tuple[int, Raw]] = []  # each event id's first row in this batch
            seen: set[str] = set()
            for i, raw in valid:
                if raw.event_id in seen:
                    result.duplicates += 1
                    out[i] = {"row": i, "event_id": raw.event_id, "status": "duplicate"}
                    continue
                seen.add(raw.event_id)
                first.append((i, raw))
            rows = [
                {
                    "event_id": r.event_id,
                    "batch": batch,
                    "person_id": r.person_id,
                    "time_us": r.t,
                    "kind": r.kind,
                    "raw": orjson.dumps(tuple(r)).decode(),
                    "kept_aside": None,
                    "received_us": now,
                    "source": source[:MAX_ID],
                }
                for _, r in first
            ]
            with self.store.engine.begin() as conn:  # durable before anything else happens to them
                inserted = self.store.insert_ignore(conn, EventRow.__table__, rows, ["event_id"])  # type: ignore[arg-type]
                # the usual batch: the insert wrote every row, no id was stored before, no lookup is needed
                before = set() if inserted == len(first) else self._stored_before(conn, list(seen), batch)
                new = [(i, r) for i, r in first if r.event_id not in before]
                for i, raw in first:
                    status = "duplicate" if raw.event_id in before else "accepted"
                    out[i] = {"row": i, "event_id": raw.event_id, "status": status}
                result.accepted = len(new)
                result.duplicates += len(first) - len(new)
                detail = {"accepted": len(new), "duplicates": result.duplicates, "rejected": rejected}
                self.audit.write(
                    conn, [self.audit.row(actor, "events.ingest", resource="events", detail=detail)]
                )
            if not new:
                return result
            self.batch_no = batch
            result.batch = batch
            kept: list[Rejected] = []
            published: list[dict[str, Any]] = []
            try:
                revisions = self._run([r for _, r in new])
                kept = list(self.engine.kept)
                published = self.sink(revisions, False)
                if kept:
                    self._mark_kept(kept)
            except Exception:
                # the events are stored, so the answer is still 202: the next batch (or a restart) rebuilds the
                # engine from them and writes the revisions this one could not
                log.exception("the live engine failed on batch %d: it will be rebuilt from the store", batch)
                self.broken = True
        at = {raw.event_id: i for i, raw in new}
        for rej in kept:
            row = at.get(rej.event_id or "")
            if row is not None:
                out[row] = {
                    "row": row,
                    "event_id": rej.event_id,
                    "status": "rejected",
                    "error": coded(rej, lang),
                }
                result.accepted -= 1
                result.rejected += 1
        result.revisions = len(published)
        return result

    @staticmethod
    def _stored_before(conn: Connection, ids: list[str], batch: int) -> set[str]:
        """Which of `ids` an earlier batch stored (the others this `batch`'s insert just wrote)."""
        found: set[str] = set()
        for k in range(0, len(ids), 900):
            found.update(eid for eid, b in conn.execute(STORED, {"ids": ids[k : k + 900]}) if b != batch)
        return found

    def _mark_kept(self, kept: list[Rejected]) -> None:
        with self.store.engine.begin() as conn:
            for rej in kept:
                if rej.event_id:
                    conn.execute(
                        update(EventRow).where(EventRow.event_id == rej.event_id).values(kept_aside=rej.code)
                    )

    # -- the shared payee list --------------------------------------------------------------------------------

    def add_payees(self, actor: Actor, rows: Sequence[Any], lang: str) -> dict[str, Any]:
        """Validate and store flags of the shared scam-account list (JSON objects: account — or device, a phone
        that emptied a reported victim's account —, time — now when absent —, reason `GIVEN_REASONS`, a phone's
        only reported, source), then hand the new ones to the engine. A status per row: accepted, duplicate (the
        list knows it for this reason already, from as early or earlier), or rejected with its coded error
        (E755)."""
        self.audit.require(actor, "payees:write", "payees.add", resource="payees")
        if len(rows) > self.settings.max_batch:
            raise Refused("E912", max=self.settings.max_batch, count=len(rows))
        now = self.now_us()
        out: list[dict[str, Any]] = []
        valid: list[tuple[int, PayeeFlag]] = []
        for i, row in enumerate(rows):
            try:
                f = parse_flag(row, f"payees[{i}]", now_us=now, reasons=GIVEN_REASONS, devices=True)
            except InputError as exc:
                out.append({"row": i, "status": "rejected", "error": coded(exc, lang)})
                continue
            if not f.source:
                f = PayeeFlag(f.account, f.time, f.reason, actor.principal.label[:200], f.subject)
            out.append({"row": i, f.subject: f.account, "status": "accepted"})
            valid.append((i, f))
        with self.lock:
            if self.broken:
                self._replay()
            with self.store.engine.begin() as conn:
                stored = self._flags_stored(conn, sorted({f.account for _, f in valid}))
                new: list[tuple[int, PayeeFlag]] = []
                lst = self.engine.payees
                for i, f in valid:
                    key = (f.subject, f.account, f.reason, f.time)
                    held = isinstance(lst, PayeeList) and lst.holds(
                        f.account, f.reason, f.time, subject=f.subject
                    )
                    if key in stored or held:
                        out[i]["status"] = "duplicate"  # stored, or known for this reason since as early
                    else:
                        stored.add(key)
                        new.append((i, f))
                self._store_flags(conn, actor, [f for _, f in new], now)
                counts = {
                    s: sum(1 for r in out if r["status"] == s) for s in ("accepted", "duplicate", "rejected")
                }
                self.audit.write(
                    conn, [self.audit.row(actor, "payees.add", resource="payees", detail=counts)]
                )
            for _, f in new:
                self._give(f)
        return {**counts, "rows": out}

    def clear_payee(
        self, actor: Actor, account: str, source: str = "", *, subject: str = "account"
    ) -> dict[str, Any]:
        """Take `account` (a phone, with `subject` "device") off the list from now on (an investigator found it
        innocent: a wrongly listed account warns everyone who pays it): stored like a flag, so a replay clears it
        at the same place; a flag known later lists it again. What the list says of it then (`payee`)."""
        self.audit.require(
            actor, "payees:write", "payees.clear", resource="payees", resource_id=account[:200]
        )
        if not account.strip() or len(account) > MAX_ID:
            raise InputError("E755", where="account", field="account", value=shown(account), valid=CLEARED)
        now = self.now_us()
        f = PayeeFlag(
            account.strip(), now, CLEARED, (source or actor.principal.label)[:200], checked_subject(subject)
        )
        with self.lock:
            if self.broken:
                self._replay()
            with self.store.engine.begin() as conn:
                self._store_flags(conn, actor, [f], now)
                self.audit.write(
                    conn,
                    [
                        self.audit.row(
                            actor, "payees.clear", resource="payees", resource_id=f.account, detail={}
                        )
                    ],
                )
            self._give(f)
        return self.payee(actor, f.account, subject=subject)

    def _store_flags(self, conn: Connection, actor: Actor, flags: list[PayeeFlag], now: int) -> None:
        """Store `flags` (or clears) with the last batch the engine has processed: a replay hands each to the
        engine after that batch, as the live engine got it."""
        rows = [
            {
                "subject": f.subject,
                "account": f.account,
                "time_us": f.time,
                "reason": f.reason,
                "source": f.source,
                "batch": self.batch_no,
                "created_by": actor.principal.label[:100],
                "created_us": now,
            }
            for f in flags
        ]
        self.store.insert_ignore(
            conn,
            PayeeFlagRow.__table__,  # type: ignore[arg-type]
            rows,
            ["subject", "account", "reason", "time_us"],
        )

    @staticmethod
    def _flags_stored(conn: Connection, accounts: list[str]) -> set[tuple[str, str, str, int]]:
        """(subject, account or phone, reason, time µs) of the stored flags of `accounts` (ids, either kind)."""
        found: set[tuple[str, str, str, int]] = set()
        for k in range(0, len(accounts), 900):
            q = select(
                PayeeFlagRow.subject, PayeeFlagRow.account, PayeeFlagRow.reason, PayeeFlagRow.time_us
            ).where(PayeeFlagRow.account.in_(accounts[k : k + 900]))
            found.update((sub, a, r, int(t)) for sub, a, r, t in conn.execute(q))
        return found

    def given(self, actor: Actor, *, limit: int = 100, reason: str | None = None) -> list[dict[str, Any]]:
        """The flags given to the centre, newest first (`limit` of them; of one `reason`)."""
        self.audit.require(actor, "payees:read", "payees.list", resource="payees")
        q = select(PayeeFlagRow).order_by(PayeeFlagRow.id.desc()).limit(limit)
        if reason is not None:
            q = q.where(PayeeFlagRow.reason == reason)
        with self.store.sessions() as s:
            return [
                {
                    "subject": r.subject,
                    "account": r.account,
                    "time": iso(r.time_us),
                    "reason": r.reason,
                    "source": r.source,
                    "created_by": r.created_by,
                    "created": iso(r.created_us),
                }
                for r in s.scalars(q)
            ]

    def payee(self, actor: Actor, account: str, *, subject: str = "account") -> dict[str, Any]:
        """What the engine's list says of `account` (a phone, with `subject` "device") now: the strongest reason
        known (None: not on the list) and every flag (given to the centre, or learned from the engine's own
        alerts)."""
        self.audit.require(actor, "payees:read", "payees.read", resource="payees")
        checked_subject(subject)
        with self.lock:
            lst = self.engine.payees
            flags = lst.of(account, subject=subject) if isinstance(lst, PayeeList) else []
            now = self.now_us()
            clears = lst.clears_of(account, subject=subject) if isinstance(lst, PayeeList) else []
            known = lst.known(account, now) if subject == "account" else lst.known_device(account, now)
            return {
                "subject": subject,
                "account": account,
                "known": known,
                "flags": [{"time": iso(f.time), "reason": f.reason, "source": f.source} for f in flags],
                "cleared": [{"time": iso(t), "source": src} for t, src in clears],
            }

    def counts(self) -> dict[str, Any]:
        c = self.engine.counters.to_dict()
        c["batches"] = self.batch_no
        c["open_states"] = len(self.engine.states)
        return c


def _check_sizes(raw: Raw, where: str) -> None:
    eid, pid, _, kind = raw[:4]
    if (
        len(eid) <= MAX_ID
        and len(pid) <= MAX_ID
        and len(kind) <= MAX_KIND
        and "\x00" not in eid
        and "\x00" not in pid
        and "\x00" not in kind
    ):
        return  # the common case, without building the loop below for every row
    for name, value, most in (
        ("event_id", raw.event_id, MAX_ID),
        ("person_id", raw.person_id, MAX_ID),
        ("kind", raw.kind, MAX_KIND),
    ):
        if len(value) > most:
            raise InputError("E906", where=where, field=name, reason=f"longer than {most} characters")
        if "\x00" in value:
            raise InputError("E906", where=where, field=name, reason="contains a NUL character")
