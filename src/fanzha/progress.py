"""Progress of long work, reported by the floors that do it and shown (or not) by the adapters.

A `Progress` is a callable ``progress(stage, done, total)``: `stage` names the work ("days", "rows", a corpus),
`done` how much of it is done, `total` how much there is (None when not known). Engines call it as they go;
they never print. The command line shows a bar on a terminal and nothing otherwise
(`fanzha.cli.progress.progress_bar`); `silent` is the default everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]


def silent(stage: str, done: int, total: int | None = None) -> None:
    """The progress of work nobody watches."""
