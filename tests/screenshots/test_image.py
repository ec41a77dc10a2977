"""The image checks: what is not a PNG or JPEG, damaged, too large or empty is a coded error before any OCR —
whatever the bytes (hypothesis)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from fanzha.errors import InputError
from fanzha.screenshots import image as images
from fanzha.screenshots.image import kind_of, open_image, read_image_file


def png(width: int, height: int, colour: tuple[int, int, int] = (237, 237, 237)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, format="PNG")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels, with a few bytes of data (a decompression bomb's
    shape: the header is all a reader needs to refuse it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def code_of(data: bytes) -> str:
    with pytest.raises(InputError) as exc:
        open_image(data, where="x.png")
    return exc.value.code


@pytest.mark.parametrize(
    "data, kind",
    [
        (png(20, 20), "PNG"),
        (b"\xff\xd8\xff\xe0rest", "JPEG"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"GIF89a....", "GIF"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "WebP"),
        ("您好，我是客服".encode(), "text"),
        (b"\x00\x01\x02\xfe\xff\xfa\xfb\xfc\xfd", "0x000102feff"),
    ],
)
def test_kind_of_names_what_the_bytes_are(data: bytes, kind: str) -> None:
    assert kind_of(data).startswith(kind)


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="a PDF, a GIF, a text or random bytes named .png",
    behaviour="E060 naming what it looks like, before any decoding",
)
def test_what_is_not_png_or_jpeg_is_refused_with_its_kind() -> None:
    with pytest.raises(InputError) as exc:
        open_image(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", where="shot.png")
    assert exc.value.code == "E060" and exc.value.params["kind"] == "PDF"


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="a PNG cut off half-way (truncated)",
    behaviour="E061 with the decoder's reason",
)
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_png_is_e061(keep: float) -> None:
    data = png(300, 300, (10, 200, 30))
    assert code_of(data[: int(len(data) * keep)]) == "E061"


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="a decompression bomb: a small PNG whose header claims 49 million or 10 billion pixels",
    behaviour="E062 from the header, before decoding (the limit: 40 million pixels)",
)
@pytest.mark.parametrize("side", [7_000, 100_000])
def test_a_decompression_bomb_is_refused_from_its_header(side: int) -> None:
    data = png_header(side, side)
    assert len(data) < 200
    assert code_of(data) == "E062"


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="an empty (0-byte) file; an image a few pixels wide",
    behaviour="E000 (nothing to analyse); E063 (no text can be on it)",
)
def test_empty_and_tiny_images() -> None:
    assert code_of(b"") == "E000"
    assert code_of(png(8, 8)) == "E063"


def test_transparency_is_laid_on_white() -> None:
    buf = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(buf, format="PNG")
    img = open_image(buf.getvalue())
    assert img.mode == "RGB" and img.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.reliability(
    entry="fanzha.screenshots (reading an image)",
    bad_input="random bytes, alone or after a PNG or JPEG signature (hypothesis)",
    behaviour="a coded error (E000, E060–E063), never another exception",
)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2_000), prefix=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]))
def test_random_bytes_give_a_coded_error(data: bytes, prefix: bytes) -> None:
    try:
        open_image(prefix + data)
    except InputError as exc:
        assert exc.code in ("E000", "E060", "E061", "E062", "E063")


def test_files_a_command_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for path, code in ((empty, "E000"), (tmp_path / "missing.png", "E001"), (tmp_path, "E002")):
        with pytest.raises(InputError) as exc:
            read_image_file(path)
        assert exc.value.code == code
    big = tmp_path / "big.png"
    big.write_bytes(png(50, 50))
    monkeypatch.setattr(images, "MAX_BYTES", 10)
    with pytest.raises(InputError) as exc:
        read_image_file(big)
    assert exc.value.code == "E065"


def test_without_the_ocr_installed_reading_is_e064(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from fanzha.screenshots.ocr import RapidOcr

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    with pytest.raises(InputError) as exc:
        RapidOcr()
    assert exc.value.code == "E064"
