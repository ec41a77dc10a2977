#!/usr/bin/env python
"""The example chat screenshot the package ships (`src/fanzha/examples/screenshot.png`) and the annotated
picture of it in the docs (`docs/images/screenshot-annotated.png`), drawn by `fanzha.screenshots.render` from
the chat below — written for the example, a quality-refund scam moving to QQ — and read back as
`fanzha check --image src/fanzha/examples/screenshot.png --annotate OUT.png` does.

    python scripts/example_screenshot.py            # (re)draw both

Both are small (a 540 × 1170 screen; the PNGs are palette-quantised). The annotated picture depends on the OCR's
boxes, which may differ by a pixel between machines: it is redrawn by hand, not checked by a test.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402

from fanzha.screenshots.render import Style, render  # noqa: E402

SHOT = ROOT / "src" / "fanzha" / "examples" / "screenshot.png"
ANNOTATED = ROOT / "docs" / "images" / "screenshot-annotated.png"
STYLE = Style("wechat", "light", 540, 1170)
CHAT: dict[str, Any] = {
    "id": "example",
    "title": "淘宝官方售后",
    "nick": "售后客服",
    "turns": [
        {"t": "昨天 14:02"},
        {"o": "您好，我是淘宝售后客服，您5月10日购买的补水面膜经抽检存在质量问题，已被召回"},
        {"o": "我们按规定给您三倍赔偿，共387元"},
        {"m": "要怎么退？"},
        {"o": "退款需要走理赔通道，请加理赔专员QQ 2846135790，下载TIM开启屏幕共享，他会指导您操作"},
        {"m": "好的"},
    ],
}


def small_png(image: Image.Image) -> bytes:
    """`image` as a palette PNG (a few tens of kilobytes)."""
    buf = io.BytesIO()
    image.convert("RGB").quantize(colors=64, dither=Image.Dither.NONE).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def drawn() -> tuple[bytes, bytes]:
    """The example screenshot and its annotated picture, as PNG bytes."""
    from fanzha.detect import Detector
    from fanzha.screenshots import check_screenshot
    from fanzha.screenshots.annotate import annotate

    shot = small_png(render(CHAT, STYLE).image)
    verdict, reading, image = check_screenshot(Detector(), shot)
    return shot, small_png(annotate(image, reading, verdict))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    shot, annotated = drawn()
    for path, data in ((SHOT, shot), (ANNOTATED, annotated)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
