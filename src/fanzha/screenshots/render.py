"""Chat screenshots drawn from chat texts, for the screenshot test set and the tests (Pillow, a CJK font).

`render(chat, style)` draws a phone screen — status bar, title bar, avatars as coloured squares (circles in the
QQ-like layout), bubbles, time stamps, system notes, nicknames, the input bar — in a WeChat-like, QQ-like or
SMS-like layout, light or dark, at a phone's resolution, and returns the image with its truth: the turns the
screen shows (a chat longer than the screen is scrolled to its end, so the first turns are cut off or missing,
as in a real screenshot). Sizes are in density-independent units (dp: the screen is 360 dp wide) so one layout
draws alike at 1080 × 2340 and 720 × 1560. The drawing is deterministic: the same chat, style and font give the
same pixels.

The font is WenQuanYi Micro Hei (Debian's ``fonts-wqy-microhei``; ``bash scripts/system-deps.sh`` installs it):
E066 without it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fanzha.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)
RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Theme:
    bg: RGB
    bar: RGB  # status and title bars
    other: RGB  # the other side's bubble
    mine: RGB
    text: RGB
    mine_text: RGB
    muted: RGB  # time stamps, nicknames
    input_bar: RGB
    input_box: RGB


THEMES: dict[tuple[str, str], Theme] = {
    ("wechat", "light"): Theme(
        (237, 237, 237),
        (237, 237, 237),
        (255, 255, 255),
        (149, 236, 105),
        (25, 25, 25),
        (25, 25, 25),
        (160, 160, 160),
        (247, 247, 247),
        (255, 255, 255),
    ),
    ("wechat", "dark"): Theme(
        (17, 17, 17),
        (17, 17, 17),
        (44, 44, 44),
        (62, 181, 117),
        (213, 213, 213),
        (10, 23, 14),
        (110, 110, 110),
        (30, 30, 30),
        (44, 44, 44),
    ),
    ("qq", "light"): Theme(
        (242, 243, 247),
        (255, 255, 255),
        (255, 255, 255),
        (0, 153, 255),
        (20, 20, 20),
        (255, 255, 255),
        (150, 150, 155),
        (255, 255, 255),
        (242, 243, 247),
    ),
    ("qq", "dark"): Theme(
        (10, 10, 10),
        (28, 28, 30),
        (38, 38, 40),
        (10, 116, 218),
        (230, 230, 230),
        (255, 255, 255),
        (120, 120, 125),
        (28, 28, 30),
        (45, 45, 48),
    ),
    ("sms", "light"): Theme(
        (255, 255, 255),
        (248, 248, 248),
        (233, 233, 235),
        (52, 199, 89),
        (0, 0, 0),
        (255, 255, 255),
        (142, 142, 147),
        (255, 255, 255),
        (255, 255, 255),
    ),
    ("sms", "dark"): Theme(
        (0, 0, 0),
        (22, 22, 22),
        (38, 38, 41),
        (11, 132, 254),
        (255, 255, 255),
        (255, 255, 255),
        (142, 142, 147),
        (0, 0, 0),
        (28, 28, 30),
    ),
}
AVATARS: tuple[RGB, ...] = (
    (74, 144, 226),
    (230, 126, 34),
    (46, 160, 110),
    (155, 89, 182),
    (200, 70, 70),
    (52, 73, 94),
    (240, 180, 40),
)


@dataclass(frozen=True, slots=True)
class Style:
    """How a chat is drawn: the app's layout, light or dark, the screen's pixels, JPEG or PNG."""

    app: str = "wechat"  # wechat | qq | sms
    theme: str = "light"
    width: int = 1080
    height: int = 2340
    jpeg: bool = False

    @property
    def name(self) -> str:
        return f"{self.app}-{self.theme}-{self.width}x{self.height}{'-jpeg' if self.jpeg else ''}"


@dataclass(frozen=True, slots=True)
class Shown:
    """A turn the screen shows: whose, and the text of its lines that are on the screen."""

    me: bool
    text: str
    whole: bool


@dataclass
class Rendered:
    """A drawn screenshot: the image, the turns it shows, and the texts it draws that are not turns."""

    image: Image
    shown: list[Shown]
    chrome: list[str] = field(default_factory=list)

    def data(self, jpeg: bool = False) -> bytes:
        """The image as the bytes of a PNG (or a JPEG of quality 80, as chats forward pictures)."""
        buf = io.BytesIO()
        if jpeg:
            self.image.save(buf, format="JPEG", quality=80)
        else:
            self.image.save(buf, format="PNG", compress_level=6)
        return buf.getvalue()


def font_path() -> Path:
    for p in FONT_PATHS:
        if p.is_file():
            return p
    raise InputError("E066", path=str(FONT_PATHS[0]))


@cache
def _font(size: int) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size)


def _tokens(text: str) -> list[str]:
    """Wrapping units: a Latin word or number stays whole (unless longer than a line), anything else is one
    character."""
    out: list[str] = []
    for ch in text:
        if out and ch.isascii() and ch.isalnum() and out[-1][-1:].isascii() and out[-1][-1:].isalnum():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, font: FreeTypeFont, width: float) -> list[str]:
    """`text` in lines no wider than `width` pixels."""
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if font.getlength(cur + tok) <= width or not cur.strip():
            if font.getlength(cur + tok) > width and len(tok) > 1:  # a word longer than a line: cut it
                for ch in tok:
                    if cur and font.getlength(cur + ch) > width:
                        lines.append(cur)
                        cur = ""
                    cur += ch
                continue
            cur += tok
        else:
            lines.append(cur.rstrip())
            cur = tok.lstrip()
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:4], "big")


@dataclass
class _Item:
    kind: str  # bubble | time | system
    me: bool
    lines: list[str]
    top: float  # dp, in the whole chat
    height: float
    line_tops: list[float]  # dp, of each text line
    nick: str | None = None


def _turns(chat: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for turn in chat["turns"]:
        ((key, value),) = dict(turn).items()
        out.append((str(key), str(value)))
    return out


def render(chat: Mapping[str, Any], style: Style) -> Rendered:
    """Draw `chat` (``title``, ``nick``, ``turns`` of ``o`` / ``m`` / ``t`` / ``s``) in `style`."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    theme = THEMES[(style.app, style.theme)]
    d = style.width / 360  # pixels per dp
    seed = _seed(chat.get("id", ""), style.name)
    body_sp = {"wechat": 17.0, "qq": 16.0, "sms": 17.0}[style.app]
    body = _font(round(body_sp * d))
    small = _font(round(12 * d))
    title_font = _font(round(17 * d))
    line_h = body_sp * 1.38
    avatar = 0.0 if style.app == "sms" else 40.0
    margin = 12.0 if style.app != "sms" else 10.0
    pad_x, pad_y = 12.0, 9.0
    gap = 14.0 if style.app != "sms" else 8.0
    max_text = 360 - 2 * (margin + avatar + 8) - 2 * pad_x if avatar else 360 * 0.72 - 2 * pad_x
    show_nick = style.app == "qq" or (style.app == "wechat" and bool(chat.get("nick")) and seed % 3 == 0)
    status_h, title_h = 30.0, 50.0
    input_h = 56.0
    # -- lay the whole chat out in dp
    items: list[_Item] = []
    y = 10.0
    for key, value in _turns(chat):
        if key in ("t", "s"):
            lines = wrap(value, small, (300 if key == "s" else 200) * d)
            h = len(lines) * 17.0
            items.append(
                _Item(
                    "time" if key == "t" else "system",
                    False,
                    lines,
                    y,
                    h,
                    [y + i * 17 for i in range(len(lines))],
                )
            )
            y += h + gap
            continue
        me = key == "m"
        nick = str(chat["nick"]) if show_nick and not me and chat.get("nick") else None
        top = y
        if nick:
            y += 18.0
        lines = wrap(value, body, max_text * d)
        h = len(lines) * line_h + 2 * pad_y
        tops = [y + pad_y + i * line_h for i in range(len(lines))]
        items.append(_Item("bubble", me, lines, y, h, tops, nick))
        y += h + gap
        del top
    content_h = y
    view_h = style.height / d - status_h - title_h - input_h
    offset = 0.0  # dp of the chat scrolled off the top
    if content_h > view_h:
        offset = content_h - view_h
        # never cut through a line of text: scroll down to the next gap between lines
        for it in items:
            for lt in it.line_tops:
                if lt < offset < lt + line_h:
                    offset = lt + line_h
    # -- draw
    img = PILImage.new("RGB", (style.width, style.height), theme.bg)
    draw = ImageDraw.Draw(img)
    chat_top = status_h + title_h

    def px(v: float) -> int:
        return round(v * d)

    shown: list[Shown] = []
    chrome_items: list[str] = []
    for it in items:
        top = chat_top + it.top - offset
        if top + it.height < chat_top:
            continue
        visible = [i for i, lt in enumerate(it.line_tops) if lt - offset >= 0]
        if not visible:
            continue
        if it.kind != "bubble":
            chrome_items.extend(it.lines[i] for i in visible)
            for i in visible:
                ty = chat_top + it.line_tops[i] - offset
                draw.text((px(180), px(ty + 8)), it.lines[i], font=small, fill=theme.muted, anchor="mm")
            continue
        colour = theme.mine if it.me else theme.other
        text_colour = theme.mine_text if it.me else theme.text
        widest = max(body.getlength(line) for line in it.lines) / d
        bw = widest + 2 * pad_x
        if it.me:
            bx1 = 360 - margin - (avatar + 8 if avatar else 0)
            bx0 = bx1 - bw
        else:
            bx0 = margin + (avatar + 8 if avatar else 0)
            bx1 = bx0 + bw
        radius = {"wechat": 4, "qq": 12, "sms": 17}[style.app]
        draw.rounded_rectangle(
            (px(bx0), px(max(top, chat_top)), px(bx1), px(top + it.height)), radius=px(radius), fill=colour
        )
        if avatar and top >= chat_top:
            ax = margin if not it.me else 360 - margin - avatar
            av_top = top - (18 if it.nick else 0)
            a_colour = AVATARS[(seed + (3 if it.me else 0)) % len(AVATARS)]
            box = (px(ax), px(av_top), px(ax + avatar), px(av_top + avatar))
            if style.app == "qq":
                draw.ellipse(box, fill=a_colour)
            else:
                draw.rounded_rectangle(box, radius=px(4), fill=a_colour)
        if it.nick and top - 18 >= chat_top:
            draw.text((px(bx0 + 2), px(top - 17)), it.nick, font=small, fill=theme.muted)
        for i in visible:
            ty = chat_top + it.line_tops[i] - offset
            draw.text(
                (px(bx0 + pad_x), px(ty + (line_h - body_sp) / 2)), it.lines[i], font=body, fill=text_colour
            )
        shown.append(
            Shown(
                it.me,
                "".join(it.lines[i] for i in visible)
                if len(visible) < len(it.lines)
                else _original(it, chat),
                len(visible) == len(it.lines),
            )
        )
    chrome = _chrome(draw, style, theme, chat, seed, d, status_h, title_h, input_h, title_font, small)
    nicks = [str(chat["nick"])] if show_nick and chat.get("nick") else []
    return Rendered(img, shown, chrome + chrome_items + nicks)


def _original(it: _Item, chat: Mapping[str, Any]) -> str:
    """The turn's text as written (the drawn lines joined lose nothing but the spaces a wrap dropped)."""
    joined = "".join(it.lines)
    for key, value in _turns(chat):
        if key in ("o", "m") and value.replace(" ", "") == joined.replace(" ", ""):
            return value
    return joined


def _chrome(
    draw: Any,
    style: Style,
    theme: Theme,
    chat: Mapping[str, Any],
    seed: int,
    d: float,
    status_h: float,
    title_h: float,
    input_h: float,
    title_font: FreeTypeFont,
    small: FreeTypeFont,
) -> list[str]:
    """The status bar, the title bar and the input bar; returns the texts drawn."""

    def px(v: float) -> int:
        return round(v * d)

    w = 360.0
    h = style.height / d
    status = _font(round(13 * d))
    draw.rectangle((0, 0, style.width, px(status_h + title_h)), fill=theme.bar)
    clock = f"{9 + seed % 12}:{seed % 60:02d}"
    battery = f"{20 + seed % 80}%"
    net = ("5G", "4G", "WiFi")[seed % 3]
    texts = [clock, f"{net} {battery}"]
    if style.height / style.width < 1.9:  # an older iPhone: carrier left, clock in the middle
        draw.text((px(10), px(8)), f"中国移动 {net}", font=status, fill=theme.text)
        draw.text((px(w / 2), px(15)), clock, font=status, fill=theme.text, anchor="mm")
        draw.text((px(w - 10), px(8)), battery, font=status, fill=theme.text, anchor="ra")
        texts = [f"中国移动 {net}", clock, battery]
    else:
        draw.text((px(16), px(8)), clock, font=status, fill=theme.text)
        draw.text((px(w - 16), px(8)), f"{net} {battery}", font=status, fill=theme.text, anchor="ra")
    ty = status_h + title_h / 2
    title = str(chat.get("title", ""))
    draw.text(
        (px(w / 2), px(ty)),
        title,
        font=title_font,
        fill=theme.text,
        anchor="mm",
        stroke_width=max(1, round(d / 3)),
        stroke_fill=theme.text,
    )
    texts.append(title)
    # back chevron and menu dots, drawn as shapes
    draw.line(
        (px(22), px(ty - 7), px(15), px(ty), px(22), px(ty + 7)), fill=theme.text, width=max(2, px(1.6))
    )
    for k in range(3):
        cx = w - 30 + k * 7
        draw.ellipse((px(cx - 1.6), px(ty - 1.6), px(cx + 1.6), px(ty + 1.6)), fill=theme.text)
    if style.app == "qq":
        draw.line((0, px(status_h + title_h), style.width, px(status_h + title_h)), fill=theme.muted, width=1)
    # input bar
    top = h - input_h
    draw.rectangle((0, px(top), style.width, style.height), fill=theme.input_bar)
    box = (
        px(48 if style.app == "wechat" else 16),
        px(top + 10),
        px(w - (84 if style.app != "sms" else 16)),
        px(top + 46),
    )
    draw.rounded_rectangle(box, radius=px(6 if style.app != "sms" else 18), fill=theme.input_box)
    if style.app == "wechat":
        draw.ellipse((px(12), px(top + 15), px(38), px(top + 41)), outline=theme.text, width=max(1, px(1.4)))
        for k, cx in enumerate((w - 70, w - 30)):
            draw.ellipse(
                (px(cx - 13), px(top + 15), px(cx + 13), px(top + 41)),
                outline=theme.text,
                width=max(1, px(1.4)),
            )
            if k == 1:
                draw.line(
                    (px(cx - 6), px(top + 28), px(cx + 6), px(top + 28)),
                    fill=theme.text,
                    width=max(1, px(1.4)),
                )
                draw.line(
                    (px(cx), px(top + 22), px(cx), px(top + 34)), fill=theme.text, width=max(1, px(1.4))
                )
        if seed % 2:
            draw.text(
                ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2),
                "按住 说话",
                font=small,
                fill=theme.text,
                anchor="mm",
            )
            texts.append("按住 说话")
    elif style.app == "qq":
        draw.rounded_rectangle(
            (px(w - 74), px(top + 12), px(w - 16), px(top + 44)), radius=px(6), fill=theme.mine
        )
        draw.text((px(w - 45), px(top + 28)), "发送", font=small, fill=(255, 255, 255), anchor="mm")
        texts.append("发送")
    else:
        draw.text(
            (box[0] + px(14), (box[1] + box[3]) // 2), "短信", font=small, fill=theme.muted, anchor="lm"
        )
        texts.append("短信")
    return texts


#: the styles of the test set: every app in light and dark, at phone resolutions from 1080 × 2340 down
STYLES: tuple[Style, ...] = (
    Style("wechat", "light", 1080, 2340),
    Style("qq", "dark", 1080, 2340),
    Style("sms", "light", 1080, 2340),
    Style("wechat", "dark", 720, 1560),
    Style("qq", "light", 720, 1600, jpeg=True),
    Style("sms", "dark", 750, 1334),
    Style("wechat", "light", 750, 1334, jpeg=True),
    Style("qq", "light", 1080, 2340),
    Style("sms", "light", 540, 1170),
)


def styles_for(index: int, per_chat: int = 3) -> list[Style]:
    """The styles chat number `index` of the test set is drawn in: `per_chat` of `STYLES`, in turn, so that
    every style draws every class."""
    return [STYLES[(index * per_chat + k) % len(STYLES)] for k in range(per_chat)]


def chats_of(data: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The chats of a test set file, as dicts (the YAML's entries)."""
    return [dict(c) for c in data]
