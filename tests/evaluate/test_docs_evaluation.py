"""docs/evaluation.md documents every corpus and keeps its generated block (filled by
`fanzha eval --corpora … --doc docs/evaluation.md`); its error codes are in docs/errors.md (tests/test_errors.py)."""

from __future__ import annotations

import re
from pathlib import Path

from fanzha.evaluate.report import END
from fanzha.records.corpora import ALIASES, CORPORA

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")


def test_every_corpus_and_alias_is_documented() -> None:
    for name in [*CORPORA, *ALIASES]:
        assert f"`{name}`" in DOC, name


def test_generated_block_is_present() -> None:
    assert re.search(r"<!-- BEGIN generated[^\n]*-->", DOC) and END in DOC
