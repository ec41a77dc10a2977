"""Chat screenshots: read a PNG or JPEG screenshot of a chat into the conversation it shows, check it, and draw
the evidence back on it.

    from fanzha.screenshots import read_screenshot, check_screenshot
    reading = read_screenshot(png_bytes)              # bubbles → turns, chrome set aside (Reading)
    verdict, reading, image = check_screenshot(detector, png_bytes)
    verdict_dict(verdict, reading)                    # the verdict's JSON with each finding's boxes

The reading is in `layout` (which lines are bubbles, whose they are, what is set aside), the OCR in `ocr`
(offline RapidOCR, imported on first use), the image checks in `image` (PNG / JPEG only, a pixel limit before
decoding), the drawing in `annotate`. docs/screenshots.md tells the design and its figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fanzha.errors import InputError
from fanzha.screenshots.reading import Aside, Bubble, Reading, verdict_dict

if TYPE_CHECKING:
    from PIL.Image import Image

    from fanzha.detect.verdict import Verdict
    from fanzha.screenshots.ocr import Ocr

__all__ = ["Aside", "Bubble", "Reading", "check_screenshot", "read_image", "read_screenshot", "verdict_dict"]


def read_image(image: Image, *, where: str | None = None, ocr: Ocr | None = None) -> Reading:
    """The conversation on a decoded image; E063 when no text of a conversation is found on it."""
    from fanzha.screenshots.image import pixels
    from fanzha.screenshots.layout import Layout

    if ocr is None:
        from fanzha.screenshots.ocr import shared_ocr

        ocr = shared_ocr()
    lines = ocr.read(image)
    reading = Layout(pixels(image)).read(lines)
    if not reading.bubbles:
        raise InputError("E063", where=where)
    return reading


def read_screenshot(data: bytes, *, where: str | None = None, ocr: Ocr | None = None) -> Reading:
    """The conversation on a screenshot given as the bytes of a PNG or JPEG file (coded errors E000, E060–E065
    for what cannot be read: `fanzha.screenshots.image`)."""
    from fanzha.screenshots.image import open_image

    return read_image(open_image(data, where=where), where=where, ocr=ocr)


def check_screenshot(
    detector: Any,
    data: bytes,
    *,
    lang: str | None = None,
    explain: bool = False,
    where: str | None = None,
    ocr: Ocr | None = None,
) -> tuple[Verdict, Reading, Image]:
    """The verdict of `detector` (a `fanzha.detect.engine.Detector`) on a screenshot, the reading it was made
    on, and the decoded image (for `fanzha.screenshots.annotate.annotate`)."""
    from fanzha.screenshots.image import open_image

    image = open_image(data, where=where)
    reading = read_image(image, where=where, ocr=ocr)
    verdict = detector.analyze(reading.document(), lang=lang, explain=explain)
    return verdict, reading, image
