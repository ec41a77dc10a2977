"""The reports of a world and their truth: what a report holds, duplicates, late and unrelated reports, the
identifiers written as people write them, the gangs' rotating identifiers, and what an investigator starts from."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import orjson
import pyarrow.parquet as pq
from simworlds import TINY

from fanzha.records.arrow import times_to_us
from fanzha.sim.generate import SimResult, simulate
from fanzha.sim.world import ROTATION, World
from fanzha.text.entities import luhn_ok

DAY = 86_400 * 10**6


def _reports(root: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in (root / "reports.jsonl").read_bytes().splitlines()]


def test_a_report_holds_only_what_a_real_report_has(small_world: tuple[Path, SimResult]) -> None:
    root, _ = small_world
    for r in _reports(root):
        assert set(r) == {"report_id", "person_id", "time", "reporter", "text", "amount_claimed"}


def test_report_truth_kinds_duplicates_and_lateness(small_world: tuple[Path, SimResult]) -> None:
    root, _ = small_world
    truth = pq.read_table(root / "truth/reports.parquet").to_pylist()
    by_id = {t["report_id"]: t for t in truth}
    assert [t["report_id"] for t in truth] == [r["report_id"] for r in _reports(root)]
    kinds = Counter(t["kind"] for t in truth)
    assert kinds["first"] > 0 and kinds["unrelated"] > 0
    for t in truth:
        if t["kind"] == "duplicate":
            first = by_id[t["duplicate_of"]]
            assert first["kind"] == "first" and first["person_id"] == t["person_id"]
            assert first["gang_id"] == t["gang_id"] and first["time"] <= t["time"]
        if t["kind"] == "unrelated":
            assert t["gang_id"] is None and t["topic"] != "ecommerce_cs" and t["delay_s"] is None
        else:
            assert t["gang_id"] is not None and t["topic"] == "ecommerce_cs"
            assert t["late"] == (t["delay_s"] > 72 * 3600)


def test_every_mention_is_where_the_truth_says_and_is_well_formed(
    small_world: tuple[Path, SimResult],
) -> None:
    root, _ = small_world
    texts = {r["report_id"]: r["text"] for r in _reports(root)}
    seen: Counter[str] = Counter()
    for m in pq.read_table(root / "truth/report_identifiers.parquet").to_pylist():
        assert texts[m["report_id"]][m["start"] : m["end"]] == m["text"]
        seen[m["kind"]] += 1
        if m["kind"] == "bank_card":
            assert luhn_ok(m["value"]) and len(m["value"]) == 19
        if m["kind"] in ("phone", "qq", "meeting_id", "partial_number"):
            assert m["value"].isdigit()
    assert {"phone", "time", "amount", "app", "platform"} <= set(seen)


def test_gang_identifiers_in_reports_are_the_gangs_and_in_use(small_world: tuple[Path, SimResult]) -> None:
    """Every gang identifier a scam report names belongs to the report's gang and was in use around the contact."""
    root, _ = small_world
    idents: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    ti = pq.read_table(root / "truth/identifiers.parquet")
    for g, k, v, a, b in zip(
        ti["gang_id"].to_pylist(),
        ti["kind"].to_pylist(),
        ti["value"].to_pylist(),
        times_to_us(ti["valid_from"]).tolist(),
        times_to_us(ti["valid_to"]).tolist(),
        strict=True,
    ):
        idents[(k, v)].append((g, a, b))
    gang_of = {
        t["report_id"]: t["gang_id"] for t in pq.read_table(root / "truth/reports.parquet").to_pylist()
    }
    found = 0
    for m in pq.read_table(root / "truth/report_identifiers.parquet").to_pylist():
        owners = idents.get((m["kind"], m["value"] if m["kind"] != "url" else m["value"]))
        if m["kind"] == "url":
            owners = idents.get(("domain", m["value"]))
        if owners:
            found += 1
            assert {g for g, _, _ in owners} == {gang_of[m["report_id"]]}, m
    assert found > 10


def test_rotation_changes_identifiers_not_the_ledger(tmp_path: Path) -> None:
    on = simulate(TINY, tmp_path / "on")
    off = simulate(TINY.replace(rotation=False), tmp_path / "off")
    for name in ("transfers.parquet", "truth/lineage.parquet", "truth/victims.parquet", "orders.parquet"):
        a = hashlib.sha256((tmp_path / "on" / name).read_bytes()).hexdigest()
        assert a == hashlib.sha256((tmp_path / "off" / name).read_bytes()).hexdigest(), name
    assert on.amount_lost == off.amount_lost
    w = World(TINY)
    for gang in w.gangs:
        for role, (concurrent, _lo, hi) in ROTATION.items():
            idents = gang.idents[role]
            assert len(idents) > concurrent  # rotated
            for day in range(TINY.days):
                t = w.t0 + day * DAY
                assert any(i.valid_from <= t < i.valid_to for i in idents), (gang.gang_id, role, day)
            assert all(i.valid_to - i.valid_from <= hi * DAY for i in idents)
    fixed = World(TINY.replace(rotation=False))
    assert all(len(g.idents["caller"]) == len(g.phones) - 2 for g in fixed.gangs)


def test_card_numbers_are_unique_and_valid() -> None:
    w = World(TINY)
    numbers = [w.card_number(a) for a in range(w.n_accounts)]
    cards = [n for n in numbers if n is not None]
    assert len(cards) == len(set(cards)) > w.n_people
    assert all(luhn_ok(n) and len(n) == 19 for n in cards)


def test_the_investigators_seeds_are_the_reported_losses(small_world: tuple[Path, SimResult]) -> None:
    root, result = small_world
    rows = list(csv.DictReader((root / "investigation/seeds.csv").read_text(encoding="utf-8").splitlines()))
    lost = {f"P{c.person:08d}" for c in result.campaigns if c.reported and c.amount_lost}
    assert rows and {r["person_id"] for r in rows} == lost
    truth = pq.read_table(root / "truth/reports.parquet").to_pylist()
    first = {t["report_id"]: t["person_id"] for t in truth if t["kind"] == "first"}
    assert all(
        first[r["victim_id"]] == r["person_id"] for r in rows
    )  # each under the report that opened the case
