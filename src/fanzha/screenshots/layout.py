"""From OCR lines to a conversation: which lines are chat bubbles, which bubbles are whose, and what is set
aside — the phone's status bar, the chat's title bar, time stamps, system notes, nicknames and the input bar.

The reading uses the lines' positions and the image's colours, not the app: WeChat, QQ / TIM and SMS layouts
(light and dark) all put the other side's bubbles on the left and the person's own on the right, in a bubble
whose colour differs from the chat's background. Lengths are in units of a hundredth of the image's width (`u`),
since phones draw a chat in density-independent units: a 1080-pixel and a 720-pixel screenshot of the same chat
have the same layout in `u`.

1. The chat's background colour is the commonest colour of the image's left and right edges (avatars and
   bubbles keep a margin); a line sits in a bubble when the colour around it (a ring a third of its height
   wide) is not the background.
2. A title bar or input bar of its own colour is found from the image's left edge (the run of that colour from
   the top, or from the bottom): every line in it is set aside. Where they share the chat's colour (WeChat),
   the lines at the top corners or in the top band (status bar), centred at the top (title) or naming the
   input's buttons at the bottom are.
3. Centred lines outside bubbles are time stamps (when they read as a time) or system notes ("你已添加了…");
   other lines outside bubbles are nicknames and labels beside the bubbles.
4. Lines in bubbles are merged when they are on one row, and grouped into bubbles: consecutive lines of one
   colour, aligned at the left, close together, with no row of background between them.
5. A bubble is the person's own (right) or the other side's (left) by, in order: an avatar on one side only;
   where its text sits (centre left or right of the middle); the side of other bubbles of its colour; which
   margin it shares with the bubbles already placed; else the other side's.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fanzha.screenshots.ocr import Box, Line
from fanzha.screenshots.reading import Aside, Bubble, Reading, join_lines

if TYPE_CHECKING:
    import numpy as np

Colour = tuple[int, int, int]

#: colours closer than this (sum of the channels' differences, 0–765) are one colour (a white bubble on QQ's
#: light grey is 33 away; JPEG's noise on a flat colour a few)
SAME = 18
_STATUS = re.compile(r"\d{1,2}[:：.]\d{2}|\d{1,3}\s*%|\b[2-5]G\b|HD|VoLTE|WiFi|中国(?:移动|联通|电信)", re.I)
_TIME = re.compile(
    r"(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/]\d{1,2}|今天|昨天|前天"
    r"|星期[一二三四五六日天]|周[一二三四五六日天])?(?:上午|下午|晚上|凌晨|中午|早上|傍晚)?\d{1,2}[:：.;]\d{2}"
)
_INPUT = re.compile(r"按住说话|发送|发消息|输入消息|短信|彩信|短信/彩信|iMessage|说点什么…?|发送消息")


def _dist(a: Colour, b: Colour) -> int:
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2])


def _mode(pixels: np.ndarray) -> Colour:
    """The commonest colour of an array of RGB pixels (quantised to 64 levels per channel, returned as the mean
    of the pixels in that bin)."""
    import numpy as np

    flat = pixels.reshape(-1, 3)
    if not len(flat):
        return (0, 0, 0)
    q = (flat >> 2).astype(np.int32)
    keys = (q[:, 0] << 12) | (q[:, 1] << 6) | q[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    best = values[int(np.argmax(counts))]
    mean = flat[keys == best].mean(axis=0)
    return (int(mean[0]), int(mean[1]), int(mean[2]))


@dataclass
class _Line:
    line: Line
    fill: Colour
    in_bubble: bool
    why: str | None = None

    @property
    def box(self) -> Box:
        return self.line.box


@dataclass
class _Group:
    lines: list[_Line] = field(default_factory=list)
    me: bool | None = None

    @property
    def x0(self) -> int:
        return min(x.box.x0 for x in self.lines)

    @property
    def x1(self) -> int:
        return max(x.box.x1 for x in self.lines)

    @property
    def y0(self) -> int:
        return min(x.box.y0 for x in self.lines)

    @property
    def fill(self) -> Colour:
        return self.lines[0].fill


class Layout:
    """The reading of one image: `read(lines)` → `Reading`."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb
        self.height, self.width = int(rgb.shape[0]), int(rgb.shape[1])
        self.u = self.width / 100
        self.bg = self._background()

    # -- colours -----------------------------------------------------------------------------------------

    def _strip(self, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        h, w = self.height, self.width
        xa, xb = max(0, int(x0)), min(w, max(int(x0) + 1, int(x1)))
        ya, yb = max(0, int(y0)), min(h, max(int(y0) + 1, int(y1)))
        return self.rgb[ya:yb, xa:xb]

    def _background(self) -> Colour:
        import numpy as np

        edge = max(2.0, 1.5 * self.u)
        y0, y1 = 0.15 * self.height, 0.85 * self.height
        left = self._strip(0, edge, y0, y1).reshape(-1, 3)
        right = self._strip(self.width - edge, self.width, y0, y1).reshape(-1, 3)
        return _mode(np.concatenate([left, right]))

    def _fill(self, box: Box) -> Colour:
        """The colour around a line: a ring a third of its height wide."""
        import numpy as np

        p = max(2, box.height // 3)
        ring = [
            self._strip(box.x0 - p, box.x1 + p, box.y0 - p, box.y0 - 1),
            self._strip(box.x0 - p, box.x1 + p, box.y1 + 1, box.y1 + p),
            self._strip(box.x0 - p, box.x0 - 1, box.y0, box.y1),
            self._strip(box.x1 + 1, box.x1 + p, box.y0, box.y1),
        ]
        return _mode(np.concatenate([r.reshape(-1, 3) for r in ring]))

    def _bar(self, from_top: bool) -> int:
        """The extent of a title bar (or input bar) of a colour of its own, measured down from the top (or up
        from the bottom) along the image's left edge; 0 when the bar has the chat's colour."""
        edge = max(2.0, 1.5 * self.u)
        rows = self._strip(0, edge, 0, self.height).mean(axis=1)
        order = range(self.height) if from_top else range(self.height - 1, -1, -1)
        limit = 32 * self.u  # no bar is taller
        first: Colour | None = None
        n = 0
        for y in order:
            c = (int(rows[y][0]), int(rows[y][1]), int(rows[y][2]))
            if first is None:
                if _dist(c, self.bg) <= SAME:
                    return 0
                first = c
            if _dist(c, self.bg) <= SAME or n > limit:
                return n if n <= limit else 0
            n += 1
        return 0

    def _has_avatar(self, g: _Group, left: bool) -> bool:
        import numpy as np

        x0, x1 = (2 * self.u, 12 * self.u) if left else (88 * self.u, 98 * self.u)
        zone = self._strip(x0, x1, g.y0 - 4 * self.u, g.y0 + 6 * self.u).reshape(-1, 3).astype(np.int32)
        if not len(zone):
            return False
        off = np.abs(zone - np.array(self.bg, dtype=np.int32)).sum(axis=1) > SAME
        return float(off.mean()) > 0.3

    def _bg_row_between(self, a: _Line, b: _Line) -> bool:
        """Is there a row of background between two lines, over the columns both cover?"""
        import numpy as np

        x0, x1 = max(a.box.x0, b.box.x0), min(a.box.x1, b.box.x1)
        if x1 - x0 < 2 or b.box.y0 <= a.box.y1:
            return False
        band = self._strip(x0, x1, a.box.y1, b.box.y0).astype(np.int32)
        off = np.abs(band - np.array(self.bg, dtype=np.int32)).sum(axis=2) > SAME
        return bool((off.mean(axis=1) < 0.2).any())

    # -- the reading ---------------------------------------------------------------------------------------

    def read(self, lines: list[Line]) -> Reading:
        u = self.u
        items = [self._describe(line) for line in sorted(lines, key=lambda x: (x.box.y0, x.box.x0))]
        top, bottom = self._bar(True), self._bar(False)
        for it in items:
            it.why = self._aside(it, top, bottom)
        if not any(it.in_bubble for it in items if it.why is None):
            # no bubble colour told apart from the background (a crop inside one bubble): every line left
            # is a message line
            for it in items:
                if it.why == "nickname":
                    it.why = None
                    it.in_bubble = True
        body = [it for it in items if it.why is None]
        heights = [it.box.height for it in body] or [max(1, int(4 * u))]
        hm = statistics.median(heights)
        groups = self._group(self._merge_rows(body, hm), hm)
        self._sides(groups)
        bubbles = []
        for g in groups:
            glines = tuple(x.line for x in g.lines)
            text, source = join_lines(glines)
            bubbles.append(Bubble(bool(g.me), glines, text, source))
        aside = tuple(Aside(it.why, it.line) for it in items if it.why is not None)
        return Reading(self.width, self.height, tuple(bubbles), aside)

    def _describe(self, line: Line) -> _Line:
        fill = self._fill(line.box)
        return _Line(line, fill, _dist(fill, self.bg) > SAME)

    def _aside(self, it: _Line, top: int, bottom: int) -> str | None:
        u, b, text = self.u, it.box, it.line.text.replace(" ", "")
        centred = abs(b.cx - 50 * u) < 8 * u and b.x0 > 8 * u and b.x1 < 92 * u
        if top and b.cy < top:
            return "status_bar" if b.cy < 9 * u and (_STATUS.search(text) or b.x0 < 12 * u) else "title"
        if bottom and b.cy > self.height - bottom:
            return "input_bar"
        if b.cy < 9 * u and (_STATUS.search(text) or b.x0 < 12 * u or b.x1 > 88 * u):
            return "status_bar"
        if not top and b.cy < 26 * u and not it.in_bubble and (centred or b.x1 < 20 * u or b.x0 > 82 * u):
            return "title"
        if centred and _TIME.fullmatch(text):
            return "time"
        if b.cy > self.height - 16 * u and _INPUT.fullmatch(text):
            return "input_bar"
        if not it.in_bubble:
            return "system" if centred and abs(b.cx - 50 * u) < 5 * u else "nickname"
        return None

    def _merge_rows(self, body: list[_Line], hm: float) -> list[_Line]:
        """Lines the OCR cut in two on one row (at a wide space) joined again."""
        out: list[_Line] = []
        for it in sorted(body, key=lambda x: (x.box.y0, x.box.x0)):
            prev = out[-1] if out else None
            if prev is not None:
                a, b = prev.box, it.box
                overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
                if (
                    overlap > 0.6 * min(a.height, b.height)
                    and 0 <= b.x0 - a.x1 < 2 * hm
                    and _dist(prev.fill, it.fill) <= SAME
                ):
                    line = Line(
                        prev.line.text + it.line.text,
                        a.union(b),
                        prev.line.chars + it.line.chars,
                        min(prev.line.score, it.line.score),
                    )
                    out[-1] = _Line(line, prev.fill, prev.in_bubble)
                    continue
            out.append(it)
        return out

    def _group(self, body: list[_Line], hm: float) -> list[_Group]:
        groups: list[_Group] = []
        for it in body:
            g = groups[-1] if groups else None
            if g is not None:
                last = g.lines[-1]
                if (
                    _dist(last.fill, it.fill) <= SAME
                    and it.box.y0 - last.box.y1 < 1.0 * hm
                    and abs(it.box.x0 - g.lines[0].box.x0)
                    < 1.6 * hm  # a line the OCR read without its opening comma
                    and not self._bg_row_between(last, it)
                ):
                    g.lines.append(it)
                    continue
            groups.append(_Group([it]))
        return groups

    def _sides(self, groups: list[_Group]) -> None:
        u = self.u
        for g in groups:
            left, right = self._has_avatar(g, True), self._has_avatar(g, False)
            if left != right:
                g.me = right
            elif (g.x0 + g.x1) / 2 < 45 * u:
                g.me = False
            elif (g.x0 + g.x1) / 2 > 55 * u:
                g.me = True
        votes: dict[Colour, Counter[bool]] = {}
        for g in groups:
            if g.me is not None:
                key = next((c for c in votes if _dist(c, g.fill) <= SAME), g.fill)
                votes.setdefault(key, Counter())[g.me] += 1
        placed_left = [g.x0 for g in groups if g.me is False]
        placed_right = [g.x1 for g in groups if g.me is True]
        for g in groups:
            if g.me is not None:
                continue
            vote = next((v for c, v in votes.items() if _dist(c, g.fill) <= SAME), None)
            if vote and len(vote) == 1:
                g.me = next(iter(vote))
            elif placed_left and abs(g.x0 - min(placed_left)) < 1.5 * u:
                g.me = False
            elif placed_right and abs(g.x1 - max(placed_right)) < 1.5 * u:
                g.me = True
            else:
                g.me = False
