"""The alert queue and its workflow: what the engine raised, as the centre's operators work it.

An alert's *engine* side (level, risk, stage, variant, money at stake, evidence) follows its latest revision;
its *workflow* side is the centre's: ``new`` → ``claimed`` (an operator is calling) → ``resolved`` with an
outcome (``dissuaded``, ``lost``, ``unreachable``, ``false_alarm``, ``handed_off``) and the amount protected;
or ``handed_off`` to a local police station, which claims and resolves it in turn. A claimed alert is released
back to ``new`` (or to its station). Every step is an `alert_actions` row and an audit record; concurrent
operators are serialised by conditional updates (the first claim wins, the second gets E908).

The queue is sorted by risk, then by the time the loss is expected (`due`: the latest revision plus the loss
horizon of its stage, never later than before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.models import ActionRow, AlertRow, PersonRow, RevisionRow
from fanzha.centre.persons import Persons
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.kb.sequences import Playbook, RuleSet, default_rules
from fanzha.records.units import datetime_of, fen_to_yuan, us_of

LEVELS = ("low", "medium", "high")
STATUSES = ("new", "claimed", "handed_off", "resolved")
OUTCOMES = ("dissuaded", "lost", "unreachable", "false_alarm", "handed_off")
Outcome = Literal["dissuaded", "lost", "unreachable", "false_alarm", "handed_off"]
TZ = "Asia/Shanghai"


def iso(t_us: int | None) -> str | None:
    return None if t_us is None else datetime_of(t_us, TZ).isoformat(timespec="seconds")


def _us(value: str) -> int:
    return us_of(datetime.fromisoformat(value))


def _fen(yuan: float) -> int:
    return round(yuan * 100)


@dataclass(frozen=True)
class QueueFilter:
    level: str | None = None
    status: str | None = None  # None: every alert not resolved
    assignee: str | None = None
    station: str | None = None
    variant: str | None = None
    person_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class Alerts:
    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        persons: Persons,
        settings: Settings,
        now_us: Callable[[], int],
        rules: RuleSet | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self.persons = persons
        self.now_us = now_us
        self.rules = rules or default_rules()
        pb = self.rules.playbook
        assert pb is not None  # the shipped rules always have one (E729 otherwise, at load)
        self.playbook: Playbook = pb
        self.horizon = {k: int(v.total_seconds() * 1_000_000) for k, v in settings.loss_horizon.items()}

    # -- the engine's side -----------------------------------------------------------------------------

    def write_revisions(self, s: Session, revisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store revisions (idempotent) and apply the newer ones to the queue; the items to publish: each
        revision with the id of its row (the stream's event id)."""
        now = self.now_us()
        rows = [
            {
                "alert_id": r["alert_id"],
                "revision": r["revision"],
                "person_id": r["person_id"],
                "status": r["status"],
                "level": r["level"],
                "risk": r["risk"],
                "stage": r["stage"],
                "variant": r["variant"],
                "updated_us": _us(r["updated_at"]),
                "body": orjson.dumps(r).decode(),
                "created_us": now,
            }
            for r in revisions
        ]
        self.store.insert_ignore(s, RevisionRow.__table__, rows, ["alert_id", "revision"])  # type: ignore[arg-type]
        ids = sorted({r["alert_id"] for r in revisions})
        row_of: dict[tuple[str, int], int] = {}
        alerts: dict[str, AlertRow] = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            q = select(RevisionRow.id, RevisionRow.alert_id, RevisionRow.revision).where(
                RevisionRow.alert_id.in_(part)
            )
            for rid, aid, rev in s.execute(q):
                row_of[(aid, rev)] = rid
            alerts.update(
                {a.alert_id: a for a in s.scalars(select(AlertRow).where(AlertRow.alert_id.in_(part)))}
            )
        newcomers = sorted({r["person_id"] for r in revisions if r["alert_id"] not in alerts})
        stations: dict[str, str | None] = {}
        for k in range(0, len(newcomers), 500):
            q2 = select(PersonRow.person_id, PersonRow.station).where(
                PersonRow.person_id.in_(newcomers[k : k + 500])
            )
            for pid, st in s.execute(q2):
                stations[pid] = st
        items = []
        for r, row in zip(revisions, rows, strict=True):
            rid = row_of[(r["alert_id"], r["revision"])]
            items.append({"id": rid, "revision": r})
            a = alerts.get(r["alert_id"])
            due = row["updated_us"] + self.horizon.get(int(r["stage"]), self.horizon[max(self.horizon)])
            fields = {
                "revision": r["revision"],
                "revision_row": rid,
                "engine_status": "closed" if r["status"] == "closed" else "open",
                "level": r["level"],
                "risk": float(r["risk"]),
                "stage": int(r["stage"]),
                "variant": r["variant"],
                "updated_us": row["updated_us"],
                "amount_at_stake_fen": _fen(r["amount_at_stake"]),
            }
            if a is None:
                a = AlertRow(
                    alert_id=r["alert_id"],
                    person_id=r["person_id"],
                    raised_us=_us(r["time"]),
                    due_us=due,
                    station=stations.get(r["person_id"]),
                    status="new",
                    active=True,
                    created_us=now,
                    **fields,
                )
                s.add(a)
                alerts[a.alert_id] = a
            elif r["revision"] > a.revision:
                for name, value in fields.items():
                    setattr(a, name, value)
                a.due_us = min(a.due_us, due)
        return items

    # -- reading ---------------------------------------------------------------------------------------

    def queue(
        self, actor: Actor, filt: QueueFilter, *, limit: int = 50, offset: int = 0, lang: str = "zh"
    ) -> dict[str, Any]:
        """A page of the queue, most urgent first; with the person's name and phone for those who may read
        them (audited)."""
        self.audit.require(actor, "alerts:read", "alert.queue", resource="alert")
        q = select(AlertRow)
        cond: list[ColumnElement[bool]] = (
            [AlertRow.active.is_(True)] if filt.status is None else [AlertRow.status == filt.status]
        )
        for col, value in (
            (AlertRow.level, filt.level),
            (AlertRow.assignee, filt.assignee),
            (AlertRow.station, filt.station),
            (AlertRow.variant, filt.variant),
            (AlertRow.person_id, filt.person_id),
        ):
            if value is not None:
                cond.append(col == value)
        q = q.where(*cond).order_by(AlertRow.risk.desc(), AlertRow.due_us, AlertRow.alert_id)
        with self.store.sessions() as s:
            total = int(s.scalar(select(func.count()).select_from(AlertRow).where(*cond)) or 0)
            rows = list(s.scalars(q.limit(limit).offset(offset)))
            people: dict[str, PersonRow] = {}
            pii = actor.principal.can("alerts:pii")
            if pii and rows:
                ids = sorted({r.person_id for r in rows})
                people = {
                    p.person_id: p for p in s.scalars(select(PersonRow).where(PersonRow.person_id.in_(ids)))
                }
        items = []
        for r in rows:
            item = self._item(r, lang)
            if pii:
                p = people.get(r.person_id)
                item["person"] = _person(p, r.person_id)
            items.append(item)
        if pii and rows:
            self.audit.record(
                actor,
                "alert.queue",
                resource="person",
                detail={"filter": filt.to_dict(), "persons": len({r.person_id for r in rows})},
            )
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    def get(self, actor: Actor, alert_id: str, lang: str = "zh") -> dict[str, Any]:
        """One alert: its latest revision, evidence, call script, revisions and the workflow's timeline; the
        person for those who may read it (audited)."""
        self.audit.require(actor, "alerts:read", "alert.read", resource="alert", resource_id=alert_id)
        with self.store.sessions() as s:
            a = s.get(AlertRow, alert_id)
            if a is None:
                raise Refused("E904", what="alert", id=alert_id)
            latest = s.get(RevisionRow, a.revision_row)
            body = orjson.loads(latest.body) if latest is not None else {}
            revs = list(
                s.execute(
                    select(
                        RevisionRow.id,
                        RevisionRow.revision,
                        RevisionRow.status,
                        RevisionRow.level,
                        RevisionRow.risk,
                        RevisionRow.stage,
                        RevisionRow.updated_us,
                    )
                    .where(RevisionRow.alert_id == alert_id)
                    .order_by(RevisionRow.revision)
                )
            )
            actions = list(
                s.scalars(select(ActionRow).where(ActionRow.alert_id == alert_id).order_by(ActionRow.id))
            )
            person = s.get(PersonRow, a.person_id) if actor.principal.can("alerts:pii") else None
        out = self._item(a, lang)
        out.update(
            summary=body.get("summary"),
            rule_ids=body.get("rule_ids", []),
            amount_sent=body.get("amount_sent"),
            amount_borrowed=body.get("amount_borrowed"),
            evidence=body.get("evidence", []),
            recommended_action=self.playbook.action(a.level, a.variant, body.get("rule_ids", []), lang),
            engine_lang=body.get("lang"),
            revisions=[
                {
                    "revision": rv,
                    "status": st,
                    "level": lv,
                    "risk": rk,
                    "stage": sg,
                    "updated_at": iso(up),
                    "stream_id": rid,
                }
                for rid, rv, st, lv, rk, sg, up in revs
            ],
            actions=[_action_dict(x) for x in actions],
        )
        timeline = [
            {
                "time": r["updated_at"],
                "what": "revision",
                "detail": {k: r[k] for k in ("revision", "status", "level", "stage")},
            }
            for r in out["revisions"]
        ]
        timeline += [
            {"time": x["time"], "what": x["action"], "by": x["actor"], "detail": x["detail"]}
            for x in out["actions"]
        ]
        out["timeline"] = sorted(timeline, key=lambda x: x["time"] or "")
        detail: dict[str, Any] = {}
        if actor.principal.can("alerts:pii"):
            out["person"] = _person(person, a.person_id)
            detail["person_id"] = a.person_id
        self.audit.record(
            actor,
            "alert.read",
            resource="alert",
            resource_id=alert_id,
            detail=detail,
        )
        return out

    def revisions_after(self, after_id: int, limit: int = 500) -> list[dict[str, Any]]:
        """Stored revisions after a stream id (a subscriber that reconnects catches up from here)."""
        with self.store.sessions() as s:
            q = (
                select(RevisionRow.id, RevisionRow.body)
                .where(RevisionRow.id > after_id)
                .order_by(RevisionRow.id)
            )
            return [{"id": rid, "revision": orjson.loads(body)} for rid, body in s.execute(q.limit(limit))]

    def _item(self, a: AlertRow, lang: str) -> dict[str, Any]:
        pb = self.playbook
        stage = pb.stages.get(a.stage)
        names = self.rules.variant_names
        return {
            "alert_id": a.alert_id,
            "person_id": a.person_id,
            "revision": a.revision,
            "engine_status": a.engine_status,
            "level": a.level,
            "level_name": next((lv.name.get(lang) for lv in pb.levels if lv.id == a.level), a.level),
            "risk": round(a.risk, 4),
            "stage": a.stage,
            "stage_name": stage.get(lang) if stage is not None else "",
            "variant": a.variant,
            "variant_name": names[a.variant].get(lang) if a.variant in names else a.variant,
            "amount_at_stake": fen_to_yuan(a.amount_at_stake_fen),
            "raised_at": iso(a.raised_us),
            "updated_at": iso(a.updated_us),
            "due_at": iso(a.due_us),
            "status": a.status,
            "assignee": a.assignee,
            "station": a.station,
            "handed_to": a.handed_to,
            "outcome": a.outcome,
            "amount_protected": fen_to_yuan(a.amount_protected_fen)
            if a.amount_protected_fen is not None
            else None,
            "outcome_at": iso(a.outcome_us),
        }

    # -- the workflow ----------------------------------------------------------------------------------

    def claim(self, actor: Actor, alert_id: str, lang: str = "zh") -> dict[str, Any]:
        """Take the alert: the operator is about to call. The first claim wins."""
        me = self._worker(actor, "alert.claim", alert_id)

        def check(a: AlertRow) -> dict[str, Any]:
            if a.status == "resolved":
                raise Refused("E910", outcome=a.outcome or "-")
            if a.status == "claimed" and a.assignee != me:
                raise Refused("E908", user=a.assignee or "-")
            now = self.now_us()
            return {
                "status": "claimed",
                "assignee": me,
                "claimed_us": now,
                "first_claim_us": a.first_claim_us or now,
            }

        return self._step(actor, alert_id, "claim", check, {}, lang)

    def release(self, actor: Actor, alert_id: str, lang: str = "zh") -> dict[str, Any]:
        """Give the alert back (to the queue, or to the station it was handed to)."""
        me = self._worker(actor, "alert.release", alert_id)

        def check(a: AlertRow) -> dict[str, Any]:
            self._own(actor, a, me)
            return {"status": "handed_off" if a.handed_to else "new", "assignee": None, "claimed_us": None}

        return self._step(actor, alert_id, "release", check, {}, lang)

    def note(self, actor: Actor, alert_id: str, text: str, lang: str = "zh") -> dict[str, Any]:
        self._worker(actor, "alert.note", alert_id)
        return self._step(actor, alert_id, "note", lambda a: {}, {"text": text}, lang)

    def outcome(
        self,
        actor: Actor,
        alert_id: str,
        outcome: str,
        *,
        amount_protected: float = 0.0,
        note: str | None = None,
        station: str | None = None,
        lang: str = "zh",
    ) -> dict[str, Any]:
        """Record how it ended: dissuaded (with the amount protected), lost, unreachable, false alarm, or
        handed off to a station. Only the operator who claimed it (or a supervisor)."""
        me = self._worker(actor, "alert.outcome", alert_id)
        if outcome == "handed_off" and not station:
            raise Refused("E911")

        def check(a: AlertRow) -> dict[str, Any]:
            self._own(actor, a, me)
            values: dict[str, Any] = {
                "status": "resolved",
                "active": False,
                "outcome": outcome,
                "amount_protected_fen": _fen(amount_protected),
                "outcome_us": self.now_us(),
                "outcome_by": me,
            }
            if station:
                values.update(handed_to=station, station=station)
            return values

        detail = {"outcome": outcome, "amount_protected": amount_protected, "note": note, "station": station}
        return self._step(actor, alert_id, "outcome", check, detail, lang)

    def handoff(
        self, actor: Actor, alert_id: str, station: str, note: str | None = None, lang: str = "zh"
    ) -> dict[str, Any]:
        """Hand the alert to a local police station, which claims and resolves it (a visit)."""
        me = self._worker(actor, "alert.handoff", alert_id)
        if not station.strip():
            raise Refused("E911")

        def check(a: AlertRow) -> dict[str, Any]:
            if a.status == "resolved":
                raise Refused("E910", outcome=a.outcome or "-")
            if a.status == "claimed" and a.assignee != me and not actor.principal.can("alerts:supervise"):
                raise Refused("E908", user=a.assignee or "-")
            return {"status": "handed_off", "assignee": None, "handed_to": station, "station": station}

        return self._step(actor, alert_id, "handoff", check, {"station": station, "note": note}, lang)

    def _worker(self, actor: Actor, action: str, alert_id: str) -> str:
        self.audit.require(actor, "alerts:work", action, resource="alert", resource_id=alert_id)
        return actor.principal.name

    def _own(self, actor: Actor, a: AlertRow, me: str) -> None:
        if a.status == "resolved":
            raise Refused("E910", outcome=a.outcome or "-")
        if a.assignee != me and not actor.principal.can("alerts:supervise"):
            raise Refused("E909")

    def _step(
        self,
        actor: Actor,
        alert_id: str,
        action: str,
        check: Callable[[AlertRow], dict[str, Any]],
        detail: dict[str, Any],
        lang: str,
    ) -> dict[str, Any]:
        """Apply a workflow step with optimistic concurrency: the update holds only if the alert's status and
        assignee are still those `check` saw."""
        for _ in range(5):
            with self.store.session() as s:
                a = s.get(AlertRow, alert_id)
                if a is None:
                    raise Refused("E904", what="alert", id=alert_id)
                seen = (a.status, a.assignee)
                values = check(a)
                if values:
                    done = s.execute(
                        update(AlertRow)
                        .where(
                            AlertRow.alert_id == alert_id,
                            AlertRow.status == seen[0],
                            AlertRow.assignee.is_(None) if seen[1] is None else AlertRow.assignee == seen[1],
                        )
                        .values(**values)
                        .execution_options(synchronize_session=False)
                    )
                    if done.rowcount != 1:  # type: ignore[attr-defined]
                        s.rollback()
                        continue
                now = self.now_us()
                s.add(
                    ActionRow(
                        alert_id=alert_id,
                        time_us=now,
                        actor=actor.principal.name,
                        action=action,
                        detail=orjson.dumps(detail).decode(),
                    )
                )
                self.audit.log(
                    s, actor, f"alert.{action}", resource="alert", resource_id=alert_id, detail=detail
                )
            with self.store.sessions() as s2:
                fresh = s2.get(AlertRow, alert_id)
                assert fresh is not None
                return self._item(fresh, lang)
        raise Refused("E908", user="?")

    def all_rows(self, since_us: int | None = None) -> Iterable[AlertRow]:
        with self.store.sessions() as s:
            q = select(AlertRow)
            if since_us is not None:
                q = q.where(AlertRow.raised_us >= since_us)
            return list(s.scalars(q))


def _person(p: PersonRow | None, person_id: str) -> dict[str, Any]:
    if p is None:
        return {"person_id": person_id, "name": None, "phone": None, "station": None}
    return {"person_id": p.person_id, "name": p.name, "phone": p.phone, "station": p.station}


def _action_dict(x: ActionRow) -> dict[str, Any]:
    return {
        "id": x.id,
        "time": iso(x.time_us),
        "actor": x.actor,
        "action": x.action,
        "detail": orjson.loads(x.detail),
    }
