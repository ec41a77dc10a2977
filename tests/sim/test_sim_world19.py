"""Issue 19's world: look-alike episodes, third parties, the seeds' variants, telemetry profiles, and the switches
that give the world as it was."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import orjson
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from simworlds import TINY

from fanzha.records.arrow import decimal_to_fen, times_to_us
from fanzha.records.kinds import CORPORATE_KINDS, LOOKALIKE_KINDS, SINK_KINDS, THIRD_PARTY_ROLES
from fanzha.sim.config import ORDINARY_AND_SEEDS, PRESETS
from fanzha.sim.generate import SimResult, simulate
from fanzha.sim.validate import check_world

TINY19 = TINY.replace(**ORDINARY_AND_SEEDS)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


@pytest.fixture(scope="module")
def world19(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("w19") / "tiny"
    simulate(TINY19.replace(seed=5), root)
    return root


def test_presets_turn_issue_19_on_and_classic_turns_it_off() -> None:
    for name in PRESETS.names():
        cfg = PRESETS[name]
        assert cfg.lookalikes and cfg.third_parties and cfg.seed_variants and cfg.card_keepers > 0
        c = cfg.classic()
        assert not (c.lookalikes or c.third_parties or c.seed_variants or c.card_keepers)


def test_world19_is_valid_and_deterministic(world19: Path, tmp_path: Path) -> None:
    assert check_world(world19) == []
    again = tmp_path / "again"
    simulate(TINY19.replace(seed=5), again)
    assert _digests(again) == _digests(world19)


def test_classic_world_is_the_bare_config_and_has_nothing_new(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    simulate(TINY.replace(seed=5), a)
    simulate(TINY19.replace(seed=5).classic(), b)
    assert _digests(a) == _digests(b)
    assert pq.read_metadata(a / "truth/lookalikes.parquet").num_rows == 0
    assert pq.read_metadata(a / "truth/third_parties.parquet").num_rows == 0
    assert pq.read_metadata(a / "truth/card_keepers.parquet").num_rows == 0
    kinds = set(pq.read_table(a / "accounts.parquet")["kind"].to_pylist())
    assert not kinds & {"processor", "gold", "crypto", "gift_card", "overseas"}


def test_every_lookalike_episode_has_its_events(world19: Path) -> None:
    eps = pq.read_table(world19 / "truth/lookalikes.parquet")
    assert set(eps["kind"].to_pylist()) <= set(LOOKALIKE_KINDS)
    assert {"new_contact_out", "new_contact_in", "official_sms"} <= set(eps["kind"].to_pylist())
    ev = pq.read_table(world19 / "events.parquet", columns=["event_id", "person_id", "time"])
    when = dict(zip(ev["event_id"].to_pylist(), times_to_us(ev["time"]).tolist(), strict=True))
    who = dict(zip(ev["event_id"].to_pylist(), ev["person_id"].to_pylist(), strict=True))
    labels = pq.read_table(world19 / "truth/event_labels.parquet")
    label = dict(zip(labels["event_id"].to_pylist(), labels["label"].to_pylist(), strict=True))
    starts, ends = times_to_us(eps["start"]).tolist(), times_to_us(eps["end"]).tolist()
    for person, ids, s, e in zip(
        eps["person_id"].to_pylist(), eps["event_ids"].to_pylist(), starts, ends, strict=True
    ):
        assert ids, person
        ts = [when[i] for i in ids]
        assert ts == sorted(ts) and ts[0] == s and ts[-1] == e
        assert all(who[i] == person and label[i] == "lookalike" for i in ids)


def test_every_third_party_is_in_truth_and_apart_from_mules(world19: Path) -> None:
    tp = pq.read_table(world19 / "truth/third_parties.parquet")
    assert set(tp["role"].to_pylist()) <= set(THIRD_PARTY_ROLES)
    assert {"processor", "merchant_qr", "seller"} <= set(tp["role"].to_pylist())
    accounts = pq.read_table(world19 / "accounts.parquet")
    kind = dict(zip(accounts["account_id"].to_pylist(), accounts["kind"].to_pylist(), strict=True))
    mules = set(pq.read_table(world19 / "truth/mules.parquet")["account_id"].to_pylist())
    for a in tp["account_id"].to_pylist():
        assert a in kind and a not in mules and kind[a] not in SINK_KINDS
    # the victims' money meets third parties
    lin = pq.read_table(world19 / "truth/lineage.parquet")
    tr = pq.read_table(world19 / "transfers.parquet", columns=["transfer_id", "dst"])
    carried = tr.filter(pc.is_in(tr["transfer_id"], value_set=lin["transfer_id"]))
    assert set(carried["dst"].to_pylist()) & set(tp["account_id"].to_pylist())


def test_money_is_conserved(world19: Path) -> None:
    acc = pq.read_table(world19 / "accounts.parquet")
    bal = defaultdict(
        int, zip(acc["account_id"].to_pylist(), decimal_to_fen(acc["opening_balance"]).tolist(), strict=True)
    )
    tr = pq.read_table(world19 / "transfers.parquet", columns=["src", "dst", "amount"])
    for s, d, a in zip(
        tr["src"].to_pylist(), tr["dst"].to_pylist(), decimal_to_fen(tr["amount"]).tolist(), strict=True
    ):
        bal[s] -= a
        bal[d] += a
    closing = pq.read_table(world19 / "truth/balances.parquet")
    assert dict(bal) == dict(
        zip(
            closing["account_id"].to_pylist(),
            decimal_to_fen(closing["closing_balance"]).tolist(),
            strict=True,
        )
    )


def test_repeat_victims_are_campaigns_of_their_own(small_world: tuple[Path, SimResult]) -> None:
    """A victim who lost money is contacted again by another gang (their order's data sold on): one row per
    campaign in truth/victims.parquet, the second after the first is over, a valid world (E409 sums a person's
    campaigns), and the investigators' seeds name each campaign's report apart."""
    root, result = small_world
    vic = pq.read_table(root / "truth/victims.parquet").to_pylist()
    rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    for v in vic:
        rows[v["person_id"]].append(v)
    twice = {p: sorted(vs, key=lambda v: v["first_contact_time"]) for p, vs in rows.items() if len(vs) > 1}
    assert twice and all(len(vs) == 2 for vs in twice.values())
    for first, second in twice.values():
        assert first["first_loss_time"] is not None and first["gang_id"] != second["gang_id"]
        assert second["first_contact_time"] > first["first_loss_time"]
    assert sorted(c.repeat for c in result.campaigns).count(1) == len(twice)
    assert check_world(root) == []
    with (root / "investigation/seeds.csv").open(encoding="utf-8") as fh:
        cases_of: dict[str, set[str]] = defaultdict(set)
        for r in csv.DictReader(fh):
            cases_of[r["person_id"]].add(r["victim_id"])
    reported_twice = [p for p, vs in twice.items() if all(v["reported"] for v in vs)]
    assert all(len(cases_of[p]) == 2 for p in reported_twice)


def test_payees_and_transfers_say_when_the_counterparty_is_a_company(world19: Path) -> None:
    """What the payer's bank knows of the payee: a company's account (对公) is tagged
    `attrs.counterparty_type = "corporate"`, every other account is not (the engine's feed never lists the former:
    one alert on a utility's payer must not alert all its payers)."""
    kind = dict(
        zip(
            *(pq.read_table(world19 / "accounts.parquet", columns=["account_id", "kind"]).columns),
            strict=True,
        )
    )
    kind = {str(k): str(v) for k, v in kind.items()}
    ev = pq.read_table(world19 / "events.parquet", columns=["kind", "counterparty", "attrs"])
    seen = {True: 0, False: 0}
    for k, cp, attrs in zip(*(c.to_pylist() for c in ev.columns), strict=True):
        if k not in ("payee_added", "transfer") or not cp:
            continue
        tagged = bool(attrs) and orjson.loads(attrs).get("counterparty_type") == "corporate"
        assert tagged == (kind.get(cp) in CORPORATE_KINDS), (k, cp, kind.get(cp), attrs)  # or a WeChat id
        seen[tagged] += 1
    assert seen[True] and seen[False]
