"""The citizen's check: one text or chat, or a batch, through the detector — the same JSON as
`fanzha check --json` (`Verdict.to_dict`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fanzha.detect.engine import Detector


class Checker:
    def __init__(self, model: str = "default") -> None:
        self.detector = Detector(model=None if model == "off" else model)

    def warm(self) -> None:
        """Load what the first check would (the model, the automata)."""
        self.detector.analyze("您好，我是淘宝客服")

    def one(self, item: str | Sequence[Any], *, lang: str, explain: bool = False) -> dict[str, Any]:
        return self.detector.analyze(item, lang=lang, explain=explain).to_dict(explain=explain)

    def many(
        self, items: Sequence[str | Sequence[Any]], *, lang: str, explain: bool = False
    ) -> list[dict[str, Any]]:
        # `fanzha.detect.batch` (the CLI's JSONL loop, moving into the library) will replace this
        return [
            v.to_dict(explain=explain) for v in self.detector.analyze_many(items, lang=lang, explain=explain)
        ]
