"""Ordinary people who run many others' bank cards from one phone (`fanzha.sim.keepers`): the look-alike of the
banks' shared-phone flag — in the world, in its truth, and not flagged by the banks' rule."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fanzha.records.kinds import LOOKALIKE_KINDS
from fanzha.sim.config import PRESETS
from fanzha.sim.generate import simulate
from fanzha.sim.keepers import CARDS, KINDS
from fanzha.sim.telemetry import receiving_bank_flags


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small preset, seed 4: a contractor keeping 18 wage cards, one of which a relative adds as a payee."""
    out = tmp_path_factory.mktemp("keepers") / "small4"
    simulate(PRESETS["small"].replace(seed=4), out)
    return out


def _rows(path: Path, columns: list[str] | None = None) -> list[dict[str, object]]:
    return pq.read_table(path, columns=columns).to_pylist()


def test_each_held_card_is_its_holders_and_a_keeper_is_nobodys_card(world: Path) -> None:
    held = _rows(world / "truth/card_keepers.parquet")
    assert held, "the preset has at least one keeper"
    accounts = {
        r["account_id"]: r for r in _rows(world / "accounts.parquet", ["account_id", "kind", "owner_id"])
    }
    people = {r["person_id"]: r for r in _rows(world / "people.parquet", ["person_id", "age", "occupation"])}
    holders = [r["holder_id"] for r in held]
    assert len(set(holders)) == len(holders)  # nobody is held by two keepers
    per_keeper: dict[object, int] = {}
    for r in held:
        acc = accounts[r["account_id"]]
        assert acc["kind"] == "bank_card" and acc["owner_id"] == r["holder_id"]
        assert r["kind"] in KINDS and r["keeper_id"] not in holders
        assert r["device"] == "D" + str(r["keeper_id"])[1:].rjust(9, "0")
        if r["kind"] == "care_home":
            assert people[r["holder_id"]]["age"] > 70
        per_keeper[r["keeper_id"]] = per_keeper.get(r["keeper_id"], 0) + 1
    assert all(CARDS[0] <= n < CARDS[1] for n in per_keeper.values())


def test_the_keepers_phone_makes_the_held_cards_ordinary_transfers_out(world: Path) -> None:
    keeper = {r["account_id"]: r["device"] for r in _rows(world / "truth/card_keepers.parquet")}
    # a held card's holder who is a victim makes the scam's transfers, talking to the gang
    scam_events = {r["event_id"] for r in _rows(world / "truth/event_labels.parquet") if r["label"] == "scam"}
    scam = {
        r["transfer_id"]
        for r in _rows(world / "events.parquet", ["event_id", "transfer_id"])
        if r["event_id"] in scam_events
    }
    out = [
        r for r in _rows(world / "transfers.parquet", ["transfer_id", "src", "device"]) if r["src"] in keeper
    ]
    assert len({r["src"] for r in out}) >= int(0.8 * len(keeper))  # most held cards move money in 30 days
    for r in out:
        if r["transfer_id"] not in scam:
            assert r["device"] == keeper[r["src"]], r


def test_a_payee_that_is_a_kept_card_is_a_lookalike_episode(world: Path) -> None:
    assert "kept_card_payee" in LOOKALIKE_KINDS
    held = {r["account_id"] for r in _rows(world / "truth/card_keepers.parquet")}
    eps = [r for r in _rows(world / "truth/lookalikes.parquet") if r["kind"] == "kept_card_payee"]
    assert eps
    events = {
        r["event_id"]: r
        for r in _rows(world / "events.parquet", ["event_id", "person_id", "kind", "counterparty"])
        if r["kind"] == "payee_added"
    }
    in_episode = {i for r in _rows(world / "truth/lookalikes.parquet") for i in r["event_ids"]}
    for ep in eps:
        (eid,) = ep["event_ids"]
        assert events[eid]["kind"] == "payee_added" and events[eid]["counterparty"] in held
        assert events[eid]["person_id"] == ep["person_id"]
    # and every payee added to a kept card by ordinary people is in an episode
    labels = {r["event_id"]: r["label"] for r in _rows(world / "truth/event_labels.parquet")}
    for eid, r in events.items():
        if r["counterparty"] in held and labels[eid] == "lookalike":
            assert eid in in_episode, r


def test_the_banks_do_not_flag_a_keepers_cards(world: Path) -> None:
    """The keeper's phone runs 18 cards — more than the shared-phone rule's threshold — and never passes money
    straight through them: none of them is on the banks' list (the rule without that condition listed all 18)."""
    held = {r["account_id"] for r in _rows(world / "truth/card_keepers.parquet")}
    per_keeper: dict[object, int] = {}
    for r in _rows(world / "truth/card_keepers.parquet"):
        per_keeper[r["keeper_id"]] = per_keeper.get(r["keeper_id"], 0) + 1
    assert max(per_keeper.values()) >= 10
    flagged = {a for _, a in receiving_bank_flags(world)}
    assert flagged and not held & flagged
