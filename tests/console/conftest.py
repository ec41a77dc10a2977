"""The console's fixtures: the service in process (TestClient) with a crew, the service on a real loopback
server (uvicorn in a thread, stopped at the end) and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from centrekit import PASSWORD, Crew, checker, crew, scorer, settings
from fanzha.service import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: screenshots of every page go to docs/console/ when this is set (ordinary runs leave the tree alone)
SHOTS = os.environ.get("FANZHA_SCREENSHOTS") == "1"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "console"


@dataclass
class Console:
    """The service in process with a user of every role; `login(role)` gives a client with its cookie."""

    app: Any
    team: Crew
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, who: str = "anonymous") -> TestClient:
        if who not in self.clients:
            c = TestClient(self.app, raise_server_exceptions=False)
            c.__enter__()
            if not who.startswith("anonymous"):
                r = c.post("/login", data={"username": who, "password": PASSWORD}, follow_redirects=False)
                assert r.status_code == 303, r.text
            self.clients[who] = c
        return self.clients[who]


@pytest.fixture
def console(db_url: str, tmp_path: Path) -> Iterator[Console]:
    app = create_app(
        settings(db_url, tmp_path, check_burst=5, check_rate=0.5), checker=checker(), scorer=scorer()
    )
    with TestClient(app, raise_server_exceptions=False):
        con = Console(app, crew(app.state.centre))
        try:
            yield con
        finally:
            for c in con.clients.values():
                c.__exit__(None, None, None)


@dataclass
class LiveServer:
    base: str
    app: Any
    team: Crew


@pytest.fixture
def live_server(db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """`fanzha serve`'s app on 127.0.0.1 and a free port, in a thread of this process (so a test can feed
    its centre directly); stopped at the end."""
    import uvicorn

    from fanzha.service.process import free_port

    app = create_app(settings(db_url, tmp_path), checker=checker(), scorer=scorer())
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="console-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app, crew(app.state.centre))
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, with a fresh profile (Playwright makes a temporary user data dir per
    launch). Never `playwright install`: it would download a browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: scripts/system-deps.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # the browser's own controls (a file field's 选择文件) in the console's default language: Chromium reads
        # its interface language from LANGUAGE (chromium-l10n carries the translations)
        env = {**os.environ, "LANGUAGE": "zh-CN"}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, env=env)
        try:
            yield browser
        finally:
            browser.close()
