"""What is said and written in the world: varied phrasings for every scam move and for ordinary life.

The phrasings are data: ``src/fanzha/kb/data/templates/world.yaml`` (scam moves, ordinary life, evasive
spellings, typos), checked by `fanzha.kb.templates` (the reports' phrasings, ``reports.yaml``, are read by
`fanzha.sim.reports`).
`TextBank` (from `fanzha.text.templates`) draws and varies them; every draw comes from the generator passed in,
so texts are reproducible. Here are the names the sim's modules read, resolved when first used: the templates
are read when a generator first asks, not when the sim is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar, overload

from fanzha.kb.templates import load_templates
from fanzha.text.templates import Rng, TextBank

__all__ = [
    "SCAM",
    "Rng",
    "TextBank",
]

V = TypeVar("V")


class _LazyMapping(Mapping[str, V]):
    """A table of the templates, read when first used."""

    def __init__(self, get: Callable[[], Mapping[str, V]]) -> None:
        self._get = get

    def __getitem__(self, key: str) -> V:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class _LazyTexts(Sequence[str]):
    """A list of phrasings of the templates, read when first used."""

    def __init__(self, get: Callable[[], Sequence[str]]) -> None:
        self._get = get

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...

    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())


#: scam moves, by family (contact.*, move.*, exec.*, close, victim.refuse)
SCAM: Mapping[str, tuple[str, ...]] = _LazyMapping(lambda: load_templates().world.scam)
