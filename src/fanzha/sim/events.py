"""A column-wise buffer of the world's events, filled row by row or in bulk, sorted and written once a day.

Its columns are the event record's (`fanzha.records.events.FIELDS`): who, when, what kind, the details
(`DETAILS`: channel, direction, counterparty, text, app), the amount in fen, the ledger number of the transfer
and the attributes; plus what only the world knows (the truth label and family, and the campaign's planned
event for scam events).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from fanzha.records.events import DETAILS
from fanzha.records.kinds import PAYEE_KINDS


class EventCols:
    __slots__ = (
        "time",
        "person",
        "kind",
        *DETAILS,
        "amount",
        "tx",
        "attrs",
        "label",
        "family",
        "scam",
        "episode",
    )

    def __init__(self) -> None:
        self.time: list[int] = []
        self.person: list[int] = []
        self.kind: list[str] = []
        for name in DETAILS:
            setattr(self, name, [])
        self.amount: list[int | None] = []
        self.tx: list[int] = []  # ledger number (-1 none); scam events resolve theirs when written
        self.attrs: list[str | None] = []
        self.label: list[str] = []
        self.family: list[str] = []
        self.scam: list[Any] = []  # the campaign Ev for scam events, else None
        self.episode: list[int] = []  # the day's look-alike episode (truth/lookalikes.parquet), else -1

    def __len__(self) -> int:
        return len(self.time)

    def add(
        self,
        time: int,
        person: int,
        kind: str,
        *,
        amount: int | None = None,
        tx: int = -1,
        attrs: dict[str, Any] | None = None,
        label: str = "ordinary",
        family: str = "",
        scam: Any = None,
        episode: int = -1,
        **details: str | None,
    ) -> None:
        """One event; `details` are the record's `DETAILS` (channel, direction, counterparty, text, app)."""
        self.time.append(time)
        self.person.append(person)
        self.kind.append(kind)
        for name in DETAILS:
            getattr(self, name).append(details.pop(name, None))
        if details:
            raise TypeError(f"not event details: {sorted(details)}")
        self.amount.append(amount)
        self.tx.append(tx)
        self.attrs.append(
            None if attrs is None else orjson.dumps(attrs, option=orjson.OPT_SORT_KEYS).decode()
        )
        self.label.append(label)
        self.family.append(family)
        self.scam.append(scam)
        self.episode.append(episode)

    def add_planned(self, e: Any) -> None:
        """A campaign's planned event (`fanzha.sim.scam.Ev`: the same detail names)."""
        self.add(
            e.time,
            e.person,
            e.kind,
            amount=e.amount,
            attrs=e.attrs,
            label=e.label,
            family=e.move,
            scam=e,
            **{name: getattr(e, name) for name in DETAILS},
        )

    def details(self, idx: pa.Array) -> list[pa.Array]:
        """The detail columns, in record order, taken at `idx`."""
        return [pa.array(getattr(self, name), pa.string()).take(idx) for name in DETAILS]

    def tag_corporate(self, corporate: np.ndarray) -> int:
        """Payees and transfers whose counterparty is a company's account (`corporate[account]`) say so, as the
        person's bank knows it: ``attrs.counterparty_type = "corporate"``. Returns how many were tagged."""
        n = 0
        for i, (kind, cp) in enumerate(zip(self.kind, self.counterparty, strict=True)):  # type: ignore[attr-defined]
            if kind in PAYEE_KINDS and cp and cp[0] == "A" and cp[1:].isdigit() and corporate[int(cp[1:])]:
                old = self.attrs[i]
                attrs = orjson.loads(old) if old else {}
                attrs["counterparty_type"] = "corporate"
                self.attrs[i] = orjson.dumps(attrs, option=orjson.OPT_SORT_KEYS).decode()
                n += 1
        return n

    def order(self) -> np.ndarray:
        t = np.asarray(self.time, dtype=np.int64)
        return np.lexsort((np.arange(len(t)), t))
