"""The console's pages in process: each page and its JSON twin, the workflow through the forms (audited by the
centre), every form with bad input (a coded error on the page in the reader's language, never a traceback),
logins and refusals, the open check's rate limit, the security headers."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from centrekit import victim
from console.conftest import Console
from fanzha.centre import LOCAL, QueueFilter
from fanzha.messages import t

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 28374655 办理退款"


def _alert(con: Console) -> str:
    con.app.state.centre.live.ingest(con.team.actor("admin"), victim(), "zh")
    return str(con.app.state.centre.alerts.queue(LOCAL, QueueFilter())["items"][0]["alert_id"])


def _no_traceback(html: str) -> None:
    assert "Traceback" not in html and 'File "' not in html


def test_the_workflow_through_the_forms_is_audited(console: Console) -> None:
    op = console.client("operator")
    aid = _alert(console)
    page = op.get("/queue")
    assert page.status_code == 200 and f'href="/alerts/{aid}"' in page.text
    one = op.get(f"/alerts/{aid}")
    # the operator reads the call script under its name (it had become 防范建议, the citizen's advice)
    assert one.status_code == 200 and '<h2 id="script-title">劝阻话术</h2>' in one.text
    assert f"<h3>{t('console.alert.objections')}</h3>" in one.text and "你们才是骗子吧" in one.text
    assert op.post(f"/alerts/{aid}/claim", follow_redirects=False).status_code == 303
    r = op.post(
        f"/alerts/{aid}/call", data={"result": "reached", "note": "田先生在听"}, follow_redirects=False
    )
    assert r.status_code == 303
    r = op.post(
        f"/alerts/{aid}/call",
        data={"result": "dissuaded", "amount_protected": "200000"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    state = op.get(f"/alerts/{aid}?format=json").json()
    assert state["alert"]["outcome"] == "dissuaded" and state["alert"]["amount_protected"] == "200000.00"
    assert [a["action"] for a in state["alert"]["actions"]] == ["claim", "note", "outcome"]
    assert state["alert"]["actions"][1]["detail"]["text"] == "已接通：田先生在听"
    assert state["timeline"]["events"][0]["findings"]  # the call's text with its findings
    sup = console.client("supervisor")
    assert sup.get("/stats?format=json").json()["stats"]["outcomes"]["dissuaded"] == 1
    log = console.app.state.centre.audit.read(actor="user:operator", limit=1000)
    done = {(x.action, x.resource_id, x.ip) for x in log}
    for action in ("alert.read", "alert.events", "alert.claim", "alert.note", "alert.outcome"):
        assert (action, aid, "testclient") in done, action


@SQLITE
def test_every_page_has_its_json_twin(console: Console, tmp_path: Path) -> None:
    from fanzha.sim import preset, simulate

    simulate(preset("small").replace(seed=3, days=10), tmp_path / "worlds" / "city")
    aid = _alert(console)
    inv = console.client("investigator")
    r = inv.post("/traces?format=json", data={"source": "world", "world": "city", "policy": "fifo"})
    assert r.status_code == 202
    job = r.json()["id"]
    console.app.state.centre.traces.wait()
    bank = inv.get(f"/traces/{job}?format=json").json()["banks"][0]["bank"]
    op = console.client("operator")
    pages: list[tuple[Any, str, str]] = [
        (console.client(), "/", "check"),
        (console.client(), "/login", "login"),
        (op, "/queue", "queue"),
        (op, "/queue/rows", "queue"),
        (op, f"/alerts/{aid}", "alert"),
        (op, "/stats", "stats"),
        (inv, "/traces", "traces"),
        (inv, f"/traces/{job}", "trace"),
        (inv, "/cases", "cases"),
    ]
    for client, path, name in pages:
        html = client.get(path)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), path
        assert (
            "Content-Security-Policy" in html.headers
            and "default-src 'self'" in html.headers["Content-Security-Policy"]
        )
        twin = client.get(path, params={"format": "json"})
        assert twin.status_code == 200 and twin.json()["page"] == name, path
        assert client.get(path, headers={"Accept": "application/json"}).json()["page"] == name
        if path != "/queue/rows":  # zh by default, and the English switch on every page (not on a fragment)
            assert '<html lang="zh-CN">' in html.text and 'href="?lang=en"' in html.text, path
            en = client.get(path, params={"lang": "en"}).text
            title = re.search(r"<title>(.*?)</title>", en, re.S)
            assert '<html lang="en">' in en and title and not re.search(r"[\u4e00-\u9fff]", title.group(1))
            client.get(path, params={"lang": "zh"})
    graph = inv.get(f"/traces/{job}/graph").json()
    assert graph["nodes"] and graph["edges"]
    csv = inv.get(f"/traces/{job}/freeze.csv")
    assert csv.text.startswith("\ufeff账号") and "attachment" in csv.headers["content-disposition"]
    assert inv.get(f"/traces/{job}/banks/{bank}.csv").text.startswith("\ufeff账号")
    printed = inv.get(f"/traces/{job}/banks/{bank}")
    assert "协助冻结申请" in printed.text and "'sha256-" in printed.headers["Content-Security-Policy"]
    assert inv.get(f"/traces/{job}/banks/{bank}?format=json").json()["bank"] == bank
    assert (
        console.client().post("/check?format=json", data={"text": SCAM}).json()["result"]["verdict"]["label"]
        == "scam"
    )


def _error(r: Any, code: str, status: int, text: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:500])
    _no_traceback(r.text)
    assert code in r.text and text in r.text, r.text[:2000]


@SQLITE
@pytest.mark.reliability(
    entry="the console's forms",
    bad_input="empty, too long, malformed or out-of-range fields; a missing upload; another site's form",
    behaviour="the page again with the coded error (E000, E9xx) in the reader's language, never a traceback",
)
def test_every_form_with_bad_input_shows_a_coded_error_in_the_readers_language(console: Console) -> None:
    aid = _alert(console)
    anon, op, inv = console.client(), console.client("operator"), console.client("investigator")
    en = {"Accept-Language": "en-US,en;q=0.9"}
    image = {"image": ("chat.png", b"\x89PNG", "image/png")}
    ledger = {"ledger": ("ledger.csv", b"transfer_id,src,dst,amount,time\n", "text/csv")}
    call = f"/alerts/{aid}/call"
    # (client, path, form, files, headers, code, status, text on the page); None as form: a GET
    cases: list[tuple[Any, str, dict[str, str] | None, Any, dict[str, str], str, int, str]] = [
        (anon, "/check", {"text": "   "}, None, {}, "E000", 422, "输入为空"),
        (anon, "/check", {"text": ""}, None, en, "E000", 422, "the input is empty"),
        (anon, "/check", {"text": "转账" * 10_001}, None, {}, "E954", 422, "太长"),
        (anon, "/check", {"text": ""}, image, {}, "E953", 422, "截图识别尚未启用"),
        (anon, "/login", {"username": "", "password": "x"}, None, {}, "E955", 422, "请填写 username"),
        (
            anon,
            "/login",
            {"username": "operator", "password": "wrong one"},
            None,
            {},
            "E902",
            401,
            "用户名或密码错误",
        ),
        (
            anon,
            "/login",
            {"username": "operator", "password": "nope"},
            None,
            en,
            "E902",
            401,
            "wrong username",
        ),
        (op, call, {"result": "dissuaded"}, None, {}, "E909", 409, "你没有认领该预警"),
        (op, f"/alerts/{aid}/claim", {}, None, {}, "", 303, ""),
        (op, call, {"result": "dissuaded", "amount_protected": "二十万"}, None, {}, "E950", 422, "金额应为"),
        (
            op,
            call,
            {"result": "dissuaded", "amount_protected": "-5"},
            None,
            en,
            "E950",
            422,
            "the amount must",
        ),
        (op, call, {"result": "maybe"}, None, {}, "E951", 422, "请选择一项"),
        (op, f"/alerts/{aid}/handoff", {"station": "  "}, None, {}, "E911", 422, "移交需要指定派出所"),
        (op, f"/alerts/{aid}/handoff", {"station": "派" * 201}, None, {}, "E954", 422, "太长"),
        (op, "/alerts/AL_NOPE", None, None, {}, "E904", 404, "没有找到"),
        (op, "/queue?level=urgent", None, None, {}, "E951", 422, "请选择一项"),
        (op, "/stats?since=yesterday", None, None, {}, "E951", 422, "YYYY-MM-DD"),
        (inv, "/traces", {"source": "ftp"}, None, {}, "E951", 422, "请选择一项"),
        (inv, "/traces", {"source": "world", "world": ""}, None, {}, "E955", 422, "请填写 world"),
        (
            inv,
            "/traces",
            {"source": "world", "world": "atlantis"},
            None,
            {},
            "E918",
            404,
            "没有这个已存的模拟世界",
        ),
        (
            inv,
            "/traces",
            {"source": "world", "world": "x", "policy": "random"},
            None,
            {},
            "E951",
            422,
            "fifo",
        ),
        (inv, "/traces", {"source": "upload"}, None, {}, "E922", 422, "缺少上传的文件：ledger"),
        (inv, "/traces", {"source": "upload"}, ledger, {}, "E922", 422, "seeds"),
        (inv, "/traces/nope", None, None, {}, "E904", 404, "没有找到"),
        (
            op,
            f"/alerts/{aid}/release",
            {},
            None,
            {"Origin": "https://evil.example"},
            "E952",
            403,
            "请求来自其他网站",
        ),
    ]
    for client, path, form, files, headers, code, status, text in cases:
        if form is None:
            r = client.get(path, headers=headers)
        else:
            r = client.post(path, data=form, files=files, headers=headers, follow_redirects=False)
        _error(r, code, status, text)


@SQLITE
def test_logins_refusals_and_the_language(console: Console) -> None:
    anon = console.client()
    r = anon.get("/queue?level=high", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/queue%3Flevel%3Dhigh"
    r = anon.get("/queue?format=json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "E901"
    assert anon.post("/alerts/AL1/claim", follow_redirects=False).status_code == 303
    op = console.client("operator")
    r = op.get("/traces")
    _error(r, "E903", 403, "没有权限：需要 traces")
    assert op.get("/traces?format=json").json()["error"]["code"] == "E903"
    assert console.client("investigator").post(f"/alerts/{_alert(console)}/claim").status_code == 403
    admin = console.client("admin")
    assert admin.get("/queue").status_code == 200  # the queue without personal data
    assert "接警员" not in admin.get("/").text and "管理员" in admin.get("/").text
    en = op.get("/queue?lang=en")
    assert "Alert queue" in en.text and en.cookies.get("fanzha_lang") == "en"
    assert "Alert queue" in op.get("/queue").text  # the cookie keeps it
    assert "预警队列" in op.get("/queue?lang=zh").text
    # a login goes back where it was asked for, and not to another site
    fresh = console.client("anonymous:fresh")  # a browser of its own
    r = fresh.post(
        "/login",
        data={"username": "operator", "password": "correct horse battery", "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/queue"
    r = fresh.post("/logout", follow_redirects=False)
    assert r.status_code == 303 and fresh.get("/queue", follow_redirects=False).status_code == 303


@SQLITE
def test_a_victims_account_is_told_to_stop_the_payment(console: Console) -> None:
    """Whoever tells how the money went reads what to do about money gone, not "hang up"; a live scam still
    reads that the caller is a scammer."""
    c = console.client("operator")  # signed in: the open check's rate limit is not under test here
    told = "有人冒充淘宝客服说给她退款，让她把手机验证码给对方，结果卡里的钱被转走了"
    page = c.post("/check", data={"text": told})
    assert page.status_code == 200 and t("console.check.plain.scam.narrative") in page.text
    assert t("console.check.plain.scam") not in page.text
    live = c.post("/check", data={"text": SCAM})
    assert t("console.check.plain.scam") in live.text
    en = c.post("/check?lang=en", data={"text": told})
    assert str(escape(t("console.check.plain.scam.narrative", "en"))) in en.text


HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends for a page


@pytest.mark.parametrize(
    "path",
    ["/nothing-here", "/queue/extra/parts", "/%E4%B8%8D%E5%AD%98%E5%9C%A8", "/stats/nope", "/" + "x" * 2000],
)
def test_an_address_without_a_page_shows_the_error_page_to_a_browser(console: Console, path: str) -> None:
    """A person who opens an address the console does not have reads a page in their language with the way
    back; the API's callers (JSON, or anything under /v1) keep the coded JSON error."""
    anon = console.client("anonymous-browser")
    page = anon.get(path, headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "E956" in page.text and t("console.error.back") in page.text and "96110" in page.text
    _no_traceback(page.text)
    assert "Content-Security-Policy" in page.headers  # the console's security headers on it too
    en = anon.get(path + "?lang=en", headers=HTML)
    assert en.status_code == 404 and "there is no page at" in en.text
    api = anon.get(path)  # no HTML asked for: the catalogue's JSON
    assert api.status_code == 404 and api.json()["error"]["code"] == "E905"
    assert anon.get("/v1" + path, headers=HTML).json()["error"]["code"] == "E905"


@SQLITE
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=60))
def test_any_address_without_a_page_is_the_error_page_never_a_traceback(
    console: Console, segment: str
) -> None:
    path = "/zz-" + quote(segment, safe="")
    page = console.client("anonymous-browser").get(path, headers=HTML)
    assert page.status_code == 404 and "E956" in page.text
    _no_traceback(page.text)


def test_the_address_of_a_verdict_opened_again_shows_the_form(console: Console) -> None:
    """The verdict is shown at /check (the form posts there): opening that address again, or sharing it,
    shows the form instead of an error."""
    page = console.client("anonymous-browser").get("/check", headers=HTML)
    assert page.status_code == 200 and 'action="/check"' in page.text


def test_the_open_check_is_rate_limited_as_the_api_is(console: Console) -> None:
    anon = console.client()
    codes = [anon.post("/check", data={"text": SCAM}).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and 429 in codes
    r = anon.post("/check", data={"text": SCAM})
    _error(r, "E907", 429, "请求过于频繁")
    assert int(r.headers["Retry-After"]) >= 1
    assert anon.post("/v1/check", json={"text": SCAM}).status_code == 429  # the same bucket
    assert console.client("operator").post("/check", data={"text": SCAM}).status_code == 200


@SQLITE
def test_the_queue_stream_sends_revisions(console: Console) -> None:
    import threading

    op = console.client("operator")
    frames: list[str] = []

    def feed() -> None:
        time.sleep(0.5)
        _alert(console)

    th = threading.Thread(target=feed)
    th.start()
    with op.stream("GET", "/queue/stream") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            frames.append(line)
            if line.startswith("data:"):
                break
    th.join()
    assert "event: revision" in frames and re.search(r'"alert_id":"AL', frames[-1])


def test_cases_filed_through_the_service_are_on_the_page(console: Console) -> None:
    """报送的案件: the cases the centre stored (POST /v1/cases/reports) listed newest first with their variant,
    loss and identifiers named in the reader's language, and their cluster once a linking job is done."""
    from fanzha.centre.cases import case_id_of

    centre = console.app.state.centre
    qq, card = "2846135790", "6222021234567890128"
    rows = [
        {"report_id": "R1", "time": "2024-03-04T10:00:00+08:00",
         "text": f"自称淘宝客服说面膜有质量问题要三倍赔偿，让我加QQ {qq}，我转了3000元到卡号{card}。"},
        {"report_id": "R2", "time": "2024-03-05T11:00:00+08:00",
         "text": f"对方自称快递客服说包裹丢了要理赔，加了QQ {qq}，让我转了5000元到卡号{card}。"},
    ]  # fmt: skip
    assert centre.cases.take(LOCAL, rows=rows)["accepted"] == 2
    c1, c2 = case_id_of("R1"), case_id_of("R2")
    inv = console.client("investigator")

    def section() -> str:
        html = inv.get("/cases?lang=zh").text
        start = html.index('id="stored-title"')
        return html[start : html.index("</table>", start)]

    before = section()
    assert "共 2 起" in before and before.index(c2) < before.index(c1)  # newest first
    assert f"QQ号 {qq}" in before and "3,000.00" in before and "5,000.00" in before
    assert before.count("<td>—</td>") == 2  # no linking job done yet
    centre.cases.jobs.submit_link(LOCAL)
    centre.cases.jobs.wait()
    after = section()
    assert after.count("<td>#0</td>") == 2  # one QQ number and one card: one cluster
    _error(console.client("operator").get("/cases"), "E903", 403, "")


def test_the_cases_of_a_stored_world(console: Console, tmp_path: Path) -> None:
    """案件: a stored world's reports filed as cases through the centre (fanzha.cases), on both stores; refused to
    an operator; a world that is not stored is a coded error on the page."""
    from fanzha.sim import preset, simulate

    simulate(preset("small").replace(seed=3, days=30), tmp_path / "worlds" / "city")
    inv = console.client("investigator")
    first = inv.get("/cases")  # the first look at the world: its reports are filed in the background
    assert first.status_code == 200, first.text[:2000]
    assert 'id="world-filed" data-status="filing"' in first.text and 'id="world-filing"' in first.text
    assert 'hx-get="/cases?world=city&amp;lang=zh"' in first.text and 'hx-select="#world-filed"' in first.text
    console.app.state.centre.cases.jobs.wait()
    html = inv.get("/cases")
    assert (
        'id="world-filed" data-status="done"' in html.text
        and "hx-get" not in html.text.split('id="world-filed"')[1][:200]
    )
    filed = inv.get("/cases?world=city&format=json").json()["filed"]
    assert filed["cases"] and filed["summary"]["cases"] == len(filed["cases"])
    first = filed["cases"][0]
    assert first["case_id"] in html.text and first["time"] in html.text
    assert "串并案" in html.text and 'href="?world=city&amp;lang=en"' in inv.get("/cases?world=city").text
    assert "Linked cases" in inv.get("/cases?lang=en").text
    # the keys that tie a cluster are named in the reader's language, not by their internal kind
    page = inv.get("/cases?world=city&lang=zh").text
    kinds = re.findall(r'<span class="key" data-kind="(\w+)">([^ <]+) ', page)
    assert kinds and all(name == t(f"entity.{kind}", "zh") and name != kind for kind, name in kinds), kinds
    again = inv.get("/cases?world=city&format=json").json()["filed"]  # read back, not filed again
    assert [c["case_id"] for c in again["cases"]] == [c["case_id"] for c in filed["cases"]]
    log = console.app.state.centre.audit.read(actor="user:investigator", action="cases.read", limit=10)
    assert [(x.resource_id, x.outcome) for x in log][:1] == [("city", "ok")]
    _error(console.client("operator").get("/cases"), "E903", 403, "")
    _error(inv.get("/cases?world=atlantis&lang=zh"), "E918", 404, "没有这个已存的模拟世界")


@pytest.mark.reliability(
    entry="the console's cases page (a stored world)",
    bad_input="a stored world whose reports cannot be read (binary)",
    behaviour="the page says it is filing, then shows the coded error once (the page's error); the next look "
    "files again",
)
def test_a_stored_world_that_cannot_be_filed(console: Console, tmp_path: Path) -> None:
    broken = tmp_path / "worlds" / "broken"
    broken.mkdir(parents=True)
    (broken / "reports.jsonl").write_bytes(b"\x00\x01\x02\xff" * 64)
    inv = console.client("investigator")
    assert 'data-status="filing"' in inv.get("/cases?world=broken").text
    console.app.state.centre.cases.jobs.wait()
    failed = inv.get("/cases?world=broken&lang=en")
    assert failed.status_code == 422 and "E003" in failed.text, failed.text[:1500]
    assert 'data-status="filing"' in inv.get("/cases?world=broken").text  # tried again
    console.app.state.centre.cases.jobs.wait()


def test_a_linking_keys_kind_is_named_for_the_reader() -> None:
    """A cluster's tying keys include partial numbers (`partial:bank_card`) and could include kinds the catalogue
    does not name: the page names what it can and never fails on the rest (was: a KeyError, a 500)."""
    from types import SimpleNamespace

    from fanzha.console.pages_investigate import _kind_name

    ctx = SimpleNamespace(msg=lambda key: t(key, "zh"))
    names = [_kind_name(ctx, k) for k in ("bank_card", "partial:bank_card", "person", "unheard_of")]  # type: ignore[arg-type]
    assert names == [t("entity.bank_card"), t("entity.partial_number"), t("entity.person"), "unheard_of"]


@SQLITE
@pytest.mark.reliability(
    entry="the console's scam-account list (POST /payees)",
    bad_input="no account, more than 200, an account too long, an operator's post, another site's form",
    behaviour="the page again with the coded error (E955, E912, E755 per account, E903, E952); the good accounts listed",
)
def test_the_scam_account_list_page(console: Console) -> None:
    inv, op = console.client("investigator"), console.client("operator")
    r = inv.post(
        "/payees", data={"accounts": "6222021234567890123\nA0000007777, " + "9" * 201, "source": "R1"}
    )
    assert r.status_code == 200 and "新列入 2 个" in r.text and "E755" in r.text, r.text[:2000]
    found = op.get("/payees", params={"account": "6222021234567890123"})
    assert 'id="listed"' in found.text and "受害人报案或已冻结" in found.text and "R1" in found.text
    assert 'id="add-form"' not in found.text  # an operator looks up, does not list
    twin = op.get("/payees?format=json&account=A_NOBODY").json()
    assert twin["page"] == "payees" and twin["found"]["known"] is None and not twin["can_add"]
    assert [g["account"] for g in twin["given"]] == ["A0000007777", "6222021234567890123"]
    assert 'id="not-listed"' in op.get("/payees", params={"account": "A_NOBODY"}).text
    _error(inv.post("/payees", data={"accounts": "  "}), "E955", 422, "请填写")
    _error(inv.post("/payees", data={"accounts": " ".join(f"A{i}" for i in range(201))}), "E912", 413, "200")
    _error(op.post("/payees", data={"accounts": "A1"}), "E903", 403, "")
    r = inv.post("/payees", data={"accounts": "A1"}, headers={"Origin": "https://elsewhere.example"})
    _error(r, "E952", 403, "elsewhere")
    en = inv.post("/payees?lang=en", data={"accounts": "A0000007777"})
    assert "1 already on the list" in en.text
    # what the list now holds warns the next person who adds the account
    console.app.state.centre.live.ingest(
        console.team.actor("admin"),
        [
            {"event_id": "n1", "person_id": "P_NEXT", "time": "2030-01-01T10:00:00+08:00", "kind": "payee_added",
             "channel": "bank_app", "counterparty": "6222021234567890123"},
        ],
        "zh",
    )  # fmt: skip
    items = console.app.state.centre.alerts.queue(LOCAL, QueueFilter())["items"]
    assert [(a["person_id"], a["level"]) for a in items] == [("P_NEXT", "high")]


@SQLITE
@pytest.mark.reliability(
    entry="the console's scam-account list: a phone (POST /payees, subject device)",
    bad_input="a phone with the receiving bank's reason, an unknown subject in the form or the lookup",
    behaviour="the page again with the coded error (E755 for the row, E755 for the subject); the phone listed "
    "as reported, looked up and taken off with subject device",
)
def test_a_phone_is_listed_looked_up_and_cleared_on_the_page(console: Console) -> None:
    inv = console.client("investigator")
    r = inv.post("/payees", data={"subject": "device", "accounts": "D000002001", "source": "R1 被盗刷设备"})
    assert r.status_code == 200 and "新列入 1 个" in r.text, r.text[:2000]
    bad = inv.post("/payees", data={"subject": "device", "accounts": "D9", "reason": "receiving_bank"})
    assert "有误 1 个" in bad.text and "E755" in bad.text
    _error(inv.post("/payees", data={"subject": "card", "accounts": "D9"}), "E755", 422, "")
    _error(inv.get("/payees", params={"account": "D9", "subject": "card"}), "E755", 422, "")
    twin = inv.get("/payees", params={"format": "json", "account": "D000002001", "subject": "device"}).json()
    assert twin["found"]["subject"] == "device" and twin["found"]["known"] == "reported"
    assert [(g["subject"], g["account"]) for g in twin["given"]] == [("device", "D000002001")]
    page = inv.get("/payees").text
    assert "手机（设备号）" in page and "subject=device" in page
    assert (
        inv.get("/payees", params={"format": "json", "account": "D000002001"}).json()["found"]["known"]
        is None
    )
    found = inv.get("/payees", params={"account": "D000002001", "subject": "device"})
    assert 'id="listed"' in found.text and 'name="subject" value="device"' in found.text
    cleared = inv.post(
        "/payees/clear", data={"account": "D000002001", "subject": "device", "source": "核实为本人新手机"}
    )
    assert (
        cleared.status_code == 200
        and 'id="not-listed"' in cleared.text
        and "核实为本人新手机" in cleared.text
    )


@SQLITE
def test_a_wrongly_listed_account_is_taken_off_the_list_on_the_page(console: Console) -> None:
    inv = console.client("investigator")
    inv.post("/payees", data={"accounts": "6222021234567890123", "source": "R1"})
    found = inv.get("/payees", params={"account": "6222021234567890123"})
    assert 'id="clear-form"' in found.text
    r = inv.post("/payees/clear", data={"account": "6222021234567890123", "source": "核实为店主本人账户"})
    assert r.status_code == 200 and 'id="not-listed"' in r.text and "核实为店主本人账户" in r.text
    assert 'id="clear-form"' not in console.client("operator").get("/payees", params={"account": "X"}).text
    _error(console.client("operator").post("/payees/clear", data={"account": "A1"}), "E903", 403, "")
    _error(inv.post("/payees/clear", data={"account": " "}), "E955", 422, "")
