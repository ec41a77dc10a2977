"""End to end in a real headless Chromium (Debian's, driven by Playwright), on SQLite and on PostgreSQL: an
operator logs in, sees an alert arrive live, opens it from the keyboard, records a dissuasion and the dashboard
counts it; a citizen checks a scam SMS and sees the evidence marked; an investigator traces the reported victims
and downloads the freeze list, files a victim's report on the cases page and starts a linking job that the page
follows until its clusters show; a role without the permission is refused. Every request any page makes goes to
the service itself, and no page breaks its Content-Security-Policy.

With FANZHA_SCREENSHOTS=1 the run writes a screenshot of every page (zh, desktop and phone width) into
docs/console/ and the queue's render time with 10,000 open alerts into docs/console/queue-10000.json."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from centrekit import PASSWORD, victim
from console.conftest import DOCS, SHOTS, LiveServer
from fanzha.centre import LOCAL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SCAM_SMS = (
    "【淘宝】您好，我是淘宝客服，您购买的面膜经检测有质量问题，给您办理三倍赔偿。"
    "请下载TIM，添加理赔专员QQ 28374655，按指导操作，不要告诉别人。"
)


class Visit:
    """A browser context on the test server: every request it makes and every console error is recorded. (Waits
    are on selectors, never `wait_for_function`: its polling evaluates a string, which the pages' CSP forbids.)"""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.base = base
        self.ctx = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.ctx.route("**/*", self._only_the_service)
        self.page = self.ctx.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _only_the_service(self, route: Any) -> None:
        """Every request of every page passes here: the service's own go on, any other is recorded and aborted."""
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def login(self, role: str) -> None:
        self.go("/login")
        self.page.fill("#username", role)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit].primary")

    def shot(self, name: str) -> None:
        if SHOTS:
            DOCS.mkdir(parents=True, exist_ok=True)
            w = self.page.viewport_size["width"]
            kind = "phone" if w < 600 else "desktop"
            self.page.screenshot(path=str(DOCS / f"{name}-{kind}.png"), full_page=True)

    def close(self) -> None:
        self.ctx.close()
        assert self.requests, "no request went through the interception"
        assert not self.outside, f"requests outside the service: {self.outside}"
        assert not [e for e in self.errors if "Content Security Policy" in e], self.errors
        unexpected = [
            e for e in self.errors if "status of 4" not in e
        ]  # the refusal page answers 403 on purpose
        assert not unexpected, unexpected


@contextmanager
def visit(browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> Iterator[Visit]:
    v = Visit(browser, base, viewport)
    try:
        yield v
    finally:
        v.close()


def _feed(server: LiveServer, delay: float) -> threading.Thread:
    """田先生's afternoon, sent to the centre a moment after the queue page is open."""

    def run() -> None:
        time.sleep(delay)
        _register(server.app.state.centre)
        events = victim()
        server.app.state.centre.live.ingest(server.team.actor("admin"), events[:5], "zh")
        server.app.state.centre.live.ingest(server.team.actor("admin"), events[5:], "zh")

    th = threading.Thread(target=run)
    th.start()
    return th


def test_operator_citizen_investigator_and_a_refusal(
    live_server: LiveServer, chromium: Any, tmp_path: Path
) -> None:
    from fanzha.sim import preset, simulate

    simulate(preset("small").replace(seed=3, days=30), tmp_path / "worlds" / "city")
    base = live_server.base

    # -- the operator: the alert arrives live, opened from the keyboard, a dissuasion recorded ----------
    with visit(chromium, base) as op:
        op.login("operator")
        assert op.page.url.endswith("/queue")
        assert op.page.locator("#queue-body tr[data-alert]").count() == 0
        op.page.wait_for_selector("html[data-live='on']", state="attached")
        feeder = _feed(live_server, 0.3)
        op.page.wait_for_selector("#queue-body tr[data-alert]", timeout=20_000)
        feeder.join()
        assert op.page.evaluate("window.fanzhaLive.swaps") >= 1  # swapped in, not reloaded
        op.page.wait_for_selector("#queue-body tr.lv-high", timeout=20_000)
        op.shot("queue")
        # keyboard: tab to the first alert, enter opens it
        for _ in range(40):
            op.page.keyboard.press("Tab")
            if op.page.evaluate("document.activeElement.classList.contains('open')"):
                break
        else:
            pytest.fail("Tab never reached an alert of the queue")
        with op.page.expect_navigation():
            op.page.keyboard.press("Enter")
        assert "/alerts/AL" in op.page.url
        assert op.page.locator(".timeline mark.ev").count() >= 3
        assert op.page.locator(".script li").count() >= 3
        with op.page.expect_navigation():
            op.page.click("#claim")
        op.shot("alert")
        op.page.check("#r-dissuaded")
        op.page.fill("#amount_protected", "200000")
        op.page.fill("#call-note", "已劝阻，已改密码并卸载涉诈APP")
        with op.page.expect_navigation():
            op.page.click("#call-form button[type=submit]")
        assert "劝阻成功" in op.page.inner_text(".facts")
        op.go("/stats")
        op.page.wait_for_selector("html[data-charts='done']", state="attached")
        assert op.page.inner_text("#kpi-dissuaded") == "1"
        assert op.page.inner_text("#kpi-protected") == "200,000.00"
        assert op.page.inner_text("#kpi-rate") == "100%"
        # a role without the permission: an operator opens the trace pages
        resp = op.go("/traces")
        assert resp is not None and resp.status == 403
        assert "E903" in op.page.inner_text("#error")
        op.shot("refused")

    # -- the citizen: a scam SMS, the evidence marked on it ------------------------------------------------
    with visit(chromium, base) as citizen:
        citizen.go("/")
        citizen.shot("check")
        citizen.page.fill("#text", SCAM_SMS)
        with citizen.page.expect_navigation():
            citizen.page.click("form[action='/check'] button[type=submit]")
        assert citizen.page.locator(".verdict-scam").count() == 1
        marks = citizen.page.locator("mark.ev").all_inner_texts()
        assert any("淘宝客服" in m for m in marks) and any("TIM" in m for m in marks)
        assert citizen.page.locator(".stages .step.reached").count() == 3
        assert citizen.page.locator("a.hotline[href='tel:96110']").is_visible()
        citizen.shot("check-result")

    # -- the investigator: trace the reported victims, the graph, the freeze list downloaded --------------
    with visit(chromium, base) as inv:
        inv.login("investigator")
        assert inv.page.url.endswith("/traces")
        inv.page.select_option("#world", "city")
        with inv.page.expect_navigation():
            inv.page.click("#trace-world")
        inv.page.wait_for_selector("#trace-status[data-status='done']", timeout=60_000)
        inv.page.wait_for_selector("#graph[data-nodes]:not([data-nodes='0'])")
        assert inv.page.locator("table.freeze tbody tr").count() >= 1
        with inv.page.expect_download() as dl:
            inv.page.click("#freeze-csv")
        content = Path(dl.value.path()).read_text(encoding="utf-8")
        assert content.startswith("\ufeff账号,冻结金额（元）")
        assert len(content.splitlines()) >= 2
        inv.shot("trace")
        trace_path = inv.page.url[len(base) :]
        inv.go("/traces")
        inv.shot("traces")
        report = {  # one report filed through the service, as a station's system would send it
            "report_id": "110-2024-0311", "time": "2024-03-11T21:40:00+08:00",
            "text": "自称淘宝客服说我买的面膜有质量问题要三倍赔偿，让我加QQ 2846135790，我转了3000元到卡号6222021234567890128。",
        }  # fmt: skip
        centre = live_server.app.state.centre
        centre.cases.take(LOCAL, rows=[report])
        inv.go("/cases")  # the stored world's reports are filed in the background; htmx swaps them in
        inv.page.evaluate("window.fanzhaStay = 1")
        inv.page.wait_for_selector(
            "#world-filed[data-status='done'] table.cases tbody tr details", timeout=60_000
        )
        assert inv.page.evaluate("window.fanzhaStay") == 1  # swapped in, not reloaded
        # the second typed into the page's form: filed, back on the page with the case marked
        inv.page.fill("#r-text", "对方自称快递客服说包裹丢了要理赔，也让我加QQ 2846135790，我转了5000元。")
        inv.page.fill("#r-id", "110-2024-0312")
        inv.page.fill("#r-time", "2024-03-12 10:05")
        inv.page.fill("#r-loss", "5000")
        with inv.page.expect_navigation():
            inv.page.click("#report-submit")
        assert "已立案" in inv.page.inner_text("#notice")
        assert "QQ号 2846135790" in inv.page.inner_text("#case-new")
        assert inv.page.locator("table.stored-cases tbody tr").count() == 2
        # a linking job from the button: the page follows it (htmx polls its jobs part) until its clusters show
        hold = threading.Event()
        centre.cases.jobs.pool.submit(hold.wait, 60)  # the worker busy: the job is seen queued first
        with inv.page.expect_navigation():
            inv.page.click("#link-start")
        inv.page.wait_for_selector("#link-status[data-status='queued']", state="attached")
        inv.page.evaluate("window.fanzhaStay = 1")  # gone if the page reloaded
        hold.set()
        inv.page.wait_for_selector("#link-status[data-status='done']", state="attached", timeout=60_000)
        assert inv.page.evaluate("window.fanzhaStay") == 1  # swapped in, not reloaded
        clusters = inv.page.locator("#case-jobs table.clusters tbody tr")
        assert clusters.count() == 1 and "QQ号 2846135790 ×2" in clusters.first.inner_text()
        assert (
            "110-2024-0311" in clusters.first.inner_text() and "110-2024-0312" in clusters.first.inner_text()
        )
        inv.go("/cases")
        assert inv.page.locator("table.stored-cases tbody tr td:last-child").all_inner_texts() == ["#0", "#0"]
        inv.shot("cases")

    # -- the investigator's pages, and a refusal, at a phone's width -----------------------------------------
    with visit(chromium, base, PHONE) as phone:
        phone.login("investigator")
        for path, name in (("/traces", "traces"), (trace_path, "trace"), ("/cases", "cases")):
            phone.go(path)
            if name == "trace":
                phone.page.wait_for_selector("#graph[data-nodes]:not([data-nodes='0'])")
            phone.shot(name)
    with visit(chromium, base, PHONE) as phone:
        phone.login("operator")
        resp = phone.go("/cases")
        assert resp is not None and resp.status == 403 and "E903" in phone.page.inner_text("#error")
        phone.shot("refused")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_page_on_a_phone_and_the_queue_with_10000_open_alerts(
    live_server: LiveServer, chromium: Any
) -> None:
    """The pages at phone width (and, with FANZHA_SCREENSHOTS=1, their screenshots); the queue's first page
    rendered with 10,000 open alerts, timed in the browser (reported, not asserted: docs/console.md)."""
    centre = live_server.app.state.centre
    _register(centre)
    centre.live.ingest(live_server.team.actor("admin"), victim(), "zh")
    aid = centre.alerts.queue(LOCAL, _all())["items"][0]["alert_id"]
    with visit(chromium, live_server.base, PHONE) as phone:
        phone.go("/")
        phone.shot("check")
        phone.page.fill("#text", SCAM_SMS)
        with phone.page.expect_navigation():
            phone.page.click("form[action='/check'] button[type=submit]")
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the check page scrolls sideways on a phone"
        phone.shot("check-result")
        phone.go("/login")
        phone.shot("login")
        phone.login("operator")
        for path, name in (("/queue", "queue"), (f"/alerts/{aid}", "alert")):
            phone.go(path)
            phone.shot(name)
        phone.go("/payees?account=A0000007777")  # the engine's own flag: 田先生's payee, under his alert
        assert "另一位被预警的人添加过" in phone.page.inner_text("#listed")
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the scam-account list scrolls sideways on a phone"
        phone.shot("payees")
        _many_alerts(centre, 10_000)
        phone.go("/stats")
        phone.page.wait_for_selector("html[data-charts='done']", state="attached")
        phone.shot("stats")
    with visit(chromium, live_server.base) as desk:
        desk.go("/login")
        desk.shot("login")
        desk.login("supervisor")
        timings = []
        for _ in range(3):
            desk.go("/queue")
            nav = desk.page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
            timings.append(json.loads(nav))
        assert "10,001" in desk.page.inner_text("caption") or "10001" in desk.page.inner_text("caption")
        best = min(t["loadEventEnd"] for t in timings)
        figures = {
            "open_alerts": 10_001,
            "rows_rendered": desk.page.locator("#queue-body tr").count(),
            "load_event_ms": [round(t["loadEventEnd"], 1) for t in timings],
            "dom_content_loaded_ms": [round(t["domContentLoadedEventEnd"], 1) for t in timings],
            "server_response_ms": [round(t["responseEnd"] - t["requestStart"], 1) for t in timings],
            "best_load_event_ms": round(best, 1),
        }
        print("queue with 10,000 open alerts:", figures)
        desk.go("/stats")
        desk.page.wait_for_selector("html[data-charts='done']", state="attached")
        desk.shot("stats")
        # the scam-account list: a supervisor lists the card a report names and the phone that emptied the
        # reporter's account (a takeover's, bound to nobody), and looks the card up
        desk.go("/payees")
        for subject, name, source in (
            ("account", "6222021234567890123", "江东分局 案件 R1"),
            ("device", "D000002001", "工商银行 报案 R1 被盗刷设备"),
        ):
            desk.page.select_option("#a-subject", subject)
            desk.page.fill("#a-accounts", name)
            desk.page.fill("#a-source", source)
            with desk.page.expect_navigation():
                desk.page.click("#add-submit")
            assert "新列入 1 个" in desk.page.inner_text("#notice")
        assert "手机（设备号）" in desk.page.inner_text("#given-table")
        desk.go("/payees?account=6222021234567890123")
        assert "受害人报案或已冻结" in desk.page.inner_text("#listed")
        desk.shot("payees")
        if SHOTS:
            (DOCS / "queue-10000.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def _register(centre: Any) -> None:
    """田先生 in the registry, as the centre's operators would find him (a made-up name and number)."""
    person = {
        "person_id": "P_TIAN",
        "name": "田某某",
        "phone": "13900001234",
        "station": "涪陵江东派出所",
        "city": "涪陵",
    }
    centre.persons.upsert(LOCAL, [person])


def _all() -> Any:
    from fanzha.centre import QueueFilter

    return QueueFilter()


def _many_alerts(centre: Any, n: int, resolved: int = 2_000) -> None:
    """`n` open alerts over the last 14 days straight into the store (the queue's table), as a busy centre
    would have them, and `resolved` more with outcomes and response times (the dashboard's figures)."""
    from fanzha.centre.models import AlertRow, PersonRow

    now = centre.now_us()
    minute = 60_000_000
    levels = ("high", "medium", "medium", "low", "low")
    variants = [v for v in centre.alerts.rules.variant_names if v != "other"]
    outcomes = ("dissuaded", "dissuaded", "dissuaded", "unreachable", "lost", "false_alarm", "handed_off")
    total = n + resolved
    span = 14 * 24 * 60 * minute
    rows = []
    for i in range(total):
        raised = now - span + (span * i) // total
        done = i >= n
        outcome = outcomes[i % len(outcomes)] if done else None
        claim = minute * (1 + (i * 7) % 25)
        rows.append(
            {
                "alert_id": f"ALB{i:05d}",
                "person_id": f"PB{i:05d}",
                "revision": 1,
                "revision_row": 0,
                "engine_status": "open",
                "level": levels[(i * 3) % 5],
                "risk": round(0.3 + (i % 70) / 100, 2),
                "stage": 1 + i % 3,
                "variant": variants[(i + i // 700) % len(variants) if i % 3 else 0],
                "raised_us": raised,
                "updated_us": raised,
                "due_us": raised + 30 * minute,
                "amount_at_stake_fen": 100 * ((i * 37) % 50_000),
                "station": "城东派出所",
                "status": "resolved" if done else "new",
                "active": not done,
                "created_us": raised,
                "first_claim_us": raised + claim if done else None,
                "outcome": outcome,
                "outcome_us": raised + claim + minute * (3 + i % 40) if done else None,
                "amount_protected_fen": 100 * ((i * 53) % 30_000)
                if outcome == "dissuaded"
                else 0
                if done
                else None,
            }
        )
    with centre.store.session() as s:
        s.execute(
            PersonRow.__table__.insert(),
            [
                {
                    "person_id": f"PB{i:05d}",
                    "name": f"测试{i}",
                    "phone": f"139{i:08d}",
                    "station": "城东派出所",
                }
                for i in range(total)
            ],
        )
        s.execute(AlertRow.__table__.insert(), rows)
