"""The service in process (FastAPI's TestClient) on a fresh store — SQLite and PostgreSQL — with a crew."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from centrekit import Crew, checker, crew, scorer, settings
from fanzha.service import create_app


@dataclass
class Api:
    client: TestClient
    team: Crew

    def auth(self, who: str) -> dict[str, str]:
        """Headers for a role (operator …), a key scope (key:events …) or nobody (anonymous)."""
        if who == "anonymous":
            return {}
        if who.startswith("key:"):
            return {"Authorization": f"Bearer {self.team.keys[who[4:]]}"}
        return {"Authorization": f"Bearer {self.team.tokens[who]}"}


@pytest.fixture
def api(db_url: str, tmp_path: Path) -> Iterator[Api]:
    app = create_app(
        settings(db_url, tmp_path, check_burst=5, check_rate=0.5), checker=checker(), scorer=scorer()
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, crew(app.state.centre))
