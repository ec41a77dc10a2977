"""docs/sim.md documents every option of `fanzha sim`, every channel, event kind and file (its error codes are in
docs/errors.md: tests/test_errors.py)."""

from __future__ import annotations

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


def test_vocabularies_and_files_are_documented() -> None:
    for word in (*CHANNELS, *EVENT_KINDS, *ACCOUNT_KINDS):
        assert word in DOC, word
    for name in FILES:
        assert f"`{name}`" in DOC, name
