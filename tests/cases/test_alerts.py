"""The centre's alerts as cases: intake files each alert of `fanzha warn` (its latest revision) with the
identifiers its evidence names, typed by channel; linking joins them to the reports; the leak source counts the
alerted as people the centre knew of from the alert on — never as reports, and an alert lists no number."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.cases.api import read_cases, run_intake, run_leaks, run_link, victims_of
from fanzha.cases.intake import alert_identifiers, intake
from fanzha.cases.numbers import listing
from fanzha.detect import Detector
from fanzha.errors import InputError
from fanzha.records.units import us_of
from fanzha.warn.replay import replay


@pytest.fixture(scope="module")
def alerts(tiny_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ALERTS.jsonl of `fanzha warn` over the tiny world's events."""
    out = tmp_path_factory.mktemp("alerts") / "alerts.jsonl"
    replay(tiny_world, out=out)
    return out


def _latest(path: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in path.read_bytes().splitlines():
        a = orjson.loads(line)
        if a["alert_id"] not in out or a["revision"] >= out[a["alert_id"]]["revision"]:
            out[a["alert_id"]] = a
    return out


def _alert(alert_id: str, revision: int, evidence: list[dict[str, Any]], **extra: Any) -> bytes:
    return orjson.dumps(
        {"alert_id": alert_id, "revision": revision, "person_id": "P1", "time": "2024-03-04T14:27:34+08:00",
         "level": "medium", "amount_sent": 0.0, "evidence": evidence, **extra}
    )  # fmt: skip


def _ev(
    kind: str, summary: str, channel: str | None = None, counterparty: str | None = None
) -> dict[str, Any]:
    e: dict[str, Any] = {
        "event_id": "E1",
        "time": "2024-03-04T14:27:34+08:00",
        "kind": kind,
        "summary": summary,
    }
    if counterparty is not None:
        e |= {"channel": channel, "counterparty": counterparty}
    return e


def test_each_alert_is_one_case_at_its_latest_revision(alerts: Path, tmp_path: Path, rules: Detector) -> None:
    latest = _latest(alerts)
    res = intake(alerts, tmp_path / "cases", detector=rules)
    assert not res.rejected and len(res.cases) == len(latest)
    for c in res.cases:
        a = latest[c.report_id]
        assert c.origin == "alert" and c.person_id == a["person_id"]
        assert c.time == us_of(datetime.fromisoformat(a["time"]))
        assert c.loss_fen == round(a["amount_sent"] * 100)
        assert " —— " not in c.text  # the events as they happened, not the engine's reading of them
        keys = {(m.kind, m.text) for m in c.identifiers()}
        assert set(alert_identifiers(a["evidence"])) <= keys
    table = pq.read_table(tmp_path / "cases" / "cases.parquet")
    assert set(table["origin"].to_pylist()) == {"alert"}
    # most alerts name the gang's number or account the person was reached by
    assert sum(1 for c in res.cases if c.identifiers()) >= 0.9 * len(res.cases)


def test_the_evidence_s_counterparties_are_typed_by_channel(tmp_path: Path, rules: Detector) -> None:
    evidence = [
        _ev("call", "来电 (16736531455)：“您好，我是淘宝客服”", "phone", "16736531455"),
        _ev("sms", "短信 (16546738429)：“退税136元未领取”", "sms", "16546738429"),
        _ev("friend_request", "好友申请 [TIM] (276197647)", "qq", "276197647"),
        _ev("call", "来电 (kf_mvxj7n)：“加一下你微信给你走理赔流程”", "wechat", "kf_mvxj7n"),
        _ev("screen_share_start", "开始屏幕共享 [ZOOM] (379294645)", None, "379294645"),
        _ev("payee_added", "添加收款人 (6228480402564890018)", "bank_app", "6228480402564890018"),
        _ev("transfer", "转账 (A0000004232) 1.80元", "bank_transfer", "A0000004232"),
        _ev("loan", "贷款到账 [美团借钱] (美团借钱) 20,000.00元", "loan_disbursement", "美团借钱"),
        _ev("app_install", "安装软件 [ZOOM]"),
    ]
    assert alert_identifiers(evidence) == [
        ("phone", "16736531455"), ("phone", "16546738429"), ("qq", "276197647"), ("wechat_id", "kf_mvxj7n"),
        ("meeting_id", "379294645"), ("bank_card", "6228480402564890018"), ("payment_account", "A0000004232"),
    ]  # fmt: skip
    src = tmp_path / "alerts.jsonl"
    src.write_bytes(
        _alert("AL1", 1, evidence[:1]) + b"\n" + _alert("AL1", 2, evidence, amount_sent=1.8) + b"\n"
    )
    (case,) = intake(src, detector=rules).cases
    assert case.report_id == "AL1" and case.loss_fen == 180 and case.loss_source == "field"
    got = {(m.kind, m.key) for m in case.identifiers() if m.role == "reported"}
    assert {("qq", "276197647"), ("wechat_id", "kf_mvxj7n"), ("meeting_id", "379294645")} <= got
    assert ("payment_account", "a0000004232") in got and ("bank_card", "6228480402564890018") in got
    assert case.text.splitlines()[0] == "来电 (16736531455)：“您好，我是淘宝客服”"
    # the same revisions as a JSON list: the same one case
    listed = tmp_path / "alerts.json"
    listed.write_bytes(b"[" + src.read_bytes().strip().replace(b"\n", b",") + b"]")
    (again,) = intake(listed, detector=rules).cases
    assert again.identifiers() == case.identifiers() and again.loss_fen == 180
    # an alert names numbers, but lists none for the operators: it is no loss the police confirmed
    assert listing([case]) == {}
    # two days' alerts files: the alert met again is filed once, at its latest revision, where it was first met
    # (no E808: it is the same alert, not a report id given twice)
    day2 = tmp_path / "alerts-2.jsonl"
    day2.write_bytes(_alert("AL1", 3, evidence, amount_sent=9.0) + b"\n" + _alert("AL2", 1, evidence[:1]))
    for order in ((src, day2), (day2, src)):
        res = intake(list(order), detector=rules)
        assert not res.rejected
        assert [(c.report_id, c.revision, c.loss_fen) for c in res.cases] == [("AL1", 3, 900), ("AL2", 1, 0)]


def test_the_order_an_alert_quotes_is_no_key(tmp_path: Path, rules: Detector) -> None:
    """The gang quotes the person's own order (the leaked data): two alerts whose orders end alike are not one
    gang's."""
    src = tmp_path / "alerts.jsonl"
    said = [
        "来电 (16736531455)：“我是淘宝客服，您在我们店铺购买的坚果，订单尾号8235，经检测存在质量问题”",
        "来电 (16546738429)：“我是中通快递理赔专员，您的快递单号JT001161528235在运输途中丢失”",
    ]
    src.write_bytes(b"\n".join(
        _alert(f"AL{i}", 1, [_ev("call", text, "phone", text[4:15])], person_id=f"P{i}") for i, text in enumerate(said)
    ) + b"\n")  # fmt: skip
    cases = intake(src, tmp_path / "cases", detector=rules).cases
    assert [sorted((m.kind, m.key) for m in c.identifiers()) for c in cases] == [
        [("phone", "16736531455")],
        [("phone", "16546738429")],
    ]
    assert any(
        m.kind == "order_number" and m.key is None for m in cases[1].mentions
    )  # still read, as a mention
    run_link(tmp_path / "cases", picture=None)
    assert {r["cluster"] for r in _clusters_of(tmp_path / "cases")} == {""}


def _clusters_of(case_dir: Path) -> list[dict[str, str]]:
    import csv

    with open(case_dir / "link" / "case_clusters.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_fake_base_station_s_official_number_is_no_key(tmp_path: Path, rules: Detector) -> None:
    src = tmp_path / "alerts.jsonl"
    ev = [_ev("sms", "短信 (12366)：“您有一笔个税退税未领取，请添加办税员微信”", "sms", "12366")]
    src.write_bytes(_alert("AL2", 1, ev) + b"\n")
    (case,) = intake(src, detector=rules).cases
    assert [(m.kind, m.key, m.role) for m in case.identifiers()] == [("phone", "12366", "public")]


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="alert lines without an alert id, person or time, with evidence that is no list of objects, or a "
    "revision that is no integer",
    behaviour="each kept aside with E832 naming the field and its file:row; the good alerts and reports filed",
)
def test_bad_alert_lines_are_kept_aside(tmp_path: Path, rules: Detector) -> None:
    ok = [_ev("call", "来电 (16736531455)：“淘宝客服”", "phone", "16736531455")]
    lines = [
        _alert("AL1", 1, ok),
        orjson.dumps({"alert_id": 7, "person_id": "P1", "time": "2024-03-04T14:27:34+08:00", "evidence": ok}),
        _alert("AL3", 1, ok, person_id=""),
        _alert("AL4", 1, "none"),  # type: ignore[arg-type]
        _alert("AL5", 1, [1, 2]),  # type: ignore[list-item]
        _alert("AL6", "2", ok),  # type: ignore[arg-type]
        orjson.dumps({"report_id": "R1", "text": "被骗了，对方QQ 276197647，转了3800元"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    res = intake(src, tmp_path / "out", detector=rules)
    assert sorted((c.report_id, c.origin) for c in res.cases) == [("AL1", "alert"), ("R1", "report")]
    got = [(r.row, r.code, r.params["field"]) for r in res.rejected]
    assert got == [(2, "E832", "alert_id"), (3, "E832", "person_id"), (4, "E832", "evidence"),
                   (5, "E832", "evidence"), (6, "E832", "revision")]  # fmt: skip
    assert "alert_id" in res.rejected[0].render("zh") and f"{src}:2" in res.rejected[0].render("en")


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="random alert-shaped JSON lines (hypothesis)",
    behaviour="cases, or rows kept aside with E832 / another intake code, or one coded error; never a crash",
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.fixed_dictionaries(
            {"alert_id": st.one_of(st.text(max_size=6), st.integers(-(2**63), 2**63 - 1), st.none()),
             "evidence": st.one_of(st.none(), st.text(max_size=5), st.lists(st.one_of(st.integers(-9, 9), st.dictionaries(
                 st.sampled_from(["kind", "summary", "channel", "counterparty"]),
                 st.one_of(st.text(alphabet="来电 ()0123456789kfqwechatsmsphone_—", max_size=20), st.integers(-(2**63), 2**63 - 1), st.none()),
                 max_size=4)), max_size=4))},
            optional={"person_id": st.one_of(st.text(max_size=5), st.integers(-(2**63), 2**63 - 1)),
                      "time": st.one_of(st.just("2024-03-04T14:27:34+08:00"), st.text(max_size=8), st.integers(-(2**63), 2**63 - 1)),
                      "revision": st.one_of(st.integers(-3, 3), st.text(max_size=2), st.booleans()),
                      "amount_sent": st.one_of(st.floats(allow_nan=False), st.integers(-(2**63), 2**63 - 1), st.text(max_size=3))},
        ),
        min_size=1, max_size=5,
    )
)  # fmt: skip
def test_random_alerts_never_crash(
    tmp_path_factory: pytest.TempPathFactory, rules: Detector, rows: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("random-alerts")
    src = folder / "alerts.jsonl"
    src.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    try:
        res = intake(src, folder / "out", detector=rules)
    except InputError as exc:
        assert exc.code == "E810", exc.render("en")  # nothing filed: every row kept aside
        assert not (folder / "out").exists()
    else:
        assert all(c.origin == "alert" for c in res.cases)
        assert len({c.report_id for c in res.cases}) == len(res.cases)


def test_alerted_people_join_the_clusters_and_are_no_reports(
    tiny_world: Path, alerts: Path, tmp_path: Path, rules: Detector
) -> None:
    reports = run_intake(tiny_world / "reports.jsonl", tmp_path / "reports", detector=rules)
    both = run_intake([tiny_world / "reports.jsonl", alerts], tmp_path / "both", detector=rules)
    assert len(both.cases) == len(reports.cases) + len(_latest(alerts))
    run_link(tmp_path / "both", picture=None)
    victims, _ = victims_of(tmp_path / "both")
    reporters = {c.person_id for c in reports.cases if c.person_id}
    first_alert: dict[str, int] = {}
    for c in both.cases:
        if c.origin == "alert" and c.person_id:
            first_alert[c.person_id] = min(c.time, first_alert.get(c.person_id, c.time))
    assert {v.person_id for v in victims if v.via == "report"} == reporters
    assert {v.person_id for v in victims if v.via == "alert"} == set(first_alert) - reporters
    for v in victims:  # known to the centre from the first alert on, a reporter who had been alerted too
        assert v.known == first_alert.get(v.person_id)
    assert any(v.via == "alert" and v.cluster >= 0 for v in victims)  # linked to the reports' clusters
    # every alerted person is one the gangs reached (the tiny world alerts no ordinary person)
    truth = set(
        pq.read_table(tiny_world / "truth" / "victims.parquet", columns=["person_id"])[
            "person_id"
        ].to_pylist()
    )
    assert {v.person_id for v in victims if v.via == "alert"} <= truth
    # the reporters' scope is the reporters alone; the alerts list no number for the contacts
    run = run_leaks(tmp_path / "both", tiny_world, contacts=tiny_world)
    scope = run.summary["scopes"]["reports"]["victims"]
    assert scope == sum(1 for v in run.strata.victims if v.via == "report")
    assert listing(read_cases(tmp_path / "both")) == listing(read_cases(tmp_path / "reports"))


def test_the_replay_knows_a_person_by_the_cases_before_them(
    tiny_world: Path, alerts: Path, tmp_path: Path, rules: Detector
) -> None:
    """A report filed after its person's alert quotes what the alert did not: the leak source (a look at the end)
    reads every case's text for the orders quoted, the evaluation's replay only what the centre had when the
    person came (`_at_entry`)."""
    from fanzha.evaluate.cases import _at_entry

    both = run_intake([tiny_world / "reports.jsonl", alerts], tmp_path / "both", detector=rules)
    victims, _ = victims_of(tmp_path / "both")
    by_case = {c.case_id: c for c in both.cases}
    entry = _at_entry(tmp_path / "both", victims)
    later = [v for v in victims if v.known is not None and any(
        by_case[c].origin == "report" and by_case[c].time > v.known for c in v.cases)]  # fmt: skip
    assert later, "the tiny world has a person alerted before their report"
    assert entry is not None and [v.person_id for v in entry] == [v.person_id for v in victims]
    for v, e in zip(victims, entry, strict=True):
        texts = [by_case[c].text for c in v.cases]
        assert all(t in v.quotes for t in texts)  # the look at the end: every case
        known = [by_case[c].text for c in v.cases if v.known is None or by_case[c].time <= v.known]
        if v.via == "report":
            first = min(by_case[c].time for c in v.cases if by_case[c].origin == "report")
            known = [by_case[c].text for c in v.cases if by_case[c].time <= min(first, v.known or first)]
        assert e.quotes == "\n".join(known) and (e.cluster, e.known, e.via) == (v.cluster, v.known, v.via)
    run_intake(tiny_world / "reports.jsonl", tmp_path / "reports", detector=rules)
    lone, _ = victims_of(tmp_path / "reports")
    # a folder of reports alone: a person's later report (a second one of the same case) is all that can come
    # after they did
    for v, e in zip(lone, _at_entry(tmp_path / "reports", lone) or lone, strict=True):
        assert e.quotes == v.quotes or len(v.cases) > 1
