"""What a screenshot says: the conversation read from it (bubbles → turns, with each character's box), the
lines set aside (status bar, title, time stamps, nicknames, system notes, input bar), and the way back from a
finding's span in a turn's text to the boxes on the image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fanzha.detect.document import Document
from fanzha.detect.verdict import Verdict
from fanzha.screenshots.ocr import Box, Line

#: why a line is not part of the conversation
ASIDE = ("status_bar", "title", "time", "system", "nickname", "input_bar")


@dataclass(frozen=True, slots=True)
class Bubble:
    """One chat bubble: a turn. `source[i]` is where character `i` of `text` was read — (line, character of
    the line) — or None for a space put back between two Latin words that a line break had separated."""

    me: bool
    lines: tuple[Line, ...]
    text: str
    source: tuple[tuple[int, int] | None, ...]

    @property
    def box(self) -> Box:
        out = self.lines[0].box
        for line in self.lines[1:]:
            out = out.union(line.box)
        return out

    def boxes(self, start: int, end: int) -> list[Box]:
        """The boxes around characters `start`–`end` of the turn's text: one per line it runs over."""
        runs: dict[int, tuple[int, int]] = {}
        for src in self.source[max(0, start) : max(0, end)]:
            if src is None:
                continue
            li, ci = src
            lo, hi = runs.get(li, (ci, ci + 1))
            runs[li] = (min(lo, ci), max(hi, ci + 1))
        out: list[Box] = []
        for li in sorted(runs):
            box = self.lines[li].char_boxes(*runs[li])
            if box is not None:
                out.append(box)
        return out


def join_lines(lines: tuple[Line, ...]) -> tuple[str, tuple[tuple[int, int] | None, ...]]:
    """The lines of one bubble as one text: no break where the bubble wrapped a line (Chinese wraps anywhere,
    a number too), a space where it wrapped between two Latin words."""
    parts: list[str] = []
    source: list[tuple[int, int] | None] = []
    for li, line in enumerate(lines):
        if parts and parts[-1][-1:].isascii() and parts[-1][-1:].isalpha():
            first = line.text[:1]
            if first.isascii() and first.isalpha():
                parts.append(" ")
                source.append(None)
        parts.append(line.text)
        source.extend((li, ci) for ci in range(len(line.text)))
    return "".join(parts), tuple(source)


@dataclass(frozen=True, slots=True)
class Aside:
    """A line that is not part of the conversation, and why (one of `ASIDE`)."""

    why: str
    line: Line


@dataclass(frozen=True, slots=True)
class Reading:
    """A chat screenshot read: its size, its bubbles in order (the turns), and the lines set aside."""

    width: int
    height: int
    bubbles: tuple[Bubble, ...]
    aside: tuple[Aside, ...] = ()

    def document(self) -> Document:
        """The conversation for the detector: one turn per bubble, the right-hand side the person's own
        (`Turn.me`); findings come back per turn (`per_turn`). The turns go through the one parser of turns
        (`Document.from_turns`), as a chat given as data does, so a screenshot and its text are judged alike."""
        return Document.from_turns(
            [{"speaker": "我" if b.me else "对方", "text": b.text, "me": b.me} for b in self.bubbles]
        )

    def boxes(self, turn: int | None, start: int, end: int) -> list[Box]:
        """The boxes of characters `start`–`end` of turn `turn`."""
        if turn is None or not 0 <= turn < len(self.bubbles):
            return []
        return self.bubbles[turn].boxes(start, end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "turns": [
                {
                    "turn": i,
                    "side": "me" if b.me else "other",
                    "text": b.text,
                    "box": b.box.to_list(),
                    "lines": [line.box.to_list() for line in b.lines],
                }
                for i, b in enumerate(self.bubbles)
            ],
            "set_aside": [
                {"why": a.why, "text": a.line.text, "box": a.line.box.to_list()} for a in self.aside
            ],
        }


def verdict_dict(verdict: Verdict, reading: Reading, *, explain: bool = False) -> dict[str, Any]:
    """The verdict's JSON (`Verdict.to_dict`) with the image's boxes: each finding and each entity gets
    ``boxes`` (``[x0, y0, x1, y1]`` in the image's pixels, one per line its words run over), and
    ``screenshot`` says how the image was read (`Reading.to_dict`)."""
    out = verdict.to_dict(explain=explain)
    for item, finding in zip(out["findings"], verdict.findings, strict=True):
        item["boxes"] = [b.to_list() for b in reading.boxes(finding.turn, finding.start, finding.end)]
    for item, mention in zip(out["entities"], verdict.entities, strict=True):
        ent = mention.entity
        item["boxes"] = [b.to_list() for b in reading.boxes(mention.turn, ent.start, ent.end)]
    out["screenshot"] = reading.to_dict()
    return out
