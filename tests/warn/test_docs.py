"""docs/warn.md documents every error code the engine uses, every sequence, and the event kinds."""

from __future__ import annotations

import re
from pathlib import Path

from fanzha.kb.sequences import default_rules
from fanzha.records.events import KINDS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "warn.md").read_text(encoding="utf-8")


def _codes_in_code() -> set[str]:
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [
            *(ROOT / "src" / "fanzha" / "warn").glob("*.py"),
            *(ROOT / "src" / "fanzha" / "records").glob("*.py"),
            ROOT / "src" / "fanzha" / "kb" / "sequences.py",
            ROOT / "src" / "fanzha" / "cli" / "warn.py",
        ]
    )
    return set(re.findall(r'"(E7[0-4]\d)"', text))


def test_every_error_code_is_documented() -> None:
    table = set(re.findall(r"^\| (E7\d\d) \|", DOC, flags=re.M))
    used = _codes_in_code()
    assert used <= table, sorted(used - table)
    assert table <= used, sorted(table - used)


def test_every_sequence_and_kind_is_documented() -> None:
    for q in default_rules().sequences:
        assert f"`{q.id}`" in DOC, q.id
    for kind in KINDS:
        assert f"`{kind}`" in DOC, kind
