"""The evidence drawn back on the screenshot: a PNG with a box around the characters of every word that proves
the verdict, a thin frame around each turn (the other side's and the person's own in two colours) and a grey
one around each line set aside."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from fanzha.detect.verdict import Verdict
from fanzha.screenshots.ocr import Box
from fanzha.screenshots.reading import Reading

if TYPE_CHECKING:
    from PIL.Image import Image

#: the evidence's colour by stage (1 contact, 2 pretext, 3 the scam itself); benign and genre findings in blue
STAGE_COLOUR = {1: (255, 150, 0), 2: (235, 60, 0), 3: (220, 0, 40)}
OTHER_COLOUR = (30, 110, 230)
OTHER_SIDE, OWN_SIDE, ASIDE = (90, 140, 255), (40, 170, 90), (150, 150, 150)


def _grow(box: Box, by: int, image: Image) -> tuple[int, int, int, int]:
    return (
        max(0, box.x0 - by),
        max(0, box.y0 - by),
        min(image.width - 1, box.x1 + by),
        min(image.height - 1, box.y1 + by),
    )


def annotate(image: Image, reading: Reading, verdict: Verdict) -> Image:
    """A copy of `image` with the evidence of `verdict` drawn on it."""
    from PIL import ImageDraw

    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    thin = max(1, out.width // 540)
    thick = max(3, out.width // 200)
    for aside in reading.aside:
        draw.rectangle(_grow(aside.line.box, thin, out), outline=ASIDE, width=thin)
    for bubble in reading.bubbles:
        colour = OWN_SIDE if bubble.me else OTHER_SIDE
        draw.rectangle(_grow(bubble.box, 3 * thick, out), outline=colour, width=thin)
    for f in verdict.findings:
        colour = STAGE_COLOUR.get(f.stage or 0, OTHER_COLOUR) if f.role == "scam" else OTHER_COLOUR
        for box in reading.boxes(f.turn, f.start, f.end):
            draw.rectangle(_grow(box, thick, out), outline=colour, width=thick)
    return out


def png_bytes(image: Image) -> bytes:
    """The image as PNG bytes."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
