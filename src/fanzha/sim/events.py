"""A column-wise buffer of events, filled row by row or in bulk, sorted and written once a day."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson


class EventCols:
    __slots__ = (
        "time",
        "person",
        "kind",
        "channel",
        "direction",
        "counterparty",
        "text",
        "app",
        "amount",
        "tx",
        "attrs",
        "label",
        "family",
        "scam",
    )

    def __init__(self) -> None:
        self.time: list[int] = []
        self.person: list[int] = []
        self.kind: list[str] = []
        self.channel: list[str | None] = []
        self.direction: list[str | None] = []
        self.counterparty: list[str | None] = []
        self.text: list[str | None] = []
        self.app: list[str | None] = []
        self.amount: list[int | None] = []
        self.tx: list[int] = []  # ledger number (-1 none); scam events resolve theirs when written
        self.attrs: list[str | None] = []
        self.label: list[str] = []
        self.family: list[str] = []
        self.scam: list[Any] = []  # the campaign Ev for scam events, else None

    def __len__(self) -> int:
        return len(self.time)

    def add(
        self,
        time: int,
        person: int,
        kind: str,
        *,
        channel: str | None = None,
        direction: str | None = None,
        counterparty: str | None = None,
        text: str | None = None,
        app: str | None = None,
        amount: int | None = None,
        tx: int = -1,
        attrs: dict[str, Any] | None = None,
        label: str = "ordinary",
        family: str = "",
        scam: Any = None,
    ) -> None:
        self.time.append(time)
        self.person.append(person)
        self.kind.append(kind)
        self.channel.append(channel)
        self.direction.append(direction)
        self.counterparty.append(counterparty)
        self.text.append(text)
        self.app.append(app)
        self.amount.append(amount)
        self.tx.append(tx)
        self.attrs.append(
            None if attrs is None else orjson.dumps(attrs, option=orjson.OPT_SORT_KEYS).decode()
        )
        self.label.append(label)
        self.family.append(family)
        self.scam.append(scam)

    def order(self) -> np.ndarray:
        t = np.asarray(self.time, dtype=np.int64)
        return np.lexsort((np.arange(len(t)), t))
