"""docs/warn.md documents every sequence and the event kinds (its error codes are in docs/errors.md:
tests/test_errors.py)."""

from __future__ import annotations

from pathlib import Path

from fanzha.kb.sequences import default_rules
from fanzha.records.events import KINDS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "warn.md").read_text(encoding="utf-8")


def test_every_sequence_and_kind_is_documented() -> None:
    for q in default_rules().sequences:
        assert f"`{q.id}`" in DOC, q.id
    for kind in KINDS:
        assert f"`{kind}`" in DOC, kind
