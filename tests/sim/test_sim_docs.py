"""docs/sim.md documents every option of `fanzha sim`, every error code, channel, event kind and file."""

from __future__ import annotations

import re
from pathlib import Path

import click

from fanzha.cli.sim import sim
from fanzha.records.schema import ACCOUNT_KINDS, CHANNELS, EVENT_KINDS, FILES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "sim.md").read_text(encoding="utf-8")


def test_every_option_is_documented() -> None:
    for param in sim.params:
        if isinstance(param, click.Option):
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in DOC, opt


def test_every_error_code_is_documented() -> None:
    sources = [
        *sorted((ROOT / "src" / "fanzha" / "sim").glob("*.py")),
        ROOT / "src" / "fanzha" / "cli" / "sim.py",
    ]
    codes = set()
    for path in sources:
        codes |= set(re.findall(r'"(E4\d\d)"', path.read_text(encoding="utf-8")))
    assert codes
    for code in sorted(codes):
        assert f"| {code} |" in DOC, code


def test_vocabularies_and_files_are_documented() -> None:
    for word in (*CHANNELS, *EVENT_KINDS, *ACCOUNT_KINDS):
        assert word in DOC, word
    for name in FILES:
        assert f"`{name}`" in DOC, name
