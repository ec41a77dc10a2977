"""What is said and written in the world: varied phrasings for every scam move and for ordinary life.

The phrasings are data: ``src/fanzha/kb/data/templates/world.yaml`` (scam moves, ordinary life, evasive
spellings, typos) and ``reports.yaml`` (victims' and officers' reports), checked by `fanzha.kb.templates`.
`TextBank` (from `fanzha.text.templates`) draws and varies them; every draw comes from the generator passed in,
so texts are reproducible. Here are the names the sim's modules read, resolved when first used: the templates
are read when a generator first asks, not when the sim is imported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar, overload

from fanzha.kb.templates import Pair, load_templates
from fanzha.text.templates import Rng, TextBank

__all__ = [
    "REPORT_LOSS",
    "REPORT_LOSS_POLICE",
    "REPORT_OPEN_POLICE",
    "REPORT_OPEN_VICTIM",
    "REPORT_PRETEXT",
    "REPORT_STEPS",
    "REPORT_STOPPED",
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


def _pairs(table: Mapping[str, Pair]) -> dict[str, tuple[str, str]]:
    """(victim's words, police's words) of each entry: a report indexes them by who writes."""
    return {key: (p.victim, p.police) for key, p in table.items()}


@functools.cache
def _pretext() -> dict[str, tuple[str, str]]:
    return _pairs(load_templates().reports.pretext)


@functools.cache
def _steps() -> dict[str, tuple[str, str]]:
    return _pairs(load_templates().reports.steps)


#: scam moves, by family (contact.*, move.*, exec.*, close, victim.refuse)
SCAM: Mapping[str, tuple[str, ...]] = _LazyMapping(lambda: load_templates().world.scam)

# reports (victims' and officers' narratives)
REPORT_OPEN_VICTIM: Sequence[str] = _LazyTexts(lambda: load_templates().reports.open_victim)
REPORT_OPEN_POLICE: Sequence[str] = _LazyTexts(lambda: load_templates().reports.open_police)
REPORT_PRETEXT: Mapping[str, tuple[str, str]] = _LazyMapping(_pretext)
REPORT_STEPS: Mapping[str, tuple[str, str]] = _LazyMapping(_steps)
REPORT_LOSS: Sequence[str] = _LazyTexts(lambda: load_templates().reports.loss)
REPORT_LOSS_POLICE: Sequence[str] = _LazyTexts(lambda: load_templates().reports.loss_police)
REPORT_STOPPED: Sequence[str] = _LazyTexts(lambda: load_templates().reports.stopped)
