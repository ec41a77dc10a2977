"""The shared scam-account list in the service (`POST /v1/payees`, `GET /v1/payees[/{account}]`): a bank's or the
centre's flags warn the next person who adds a listed account, rows answered one by one, and a restart's replay
reads each flag where the live engine read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from centrekit import T0, checker, crew, scorer, settings
from fanzha.service import create_app
from service.conftest import Api

CARD = "6222021234567890123"


def _pays(
    person: str, account: str, minutes: float = 0, ids: str | None = None, device: str | None = None
) -> list[dict[str, Any]]:
    """An ordinary person adds a payee and pays it (nothing else: no scam text, no call); from `device`, the
    phone the bank saw, when given."""
    ids = ids or person
    start = T0 + timedelta(minutes=minutes)
    phone = {"attrs": {"device": device}} if device else {}
    return [
        {
            "event_id": f"{ids}-1",
            "person_id": person,
            "time": start.isoformat(),
            "kind": "payee_added",
            "channel": "bank_app",
            "counterparty": account,
            **phone,
        },
        {
            "event_id": f"{ids}-2",
            "person_id": person,
            "time": (start + timedelta(minutes=3)).isoformat(),
            "kind": "transfer",
            "direction": "out",
            "channel": "bank_transfer",
            "counterparty": account,
            "amount": 5000,
            **phone,
        },
    ]


def _levels(api: Api, person: str) -> list[str]:
    page = api.client.get("/v1/alerts", headers=api.auth("supervisor")).json()
    return [a["level"] for a in page["items"] if a["person_id"] == person]


def test_a_reported_account_warns_the_next_person_who_adds_it(api: Api) -> None:
    c = api.client
    flag = {
        "account": CARD,
        "time": (T0 - timedelta(hours=1)).isoformat(),
        "reason": "reported",
        "source": "R1",
    }
    r = c.post("/v1/payees", json={"payees": [flag]}, headers=api.auth("key:payees"))
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    c.post("/v1/events", json={"events": _pays("P_NEXT", CARD)}, headers=api.auth("key:events"))
    c.post(
        "/v1/events", json={"events": _pays("P_OTHER", "6222029999999999999")}, headers=api.auth("key:events")
    )
    assert _levels(api, "P_NEXT") == ["high"]  # a reported account: money.known_scam_payee
    assert _levels(api, "P_OTHER") == []  # the same behaviour with an account nobody listed
    got = c.get(f"/v1/payees/{CARD}", headers=api.auth("operator")).json()
    assert got["known"] == "reported"
    # the given flag, and what the engine learned from P_NEXT's alert (the person and the payee's event)
    assert [(f["reason"], f["source"]) for f in got["flags"]] == [
        ("reported", "R1"),
        ("alerted_payer", "P_NEXT:P_NEXT-1"),
    ]
    assert c.get("/v1/payees/A_NOBODY", headers=api.auth("operator")).json() == {
        "subject": "account",
        "account": "A_NOBODY",
        "known": None,
        "flags": [],
        "cleared": [],
    }


def test_a_flag_is_known_from_its_time_on_not_before(api: Api) -> None:
    later = {"account": CARD, "time": (T0 + timedelta(hours=1)).isoformat(), "reason": "receiving_bank"}
    api.client.post("/v1/payees", json={"payees": [later]}, headers=api.auth("key:payees"))
    api.client.post("/v1/events", json={"events": _pays("P_EARLY", CARD)}, headers=api.auth("key:events"))
    api.client.post(
        "/v1/events", json={"events": _pays("P_LATE", CARD, minutes=90)}, headers=api.auth("key:events")
    )
    assert _levels(api, "P_EARLY") == []
    assert _levels(api, "P_LATE") == ["medium"]  # the receiving bank's flag: money.suspect_payee


@pytest.mark.reliability(
    entry="POST /v1/payees",
    bad_input="rows without an account, a time without an offset, an unknown or the engine's own reason, not an "
    "object, an account too long, a row sent twice",
    behaviour="200: each bad row rejected with E755 naming the field and its value (E756 not an object), "
    "duplicates marked, the good ones stored",
)
def test_each_row_is_answered_on_its_own(api: Api) -> None:
    good = {"account": CARD, "time": T0.isoformat()}
    rows = [
        good,
        {"time": T0.isoformat()},
        {"account": CARD, "time": "2024-03-05 10:00"},
        {"account": CARD, "reason": "rumour"},
        {"account": CARD, "reason": "alerted_payer"},  # the engine learns those itself
        "6222",
        {"account": "x" * 201},
        good,
        {"account": "A0000000042"},  # no time: known from now
    ]
    body = api.client.post("/v1/payees?lang=en", json={"payees": rows}, headers=api.auth("admin")).json()
    assert [r["status"] for r in body["rows"]] == [
        "accepted",
        *["rejected"] * 6,
        "duplicate",
        "accepted",
    ]
    rejected = [r["error"] for r in body["rows"] if r["status"] == "rejected"]
    assert [e["code"] for e in rejected] == ["E755", "E755", "E755", "E755", "E756", "E755"]
    assert "time cannot be '2024-03-05 10:00'" in body["rows"][2]["error"]["message"]  # no offset
    assert "offset" in body["rows"][2]["error"]["hint"]
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 1, 6)
    again = api.client.post("/v1/payees", json={"payees": [good]}, headers=api.auth("admin")).json()
    assert again["rows"][0]["status"] == "duplicate"
    listed = api.client.get("/v1/payees", headers=api.auth("key:payees")).json()["items"]
    assert [x["account"] for x in listed] == ["A0000000042", CARD]  # newest first
    assert listed[1]["reason"] == "reported" and listed[1]["created_by"] == "user:admin"


def test_a_restart_reads_each_flag_where_the_live_engine_did(db_url: str, tmp_path: Path) -> None:
    """A flag given after a batch does not judge that batch again: neither live nor after a restart; the batches
    after it are judged with it, live and replayed alike."""

    def app() -> Any:
        return create_app(settings(db_url, tmp_path), checker=checker(), scorer=scorer())

    flag = {"account": CARD, "time": (T0 - timedelta(hours=1)).isoformat(), "reason": "reported"}
    with TestClient(app(), raise_server_exceptions=False) as client:
        api = Api(client, crew(client.app.state.centre))  # type: ignore[attr-defined]
        client.post("/v1/events", json={"events": _pays("P_BEFORE", CARD)}, headers=api.auth("key:events"))
        client.post("/v1/payees", json={"payees": [flag]}, headers=api.auth("key:payees"))
        client.post(
            "/v1/events", json={"events": _pays("P_AFTER", CARD, minutes=1)}, headers=api.auth("key:events")
        )
        live = (_levels(api, "P_BEFORE"), _levels(api, "P_AFTER"))
        token = api.team.tokens["supervisor"]
    assert live == ([], ["high"])
    with TestClient(app(), raise_server_exceptions=False) as client:
        centre = client.app.state.centre  # type: ignore[attr-defined]
        assert centre.live.last_replay.revisions >= 1
        page = client.get("/v1/alerts", headers={"Authorization": f"Bearer {token}"}).json()
        levels = {a["person_id"]: a["level"] for a in page["items"]}
        assert levels == {"P_AFTER": "high"}
        got = client.get(f"/v1/payees/{CARD}", headers={"Authorization": f"Bearer {token}"}).json()
        assert got["known"] == "reported"


def test_the_engines_own_alerts_are_on_the_list_as_alerted_payers(api: Api) -> None:
    from centrekit import victim

    api.client.post("/v1/events", json={"events": victim()}, headers=api.auth("key:events"))
    got = api.client.get("/v1/payees/A0000007777", headers=api.auth("investigator")).json()
    assert got["known"] == "alerted_payer" and got["flags"][0]["reason"] == "alerted_payer"


def test_a_wrongly_listed_account_is_cleared_and_a_restart_agrees(db_url: str, tmp_path: Path) -> None:
    """DELETE /v1/payees/{account}: from then on the account warns nobody (a person who adds it is not alerted),
    what was judged before stays; the clear is stored, so a restart's replay clears it at the same place."""

    def app() -> Any:
        return create_app(settings(db_url, tmp_path), checker=checker(), scorer=scorer())

    flag = {"account": CARD, "time": (T0 - timedelta(hours=1)).isoformat(), "reason": "reported"}
    with TestClient(app(), raise_server_exceptions=False) as client:
        api = Api(client, crew(client.app.state.centre))  # type: ignore[attr-defined]
        client.post("/v1/payees", json={"payees": [flag]}, headers=api.auth("key:payees"))
        client.post("/v1/events", json={"events": _pays("P_BEFORE", CARD)}, headers=api.auth("key:events"))
        assert client.delete(f"/v1/payees/{CARD}", headers=api.auth("operator")).status_code == 403
        r = client.delete(f"/v1/payees/{CARD}?source=核实为店主本人账户", headers=api.auth("investigator"))
        assert r.status_code == 200 and r.json()["known"] is None, r.text
        assert r.json()["cleared"][0]["source"] == "核实为店主本人账户"
        # a person who adds it after the clear (events timed after it: the centre's clock is the wall clock)
        later = datetime.now(UTC) + timedelta(minutes=5)
        events = _pays("P_AFTER", CARD)
        for e, m in zip(events, (0, 3), strict=True):
            e["time"] = (later + timedelta(minutes=m)).isoformat()
        client.post("/v1/events", json={"events": events}, headers=api.auth("key:events"))
        live = {p: _levels(api, p) for p in ("P_BEFORE", "P_AFTER")}
        token = api.team.tokens["supervisor"]
        listed = client.get("/v1/payees?reason=cleared", headers=api.auth("key:payees")).json()["items"]
        assert [x["account"] for x in listed] == [CARD]
    assert live == {"P_BEFORE": ["high"], "P_AFTER": []}
    with TestClient(app(), raise_server_exceptions=False) as client:
        page = client.get("/v1/alerts", headers={"Authorization": f"Bearer {token}"}).json()
        assert {a["person_id"]: a["level"] for a in page["items"]} == {"P_BEFORE": "high"}
        got = client.get(f"/v1/payees/{CARD}", headers={"Authorization": f"Bearer {token}"}).json()
        assert got["known"] is None and len(got["cleared"]) == 1


@pytest.mark.reliability(
    entry="POST /v1/payees (a phone)",
    bad_input="a row naming both an account and a device, a phone with a reason other than reported, an empty "
    "device; GET / DELETE /v1/payees/{id} with an unknown subject",
    behaviour="200 with each bad row rejected with E755 and the good ones stored; 422 for the unknown subject",
)
def test_a_phone_that_emptied_a_reported_account_warns_the_next_account_it_runs(
    db_url: str, tmp_path: Path
) -> None:
    """A bank gives the phone that emptied a reported victim's account (`device`): a payee added from it on
    another person's account is a high alert; the same payee from the person's own phone, and the phone's id
    as a payee account, raise nothing. The phone is looked up and cleared with `subject=device`, and a
    restart's replay reads it (and its clear) where the live engine did."""

    def app() -> Any:
        return create_app(settings(db_url, tmp_path), checker=checker(), scorer=scorer())

    phone = "D000002001"
    flag = {"device": phone, "time": (T0 - timedelta(hours=1)).isoformat(), "source": "R1 被盗刷设备"}
    bad = [
        {"device": phone, "account": CARD},
        {"device": phone, "reason": "receiving_bank"},
        {"device": " "},
    ]
    with TestClient(app(), raise_server_exceptions=False) as client:
        api = Api(client, crew(client.app.state.centre))  # type: ignore[attr-defined]
        body = client.post(
            "/v1/payees?lang=en", json={"payees": [flag, *bad]}, headers=api.auth("key:payees")
        ).json()
        assert [r["status"] for r in body["rows"]] == ["accepted", "rejected", "rejected", "rejected"]
        assert body["rows"][0]["device"] == phone and body["rows"][0].get("account") is None
        assert {r["error"]["code"] for r in body["rows"][1:]} == {"E755"}
        again = client.post("/v1/payees", json={"payees": [flag]}, headers=api.auth("key:payees")).json()
        assert again["rows"][0]["status"] == "duplicate"
        for person, account, device in (
            ("P_TAKEN", "6222020000000000001", phone),  # the gang's phone runs her account
            ("P_OWN", "6222020000000000002", "D_OWN"),  # her own (new) phone
            ("P_PAYS_ID", phone, None),  # a payee account that happens to read like the phone's id
        ):
            client.post(
                "/v1/events",
                json={"events": _pays(person, account, device=device)},
                headers=api.auth("key:events"),
            )
        live = {p: _levels(api, p) for p in ("P_TAKEN", "P_OWN", "P_PAYS_ID")}
        got = client.get(f"/v1/payees/{phone}?subject=device", headers=api.auth("operator")).json()
        assert (got["subject"], got["known"], got["flags"][0]["source"]) == (
            "device",
            "reported",
            "R1 被盗刷设备",
        )
        assert client.get(f"/v1/payees/{phone}", headers=api.auth("operator")).json()["known"] is None
        assert client.get(f"/v1/payees/{phone}?subject=card", headers=api.auth("operator")).status_code == 422
        listed = client.get("/v1/payees", headers=api.auth("key:payees")).json()["items"]
        assert [(x["subject"], x["account"]) for x in listed] == [("device", phone)]
        r = client.delete(
            f"/v1/payees/{phone}?subject=device&source=核实为本人新手机", headers=api.auth("investigator")
        )
        assert r.status_code == 200 and r.json()["known"] is None and r.json()["subject"] == "device", r.text
        token = api.team.tokens["supervisor"]
    assert live == {"P_TAKEN": ["high"], "P_OWN": [], "P_PAYS_ID": []}
    with TestClient(app(), raise_server_exceptions=False) as client:
        auth = {"Authorization": f"Bearer {token}"}
        page = client.get("/v1/alerts", headers=auth).json()
        assert {a["person_id"]: a["level"] for a in page["items"]} == {"P_TAKEN": "high"}
        got = client.get(f"/v1/payees/{phone}?subject=device", headers=auth).json()
        assert got["known"] is None and len(got["flags"]) == 1 and len(got["cleared"]) == 1
