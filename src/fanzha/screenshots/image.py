"""A chat screenshot's bytes checked and decoded: PNG or JPEG, whole, within a pixel limit.

Every refusal is coded before anything heavy runs: an empty file is E000, a file of another kind (a PDF, a GIF, a
text renamed ``.png``) E060 with what it looks like, a damaged or truncated image E061, an image of more than
`MAX_PIXELS` pixels E062 — read from its header, before decoding, so a decompression bomb (a small file that
expands to gigabytes) costs nothing —, a file larger than `MAX_BYTES` E065. Pillow is imported only here, when an
image is read.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.errors import InputError
from fanzha.records.files import read_bytes

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

#: the largest image read: a long (scrolling) screenshot of 1,440 × 27,000 pixels; a phone screen is 2–5 million
MAX_PIXELS = 40_000_000
#: the largest image file read (a 1080 × 2340 PNG screenshot is 0.2–2 MB)
MAX_BYTES = 32 * 1024 * 1024
#: the smallest side an image with readable text can have
MIN_SIDE = 16

_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"<svg", "SVG"),
    (b"<?xml", "XML"),
    (b"{", "JSON"),
    (b"[", "JSON"),
)


def kind_of(data: bytes) -> str:
    """What the bytes look like: ``PNG``, ``JPEG``, another format's name, ``text`` or their first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    head = data.lstrip()[:8]
    for magic, name in _KINDS:
        if head.startswith(magic):
            return name
    try:
        data[:512].decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + data[:8].hex()
    return "text"


def read_image_file(path: str | Path) -> bytes:
    """The bytes of an image file: E001–E007 as for any file, E065 above `MAX_BYTES`, E000 when empty."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        size = 0  # read_bytes says what is wrong with the path
    if size > MAX_BYTES:
        raise InputError("E065", where=str(p), size=size // (1024 * 1024), limit=MAX_BYTES // (1024 * 1024))
    data = read_bytes(p)
    if not data:
        raise InputError("E000", where=str(p))
    return data


def open_image(data: bytes, *, where: str | None = None) -> Image:
    """The decoded image (RGB), or a coded refusal (see the module docstring)."""
    if not data:
        raise InputError("E000", where=where)
    if len(data) > MAX_BYTES:
        raise InputError(
            "E065", where=where, size=len(data) // (1024 * 1024), limit=MAX_BYTES // (1024 * 1024)
        )
    kind = kind_of(data)
    if kind not in ("PNG", "JPEG"):
        raise InputError("E060", where=where, kind=kind)
    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            img = PILImage.open(io.BytesIO(data), formats=["PNG", "JPEG"])
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise InputError("E062", where=where, pixels=f"{width} × {height}", limit=f"{MAX_PIXELS:,}")
            img.load()
    except InputError:
        raise
    except PILImage.DecompressionBombError as exc:  # beyond Pillow's own limit, refused while opening
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)):,}" if found else "?"
        raise InputError("E062", where=where, pixels=size, limit=f"{MAX_PIXELS:,}") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:  # what Pillow raises on bad data
        raise InputError("E061", where=where, reason=str(exc) or type(exc).__name__) from None
    if min(width, height) < MIN_SIDE:
        raise InputError("E063", where=where)
    return _rgb(img)


def _rgb(img: Image) -> Image:
    """The image as RGB; transparency is laid on white (a screenshot with an alpha channel)."""
    from PIL import Image as PILImage

    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        back = PILImage.new("RGB", rgba.size, (255, 255, 255))
        back.paste(rgba, mask=rgba.getchannel("A"))
        return back
    return img.convert("RGB")


def pixels(img: Image) -> np.ndarray:
    """The image as an H × W × 3 array of uint8 (RGB)."""
    import numpy as np

    return np.asarray(img, dtype=np.uint8)
