"""The HTTP API: every route and role (allowed / refused, refusals audited), coded errors in the caller's
language, the check, events, the queue and its workflow, the stream, traces and their freeze requests."""

from __future__ import annotations

import time
from typing import Any

import pytest

from centrekit import ROLES, SCOPES, victim
from service.conftest import Api

WHO = ("anonymous", *ROLES, *(f"key:{s}" for s in SCOPES))
#: a police report as `fanzha cases intake` reads it
REPORT = {
    "report_id": "R1",
    "person_id": "P_TIAN",
    "time": "2024-03-05T18:50:00+08:00",
    "text": "事主接到自称淘宝客服的电话（170 2948 3957），称面膜有质量问题可三倍赔偿，后加QQ 28374655，"
    "开启屏幕共享，向尾号5937的银行卡转账，共计损失人民币9999元。",
}
#: (method, path, json body, who may) — written out here, not derived from fanzha.centre.access
ROUTES: list[tuple[str, str, Any, set[str]]] = [
    ("POST", "/v1/check", {"text": "您好，我是淘宝客服"}, set(WHO)),
    ("POST", "/v1/events", {"events": []}, {"admin", "key:events"}),
    ("POST", "/v1/payees", {"payees": []}, {"investigator", "supervisor", "admin", "key:payees"}),
    ("GET", "/v1/payees", None, {*ROLES, "key:payees"}),
    ("GET", "/v1/payees/A0000007777", None, {*ROLES, "key:payees"}),
    ("DELETE", "/v1/payees/A0000007777", None, {"investigator", "supervisor", "admin", "key:payees"}),
    ("GET", "/v1/alerts", None, {*ROLES, "key:alerts:read"}),
    ("GET", "/v1/alerts/{alert}", None, {*ROLES, "key:alerts:read"}),
    ("POST", "/v1/alerts/{alert}/notes", {"text": "回访"}, {"operator", "supervisor"}),
    ("GET", "/v1/persons/P_TIAN", None, {"operator", "supervisor", "investigator"}),
    ("PUT", "/v1/persons", {"persons": [{"person_id": "P9", "name": "某某"}]}, {"admin"}),
    ("GET", "/v1/stats", None, set(ROLES)),
    ("GET", "/v1/traces", None, {"investigator", "supervisor"}),
    ("POST", "/v1/cases/reports", {"reports": [REPORT]}, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/cases", None, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/cases/{case}", None, {"investigator", "supervisor", "admin"}),
    ("POST", "/v1/cases/link", {}, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/cases/link", None, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/cases/link/{link}", None, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/cases/leaks", None, {"investigator", "supervisor", "admin"}),
    (
        "POST",
        "/v1/cases/reports/upload",
        {"files": {"reports": ("r.jsonl", b"{}")}},
        {"investigator", "supervisor", "admin"},
    ),
    ("GET", "/v1/cases/link/{link}/clusters", None, {"investigator", "supervisor", "admin"}),
    (
        "POST",
        "/v1/cases/leaks/upload",
        {"files": {"orders": ("o.parquet", b"PAR1")}},
        {"investigator", "supervisor", "admin"},
    ),
    ("GET", "/v1/cases/leaks/{leaks}", None, {"investigator", "supervisor", "admin"}),
    ("GET", "/v1/users", None, {"admin"}),
    ("GET", "/v1/keys", None, {"admin"}),
    ("GET", "/v1/webhooks", None, {"admin"}),
    ("GET", "/v1/audit", None, {"supervisor", "admin"}),
]


def _alert(api: Api) -> str:
    r = api.client.post("/v1/events", json={"events": victim()}, headers=api.auth("key:events"))
    assert r.status_code == 202
    page = api.client.get("/v1/alerts", headers=api.auth("supervisor")).json()
    return str(page["items"][0]["alert_id"])


@pytest.mark.parametrize("method, path, body, allowed", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_each_role_and_scope_is_allowed_or_refused_and_refusals_are_audited(
    api: Api, method: str, path: str, body: Any, allowed: set[str]
) -> None:
    api.client.put(
        "/v1/persons", json={"persons": [{"person_id": "P_TIAN", "name": "田某"}]}, headers=api.auth("admin")
    )
    centre = api.client.app.state.centre  # type: ignore[attr-defined]
    fill: dict[str, str] = {"alert": _alert(api)}
    if "{" in path.removeprefix("/v1/alerts/{alert}") or path.startswith(
        ("/v1/cases/link", "/v1/cases/leaks/")
    ):
        r = api.client.post("/v1/cases/reports", json={"reports": [REPORT]}, headers=api.auth("admin"))
        fill["case"] = r.json()["rows"][0]["case_id"]
        fill["link"] = api.client.post("/v1/cases/link", json={}, headers=api.auth("admin")).json()["id"]
        centre.cases.jobs.wait()
    if "/v1/cases/leaks/" in path:
        files = {"orders": ("o.parquet", b"PAR1")}
        r = api.client.post("/v1/cases/leaks/upload", files=files, headers=api.auth("admin"))
        fill["leaks"] = r.json()["id"]
    url = path.format(**fill)
    for who in WHO:
        before = len(centre.audit.read(outcome="refused", limit=10_000))
        send = body if isinstance(body, dict) and "files" in body else {"json": body}
        r = api.client.request(method, url, **send, headers=api.auth(who))
        if who in allowed:
            assert r.status_code < 400, (who, r.status_code, r.text)
        else:
            assert r.status_code == (401 if who == "anonymous" else 403), (who, r.status_code, r.text)
            assert r.json()["error"]["code"] == ("E901" if who == "anonymous" else "E903")
            refused = centre.audit.read(outcome="refused", limit=10_000)[before:]
            label = who if who == "anonymous" else "key:" if who.startswith("key:") else f"user:{who}"
            assert refused and refused[-1].actor.startswith(label), (who, refused[-1])


@pytest.mark.reliability(
    entry="fanzha serve (HTTP)",
    bad_input="an unknown route, a wrong method, a body that is not JSON or breaks the schema, a bad token",
    behaviour="a coded JSON error (E905, E913, E906, E925) in the caller's language, never a traceback",
)
def test_every_error_is_coded_json_in_the_callers_language(api: Api) -> None:
    c = api.client
    r = c.get("/v1/nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "E905"
    assert c.delete("/v1/check").json()["error"]["code"] == "E905"
    r = c.post("/v1/events", content=b"{not json", headers=api.auth("key:events"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "E913"
    r = c.post("/v1/check", json={"text": 5}, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert r.status_code == 422 and r.json()["error"] == {
        "code": "E906",
        "message": "invalid request: body.text: Input should be a valid string",
        "where": "body.text",
        "hint": "the request formats are in /openapi.json",
    }
    r = c.post("/v1/check?lang=zh", json={"text": 5}, headers={"Accept-Language": "en"})
    assert r.json()["error"]["message"].startswith("请求无效")
    r = c.get("/v1/alerts", headers={"Authorization": "Bearer fzs_forged"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "E925"
    r = c.post("/v1/check", json={"text": "   "})
    assert r.status_code == 422 and r.json()["error"]["code"] == "E000"


@pytest.mark.reliability(
    entry="POST /v1/events",
    bad_input="rows without an id, person, time or kind, a time without a timezone, not an object, a duplicate",
    behaviour="202: each bad row rejected with its warn code (E703, E704, E023), duplicates marked, the good ones stored",
)
def test_events_answer_a_status_per_row(api: Api) -> None:
    rows = [
        *victim()[:3],
        {"event_id": "x"},
        {"event_id": "y", "person_id": "p", "time": "2024-03-05 10:00", "kind": "sms"},
        [],
    ]
    r = api.client.post("/v1/events?lang=en", json={"events": rows}, headers=api.auth("key:events"))
    body = r.json()
    assert r.status_code == 202 and (body["accepted"], body["rejected"]) == (3, 3)
    assert [x["error"]["code"] for x in body["rows"][3:]] == ["E703", "E704", "E023"]
    again = api.client.post("/v1/events", json={"events": rows[:3]}, headers=api.auth("key:events")).json()
    assert again["duplicates"] == 3 and {x["status"] for x in again["rows"]} == {"duplicate"}


@pytest.mark.reliability(
    entry="POST /v1/check",
    bad_input="an anonymous caller over the rate limit",
    behaviour="429 E907 with Retry-After; API keys are not limited",
)
def test_the_open_check_is_rate_limited_for_anonymous_callers(api: Api) -> None:
    codes = [api.client.post("/v1/check", json={"text": "你好"}).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429
    r = api.client.post("/v1/check", json={"text": "你好"})
    assert r.json()["error"]["code"] == "E907" and int(r.headers["Retry-After"]) >= 1
    assert (
        api.client.post("/v1/check", json={"text": "你好"}, headers=api.auth("key:check")).status_code == 200
    )


def test_the_check_answers_as_fanzha_check_json(api: Api) -> None:
    from centrekit import checker

    text = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ办理"
    r = api.client.post("/v1/check", json={"text": text}, headers=api.auth("key:check"))
    assert r.json() == checker().one(text, lang="zh")
    batch = api.client.post(
        "/v1/check/batch?lang=en",
        json={
            "items": [{"id": "a", "text": text}, {"id": "b", "turns": [{"speaker": "客服", "text": text}]}]
        },
        headers=api.auth("key:check"),
    ).json()["items"]
    assert [x["id"] for x in batch] == ["a", "b"] and batch[0] == {
        "id": "a",
        **checker().one(text, lang="en"),
    }
    # an item with nothing to read gets its coded error; the others are answered all the same
    mixed = api.client.post(
        "/v1/check/batch",
        json={"items": [{"id": "a", "text": "  "}, {"id": "b", "text": text}, {"id": "c", "turns": []}]},
        headers=api.auth("key:check"),
    )
    items = mixed.json()["items"]
    assert mixed.status_code == 200 and [x["id"] for x in items] == ["a", "b", "c"]
    assert [x.get("error", {}).get("where") for x in items] == ["items[0]", None, "items[2]"]
    assert items[0]["error"]["code"] == "E000" and "label" not in items[0]
    assert items[1] == {"id": "b", **checker().one(text, lang="zh")}
    r = api.client.post("/v1/check", json={"turns": []}, headers=api.auth("key:check"))
    assert r.status_code == 422 and r.json()["error"]["where"] == "turns"


def test_the_queue_the_workflow_and_the_stream(api: Api) -> None:
    c, op = api.client, api.auth("operator")
    aid = _alert(api)
    page = c.get("/v1/alerts?level=high", headers=op).json()
    assert page["total"] == 1 and page["items"][0]["person"]["person_id"] == "P_TIAN"
    assert c.post(f"/v1/alerts/{aid}/claim", headers=op).json()["status"] == "claimed"
    r = c.post(f"/v1/alerts/{aid}/claim", headers=api.auth("supervisor"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "E908"
    r = c.post(
        f"/v1/alerts/{aid}/outcome", json={"outcome": "dissuaded", "amount_protected": 200000}, headers=op
    )
    assert r.json()["status"] == "resolved"
    script = c.get(f"/v1/alerts/{aid}/script?lang=en", headers=op).json()
    assert script["script"][0].startswith("Hello")
    assert script["objections"] and all(o["says"] and o["answer"].isascii() for o in script["objections"])
    r = c.get("/v1/alerts/stream?max_events=2", headers={**api.auth("key:alerts:read"), "Last-Event-ID": "0"})
    frames = [f for f in r.text.split("\n\n") if f.startswith("id:")]
    assert r.headers["content-type"].startswith("text/event-stream") and len(frames) == 2
    assert frames[0].startswith("id: 1\nevent: revision\ndata: {")
    stats = c.get("/v1/stats", headers=api.auth("supervisor")).json()
    assert stats["dissuasion_rate"] == 1.0 and stats["amount_protected"] == "200000.00"


@pytest.mark.slow
def test_a_trace_job_over_a_stored_world_and_its_freeze_requests(api: Api, tmp_path: Any) -> None:
    from fanzha.sim import preset, simulate

    simulate(preset("small").replace(seed=3, days=10), tmp_path / "worlds" / "city")
    inv = api.auth("investigator")
    r = api.client.post("/v1/traces/world", json={"world": "city"}, headers=inv)
    assert r.status_code == 202
    job = r.json()["id"]
    for _ in range(600):
        state = api.client.get(f"/v1/traces/{job}", headers=inv).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state["status"] == "done", state
    freeze = api.client.get(f"/v1/traces/{job}/freeze?limit=5", headers=inv).json()
    assert freeze["total"] >= 1 and freeze["items"][0]["amount"]
    banks = api.client.get(f"/v1/traces/{job}/banks", headers=inv).json()["banks"]
    bank = banks[0]["bank"]
    as_json = api.client.get(f"/v1/traces/{job}/freeze-requests/{bank}", headers=inv).json()
    page = api.client.get(f"/v1/traces/{job}/freeze-requests/{bank}?format=html", headers=inv)
    csv = api.client.get(f"/v1/traces/{job}/freeze-requests/{bank}?format=csv", headers=inv)
    assert page.headers["content-type"].startswith("text/html") and "协助冻结申请" in page.text
    assert (
        as_json["accounts"][0]["account_id"] in page.text and as_json["accounts"][0]["account_id"] in csv.text
    )
    assert csv.text.startswith("\ufeff账号")
    for table in ("flows", "cash-outs", "mules"):
        assert api.client.get(f"/v1/traces/{job}/{table}", headers=inv).status_code == 200
    r = api.client.get(f"/v1/traces/{job}/freeze-requests/没有这家银行", headers=inv)
    assert r.status_code == 404 and r.json()["error"]["code"] == "E923"


def test_operation_ids_are_stable_and_every_route_is_under_v1(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    ops = [op["operationId"] for path, item in spec["paths"].items() for op in item.values()]
    assert (
        len(ops) == len(set(ops)) and "check_text" in ops and "ingest_events" in ops and "claim_alert" in ops
    )
    assert all(path.startswith("/v1/") for path in spec["paths"])


@pytest.mark.reliability(
    entry="fanzha serve (HTTP)",
    bad_input="a body larger than the limit (max_body)",
    behaviour="413 E928 before the body is read",
)
def test_a_body_over_the_limit_is_refused_before_it_is_read(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from centrekit import checker, scorer, settings
    from fanzha.service import create_app

    app = create_app(
        settings(f"sqlite:///{tmp_path / 'c.db'}", tmp_path, max_body=100), checker=checker(), scorer=scorer()
    )
    with TestClient(app) as c:
        r = c.post("/v1/check", json={"text": "您好" * 100})
        assert r.status_code == 413 and r.json()["error"]["code"] == "E928"
        assert c.post("/v1/check", json={"text": "您好"}).status_code == 200


@pytest.mark.reliability(
    entry="fanzha serve (HTTP)",
    bad_input="an Authorization header of another scheme, a forged X-API-Key, ?lang outside zh | en",
    behaviour="401 E901 / 401 E925 (audited) / 422 E906; a key in X-API-Key is taken like a bearer token",
)
def test_the_caller_is_read_from_its_headers(api: Api) -> None:
    from centrekit import checker

    c = api.client
    centre = c.app.state.centre  # type: ignore[attr-defined]
    key = {"X-API-Key": api.team.keys["check"]}
    # a key with the check scope is not rate-limited (the burst here is 5), whichever header carries it
    assert [c.post("/v1/check", json={"text": "你好"}, headers=key).status_code for _ in range(8)] == [
        200
    ] * 8
    r = c.get("/v1/alerts", headers={"X-API-Key": api.team.keys["alerts:read"]})
    assert r.status_code == 200
    r = c.post("/v1/check", json={"text": "你好"}, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert r.status_code == 401 and r.json()["error"]["code"] == "E901"
    before = len(centre.audit.read(outcome="refused", limit=10_000))
    r = c.post("/v1/check", json={"text": "你好"}, headers={"X-API-Key": "fzk_forged"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "E925"
    refused = centre.audit.read(outcome="refused", limit=10_000)[before:]
    assert [x.action for x in refused] == ["auth.token"]
    r = c.post("/v1/check?lang=fr", json={"text": "你好"}, headers=key)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E906"
    r = c.post(
        "/v1/check?lang=en", json={"text": "您好，我是淘宝客服，给您三倍赔偿，请加QQ办理"}, headers=key
    )
    assert r.json() == checker().one("您好，我是淘宝客服，给您三倍赔偿，请加QQ办理", lang="en")


def test_an_event_sent_twice_in_one_batch_is_stored_once(api: Api) -> None:
    import orjson
    from sqlalchemy import func, select

    from fanzha.centre.models import EventRow

    first, second = victim()[:2]
    r = api.client.post("/v1/events", json={"events": [first, second, first]}, headers=api.auth("key:events"))
    body = r.json()
    assert r.status_code == 202 and [x["status"] for x in body["rows"]] == [
        "accepted",
        "accepted",
        "duplicate",
    ]
    centre = api.client.app.state.centre  # type: ignore[attr-defined]
    with centre.store.engine.connect() as conn:
        stored = conn.execute(select(EventRow.event_id, EventRow.batch, EventRow.raw)).all()
    assert sorted(e for e, _, _ in stored) == sorted([first["event_id"], second["event_id"]])
    assert {b for _, b, _ in stored} == {body["batch"]}
    assert [orjson.loads(raw)[0] for e, _, raw in stored] == [e for e, _, _ in stored]
    again = api.client.post("/v1/events", json={"events": [second]}, headers=api.auth("key:events")).json()
    assert (again["duplicates"], again["batch"]) == (1, None)
    with centre.store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EventRow)) == 2


def test_a_batch_of_stored_and_new_events_marks_each_row(api: Api) -> None:
    """The insert counts the rows it wrote; when some ids were stored before, the rows of this batch's insert are
    the new ones (the lookup runs only then)."""
    from sqlalchemy import select

    from fanzha.centre.models import EventRow

    a, b, c = victim()[:3]
    api.client.post("/v1/events", json={"events": [a, b]}, headers=api.auth("key:events"))
    r = api.client.post("/v1/events", json={"events": [b, c, a, c]}, headers=api.auth("key:events"))
    body = r.json()
    assert r.status_code == 202 and [x["status"] for x in body["rows"]] == [
        "duplicate",
        "accepted",
        "duplicate",
        "duplicate",
    ]
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 3, 0)
    centre = api.client.app.state.centre  # type: ignore[attr-defined]
    with centre.store.engine.connect() as conn:
        batches = dict(conn.execute(select(EventRow.event_id, EventRow.batch)).all())
    assert (
        batches == {a["event_id"]: 1, b["event_id"]: 1, c["event_id"]: body["batch"]} and body["batch"] == 2
    )


def test_every_route_is_in_the_api_table_of_docs_service_md(api: Api) -> None:
    """docs/service.md lists every route: spelled out (path parameters as `{id}` or any name), or — the table's
    shorthand — `/last` beside its parent's path."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text(encoding="utf-8")

    def norm(text: str) -> str:
        return re.sub(r"\{[^}/]*\}", "{}", text)

    spelled = norm(doc)
    missing = []
    for path in api.client.get("/openapi.json").json()["paths"]:
        parent, _, last = norm(path).rpartition("/")
        if norm(path) not in spelled and not (f"`/{last}`" in doc and parent in spelled):
            missing.append(path)
    assert not missing, f"docs/service.md does not list: {missing}"
    for path in ("/v1/cases/reports", "/v1/cases/link/{}/clusters", "/v1/cases/leaks/{}/suspects"):
        assert f"{path}`" in spelled or f"{path}?" in spelled, path
