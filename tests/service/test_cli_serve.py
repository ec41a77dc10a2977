"""`fanzha serve` on the command line, and the demo city it can run; `fanzha check` loads no part of the
service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from centrekit import centre as make_centre
from clirun import run
from fanzha.centre import LOCAL, QueueFilter
from fanzha.centre import demo as demo_city


@pytest.mark.reliability(
    entry="fanzha serve",
    bad_input="an unsupported --db URL, a bad --lateness",
    behaviour="exit 2 with one coded line (E914 without the URL's password, E030); nothing listens",
)
def test_bad_options_are_coded_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(["serve", "--db", "mysql://root:hunter2@db/x", "--data", str(tmp_path)], capsys)
    assert code == 2 and "E914" in err and "hunter2" not in err
    code, _, err = run(["serve", "--lateness", "soon", "--data", str(tmp_path)], capsys)
    assert code == 2 and "E030" in err


def test_the_client_address_is_the_services_to_decide(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own X-Forwarded-For handling is off: a request from 127.0.0.1 naming another client in the
    header is not believed unless --trusted-proxy says so (deps.client_ip), for the audit log and the rate limit."""
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    try:
        code, _, err = run(["serve", "--data", str(tmp_path)], capsys)
    finally:
        import gc

        gc.unfreeze()  # the command froze start-up's heap (Centre.warm_up): this test process goes on
    assert code == 0, err
    assert seen["proxy_headers"] is False and seen["workers"] == 1


def test_check_loads_neither_the_web_framework_nor_the_database(tmp_path: Path) -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from fanzha.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['check', '您好，我是淘宝客服，给您三倍赔偿'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    top = set(done.stdout.split())
    assert not top & {"fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "argon2", "httpx"}, top


@pytest.mark.slow
def test_the_demo_city_fills_the_registry_and_alerts_arrive_live(tmp_path: Path) -> None:
    centre = make_centre(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    centre.start(workers=False)
    world = demo_city.make_world(tmp_path / "worlds" / "demo", seed=7)
    assert demo_city.load_people(centre, world) == 2_000
    creds = demo_city.make_users(centre)
    assert set(creds.passwords) == {"operator", "supervisor", "investigator", "admin"} and creds.api_key
    token, _, _ = centre.accounts.login("operator", creds.passwords["operator"], "127.0.0.1")
    flags = demo_city.bank_flags(centre, world)  # the banks' feed of the shared scam-account list
    assert flags > 0 and demo_city.bank_flags(centre, world) == 0  # given again: duplicates
    feeder = demo_city.Feeder(centre, world, speed=10_000_000, tick=0.05)
    feeder.start()
    assert feeder.done.wait(120)
    from fanzha.centre import Actor

    op = Actor(centre.accounts.principal(token), "127.0.0.1")
    page = centre.alerts.queue(op, QueueFilter(status="new"), limit=5)
    assert page["total"] >= 10 and page["items"][0]["person"]["name"]
    assert page["items"][0]["station"].endswith("派出所")
    assert feeder.sent == 36_511
    centre.close()
    again = make_centre(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    stats = again.start(workers=False)
    assert stats.events == 36_511
    assert again.alerts.queue(LOCAL, QueueFilter(status="new"))["total"] == page["total"]
    again.close()


@pytest.mark.slow
def test_serve_demo_from_the_command_line_prints_working_credentials(tmp_path: Path) -> None:
    """The README's `fanzha serve --demo`, as a person runs it: it starts, prints each demo user's password once
    and the integrator's key (in Chinese by default), and both let one in."""
    import re

    import httpx

    from fanzha.service.process import ServerProcess

    server = ServerProcess(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path, "--demo", "--speed", "60")
    server.start(timeout=300)
    try:
        log = (tmp_path / "server.log").read_text(encoding="utf-8")
        assert "演示账号" in log and "对接方密钥" in log, log
        password = re.search(r"^\s+investigator\s+(\S+)$", log, re.M)
        key = re.search(r"对接方密钥.*：(\S+)$", log, re.M)
        assert password is not None and key is not None, log
        login = httpx.post(
            f"{server.base}/v1/auth/login", json={"username": "investigator", "password": password[1]}
        )
        assert login.status_code == 200 and login.json()["token"]
        check = httpx.post(
            f"{server.base}/v1/check", json={"text": "您好，我是淘宝客服"}, headers={"X-API-Key": key[1]}
        )
        assert check.status_code == 200 and check.json()["label"]
    finally:
        server.stop()
