"""Progress bars on standard error (rich), shown only on a terminal and unless ``--quiet``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from fanzha.progress import Progress, silent


@contextlib.contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[Progress]:
    """A `Progress` drawing one bar per stage on standard error while the block runs; `silent` when `quiet` or
    when standard error is not a terminal (a pipe, a log file, CI)."""
    if quiet or not sys.stderr.isatty():
        yield silent
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bars

    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int | None = None) -> None:
        task = tasks.get(stage)
        if task is None:
            task = tasks[stage] = bars.add_task(stage, total=total)
        bars.update(task, completed=done, total=total)

    with bars:
        yield report
