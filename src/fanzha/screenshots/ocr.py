"""Text lines and the box of every character, read from an image by an offline OCR.

The engine is RapidOCR (``rapidocr-onnxruntime``: PaddleOCR's PP-OCRv4 detection and recognition models as ONNX,
shipped inside its wheel, run by onnxruntime on the CPU — nothing is downloaded). It is imported on first use
only: ``fanzha check`` without ``--image`` never loads it. Without the ``ocr`` extra installed, reading an image
is E064.

How an image is read:
- it is scaled to `WORK_WIDTH` pixels wide when wider (a phone's chat text is then 30–40 pixels high, what the
  recogniser reads at 48; detection costs with the pixels, so a 1080 × 2340 screenshot is read at 720 × 1560);
- a long (scrolling) screenshot is read in tiles `TILE` high that overlap by `OVERLAP`; a line belongs to the tile
  that holds its centre;
- the orientation classifier is skipped (a screenshot is upright);
- every line comes back with its text, its box and one box per character (RapidOCR's word boxes: one per
  character for Chinese, spread over the letters for Latin words), in the original image's pixels.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from fanzha.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

WORK_WIDTH = 720
TILE = 1800
OVERLAP = 200


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in image pixels: [x0, x1) × [y0, y1)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1)
        )

    def to_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]

    @classmethod
    def around(cls, points: Sequence[Sequence[float]], scale: float = 1.0, dy: float = 0.0) -> Box:
        """The box around `points` (a quadrilateral), divided by `scale` and moved down by `dy`."""
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        return cls(
            int(min(xs) / scale),
            int((min(ys) + dy) / scale),
            int(round(max(xs) / scale)),
            int(round((max(ys) + dy) / scale)),
        )


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as the OCR read it: its text, its box, one box per character, its confidence."""

    text: str
    box: Box
    chars: tuple[Box, ...]
    score: float = 1.0

    def char_boxes(self, start: int, end: int) -> Box | None:
        """The box around characters `start`–`end` of the line (None for an empty range)."""
        if start >= end:
            return None
        out = self.chars[start]
        for b in self.chars[start + 1 : end]:
            out = out.union(b)
        return out


class Ocr(Protocol):
    """What reads the lines of an image (tests plug in a fake one)."""

    def read(self, image: Image) -> list[Line]: ...


def spread(text: str, box: Box) -> tuple[Box, ...]:
    """One box per character when the OCR gives none that fit: the line's box shared out by width (a Chinese
    character is twice as wide as a Latin letter or digit)."""
    weights = [1.0 if ord(ch) < 0x2E80 else 2.0 for ch in text]
    total = sum(weights) or 1.0
    out: list[Box] = []
    x = float(box.x0)
    for w in weights:
        nx = x + box.width * w / total
        out.append(Box(int(x), box.y0, max(int(x) + 1, int(round(nx))), box.y1))
        x = nx
    return tuple(out)


def threads() -> int:
    """The OCR's threads: ``$FANZHA_OCR_THREADS``, else the cores this process may run on (``taskset -c 0``
    makes it one)."""
    given = os.environ.get("FANZHA_OCR_THREADS", "").strip()
    if given.isdigit() and int(given) > 0:
        return min(int(given), 16)
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 8))


class RapidOcr:
    """RapidOCR behind the `Ocr` protocol. Build one and reuse it (loading the models takes about half a
    second); calls are serialised, so one engine may serve several threads."""

    def __init__(self, n_threads: int | None = None) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise InputError("E064", reason=str(exc)) from None
        n = n_threads or threads()
        # the tiles are sized here: RapidOCR must not shrink them again
        self._engine: Any = RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1, max_side_len=TILE * 4)
        self._lock = threading.Lock()

    def read(self, image: Image) -> list[Line]:
        import numpy as np

        scale = min(1.0, WORK_WIDTH / image.width)
        if scale < 1.0:
            from PIL import Image as PILImage

            size = (WORK_WIDTH, max(1, round(image.height * scale)))
            image = image.resize(size, PILImage.Resampling.LANCZOS)
        bgr = np.ascontiguousarray(np.asarray(image, dtype=np.uint8)[:, :, ::-1])
        height = bgr.shape[0]
        lines: list[Line] = []
        top = 0
        while True:
            lo = max(0, top - OVERLAP)
            hi = min(height, top + TILE + OVERLAP)
            last = hi >= height
            for line, cy in self._tile(bgr[lo:hi], scale, lo):
                if top <= cy < top + TILE or (last and cy >= top):
                    lines.append(line)
            if last:
                break
            top += TILE
        return lines

    def _tile(self, bgr: np.ndarray, scale: float, dy: int) -> list[tuple[Line, float]]:
        with self._lock:
            result, _ = self._engine(bgr, use_cls=False, return_word_box=True)
        out: list[tuple[Line, float]] = []
        for item in result or ():
            quad, text, score = item[0], str(item[1]), float(item[2])
            if not text.strip():
                continue
            box = Box.around(quad, scale, dy)
            cy = (min(p[1] for p in quad) + max(p[1] for p in quad)) / 2 + dy
            chars: tuple[Box, ...]
            words = item[3] if len(item) > 4 else None
            contents = item[4] if len(item) > 4 else None
            if words and contents and len(words) == len(text) and "".join(contents) == text:
                chars = tuple(Box.around(q, scale, dy) for q in words)
            else:
                chars = spread(text, box)
            out.append((Line(text, box, chars, score), cy))
        return out


_shared: RapidOcr | None = None
_shared_lock = threading.Lock()


def shared_ocr() -> RapidOcr:
    """The process's one `RapidOcr`, built on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RapidOcr()
        return _shared
