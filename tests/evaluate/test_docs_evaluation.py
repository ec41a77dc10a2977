"""docs/evaluation.md documents every corpus, every error code of the evaluation and keeps its generated
block (filled by `fanzha eval --corpora … --doc docs/evaluation.md`)."""

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


def test_every_error_code_is_documented() -> None:
    sources = [
        *(ROOT / "src" / "fanzha" / "evaluate").glob("*.py"),
        ROOT / "src" / "fanzha" / "cli" / "evaluate.py",
    ]
    codes = {c for p in sources for c in re.findall(r'"(E3\d\d)"', p.read_text(encoding="utf-8"))}
    assert codes
    for code in sorted(codes):
        assert code in DOC or any(lo <= code <= hi for lo, hi in re.findall(r"(E3\d\d)–(E3\d\d)", DOC)), (
            f"{code} is not documented in docs/evaluation.md"
        )


def test_generated_block_is_present() -> None:
    assert re.search(r"<!-- BEGIN generated[^\n]*-->", DOC) and END in DOC
