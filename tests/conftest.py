"""Shared fixtures: one Detector per session, the locations of ../shared (skipped when absent), and messages in
the default language (zh) whatever the environment says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fanzha.detect import Detector
from fanzha.messages import set_lang

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FANZHA_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seeds not found at {path} (they are not part of the repository)")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = Path(os.environ.get("FANZHA_DATA", SHARED / "data"))
    if not path.is_dir():
        pytest.skip(f"corpora not found at {path} (they are not part of the repository)")
    return path


@pytest.fixture(autouse=True)
def _default_lang(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in zh (no $FANZHA_LANG) and leaves no language set behind (`--lang` sets it)."""
    monkeypatch.delenv("FANZHA_LANG", raising=False)
    set_lang(None)
    yield
    set_lang(None)


@pytest.fixture
def reused_detectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in process reuse one Detector per (language, model) (`clirun.reuse_detectors`)."""
    from clirun import reuse_detectors

    reuse_detectors(monkeypatch)


# -- the centre's store: SQLite in a temporary folder, and a real PostgreSQL server (tests/pgserver.py) -----


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """One PostgreSQL server per test process, started on 127.0.0.1 and stopped at the end."""
    from pgserver import PgServer, binaries

    bindir = binaries()
    if bindir is None:
        pytest.skip(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: "
            "scripts/system-deps.sh installs them (apt-get install postgresql)"
        )
    server = PgServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: SQLite, and (marked postgres) a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'centre.db'}"
    server = request.getfixturevalue("pg_server")
    return str(server.new_database())  # type: ignore[attr-defined]
