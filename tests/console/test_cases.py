"""The cases page's forms (issue 17): a victim's report filed as a case, a linking job and a leak-source job
started and followed, through `Centre.cases` as the API does — bad input a coded error on the page in the reader's
language with what was typed kept, a role without the `cases` permission refused, another site's form refused,
every action audited."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from console.conftest import Console
from fanzha.centre.cases import case_id_of
from fanzha.messages import t

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
QQ, CARD = "2846135790", "6222021234567890128"
REPORT = f"自称淘宝客服说面膜有质量问题要三倍赔偿，让我加QQ {QQ}，我转了3000元到卡号{CARD}。"
SECOND = f"对方自称快递客服说包裹丢了要理赔，加了QQ {QQ}，让我转了5000元到卡号{CARD}。"


def _page_error(r: Any, code: str, status: int, text: str) -> str:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert "Traceback" not in r.text and 'File "' not in r.text
    box = re.search(r'<div class="error" role="alert" id="error">(.*?)</div>', r.text, re.S)
    assert box is not None, r.text[:2000]
    assert code in box.group(1) and text in box.group(1), box.group(1)
    return str(r.text)


def _section(html: str, title_id: str) -> str:
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</table>", start)]


@SQLITE
def test_a_report_filed_through_the_form_is_a_case_on_the_page(console: Console) -> None:
    inv = console.client("investigator")
    form = {
        "text": REPORT,
        "report_id": "110-0311",
        "time": "2024-03-11 21:40",
        "loss": "3,000",
        "reporter": "李女士",
    }
    r = inv.post("/cases/reports?lang=zh", data=form, follow_redirects=False)
    cid = case_id_of("110-0311")
    assert r.status_code == 303 and r.headers["location"] == f"/cases?filed={cid}#stored-title"
    html = inv.get(r.headers["location"]).text
    assert f"已立案：案件 {cid}" in html
    row = re.search(rf'<tr class="fresh" id="case-new"><td>{cid}</td>(.*?)</tr>', html, re.S)
    assert row is not None, _section(html, "stored-title")
    cells = row.group(1)
    assert "2024-03-11 21:40" in cells and "3,000.00" in cells
    assert f"QQ号 {QQ}" in cells and f"银行卡 {CARD}" in cells
    centre = console.app.state.centre
    stored = centre.cases.get(console.team.actor("investigator"), cid)
    assert (
        stored["reporter"] == "李女士"
        and stored["loss"] == "3000.00"
        and stored["variant"]
        and stored["stage"]
    )
    # the variant and the stage intake detected, named for the reader
    assert f"<td>{centre.alerts.rules.variant_names[stored['variant']].get('zh')}</td>" in cells
    assert f"<td>{t('stage.' + str(stored['stage']), 'zh')}</td>" in cells
    # the same report again: a duplicate, no second case
    again = inv.post("/cases/reports", data=form, follow_redirects=False)
    assert again.headers["location"] == f"/cases?duplicate={cid}#stored-title"
    assert "这份报案已录入过" in inv.get(again.headers["location"]).text
    dup = inv.post("/cases/reports?format=json", data=form)
    assert dup.status_code == 200 and dup.json()["status"] == "duplicate" and dup.json()["case_id"] == cid
    assert console.app.state.centre.cases.page(console.team.actor("investigator"), _filter())["total"] == 1
    # the JSON twin answers with the row as the API does
    j = inv.post("/cases/reports?format=json", data={"text": SECOND, "report_id": "110-0312"})
    assert j.status_code == 201 and j.json()["status"] == "accepted" and j.json()["case"]["loss"] == "5000.00"
    log = console.app.state.centre.audit.read(actor="user:investigator", action="cases.intake", limit=10)
    assert len(log) == 4 and all(x.outcome == "ok" for x in log)


def _filter() -> Any:
    from fanzha.centre.cases import CaseFilter

    return CaseFilter()


@SQLITE
@pytest.mark.reliability(
    entry="the console's cases forms",
    bad_input="no report text, a time or loss intake cannot read, a negative loss, fields too long, no cases to "
    "link, a trace job not found, no orders' world, another site's form, an operator",
    behaviour="the cases page again with the coded error in the reader's language and what was typed kept; "
    "a refusal as any page's (E903); never a traceback",
)
def test_the_cases_forms_with_bad_input_show_a_coded_error_and_keep_what_was_typed(console: Console) -> None:
    inv, op = console.client("investigator"), console.client("operator")
    en = {"Accept-Language": "en-US,en;q=0.9"}
    typed = {"text": REPORT, "report_id": "110-9", "reporter": "王先生"}
    # (client, path, form, headers, code, status, text)
    cases: list[tuple[Any, str, dict[str, str], dict[str, str], str, int, str]] = [
        (inv, "/cases/reports", {"text": "   "}, {}, "E805", 422, "没有报案文字"),
        (inv, "/cases/reports", {"text": ""}, en, "E805", 422, "no report text"),
        (inv, "/cases/reports", {**typed, "time": "昨天晚上"}, {}, "E806", 422, "不是可识别的时间"),
        (inv, "/cases/reports", {**typed, "loss": "二十万"}, {}, "E705", 422, "二十万"),
        (inv, "/cases/reports", {**typed, "loss": "-5"}, en, "E807", 422, "is negative"),
        (inv, "/cases/reports", {**typed, "reporter": "王" * 201}, {}, "E954", 422, "太长"),
        (inv, "/cases/link", {}, {}, "E930", 409, "还没有可用的案件"),
        (inv, "/cases/link", {"trace_id": "nope"}, {}, "E904", 404, "没有找到"),
        (inv, "/cases/leaks", {"world": ""}, {}, "E955", 422, "请填写 world"),
        (inv, "/cases/leaks", {"world": "atlantis"}, en, "E930", 409, "nothing to run on yet"),
    ]
    for client, path, form, headers, code, status, text in cases:
        r = client.post(path, data=form, headers=headers, follow_redirects=False)
        html = _page_error(r, code, status, text)
        if path == "/cases/reports" and form.get("reporter") == "王先生":  # what was typed is kept
            assert REPORT in html and 'value="110-9"' in html and 'value="王先生"' in html, html[:3000]
            assert f'value="{form.get("time", "")}"' in html or "time" not in form
    assert console.app.state.centre.cases.page(console.team.actor("investigator"), _filter())["total"] == 0
    # refusals: an operator (no `cases` permission), and another site's form
    for path in ("/cases/reports", "/cases/link", "/cases/leaks"):
        r = op.post(path, data={"text": REPORT, "world": "city"}, follow_redirects=False)
        assert r.status_code == 403 and "E903" in r.text and "没有权限：需要 cases" in r.text
        r = inv.post(
            path, data={"text": REPORT}, headers={"Origin": "https://evil.example"}, follow_redirects=False
        )
        _page_error(r, "E952", 403, "请求来自其他网站")
    assert console.app.state.centre.cases.page(console.team.actor("investigator"), _filter())["total"] == 0
    refused = console.app.state.centre.audit.read(actor="user:operator", limit=20)
    assert {x.action for x in refused if x.outcome == "refused"} >= {
        "cases.intake",
        "cases.link",
        "cases.leaks",
    }
    assert console.client("operator").get("/cases/jobs").status_code == 403


def test_a_link_job_and_a_leaks_job_started_from_the_page(console: Console, tmp_path: Path) -> None:
    """A stored world's reports taken in; a linking job started from the page, followed (the jobs part polls
    while it runs) and its clusters shown with the keys that tie them; a leak-source job over the world's orders
    against it, its suspects shown. On both stores."""
    from fanzha.sim import preset, simulate

    world = tmp_path / "worlds" / "city"
    simulate(preset("small").replace(seed=3, days=30), world)
    inv = console.client("investigator")
    centre = console.app.state.centre  # the centre of the client's app (each client starts one)
    admin = centre.cases.take(
        console.team.actor("investigator"),
        uploads=[("reports.jsonl", (world / "reports.jsonl").read_bytes())],
    )
    assert admin["accepted"] > 10
    page = inv.get("/cases").text
    assert "还没有串并案或泄露源任务" in page and 'data-following="no"' in page
    hold = threading.Event()
    centre.cases.jobs.pool.submit(hold.wait, 60)  # the worker busy: the job stays queued until released
    r = inv.post("/cases/link", data={"trace_id": ""}, follow_redirects=False)
    assert r.status_code == 303
    link = re.fullmatch(r"/cases\?link=(\w+)#jobs-title", r.headers["location"])
    assert link is not None, r.headers["location"]
    link_id = link.group(1)
    queued = inv.get(r.headers["location"]).text  # the page follows the job: its part polls the centre
    assert 'data-following="yes"' in queued and f'hx-get="/cases/jobs?link={link_id}"' in queued
    assert 'hx-trigger="every 1s"' in queued and f'data-job="{link_id}" data-status="queued"' in queued
    assert "任务进行中，本页会自动更新" in queued
    hold.set()
    centre.cases.jobs.wait()
    html = inv.get(f"/cases?link={link_id}").text
    jobs = _section(html, "jobs-title")
    assert f'data-job="{link_id}" data-status="done"' in jobs and "串并案" in jobs
    clusters = html[html.index('id="link-job-title"') :]
    clusters = clusters[: clusters.index("</table>")]
    keys = re.findall(r'<span class="key" data-kind="(\w+)">', clusters)
    want = centre.cases.jobs.clusters(console.team.actor("investigator"), link_id)
    assert want["total"] >= 1 and len(keys) >= 1
    assert clusters.count("<tr><td>#") == min(want["total"], 50)
    first = want["items"][0]
    assert f"#{first['cluster']}" in clusters and str(first["members"][0]["report_id"]) in clusters
    # the stored list names each case's cluster in this link job
    assert "#" + str(first["cluster"]) in _section(html, "stored-title")
    # the leak source over the world's orders, against that link job
    r = inv.post("/cases/leaks?lang=en", data={"world": "city", "link_id": link_id}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    leaks_id = r.headers["location"].split("leaks=")[1].split("#")[0]
    centre.cases.jobs.wait()
    part = inv.get(f"/cases/jobs?leaks={leaks_id}&lang=en").text  # the part the page polls, alone
    assert part.lstrip().startswith('<section class="card" id="case-jobs"') and "<html" not in part
    assert 'data-following="no"' in part and "hx-get" not in part
    assert 'id="leaks-status" data-status="done"' in part, part[:3000]
    suspects = centre.cases.jobs.suspects(console.team.actor("investigator"), leaks_id)["suspects"]
    shown = part[part.index('id="leaks-job-title"') :]
    assert shown.count("<tr><td>") == min(len(suspects), 20) or (
        not suspects and "No significant merchant" in shown
    )
    for s in suspects[:3]:
        assert (s.get("name") or s["merchant_id"]) in shown
    # with whom the gang's numbers and accounts reached, ticked on the form
    assert 'id="k-contacts" name="contacts"' in html
    r = inv.post(
        "/cases/leaks", data={"world": "city", "link_id": link_id, "contacts": "1"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text[:2000]
    called = r.headers["location"].split("leaks=")[1].split("#")[0]
    centre.cases.jobs.wait()
    job = centre.cases.jobs.get(console.team.actor("investigator"), called, "leaks", "zh")
    assert job["status"] == "done" and job["params"]["contacts"] is True and "contacts" in job["summary"]
    plain = centre.cases.jobs.get(console.team.actor("investigator"), leaks_id, "leaks", "zh")["summary"]
    assert "contacts" not in plain  # the reporters, and beside them the people the gang reached
    assert job["summary"]["victims"] == plain["victims"] + job["summary"]["contacts"]["people_added"]
    # the orders uploaded from the form instead of a stored world's: the same suspects as the world's
    orders = (Path(str(centre.settings.worlds_dir)) / "city" / "orders.parquet").read_bytes()
    files = {"orders": ("orders.parquet", orders, "application/octet-stream")}
    r = inv.post("/cases/leaks", data={"link_id": link_id}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    uploaded = r.headers["location"].split("leaks=")[1].split("#")[0]
    centre.cases.jobs.wait()
    job = centre.cases.jobs.get(console.team.actor("investigator"), uploaded, "leaks", "zh")
    assert job["status"] == "done" and job["params"]["orders"] == "upload"
    theirs = centre.cases.jobs.suspects(console.team.actor("investigator"), leaks_id)["suspects"]
    ours = centre.cases.jobs.suspects(console.team.actor("investigator"), uploaded)["suspects"]
    assert [x["merchant_id"] for x in ours] == [x["merchant_id"] for x in theirs]
    # an upload has no records of the gang's contacts: refused with its code, the page again
    r = inv.post("/cases/leaks?lang=en", data={"contacts": "1"}, files=files, follow_redirects=False)
    assert r.status_code == 422 and "E931" in r.text and "contact records" in r.text
    actions = {x.action for x in centre.audit.read(actor="user:investigator", limit=200)}
    assert {"cases.link", "cases.leaks", "cases.clusters", "cases.suspects"} <= actions


@SQLITE
@pytest.mark.reliability(
    entry="the console's cases forms",
    bad_input="an export with an unreadable row, no file, a mapping that does not work, an operator, another "
    "site's form",
    behaviour="the good rows filed and the page lists each row kept aside with its code and where; no file or a "
    "bad mapping: the coded error with the mapping kept; a refusal as any page's (E903, E952)",
)
def test_a_police_export_uploaded_from_the_page(console: Console) -> None:
    inv, op = console.client("investigator"), console.client("operator")
    export = (
        "案件编号,报案时间,简要案情\n"
        f"JJ-1,2024-03-11 21:40,{REPORT}\n"
        f"JJ-2,2024-03-12 10:05,{SECOND}\n"
        "JJ-3,2024-03-12 11:00,\n"
    ).encode("gb18030")  # police systems export in GB18030
    mapping = "columns: {text: 简要案情, time: 报案时间, report_id: 案件编号}"
    files = {"reports": ("export.csv", export, "text/csv")}
    r = inv.post("/cases/reports/upload", data={"mapping": mapping}, files=files)
    assert r.status_code == 200, r.text[:2000]
    notice = re.search(r'<div class="notice" role="status" id="notice">(.*?)</div>', r.text, re.S)
    assert notice is not None and "新录入 2 件，更新 0 件，重复 0 件，另存 1 行" in notice.group(1)
    assert "<code>E805</code> export.csv:4" in notice.group(1), notice.group(1)
    stored = console.app.state.centre.cases.page(console.team.actor("investigator"), _filter())
    assert stored["total"] == 2 and {c["case_id"] for c in stored["items"]} == {
        case_id_of("JJ-1"),
        case_id_of("JJ-2"),
    }
    again = inv.post("/cases/reports/upload?format=json", data={"mapping": mapping}, files=files)
    assert again.status_code == 200 and (again.json()["accepted"], again.json()["duplicates"]) == (0, 2)
    # bad input: no file; a mapping that names a column the export lacks (what was typed kept)
    r = inv.post("/cases/reports/upload", data={"mapping": mapping})
    _page_error(r, "E955", 422, "请填写 reports")
    bad = "columns: {text: 案情摘要}"
    r = inv.post("/cases/reports/upload", data={"mapping": bad}, files=files)
    html = _page_error(r, "E802", 422, "案情摘要")
    assert "columns: {text: 案情摘要}" in html
    # refusals
    r = op.post("/cases/reports/upload", data={"mapping": mapping}, files=files, follow_redirects=False)
    assert r.status_code == 403 and "E903" in r.text
    r = inv.post("/cases/reports/upload", files=files, headers={"Origin": "https://evil.example"})
    _page_error(r, "E952", 403, "请求来自其他网站")
    assert console.app.state.centre.cases.page(console.team.actor("investigator"), _filter())["total"] == 2
    # the alerts of `fanzha warn` uploaded the same way: an alert case, marked 预警 in the stored list
    alert = {"alert_id": "AL9", "revision": 1, "person_id": "P9", "time": "2024-03-12T12:00:00+08:00",
             "evidence": [{"kind": "call", "summary": "来电 (16736531455)：“您好，我是淘宝客服”",
                           "channel": "phone", "counterparty": "16736531455"}]}  # fmt: skip
    files = {"reports": ("alerts.jsonl", json.dumps(alert, ensure_ascii=False).encode(), "application/json")}
    r = inv.post("/cases/reports/upload", files=files)
    assert r.status_code == 200 and "新录入 1 件" in r.text, r.text[:2000]
    row = re.search(r"<tr[^>]*><td>(C[^<]*) <span class=\"badge origin-alert\">预警</span></td>", r.text)
    assert row is not None and row.group(1) == case_id_of("AL9")
