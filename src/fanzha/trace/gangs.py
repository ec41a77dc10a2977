"""The gang graph: suspect accounts linked by shared devices, by the victims' money moving between them,
and by shared identifiers (phones, ids) from an optional links file; its connected parts are the gangs.

Suspects are the accounts flagged as mules plus every account that received victims' money in a trace, except
the third parties (`fanzha.trace.parties`): a processor that every gang pays through would join them all.
Links only join suspects, so a victim whose account a gang drove from its own phone does not join the gang; and
a victim's own account — the source of a traced loss transfer — is never a suspect, even when the mule score
flags it (a drained card that passed a loan on looks like one): a victim robbed twice, by two gangs, would join
them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from fanzha.errors import InputError
from fanzha.records.files import read_csv_rows
from fanzha.trace.backends.base import Backend
from fanzha.trace.ingest import Ledger


@dataclass
class GangGraph:
    """Suspect accounts, typed links between them, and the gangs (connected parts with ≥ 2 accounts)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # account_id → attributes
    edges: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (a, b), a < b → link kinds
    gangs: list[list[str]] = field(default_factory=list)

    def gang_of(self) -> dict[str, int]:
        """account_id → index of its gang (accounts in no gang are left out)."""
        return {a: i for i, members in enumerate(self.gangs) for a in members}

    def to_json(self) -> dict[str, Any]:
        """Nodes, edges and gangs as plain JSON-able data."""
        gang = self.gang_of()
        return {
            "nodes": [
                {"account_id": a, "gang": gang.get(a), **attrs} for a, attrs in sorted(self.nodes.items())
            ],
            "edges": [{"a": a, "b": b, "kinds": sorted(k)} for (a, b), k in sorted(self.edges.items())],
            "gangs": [{"gang": i, "accounts": m} for i, m in enumerate(self.gangs)],
        }


def read_links(path: str | Path) -> list[tuple[str, str, str]]:
    """(account_id, kind, value) rows of a links CSV (header `account_id,kind,value`), e.g. the phone
    bound to a card or the holder's id number."""
    p = Path(path)
    rows = read_csv_rows(p)
    if not rows or [c.strip() for c in rows[0][1]][:3] != ["account_id", "kind", "value"]:
        raise InputError("E530", where=f"{p}:1")
    out: list[tuple[str, str, str]] = []
    for n, row in rows[1:]:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < 3 or not row[0].strip() or not row[2].strip():
            raise InputError("E537", where=f"{p}:{n}")
        out.append((row[0].strip(), row[1].strip() or "id", row[2].strip()))
    return out


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        root = a
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[a] != root:
            self.parent[a], a = root, self.parent[a]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def gang_graph(
    backend: Backend,
    ledger: Ledger,
    mules: pa.Table | None,
    flows: pa.Table | None = None,
    links: list[tuple[str, str, str]] | None = None,
    third_parties: Collection[str] = (),
) -> GangGraph:
    """Build the gang graph from flagged mules (`score_mules`), a trace's flows and optional links; accounts in
    `third_parties` are never suspects, nor are the victims' own accounts (where the flows' first hops leave from)."""
    g = GangGraph()
    innocent = set(third_parties)
    if flows is not None and flows.num_rows:
        innocent |= {
            s for s, h in zip(flows["src"].to_pylist(), flows["hop"].to_pylist(), strict=True) if h == 1
        }
    if mules is not None:
        for a, s, fl in zip(
            mules["account_id"].to_pylist(),
            mules["score"].to_pylist(),
            mules["flagged"].to_pylist(),
            strict=True,
        ):
            if fl and a not in innocent:
                g.nodes[a] = {"score": s, "mule": True}
    if flows is not None and flows.num_rows:
        for dst, term in zip(flows["dst"].to_pylist(), flows["terminal"].to_pylist(), strict=True):
            if not term and dst not in innocent:
                g.nodes.setdefault(dst, {"score": None, "mule": False})["victims_money"] = True

    def link(a: str, b: str, kind: str) -> None:
        if a == b or a not in g.nodes or b not in g.nodes:
            return
        key = (a, b) if a < b else (b, a)
        g.edges.setdefault(key, set()).add(kind)

    ids = ledger.account_ids()
    by_device: dict[str, list[str]] = defaultdict(list)
    dev = backend.device_accounts()
    for d, aid in zip(dev["device"].to_pylist(), dev["aid"].to_pylist(), strict=True):
        a = ids[aid]
        if a in g.nodes:
            by_device[d].append(a)
    for members in by_device.values():
        for other in members[1:]:
            link(members[0], other, "device")
    if flows is not None and flows.num_rows:
        first_by_victim: dict[str, str] = {}
        for src, dst, term, victim, hop in zip(
            flows["src"].to_pylist(),
            flows["dst"].to_pylist(),
            flows["terminal"].to_pylist(),
            flows["victim_id"].to_pylist(),
            flows["hop"].to_pylist(),
            strict=True,
        ):
            if term:
                continue
            link(src, dst, "money")
            if hop == 1:  # accounts that received the same victim's loss transfers
                if victim in first_by_victim:
                    link(first_by_victim[victim], dst, "same_victim")
                else:
                    first_by_victim[victim] = dst
    # transfers between two suspects anywhere in the ledger, not only the traced victims' money: a gang's cards pay
    # each other with its cover traffic too
    codes = ledger.lookup_accounts(list(g.nodes))
    if len(codes) > 1:
        want = pa.table({"aid": pa.array(sorted(codes.values()), pa.int32())})
        ledger.con.register("_suspects", want)
        try:
            pairs = ledger.con.execute(
                "SELECT DISTINCT l.src, l.dst FROM ledger l JOIN _suspects s ON s.aid = l.src "
                "JOIN _suspects d ON d.aid = l.dst WHERE NOT l.terminal"
            ).fetchall()
        finally:
            ledger.con.unregister("_suspects")
        for a, b in pairs:
            link(ids[a], ids[b], "money")
    if links:
        by_value: dict[tuple[str, str], list[str]] = defaultdict(list)
        for a, kind, value in links:
            if a in g.nodes:
                by_value[(kind, value)].append(a)
        for (kind, _), members in by_value.items():
            for other in members[1:]:
                link(members[0], other, kind)
    uf = _Union()
    for a in g.nodes:
        uf.find(a)
    for a, b in g.edges:
        uf.union(a, b)
    parts: dict[str, list[str]] = defaultdict(list)
    for a in sorted(g.nodes):
        parts[uf.find(a)].append(a)
    g.gangs = sorted((m for m in parts.values() if len(m) >= 2), key=lambda m: (-len(m), m[0]))
    return g
