"""Generated blocks of the docs: the text between two marker lines, replaced by what a command measured."""

from __future__ import annotations

from pathlib import Path

from fanzha.errors import InputError
from fanzha.records.outputs import atomic_file


def replace_block(path: Path, block: str, begin: str, end: str) -> None:
    """Replace the text of `path` between the lines `begin` and `end` by `block` (E001 when `path` is missing,
    E321 when the markers are)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("E001", where=str(path)) from None
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise InputError("E321", where=str(path), begin=begin, end=end)
    with atomic_file(path, option="--doc") as fh:  # whole or not at all: it is the user's document
        fh.write((text[: i + len(begin)] + "\n" + block + text[j:]).encode("utf-8"))
