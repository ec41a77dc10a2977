"""案件 (cases): the police reports of a stored world, filed as cases, linked (串并案) and tested for the leak behind
them. The thinnest layer over `fanzha.cases` for the console: the cases package does the work and writes its
folders under the centre's data folder (``data_dir/cases/<world>``, once per world); this reads what the console
shows (the case list, the clusters and the keys that tie them, the leak suspects), checks the permission and
writes each reading to the audit log."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.settings import Settings
from fanzha.errors import InputError

REPORTS = "reports.jsonl"
ORDERS = "orders.parquet"
VIEW = "console.json"


class Cases:
    """A stored world's reports as cases; `of_world` files them on first use and reads them after."""

    def __init__(self, audit: AuditLog, settings: Settings) -> None:
        self.audit = audit
        self.settings = settings
        self.root = Path(settings.data_dir) / "cases"
        self._lock = threading.Lock()

    def worlds(self) -> list[str]:
        """The stored worlds with police reports."""
        root = self.settings.worlds_dir
        if root is None or not Path(root).is_dir():
            return []
        return sorted(p.name for p in Path(root).iterdir() if (p / REPORTS).is_file())

    def of_world(self, actor: Actor, world: str) -> dict[str, Any]:
        """The cases of `world`'s reports: every case (newest first), the clusters (串并案) with the keys that tie
        them, the merchants suspected of the leak; E918 for a world that is not stored."""
        self.audit.require(actor, "traces", "cases.read", resource="cases", resource_id=world)
        valid = self.worlds()
        if world not in valid or self.settings.worlds_dir is None:
            raise Refused("E918", name=world, valid=valid)
        folder = self.root / world
        with self._lock:
            if not (folder / VIEW).is_file():
                self.root.mkdir(parents=True, exist_ok=True)
                view = _file(Path(self.settings.worlds_dir) / world, folder)
                (folder / VIEW).write_bytes(orjson.dumps(view))
        out: dict[str, Any] = orjson.loads((folder / VIEW).read_bytes())
        self.audit.record(
            actor, "cases.read", resource="cases", resource_id=world
        )  # victims' reports: audited
        return out


def _file(world: Path, folder: Path) -> dict[str, Any]:
    """Intake, linking and (when the world has orders) the leak source over `world`'s reports, into `folder`."""
    from fanzha.cases.api import run_intake, run_leaks, run_link

    intake = run_intake(world / REPORTS, folder, force=True)
    linked = run_link(folder, picture=None)
    cluster = linked.cluster_labels()
    cases: list[dict[str, Any]] = [
        {
            "case_id": c.case_id,
            "time_us": c.contact_time or c.time,
            "label": c.label,
            "category": c.category,
            "variant": c.variant,
            "stage": c.stage,
            "loss_fen": c.loss_fen,
            "identifiers": sorted({m.key for m in c.mentions if m.key and m.role == "reported"}),
            "cluster": cluster.get(c.case_id, -1),
            "text": c.text,
        }
        for c in intake.cases
    ]
    cases.sort(key=lambda c: (-int(c["time_us"] or 0), str(c["case_id"])))
    suspects: list[dict[str, Any]] = []
    if (world / ORDERS).is_file():
        try:
            leaks = run_leaks(folder, world / ORDERS)
            suspects = leaks.summary["scopes"]["all"]["suspects"]
        except InputError as exc:  # E833: no victim with orders in the window: no leak to test
            if exc.code != "E833":
                raise
    return {
        "cases": cases,
        "rejected": len(intake.rejected),
        "clusters": linked.clusters,
        "summary": {k: v for k, v in linked.summary.items() if isinstance(v, int)},
        "suspects": suspects,
    }
