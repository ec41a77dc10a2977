"""Cases through the service (issue 17), on SQLite and PostgreSQL: reports filed row by row (JSON, an export's
CSV with its column mapping), idempotent by report id and stored before the answer; bad input answered with the
intake's codes; reads audited; and the round trip on a small sim world — intake, link, leaks through the API —
giving the clusters and the first suspect `fanzha cases` gives on the same reports."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from centrekit import settings
from service.conftest import Api
from service.test_api import REPORT

CSV_MAP = "columns: {text: 简要案情, time: 报案时间, report_id: 案件编号, caller: 来电号码}\n"


def _export(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["案件编号", "报案时间", "简要案情", "来电号码"])
    for r in rows:
        w.writerow([r["report_id"], "2024/03/05 18:50", r["text"], r.get("caller", "")])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _wait(api: Api, path: str, who: str = "investigator") -> dict[str, Any]:
    state: dict[str, Any] = {}
    for _ in range(1200):
        state = api.client.get(path, headers=api.auth(who)).json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(state)


def test_reports_are_filed_row_by_row_idempotent_and_durable(api: Api, db_url: str, tmp_path: Path) -> None:
    inv = api.auth("investigator")
    second = {**REPORT, "report_id": "R2", "text": REPORT["text"].replace("9999", "3800")}
    r = api.client.post("/v1/cases/reports", json={"reports": [REPORT, second]}, headers=inv)
    body = r.json()
    assert r.status_code == 200 and (body["accepted"], body["duplicates"], body["rejected"]) == (2, 0, 0)
    case = body["rows"][0]["case"]
    assert case["label"] == "scam" and case["loss"] == "9999.00" and case["variant"]
    phone = next(i for i in case["identifiers"] if i["kind"] == "phone")
    assert REPORT["text"][phone["start"] : phone["end"]] == phone["text"]  # the span is the text's
    again = api.client.post("/v1/cases/reports", json={"reports": [REPORT]}, headers=inv).json()
    assert again["duplicates"] == 1 and again["rows"][0]["case_id"] == body["rows"][0]["case_id"]
    # an export's CSV with its mapping: the same intake, the same ids for the same report
    export = _export([{"report_id": "JJ-7", "text": REPORT["text"], "caller": "4008123456"}])
    r = api.client.post(
        "/v1/cases/reports/upload",
        files=[("reports", ("导出.csv", export, "text/csv"))],
        data={"mapping": CSV_MAP},
        headers=inv,
    )
    assert r.status_code == 200, r.text
    row = r.json()["rows"][0]
    assert r.status_code == 200 and row["status"] == "accepted" and row["report_id"] == "JJ-7", r.text
    assert any(i["text"] == "4008123456" and i["start"] is None for i in row["case"]["identifiers"])
    # an alert of `fanzha warn` (ALERTS.jsonl) is filed as an alert case with the numbers its evidence names
    alert = {"alert_id": "AL1", "revision": 2, "person_id": "P7", "time": "2024-03-04T14:27:34+08:00",
             "amount_sent": 0.0, "evidence": [{"event_id": "E1", "time": "2024-03-04T14:27:34+08:00", "kind": "call",
             "summary": "来电 (16736531455)：“您好，我是淘宝客服”", "channel": "phone", "counterparty": "16736531455"}]}  # fmt: skip
    lines = json.dumps({**alert, "revision": 1}) + "\n" + json.dumps(alert, ensure_ascii=False) + "\n"
    up = api.client.post(
        "/v1/cases/reports/upload", files=[("reports", ("alerts.jsonl", lines.encode()))], headers=inv
    ).json()
    assert (up["accepted"], up["rejected"]) == (1, 0) and up["rows"][0]["case"]["origin"] == "alert"
    assert any(
        i["kind"] == "phone" and i["key"] == "16736531455" for i in up["rows"][0]["case"]["identifiers"]
    )
    # the next day's alerts file: the alert at a later revision (money sent since) files its case again; the
    # same revision once more is a duplicate, an earlier one too
    later = {**alert, "revision": 3, "amount_sent": 5000.0}
    for revision, status, loss in (
        (3, "updated", "5000.00"),
        (3, "duplicate", "5000.00"),
        (2, "duplicate", "5000.00"),
    ):
        line = json.dumps({**later, "revision": revision}, ensure_ascii=False).encode()
        again = api.client.post(
            "/v1/cases/reports/upload", files=[("reports", ("alerts2.jsonl", line))], headers=inv
        ).json()
        assert again["rows"][0]["status"] == status, (revision, again)
        assert again["rows"][0]["case_id"] == up["rows"][0]["case_id"]
        stored = api.client.get(f"/v1/cases/{up['rows'][0]['case_id']}", headers=inv).json()
        assert (stored["loss"], stored["revision"]) == (loss, 3)
    assert (again["accepted"], again["updated"], again["duplicates"]) == (0, 0, 1)
    # durable: a second centre on the same store reads them
    from fanzha.centre import Centre
    from fanzha.centre.cases import CaseFilter

    other = Centre(settings(db_url, tmp_path / "other"))
    try:
        assert other.cases.page(api.team.actor("supervisor"), CaseFilter())["total"] == 4
    finally:
        other.close()
    page = api.client.get("/v1/cases?report_id=R2", headers=inv).json()
    assert page["total"] == 1 and page["items"][0]["loss"] == "3800.00"
    one = api.client.get(f"/v1/cases/{page['items'][0]['case_id']}", headers=inv).json()
    assert one["text"] == second["text"] and one["cluster"] is None  # no link job yet
    log = api.team.centre.audit.read(actor="user:investigator", limit=1000)
    assert {"cases.intake", "cases.list", "cases.read"} <= {x.action for x in log if x.outcome == "ok"}


@pytest.mark.reliability(
    entry="POST /v1/cases/reports",
    bad_input="rows not objects, without text, with a bad time or amount, a field that is no value, a report id "
    "twice; a mapping that is not YAML, no mapping, names unknown fields or no text, a bad zone or pair; an "
    "export without its text column, a row with too many cells, a file type intake does not read; nothing to file",
    behaviour="the bad rows rejected with the intake's code (E023, E805, E806, E705, E804, E808, E818), the good "
    "ones filed; a bad mapping or file 422 with E850–E856, E802, E801; nothing 422 E922",
)
def test_bad_reports_are_rejected_with_the_intakes_codes(api: Api) -> None:
    inv = api.auth("investigator")
    rows = [
        REPORT,
        7,
        {"report_id": "x1"},
        {**REPORT, "report_id": "x2", "time": "昨天"},
        {**REPORT, "report_id": "x3", "amount_claimed": "1.234"},
        {**REPORT, "report_id": "x4", "person_id": {"a": 1}},
        {**REPORT},
        {**REPORT, "report_id": 10**30},
    ]
    body = api.client.post("/v1/cases/reports?lang=en", json={"reports": rows}, headers=inv).json()
    assert (body["accepted"], body["rejected"]) == (1, 7)
    codes = [x["error"]["code"] for x in body["rows"] if x["status"] == "rejected"]
    assert codes == ["E023", "E805", "E806", "E705", "E804", "E808", "E804"]  # the last: a 101-bit number
    assert body["rows"][1]["error"]["where"] == "reports:2" and body["rows"][1]["error"]["message"]
    for mapping, code in (
        ([1], "E906"),
        ({"columns": "text"}, "E851"),
        ({"columns": {"text": "t"}, "colour": 1}, "E852"),
        ({"columns": {"text": "t", "colour": "c"}}, "E854"),
        ({"columns": {"time": "t"}}, "E855"),
        ({"columns": {"text": "t"}, "timezone": "Mars/Olympus"}, "E856"),
    ):
        r = api.client.post("/v1/cases/reports", json={"reports": rows, "mapping": mapping}, headers=inv)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (mapping, r.text)
    r = api.client.post("/v1/cases/reports", json={"reports": [REPORT], "map": ["text"]}, headers=inv)
    assert r.json()["error"]["code"] == "E853"
    up = "/v1/cases/reports/upload"
    bad_csv = "案件编号,报案时间\nA,2024/03/05\n".encode()
    r = api.client.post(up, files=[("reports", ("x.csv", bad_csv))], data={"mapping": CSV_MAP}, headers=inv)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E802"
    wide = _export([{"report_id": "A", "text": REPORT["text"]}]) + "B,2024/03/05,文字,1,多一格\n".encode()
    r = api.client.post(up, files=[("reports", ("x.csv", wide))], data={"mapping": CSV_MAP}, headers=inv)
    assert [x["status"] for x in r.json()["rows"]] == ["accepted", "rejected"]
    assert r.json()["rows"][1]["error"]["code"] == "E818"
    r = api.client.post(up, files=[("reports", ("x.docx", b"PK"))], headers=inv)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E801"
    r = api.client.post(up, data={"mapping": "columns: ["}, headers=inv)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E922"
    r = api.client.post(
        up, files=[("reports", ("x.csv", bad_csv))], data={"mapping": "columns: ["}, headers=inv
    )
    assert r.json()["error"]["code"] == "E850"
    refused = api.client.post(up, files=[("reports", ("x.csv", bad_csv))], headers=api.auth("operator"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "E903"


@pytest.mark.reliability(
    entry="POST /v1/cases/link, /v1/cases/leaks",
    bad_input="linking with no case stored, the leak source with no link job done, an unknown world, trace, "
    "case or job, a link job's id where a leaks job's goes, orders that are no Parquet, an alpha out of range",
    behaviour="409 E930; 404 E918, E904; the job failed with E007 and its suspects 409 E929; 422 E906",
)
def test_jobs_refuse_what_they_cannot_run(api: Api) -> None:
    inv = api.auth("investigator")
    c = api.client
    assert c.post("/v1/cases/link", json={}, headers=inv).json()["error"]["code"] == "E930"
    r = c.post("/v1/cases/leaks", json={"world": "city"}, headers=inv)
    assert r.status_code == 409 and r.json()["error"]["code"] == "E930"
    r = c.post("/v1/cases/leaks/upload", files=[("orders", ("o.parquet", b"x"))], headers=inv)
    assert r.json()["error"]["code"] == "E930"
    c.post("/v1/cases/reports", json={"reports": [REPORT]}, headers=inv)
    r = c.post("/v1/cases/link", json={"trace_id": "nope"}, headers=inv)
    assert r.status_code == 404 and r.json()["error"]["code"] == "E904"
    link = c.post("/v1/cases/link", json={}, headers=inv).json()["id"]
    assert _wait(api, f"/v1/cases/link/{link}")["status"] == "done"
    r = c.post("/v1/cases/leaks", json={"world": "atlantis"}, headers=inv)
    assert r.status_code == 404 and r.json()["error"]["code"] == "E918"
    r = c.post("/v1/cases/leaks/upload", files=[("orders", ("o.parquet", b"not parquet"))], headers=inv)
    leaks = r.json()["id"]
    failed = _wait(api, f"/v1/cases/leaks/{leaks}")
    assert failed["status"] == "failed" and failed["error"]["code"] == "E007", failed
    r = c.get(f"/v1/cases/leaks/{leaks}/suspects", headers=inv)
    assert r.status_code == 409 and r.json()["error"]["code"] == "E929"
    assert c.get(f"/v1/cases/leaks/{link}", headers=inv).json()["error"]["code"] == "E904"
    assert c.get(f"/v1/cases/link/{leaks}/clusters", headers=inv).json()["error"]["code"] == "E904"
    assert c.get("/v1/cases/Cnothing", headers=inv).status_code == 404
    r = c.post("/v1/cases/leaks", json={"world": "x", "alpha": 2}, headers=inv)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E906"


@pytest.mark.slow
def test_the_round_trip_gives_what_fanzha_cases_gives(
    api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small sim world's reports through the service — intake (an upload of reports.jsonl), link, leaks over
    the world's orders — and through `fanzha cases` on the same file: the same clusters (as sets of report ids),
    the same first suspect."""
    from cases.conftest import TINY_CASES
    from clirun import run
    from fanzha.sim.generate import simulate

    world = tmp_path / "worlds" / "tiny"
    simulate(TINY_CASES, world)
    reports = (world / "reports.jsonl").read_bytes()
    inv = api.auth("investigator")
    r = api.client.post(
        "/v1/cases/reports/upload", files=[("reports", ("reports.jsonl", reports))], headers=inv
    )
    filed = r.json()
    assert r.status_code == 200 and filed["accepted"] >= 10 and filed["rejected"] == 0, r.text
    link = api.client.post("/v1/cases/link", json={}, headers=inv).json()["id"]
    summary = _wait(api, f"/v1/cases/link/{link}")["summary"]
    assert summary["clusters"] >= 1
    page = api.client.get(f"/v1/cases/link/{link}/clusters?min_size=1&limit=500", headers=inv).json()
    ours = {frozenset(m["report_id"] for m in cl["members"]) for cl in page["items"]}
    assert page["items"][0]["tying"] and "hubs" in page["items"][0]
    leaks = api.client.post("/v1/cases/leaks", json={"world": "tiny"}, headers=inv).json()["id"]
    assert _wait(api, f"/v1/cases/leaks/{leaks}")["status"] == "done"
    suspects = api.client.get(f"/v1/cases/leaks/{leaks}/suspects", headers=inv).json()
    assert suspects["suspects"] and suspects["suspects"][0]["evidence"]
    r = api.client.get(f"/v1/cases/leaks/{leaks}/suspects?scope=cluster:999", headers=inv)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E927"
    one = api.client.get(f"/v1/cases/{page['items'][0]['members'][0]['case_id']}", headers=inv).json()
    assert one["cluster"]["link_id"] == link and one["cluster"]["cluster"] == page["items"][0]["cluster"]

    cases = tmp_path / "cli-cases"
    code, _, _ = run(
        ["cases", "intake", str(world / "reports.jsonl"), "--out", str(cases), "--quiet"], capsys
    )
    assert code == 0
    code, _, _ = run(["cases", "link", str(cases), "--json", "--quiet"], capsys)
    assert code == 0
    report_of: dict[str, str] = {}
    theirs_by: dict[str, set[str]] = {}
    with open(cases / "link" / "case_clusters.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            report_of[row["case_id"]] = row["report_id"]
            if row["cluster"]:
                theirs_by.setdefault(row["cluster"], set()).add(row["report_id"])
    assert ours == {frozenset(v) for v in theirs_by.values()}
    code, out, _ = run(["cases", "leaks", str(cases), "--orders", str(world), "--json"], capsys)
    first = json.loads(out)["scopes"]["all"]["suspects"][0]
    assert code == 0 and suspects["suspects"][0]["merchant_id"] == first["merchant_id"]
    assert suspects["suspects"][0]["victims"] == first["victims"]
    # with whom the gang's numbers and accounts reached (the stored world's events): what `--contacts` gives
    job = api.client.post("/v1/cases/leaks", json={"world": "tiny", "contacts": True}, headers=inv).json()[
        "id"
    ]
    done = _wait(api, f"/v1/cases/leaks/{job}")
    assert done["status"] == "done" and done["params"]["contacts"] is True
    assert "contacts_path" not in done["params"]
    code, out, _ = run(
        ["cases", "leaks", str(cases), "--orders", str(world), "--contacts", str(world), "--json"], capsys
    )
    theirs = json.loads(out)
    assert code == 0 and done["summary"]["contacts"] == theirs["contacts"]
    assert theirs["contacts"]["people_added"] > 0
    ours_all = api.client.get(f"/v1/cases/leaks/{job}/suspects", headers=inv).json()["suspects"]
    assert [s["merchant_id"] for s in ours_all] == [
        s["merchant_id"] for s in theirs["scopes"]["all"]["suspects"]
    ]
