"""`fanzha check --image`: a rendered chat screenshot checked as its text is, `--annotate` written whole beside
its target, and every bad image a coded error with exit 2 — never a traceback, never a half-written PNG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from clirun import read_only_folder, run
from screenshots.conftest import SAFE_CHAT, SCAM_CHAT, SMALL
from screenshots.test_image import png, png_header

pytestmark = pytest.mark.usefixtures("reused_detectors")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from fanzha.screenshots.render import Style, render

    folder = tmp_path_factory.mktemp("shots")
    scam = folder / "scam.png"
    scam.write_bytes(render(SCAM_CHAT, SMALL).data(False))
    safe = folder / "safe.jpg"
    safe.write_bytes(render(SAFE_CHAT, Style("qq", "light", 540, 1170, jpeg=True)).data(True))
    return {"scam": scam, "safe": safe}


def _others(folder: Path, *keep: Path) -> list[str]:
    """Files in `folder` other than `keep` (a temporary file left behind would show here)."""
    return sorted(p.name for p in folder.iterdir() if p not in keep)


def test_a_scam_screenshot_is_checked_as_its_chat(
    shots: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--json", "--image", str(shots["scam"])], capsys)
    data = json.loads(out)
    assert code == 0 and data["label"] == "scam"
    assert data["findings"] and all(f["boxes"] for f in data["findings"])
    turns = data["screenshot"]["turns"]
    assert [t["side"] for t in turns] == ["other", "me", "other"]


def test_a_family_screenshot_is_safe_in_both_languages(
    shots: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--json", "--image", str(shots["safe"])], capsys)
    assert code == 0 and json.loads(out)["label"] == "safe"
    code, out, _ = run(["check", "--lang", "en", "--image", str(shots["safe"])], capsys)
    assert code == 0 and "Traceback" not in out


def test_the_human_output_says_what_was_read(
    shots: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--image", str(shots["scam"])], capsys)
    assert code == 0 and "诈骗" in out and "2846135790" in out


def test_annotate_writes_a_png_of_the_same_size_and_nothing_else(
    shots: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "evidence.png"
    code, _, _ = run(["check", "--image", str(shots["scam"]), "--annotate", str(target)], capsys)
    assert code == 0
    with Image.open(target) as drawn, Image.open(shots["scam"]) as shot:
        assert drawn.format == "PNG" and drawn.size == shot.size
        assert drawn.convert("RGB").tobytes() != shot.convert("RGB").tobytes()  # the boxes are drawn
    assert _others(tmp_path, target) == []  # written beside the target, renamed over it, no temporary left


@pytest.mark.reliability(
    entry="fanzha check --image --annotate",
    bad_input="--annotate naming the screenshot itself, or in a read-only folder",
    behaviour="E040 / E042 before the OCR runs, exit 2; the screenshot unchanged, no file written",
)
def test_annotate_refuses_the_input_and_unwritable_folders(
    shots: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = shots["scam"].read_bytes()
    code, _, err = run(["check", "--image", str(shots["scam"]), "--annotate", str(shots["scam"])], capsys)
    assert code == 2 and "E040" in err and shots["scam"].read_bytes() == before
    ro = read_only_folder(tmp_path / "ro", monkeypatch)
    code, _, err = run(["check", "--image", str(shots["scam"]), "--annotate", str(ro / "out.png")], capsys)
    assert code == 2 and "E04" in err and list(ro.iterdir()) == []


@pytest.mark.reliability(
    entry="fanzha check --image --annotate",
    bad_input="an image that cannot be read, with --annotate naming an existing file",
    behaviour="the image's code, exit 2; the existing file unchanged and no temporary file left",
)
def test_a_bad_image_leaves_the_annotate_target_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    target = tmp_path / "evidence.png"
    target.write_bytes(b"kept")
    code, _, err = run(["check", "--image", str(bad), "--annotate", str(target)], capsys)
    assert code == 2 and "E060" in err
    assert target.read_bytes() == b"kept" and _others(tmp_path, bad, target) == []


def _truncated() -> bytes:
    data = png(300, 300, (10, 200, 30))
    return data[: len(data) // 2]


@pytest.mark.reliability(
    entry="fanzha check --image",
    bad_input="not an image, a text file renamed .png, a truncated PNG, a decompression bomb, a 0-byte file, "
    "a blank screen, a missing file",
    behaviour="a coded error naming the file (E060, E061, E062, E000, E063, E001), exit 2",
)
@pytest.mark.parametrize(
    "name, data, code",
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "E060"),
        ("chat.png", "您好，我是淘宝客服，给您三倍赔偿".encode(), "E060"),
        ("cut.png", _truncated(), "E061"),
        ("bomb.png", png_header(100_000, 100_000), "E062"),
        ("empty.png", b"", "E000"),
        ("blank.png", png(540, 1170), "E063"),
        ("missing.png", None, "E001"),
    ],
)
def test_bad_images_are_coded_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes | None, code: str
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    exit_code, out, err = run(["check", "--image", str(path)], capsys)
    assert exit_code == 2 and f"{path}: {code}" in err and out == ""


@pytest.mark.reliability(
    entry="fanzha check --image",
    bad_input="a screenshot file larger than the limit (MAX_BYTES)",
    behaviour="E065 before the file is read whole, exit 2",
)
def test_a_file_over_the_size_limit_is_e065(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fanzha.screenshots import image

    path = tmp_path / "big.png"
    path.write_bytes(png(60, 60))
    monkeypatch.setattr(image, "MAX_BYTES", 100)
    code, _, err = run(["check", "--image", str(path)], capsys)
    assert code == 2 and "E065" in err


def test_image_and_text_together_are_a_usage_error(
    shots: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", "--image", str(shots["scam"]), "您好"], capsys)
    assert code == 2 and "--image" in err
    code, _, err = run(["check", "--annotate", "x.png", "您好"], capsys)
    assert code == 2 and "--annotate" in err


@pytest.mark.reliability(
    entry="fanzha check --image",
    bad_input="random bytes named .png, alone or after a PNG or JPEG signature (hypothesis)",
    behaviour="a coded error and exit 2, never a traceback",
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), prefix=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"]))
def test_random_bytes_named_png_never_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, prefix: bytes
) -> None:
    path = tmp_path / "random.png"
    path.write_bytes(prefix + data)
    code, out, err = run(["check", "--json", "--image", str(path)], capsys)
    assert code == 2 and "fanzha:" in err and " E0" in err
