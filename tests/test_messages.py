"""The message catalogue (fanzha.messages): both languages say the same things, and every key the package
asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from fanzha.messages import LANGS, catalogue

SRC = Path(__file__).resolve().parents[1] / "src" / "fanzha"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    """The same keys, but for the commands' help (``help.*``): only zh holds it, the English is the code's
    (fanzha.cli.helptext; tests/cli/test_help.py checks that every command and option has its zh entry)."""
    zh, en = catalogue("zh"), catalogue("en")
    help_keys = {k for k in zh if k.startswith("help.")}
    assert help_keys, "no help.* keys: the zh-only exception would be vacuous"
    assert not [k for k in en if k.startswith("help.")], "the English help is in the code, not in en.yaml"
    assert set(zh) - help_keys == set(en), (set(zh) - help_keys) ^ set(en)
    different = {k: (_fields(zh[k]), _fields(en[k])) for k in en if _fields(zh[k]) != _fields(en[k])}
    assert not different


def test_every_literal_key_the_package_asks_for_exists() -> None:
    asked = re.compile(r"""\b(?:t|say)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    users = re.compile(
        r"from fanzha\.messages import [^\n]*\bt\b|from fanzha\.cli\.common import [^\n]*\bsay\b"
    )
    sources = {p: p.read_text("utf-8") for p in SRC.rglob("*.py")}
    keys = {m.group(1): p for p, text in sources.items() if users.search(text) for m in asked.finditer(text)}
    assert keys, "the pattern found no keys: the test would pass vacuously"
    missing = {k: str(p) for k, p in keys.items() if k not in catalogue("zh")}
    assert not missing


@pytest.mark.parametrize("lang", LANGS)
def test_the_commands_summaries_are_in_the_catalogue(lang: str) -> None:
    cli = {k for k in catalogue(lang) if k.startswith("cli.")}
    used = "\n".join(p.read_text("utf-8") for p in (SRC / "cli").glob("*.py"))
    assert cli and all(f'"{k}"' in used for k in cli), sorted(k for k in cli if f'"{k}"' not in used)
