"""Every vendored file is listed in VENDOR.json with its library, version, source and licence; each library's
licence file sits beside it; the digests match; no page names an asset of another origin."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

STATIC = Path(str(resources.files("fanzha.console") / "static"))
VENDOR = STATIC / "vendor"
TEMPLATES = Path(str(resources.files("fanzha.console") / "templates"))


def test_every_vendored_file_is_listed_with_its_licence_and_digest() -> None:
    manifest = json.loads((VENDOR / "VENDOR.json").read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    for lib in manifest["libraries"]:
        assert lib["name"] and re.fullmatch(r"\d+\.\d+\.\d+", lib["version"]), lib
        assert lib["license"] in {"0BSD", "MIT", "Apache-2.0"}, lib
        assert lib["source"].startswith(f"npm: {lib['name']}@{lib['version']} ")
        assert lib["license_files"], f"{lib['name']} has no licence file"
        assert any(Path(f).name.startswith("LICENSE") for f in lib["license_files"])
        for name, info in {**lib["files"], **lib["license_files"]}.items():
            listed[name] = info["sha256"]
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"VENDOR.json"}
    assert on_disk == set(listed), f"not listed: {on_disk - set(listed)}; missing: {set(listed) - on_disk}"
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_pages_name_only_assets_of_their_own_origin() -> None:
    for path in [*TEMPLATES.glob("*.html"), *STATIC.glob("*.css"), *STATIC.glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"'{]+)""", text):
            assert url.startswith(("/", "?", "#", "tel:")), f"{path.name}: {url}"
        assert "//cdn" not in text and "http://" not in text and "https://" not in text, path.name
        if path.suffix == ".html":
            assert "<script>" not in text and " style=" not in text and "<style" not in text, path.name


def test_the_package_ships_the_templates_and_static_files() -> None:
    import tomllib

    conf = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    data = conf["tool"]["setuptools"]["package-data"]["fanzha"]
    root = Path(str(resources.files("fanzha")))
    shipped = {p for pattern in data for p in root.glob(pattern) if p.is_file()}
    console = {
        p
        for p in (root / "console").rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    }
    assert console <= shipped, sorted(str(p.relative_to(root)) for p in console - shipped)
