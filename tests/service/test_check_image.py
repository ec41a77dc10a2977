"""`POST /v1/check/image`: a chat screenshot uploaded (multipart, field ``image``) is checked as
`fanzha check --image --json` checks it, or drawn (``?format=png``); a bad upload is a coded error with its HTTP
status, never a 500."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from centrekit import checker, scorer, settings
from fanzha.service import create_app
from screenshots.conftest import SCAM_CHAT, SMALL
from screenshots.test_image import png, png_header


@pytest.fixture(scope="module")
def scam_png() -> bytes:
    from fanzha.screenshots.render import render

    return render(SCAM_CHAT, SMALL).data(False)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        settings(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path), checker=checker(), scorer=scorer()
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_an_upload_is_checked_as_the_command_checks_it(client: TestClient, scam_png: bytes) -> None:
    from fanzha.screenshots import check_screenshot, verdict_dict

    r = client.post("/v1/check/image", files={"image": ("shot.png", scam_png, "image/png")})
    assert r.status_code == 200
    body = r.json()
    verdict, reading, _ = check_screenshot(checker().detector, scam_png, lang="zh")
    assert body == verdict_dict(verdict, reading)
    assert body["label"] == "scam" and all(f["boxes"] for f in body["findings"])


def test_format_png_returns_the_screenshot_with_the_evidence_drawn(
    client: TestClient, scam_png: bytes
) -> None:
    r = client.post("/v1/check/image?format=png", files={"image": ("shot.png", scam_png, "image/png")})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(r.content)) as drawn, Image.open(io.BytesIO(scam_png)) as shot:
        assert drawn.size == shot.size and drawn.convert("RGB").tobytes() != shot.convert("RGB").tobytes()


@pytest.mark.reliability(
    entry="POST /v1/check/image",
    bad_input="no file, not an image, a text renamed .png, a truncated PNG, a decompression bomb, an empty "
    "file, a blank screen",
    behaviour="422 with the code (E922, E060, E060, E061, E062, E000, E063) in the error body, in zh or en",
)
@pytest.mark.parametrize(
    "data, code",
    [
        (None, "E922"),
        (b"%PDF-1.7\n", "E060"),
        ("您好，我是客服".encode(), "E060"),
        (png(200, 200, (9, 9, 9))[:300], "E061"),
        (png_header(100_000, 100_000), "E062"),
        (b"", "E000"),
        (png(540, 1170), "E063"),
    ],
)
def test_bad_uploads_are_coded_errors(client: TestClient, data: bytes | None, code: str) -> None:
    if data is None:
        r = client.post("/v1/check/image", data={"explain": "false"})
    else:
        r = client.post("/v1/check/image?lang=en", files={"image": ("x.png", data, "image/png")})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code


@pytest.mark.reliability(
    entry="POST /v1/check/image",
    bad_input="an upload larger than the image size limit",
    behaviour="413 E065, the upload not read into memory",
)
def test_an_upload_over_the_limit_is_413(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from fanzha.screenshots import image

    monkeypatch.setattr(image, "MAX_BYTES", 1000)
    r = client.post(
        "/v1/check/image", files={"image": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, "image/png")}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "E065"
