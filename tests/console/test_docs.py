"""docs/console.md lists every page and route of the console, with its JSON twin."""

from __future__ import annotations

from pathlib import Path

from fanzha.console import routes

DOC = Path(__file__).resolve().parents[2] / "docs" / "console.md"


def test_every_console_route_is_documented() -> None:
    found = routes()
    assert len(found) >= 20
    doc = DOC.read_text(encoding="utf-8")
    missing = [f"{m} {p}" for m, p in found if f"`{m} {p}`" not in doc]
    assert not missing, f"docs/console.md does not list: {missing}"
    assert "/static/" in doc and "?format=json" in doc


def test_every_screenshot_the_docs_show_exists() -> None:
    import re

    doc = DOC.read_text(encoding="utf-8")
    shots = re.findall(r"\((console/[\w.-]+\.png)\)", doc)
    assert len(shots) >= 10
    for s in shots:
        assert (DOC.parent / s).is_file(), s
