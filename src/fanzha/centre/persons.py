"""The persons registry: person id → name, phone, station — what an operator needs to make the call.

Reading a person is a read of personal data: it is audited. Integrators never get it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.models import PersonRow
from fanzha.centre.store import Store

FIELDS = ("name", "phone", "station", "city")


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str | None
    phone: str | None
    station: str | None
    city: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "phone": self.phone,
            "station": self.station,
            "city": self.city,
        }


class Persons:
    def __init__(self, store: Store, audit: AuditLog) -> None:
        self.store = store
        self.audit = audit

    def upsert(self, actor: Actor, people: Iterable[Mapping[str, Any]]) -> int:
        """Add or replace people (`person_id` and any of name, phone, station, city); the count written."""
        self.audit.require(actor, "persons:write", "person.import", resource="person")
        rows: list[dict[str, Any]] = [
            {"person_id": str(p["person_id"]), **{f: _opt(p.get(f)) for f in FIELDS}}
            for p in people
            if p.get("person_id")
        ]
        with self.store.session() as s:
            for k in range(0, len(rows), 500):
                part = rows[k : k + 500]
                ids = [r["person_id"] for r in part]
                known = {
                    r.person_id: r for r in s.scalars(select(PersonRow).where(PersonRow.person_id.in_(ids)))
                }
                for r in part:
                    row = known.get(r["person_id"])
                    if row is None:
                        s.add(PersonRow(**r))
                    else:
                        for f in FIELDS:
                            setattr(row, f, r[f])
            self.audit.log(s, actor, "person.import", resource="person", detail={"n": len(rows)})
        return len(rows)

    def get(self, actor: Actor, person_id: str, *, why: str = "person.read") -> Person:
        """One person (audited: a read of personal data)."""
        self.audit.require(actor, "alerts:pii", why, resource="person", resource_id=person_id)
        person = self.lookup(person_id)
        self.audit.record(actor, why, resource="person", resource_id=person_id)
        if person is None:
            raise Refused("E904", what="person", id=person_id)
        return person

    def lookup(self, person_id: str) -> Person | None:
        """Without audit: for the centre's own use (the station of a new alert)."""
        with self.store.sessions() as s:
            r = s.get(PersonRow, person_id)
            return None if r is None else Person(r.person_id, r.name, r.phone, r.station, r.city)

    def stations(self, person_ids: Iterable[str]) -> dict[str, str | None]:
        ids = sorted(set(person_ids))
        out: dict[str, str | None] = {}
        with self.store.sessions() as s:
            for k in range(0, len(ids), 500):
                q = select(PersonRow.person_id, PersonRow.station).where(
                    PersonRow.person_id.in_(ids[k : k + 500])
                )
                for pid, station in s.execute(q):
                    out[pid] = station
        return out


def _opt(v: Any) -> str | None:
    return None if v is None else str(v)
