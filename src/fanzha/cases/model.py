"""A case: one report as an investigator files it — who reported what and when, the detector's reading, the
identifiers the report names (typed, keyed, with their place in the text), the loss and the modus operandi.

The files of a case folder (written by `fanzha cases intake`, read by `link` and `leaks`):

- ``cases.jsonl``: every case, whole (text, findings, every entity with its span);
- ``cases.parquet``: one row per case (`CASES`), for DuckDB;
- ``identifiers.parquet``: one row per identifier a case names (`IDENTIFIERS`), for DuckDB;
- ``rejected.jsonl``: the input rows kept aside (`fanzha.records.events.Rejected.to_dict`): the place
  (``source``, ``row``), the code, its message and params, the row's text (``raw``);
- ``summary.json``: what the intake read, accepted and kept aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from fanzha.records.arrow import MONEY, TIME
from fanzha.records.units import TZ, datetime_of, fen_to_yuan, to_fen, us_of

CASES_FILE = "cases.parquet"
CASES_JSONL = "cases.jsonl"
IDENTIFIERS_FILE = "identifiers.parquet"
REJECTED_FILE = "rejected.jsonl"
SUMMARY_FILE = "summary.json"

CASES = pa.schema(
    [
        ("case_id", pa.string()),
        ("report_id", pa.string()),
        ("source", pa.string()),  # file:row
        ("person_id", pa.string()),
        ("reporter", pa.string()),
        ("time", TIME),  # when reported
        ("contact_time", TIME),  # when the scammer first made contact, as the text says (else null)
        ("label", pa.string()),  # the detector's: scam | suspicious | safe
        ("category", pa.string()),
        ("variant", pa.string()),
        ("stage", pa.int8()),
        ("score", pa.float32()),
        ("loss", MONEY),
        ("platforms", pa.list_(pa.string())),
        ("apps", pa.list_(pa.string())),
        (
            "mo",
            pa.list_(pa.string()),
        ),  # modus-operandi features (variant:…, app:…, platform:…, test_transfer …)
        ("origin", pa.string()),  # report | alert (a warning engine's alert filed as a case)
    ]
)
IDENTIFIERS = pa.schema(
    [
        ("case_id", pa.string()),
        ("kind", pa.string()),  # fanzha.text.identifiers.KINDS
        ("value", pa.string()),  # the key
        ("role", pa.string()),  # reported | victim (the reporter's own) | public (a known service number)
        ("of", pa.string()),  # for a partial number: what it ends (bank_card, phone …) or null
        ("start", pa.int32()),  # [start, end) in the case's text; null for a value given in a column
        ("end", pa.int32()),
        ("text", pa.string()),  # as written
    ]
)


@dataclass
class Mention:
    """Something a report names: an identifier (with its key), an amount, a time, an app, a platform …"""

    kind: str
    start: int | None
    end: int | None
    text: str
    value: Any
    key: str | None = None  # the identifier key (fanzha.text.identifiers), None for what is no identifier
    role: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        """The mention `to_dict` wrote."""
        return cls(
            d["kind"], d.get("start"), d.get("end"), d["text"], d.get("value"), d.get("key"), d.get("role"),
            dict(d.get("extra") or {}),
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text}
        out["value"] = self.value
        if self.key is not None:
            out["key"] = self.key
            out["role"] = self.role
        if self.extra:
            out["extra"] = self.extra
        return out


@dataclass
class Case:
    """One report, filed (or one alert of the warning engine: `origin`)."""

    case_id: str
    report_id: str
    source: str
    person_id: str | None
    reporter: str | None
    time: int  # µs
    time_source: str  # field | text | file
    text: str
    label: str
    kind: str
    category: str | None
    variant: str | None
    stage: int | None
    score: float
    contact_time: int | None = None
    loss_fen: int = 0
    loss_source: str = "none"  # field | text | none
    findings: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    mo: list[str] = field(default_factory=list)
    origin: str = "report"  # report | alert (`fanzha warn`'s, filed by intake from ALERTS.jsonl)
    revision: int | None = None  # an alert's revision the case was filed from (a later one replaces it)

    def identifiers(self) -> list[Mention]:
        """The mentions that are identifiers (keyed)."""
        return [m for m in self.mentions if m.key is not None]

    def to_dict(self) -> dict[str, Any]:
        """The case as JSON (a line of cases.jsonl)."""
        return {
            "case_id": self.case_id,
            "report_id": self.report_id,
            "source": self.source,
            "person_id": self.person_id,
            "reporter": self.reporter,
            "time": datetime_of(self.time, TZ).isoformat(),
            "time_source": self.time_source,
            "contact_time": datetime_of(self.contact_time, TZ).isoformat() if self.contact_time else None,
            "label": self.label,
            "kind": self.kind,
            "category": self.category,
            "variant": self.variant,
            "stage": self.stage,
            "score": round(self.score, 4),
            "loss": fen_to_yuan(self.loss_fen),
            "loss_source": self.loss_source,
            "mo": self.mo,
            "origin": self.origin,
            **({"revision": self.revision} if self.revision is not None else {}),
            "identifiers": [m.to_dict() for m in self.identifiers()],
            "mentions": [m.to_dict() for m in self.mentions if m.key is None],
            "findings": self.findings,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Case:
        """The case `to_dict` wrote (a line of cases.jsonl, a case the centre stored): the same case, its
        identifiers before its other mentions."""
        from datetime import datetime

        def us(value: str | None) -> int | None:
            return us_of(datetime.fromisoformat(value)) if value else None

        return cls(
            case_id=d["case_id"],
            report_id=d["report_id"],
            source=d["source"],
            person_id=d.get("person_id"),
            reporter=d.get("reporter"),
            time=us(d["time"]) or 0,
            time_source=d["time_source"],
            text=d["text"],
            label=d["label"],
            kind=d["kind"],
            category=d.get("category"),
            variant=d.get("variant"),
            stage=d.get("stage"),
            score=float(d["score"]),
            contact_time=us(d.get("contact_time")),
            loss_fen=to_fen(d["loss"]),
            loss_source=d["loss_source"],
            findings=list(d.get("findings") or []),
            mentions=[Mention.from_dict(m) for m in (*d.get("identifiers", []), *d.get("mentions", []))],
            mo=list(d.get("mo") or []),
            origin=str(d.get("origin") or "report"),
            revision=d.get("revision"),
        )
