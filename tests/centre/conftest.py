"""A centre on a fresh store (SQLite and PostgreSQL) with a crew of every role and scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from centrekit import Crew, crew
from centrekit import centre as make_centre
from fanzha.centre import Centre


class FakeClock:
    """Wall-clock µs that the test moves by hand."""

    def __init__(self, start: int = 1_709_600_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1_000_000)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def centre(db_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[Centre]:
    c = make_centre(db_url, tmp_path, now_us=clock)
    c.start(workers=False)
    yield c
    c.close()


@pytest.fixture
def team(centre: Centre) -> Crew:
    return crew(centre)
