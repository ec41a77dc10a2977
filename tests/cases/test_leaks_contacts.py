"""The records of the gang's numbers and accounts the reports name (`--contacts`): which records are contacts of a
listed identifier, which people they add to the leak test (each once, not the reporters, in the cluster of the
case that listed the identifier, known from the contact or the listing), and that a world's own events serve as
the records."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from fanzha.cases.api import read_cases, run_intake, run_leaks, run_link, victims_of
from fanzha.cases.leaks import read_contacts
from fanzha.cases.numbers import listing
from fanzha.errors import InputError
from fanzha.records.units import us_of

PHONE, QQ, WECHAT = "16736531455", "276197647", "kf_mvxj7n"
LISTED = [("phone", PHONE), ("qq", QQ), ("wechat_id", WECHAT)]
T0 = datetime(2024, 4, 2, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _event(i: int, minutes: int, kind: str, counterparty: str | None, **extra: str) -> dict[str, object]:
    return {"event_id": f"E{i}", "person_id": f"Q{i}", "time": (T0 + timedelta(minutes=minutes)).isoformat(),
            "kind": kind, "counterparty": counterparty, **extra}  # fmt: skip


def _t(row: dict[str, object]) -> int:
    return us_of(datetime.fromisoformat(str(row["time"])))


def test_the_contacts_of_a_listed_identifier_on_its_own_channel_are_read(tmp_path: Path) -> None:
    rows = [
        _event(1, 30, "call", PHONE, channel="phone", direction="in"),  # a call from the number
        _event(2, 10, "call", PHONE),  # no channel, no direction: a call record as the operator gives it
        _event(3, 20, "call", "13800000000", channel="phone", direction="in"),  # a number not listed
        _event(4, 40, "sms", PHONE, channel="sms", direction="in"),  # a text from it
        _event(
            5, 50, "friend_request", QQ, channel="qq", direction="out", app="TIM"
        ),  # the person added the QQ
        _event(6, 60, "chat_message", WECHAT, channel="wechat", direction="in"),
        _event(7, 70, "chat_message", PHONE, channel="qq", direction="in"),  # the number's digits as a QQ: no
        _event(8, 80, "chat_message", QQ, channel="wechat", direction="in"),  # the QQ as a WeChat id: no
        _event(9, 90, "app_install", None, app="QQ"),
    ]
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join([*lines[:3], "{not json", *lines[3:]]) + "\n", encoding="utf-8")
    found = read_contacts(path, LISTED)
    assert found.contacts == [
        ("Q2", "phone", PHONE, _t(rows[1])),  # in time order
        ("Q1", "phone", PHONE, _t(rows[0])),
        ("Q4", "phone", PHONE, _t(rows[3])),
        ("Q5", "qq", QQ, _t(rows[4])),
        ("Q6", "wechat_id", WECHAT, _t(rows[5])),
    ]
    assert (found.listed, found.records, found.kept_aside) == ({"phone": 1, "qq": 1, "wechat_id": 1}, 10, 1)
    assert found.first_kept_aside is not None and "E020" in found.first_kept_aside
    nothing = read_contacts(path, [])  # nothing listed: the records are not read
    assert (nothing.contacts, nothing.records, nothing.listed) == ([], 0, {})


@pytest.mark.reliability(
    entry="fanzha cases leaks",
    bad_input="--contacts naming a file that does not exist or is no events file",
    behaviour="E700 / E701 naming it, before any test",
)
def test_records_that_are_missing_or_no_events(tmp_path: Path) -> None:
    for path, code in [(tmp_path / "nope.parquet", "E700"), (tmp_path / "records.csv", "E701")]:
        if code == "E701":
            path.write_text("a,b\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            read_contacts(path, LISTED)
        assert (err.value.code, err.value.where) == (code, str(path))


@pytest.mark.reliability(
    entry="fanzha cases leaks",
    bad_input="--contacts with a case folder that lacks cases.jsonl (the cases whole, where the identifiers' "
    "roles and places are)",
    behaviour="E820 naming the folder and the file; nothing written",
)
def test_a_case_folder_without_its_cases_whole(tmp_path: Path, tiny_world: Path) -> None:
    cases = tmp_path / "cases"
    run_intake(tiny_world / "reports.jsonl", cases)
    (cases / "cases.jsonl").unlink()
    with pytest.raises(InputError) as err:
        run_leaks(cases, tiny_world, contacts=tiny_world)
    assert (err.value.code, err.value.where, err.value.params["file"]) == ("E820", str(cases), "cases.jsonl")
    assert not (cases / "leaks").exists()


def test_the_reached_join_the_cluster_of_the_case_that_listed_the_identifier(
    tmp_path: Path, tiny_world: Path
) -> None:
    cases = tmp_path / "cases"
    run_intake(tiny_world / "reports.jsonl", cases)
    run_link(cases, picture=None)
    reporters, none = victims_of(cases)
    assert none is None
    people, found = victims_of(cases, contacts=tiny_world)
    assert found is not None and found.contacts and people[: len(reporters)] == reporters
    added = people[len(reporters) :]
    assert added and all(v.known is not None for v in added)
    assert len({v.person_id for v in people}) == len(people)  # each person once, a reporter as reporter
    listed = listing(read_cases(cases))
    with open(cases / "link" / "case_clusters.csv", encoding="utf-8") as fh:
        clusters = {r["case_id"]: int(r["cluster"]) for r in csv.DictReader(fh) if r.get("cluster")}
    first: dict[str, tuple[str, str, int]] = {}
    for person, kind, key, t in found.contacts:
        first.setdefault(person, (kind, key, t))
    for v in added:
        kind, key, t = first[v.person_id]
        since, case_id = listed[kind, key]
        assert v.cases == [f"{kind}:{key}"] and v.t == t and v.known == max(t, since)
        assert v.cluster == clusters.get(case_id, -1)
    assert any(v.cluster >= 0 for v in added)
    # the world's truth: the people the gang's identifiers reached are the gangs' contacts, never anyone else
    truth = pq.read_table(tiny_world / "truth" / "victims.parquet", columns=["person_id"])
    assert {v.person_id for v in added} <= set(truth["person_id"].to_pylist())
    # the leak test: the reporters' scope kept beside everyone, the contacts counted in the summary
    run = run_leaks(cases, tiny_world, contacts=tiny_world)
    assert run.scopes["reports"] == list(range(len(reporters)))
    assert run.scopes["all"] == list(range(len(people)))
    summary = run.summary["contacts"]
    assert summary["people_added"] == len(added) and summary["contacts"] == len(found.contacts)
    assert sum(summary["listed"].values()) == len(listed) and summary["kept_aside"] == 0


@pytest.mark.reliability(
    entry="fanzha cases leaks",
    bad_input="--contacts records with a row that is no event (not JSON)",
    behaviour="the test runs on the rows read; the summary counts the row kept aside and standard error names "
    "the first with its code and place",
)
def test_the_command_says_which_record_it_kept_aside(
    tmp_path: Path, tiny_world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clirun import run

    cases = tmp_path / "cases"
    run_intake(tiny_world / "reports.jsonl", cases)
    records = tmp_path / "records.jsonl"
    good = _event(1, 0, "call", PHONE)
    records.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    code, out, err = run(
        [
            "--lang",
            "en",
            "cases",
            "leaks",
            str(cases),
            "--orders",
            str(tiny_world),
            "--contacts",
            str(records),
        ],
        capsys,
    )
    assert code == 0 and "contact records: 2 read" in out and "(1 row(s) kept aside)" in out
    assert f"{records.name}:2: E020" in err
