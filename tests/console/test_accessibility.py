"""Accessibility basics: every input of every page has a label (or an aria-label), the level colours and the
other text-on-colour pairs have a WCAG 2 contrast ratio of at least 4.5, the stage picture and charts have a
text alternative. (Keyboard use of the queue — tab to an alert, enter opens it — is checked in the browser:
tests/console/test_browser.py.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from centrekit import victim
from console.conftest import Console
from fanzha.centre import LOCAL, QueueFilter

CSS = Path(str(resources.files("fanzha.console") / "static" / "console.css")).read_text(encoding="utf-8")


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _var(name: str) -> str:
    m = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert m, name
    return m.group(1)


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("level", ["high", "medium", "low"])
def test_level_colours_have_a_contrast_of_at_least_4_5(level: str) -> None:
    ratio = contrast(_var(f"level-{level}-fg"), _var(f"level-{level}-bg"))
    assert ratio >= 4.5, f"{level}: {ratio:.2f}"


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        ("#ffffff", "var:danger"),  # the scam verdict, the hotlines, reached steps
        ("#3e2600", "#ffc94d"),  # the suspicious verdict
        ("#14461f", "#e3f4e7"),  # the safe verdict, the cases page's notice
        ("var:accent-fg", "var:accent"),  # primary buttons
        ("var:muted", "var:bg"),  # muted text on the page
        ("var:muted", "var:card"),
        ("#5f1410", "#fdecea"),  # coded errors
        ("#1d1d1f", "var:mark"),  # marked evidence
        ("#ffffff", "#102a43"),  # the top bar
        ("var:danger", "var:card"),  # the recommended action for a high alert
    ],
)
def test_other_text_colours_have_a_contrast_of_at_least_4_5(fg: str, bg: str) -> None:
    def colour(c: str) -> str:
        return _var(c[4:]) if c.startswith("var:") else c

    for c in (fg, bg):
        if not c.startswith("var:"):
            assert c in CSS, f"{c} is no longer in console.css: update this test"
    assert contrast(colour(fg), colour(bg)) >= 4.5


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.svgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag == "svg":
            self.svgs.append(a)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_input_has_a_label(console: Console) -> None:
    centre = console.app.state.centre
    centre.live.ingest(console.team.actor("admin"), victim(), "zh")
    aid = centre.alerts.queue(LOCAL, QueueFilter())["items"][0]["alert_id"]
    op, inv = console.client("operator"), console.client("investigator")
    op.post(f"/alerts/{aid}/claim")
    pages = [
        console.client().get("/"),
        console.client().post("/check", data={"text": "我是淘宝客服，给您三倍赔偿，请下载小鱼易连共享屏幕"}),
        console.client().get("/login"),
        op.get("/queue"),
        op.get(f"/alerts/{aid}"),
        op.get("/stats"),
        inv.get("/traces"),
        inv.get("/cases"),
        inv.get("/payees", params={"account": "A0000007777"}),
    ]
    for r in pages:
        assert r.status_code == 200
        p = _Inputs()
        p.feed(r.text)
        assert p.inputs, r.url
        for a in p.inputs:
            assert a.get("aria-label") or (a.get("id") and a["id"] in p.labels), f"{r.url}: unlabelled {a}"
        for svg in p.svgs:
            assert svg.get("role") == "img" and svg.get("aria-label"), f"{r.url}: an svg without a text"
        assert '<html lang="zh-CN">' in r.text and 'class="skip" href="#main"' in r.text
