"""The citizen's check: one text or chat, a batch, or a chat screenshot, through the detector — the same JSON as
`fanzha check --json` (`Verdict.to_dict`; for a screenshot, `fanzha.screenshots.verdict_dict`: each finding's
boxes on the image and how it was read)."""

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

    def batch(
        self, items: Sequence[tuple[str, str | Sequence[Any] | None]], *, lang: str, explain: bool = False
    ) -> list[dict[str, Any]]:
        """(id, text or turns) pairs → each id with its verdict, in order; an item with nothing to read gets its
        coded error (E000 at ``items[i]``) in place of a verdict, and the others are answered all the same."""
        from fanzha.centre.coded import coded
        from fanzha.errors import InputError

        out: list[dict[str, Any]] = []
        docs: list[str | Sequence[Any]] = []
        at: list[int] = []
        for i, (item_id, doc) in enumerate(items):
            out.append({"id": item_id})
            if is_empty(doc):
                out[i]["error"] = coded(InputError("E000", where=f"items[{i}]"), lang)
                continue
            assert doc is not None
            docs.append(doc)
            at.append(i)
        for i, verdict in zip(at, self.many(docs, lang=lang, explain=explain) if docs else [], strict=True):
            out[i].update(verdict)
        return out

    def image(
        self, data: bytes, *, lang: str, explain: bool = False, draw: bool = False
    ) -> tuple[dict[str, Any], bytes | None]:
        """A chat screenshot (PNG or JPEG bytes): the verdict's JSON with the image's boxes, and, when `draw`,
        the screenshot with the evidence drawn on it (PNG). The OCR is loaded on the first image."""
        from fanzha.screenshots import check_screenshot, verdict_dict

        verdict, reading, picture = check_screenshot(
            self.detector, data, lang=lang, explain=explain, where="image"
        )
        png = None
        if draw:
            from fanzha.screenshots.annotate import annotate, png_bytes

            png = png_bytes(annotate(picture, reading, verdict))
        return verdict_dict(verdict, reading, explain=explain), png


def is_empty(doc: str | Sequence[Any] | None) -> bool:
    """A check with nothing to read: no text (or only white space) and no turns."""
    return doc is None or (isinstance(doc, str) and not doc.strip()) or (not isinstance(doc, str) and not doc)
