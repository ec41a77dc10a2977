"""案件 (cases): police reports filed as cases, linked (串并案) and tested for the leak behind them — the thinnest
layer over `fanzha.cases` for the console and the HTTP service; the cases package does the work.

- A stored world's reports (the console's page): filed once per world under ``data_dir/cases/<world>`` and read
  back (`Cases.of_world`).
- Reports taken in (`Cases.take`: JSON rows, or uploaded JSONL / JSON / CSV / TSV / text files with the column
  mapping `fanzha cases intake` reads): each row accepted as a case, a duplicate of a stored report id (a later
  revision of a stored alert updates its case instead), or rejected with the intake's code; the new cases are
  committed to the `cases` table before the answer. One report typed into the console's form
  (`Cases.file_report`) is a row of its own, its rejection a coded error.
- Linking and leak-source runs over the stored cases are jobs (`CaseJobs`, on the centre's one job mechanism,
  `fanzha.centre.jobs`): a link job files a snapshot of the stored cases as a case folder and links it
  (optionally with a trace job's output for the shared-account links); a leaks job tests the merchants of orders
  (uploaded, or a stored world's) against a link job's cases.

Every method checks the `cases` permission (investigator, supervisor, admin) and writes the audit log: victims'
reports are personal data, so every reading is recorded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import func, select, update

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.coded import coded
from fanzha.centre.jobs import Jobs
from fanzha.centre.models import CaseJobRow, CaseRow
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.centre.traces import Traces
from fanzha.errors import InputError
from fanzha.records.files import mapping_from_options

if TYPE_CHECKING:
    from fanzha.cases.intake import ReportMap

REPORTS = "reports.jsonl"
ORDERS = "orders.parquet"
VIEW = "console.json"
#: the case folder inside a link job's outputs, its clusters in full, and a leaks job's orders
CASE_DIR = "cases"
DETAILS = "clusters_all.json"
PERMISSION = "cases"


@dataclass(frozen=True)
class CaseFilter:
    """Which stored cases to list (each None: any)."""

    label: str | None = None
    category: str | None = None
    variant: str | None = None
    person_id: str | None = None
    report_id: str | None = None
    since_us: int | None = None
    until_us: int | None = None


class Cases:
    """The cases: a stored world's (`of_world`), and those taken in through the service (`take`, `page`, `get`,
    and the `jobs`: linking and leak-source runs)."""

    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        settings: Settings,
        now_us: Callable[[], int],
        traces: Traces,
        detector: Callable[[], Any],
    ) -> None:
        self.store = store
        self.audit = audit
        self.settings = settings
        self.now_us = now_us
        self.traces = traces
        self.detector = detector  # the centre's (the check's) Detector, built on first use
        self.root = Path(settings.data_dir) / "cases"
        self.jobs = CaseJobs(self)
        self._lock = threading.Lock()
        # a stored world's reports being filed, in the jobs' worker
        self._filing: dict[str, Future[None]] = {}
        self._intake = threading.Lock()  # so that a report sent twice at once is accepted once

    # -- a stored world's reports (the console's page) --------------------------------------------------------

    def worlds(self) -> list[str]:
        """The stored worlds with police reports."""
        return self.worlds_with(REPORTS)

    def order_worlds(self) -> list[str]:
        """The stored worlds with orders (a leaks job's `world`)."""
        return self.worlds_with(ORDERS)

    def worlds_with(self, name: str) -> list[str]:
        """The stored worlds with the file `name`."""
        root = self.settings.worlds_dir
        if root is None or not Path(root).is_dir():
            return []
        return sorted(p.name for p in Path(root).iterdir() if (p / name).is_file())

    def of_world(self, actor: Actor, world: str) -> dict[str, Any]:
        """The cases of `world`'s reports: every case (newest first), the clusters (串并案) with the keys that tie
        them, the merchants suspected of the leak (``status: done``); E918 for a world that is not stored. The
        first time, the world's reports are filed in the jobs' worker (a medium world takes a minute or more)
        and this answers ``{"status": "filing"}`` until they are; an error of the filing is raised to the
        request that finds it, and the next request files again."""
        self.audit.require(actor, PERMISSION, "cases.read", resource="cases", resource_id=world)
        valid = self.worlds()
        if world not in valid or self.settings.worlds_dir is None:
            raise Refused("E918", name=world, valid=valid)
        folder = self.root / world
        if not (folder / VIEW).is_file():
            with self._lock:
                running = self._filing.get(world)
                if running is None:
                    source = Path(self.settings.worlds_dir) / world
                    self._filing[world] = self.jobs.pool.submit(self._file_world, source, folder)
                    return {"status": "filing", "world": world}
                if not running.done():
                    return {"status": "filing", "world": world}
                del self._filing[world]
                running.result()  # the filing's error, to this request
        out: dict[str, Any] = {"status": "done", **orjson.loads((folder / VIEW).read_bytes())}
        self.audit.record(
            actor, "cases.read", resource="cases", resource_id=world
        )  # victims' reports: audited
        return out

    def _file_world(self, world: Path, folder: Path) -> None:
        """File `world`'s reports into `folder` and write the view read back (its own file renamed into place:
        a reader never sees half of it)."""
        self.root.mkdir(parents=True, exist_ok=True)
        view = _file(world, folder)
        part = folder / (VIEW + ".part")
        part.write_bytes(orjson.dumps(view))
        part.replace(folder / VIEW)

    # -- reports taken in ---------------------------------------------------------------------------------------

    def take(
        self,
        actor: Actor,
        *,
        rows: Sequence[Any] | None = None,
        uploads: Sequence[tuple[str, bytes]] = (),
        mapping: Any = None,
        pairs: Sequence[str] = (),
        lang: str = "zh",
    ) -> dict[str, Any]:
        """Reports → cases, as `fanzha cases intake` files them (`rows`: JSON objects; `uploads`: (file name,
        bytes) in the formats intake reads; `mapping`: a mapping file's content, parsed or as text; `pairs`:
        FIELD=COLUMN, as `--map`). Every row accepted, updated (a later revision of a stored alert: its case is
        filed again from it), a duplicate (its report id is stored already) or rejected with its code; a row
        without a report id gets one from its content. The new cases are committed before the answer."""
        from fanzha.cases.intake import ReportMap, read_data

        self.audit.require(actor, PERMISSION, "cases.intake", resource="cases")
        if rows is None and not uploads:
            raise Refused("E922", field="reports")
        if rows is not None and len(rows) > self.settings.max_batch:
            raise Refused("E912", max=self.settings.max_batch, count=len(rows))
        cmap = mapping_from_options(ReportMap.identity, _report_map, mapping, pairs)

        def inputs() -> Iterator[Any]:
            if rows is not None:
                # the standard library's encoder: a request's JSON may hold integers beyond 64 bits
                yield read_data("reports", ".json", json.dumps(list(rows), ensure_ascii=False).encode(), cmap)
            for k, (name, data) in enumerate(uploads):
                safe = _safe_upload(name, k)
                yield read_data(safe, Path(safe).suffix.lower(), data, cmap)

        return self._intake_rows(actor, inputs(), cmap, lang)[0]

    def file_report(
        self,
        actor: Actor,
        text: str,
        *,
        report_id: str | None = None,
        time: str | None = None,
        loss_yuan: str | None = None,
        reporter: str | None = None,
        person_id: str | None = None,
        lang: str = "zh",
    ) -> dict[str, Any]:
        """One report typed into a form (the console's) → a case, as `take` files a JSON row; blank fields are
        left out (`time`: as intake reads it, China's time when it has no offset; `loss_yuan`: the loss the
        victim states, else the text's). The row's answer: ``accepted`` with the case as the list shows it, or
        ``duplicate`` (the report id is stored already) with its case id. A report intake keeps aside raises its
        coded error (InputError: E805 no text, E806 a time it cannot read, E705 / E807 the loss …)."""
        from fanzha.cases.intake import ReportMap, read_data

        self.audit.require(actor, PERMISSION, "cases.intake", resource="cases")
        given = {"report_id": report_id, "time": time, "amount_claimed": loss_yuan, "reporter": reporter,
                 "person_id": person_id}  # fmt: skip
        row = {"text": text} | {k: v.strip() for k, v in given.items() if v is not None and v.strip()}
        cmap = ReportMap.identity()
        data = json.dumps([row], ensure_ascii=False).encode()
        result, rejected = self._intake_rows(
            actor, iter([read_data("report", ".json", data, cmap)]), cmap, lang
        )
        if rejected:
            raise InputError(rejected[0].code, **rejected[0].params)
        answer: dict[str, Any] = result["rows"][0]
        return answer

    def _intake_rows(
        self, actor: Actor, inputs: Iterator[Any], cmap: Any, lang: str
    ) -> tuple[dict[str, Any], list[Any]]:
        """`take`'s answer for the rows of `inputs`, and the rows kept aside (`Rejected`)."""
        from fanzha.cases.intake import file_cases

        cases, rejected, _ = file_cases(
            inputs, cmap, self.detector(), case_id=lambda _i, rec: case_id_of(rec.fields["report_id"]),
            report_id=_content_id,
        )  # fmt: skip
        now = self.now_us()
        records: list[dict[str, Any]] = [
            {
                "case_id": c.case_id,
                "report_id": c.report_id,
                "person_id": c.person_id,
                "time_us": c.time,
                "label": c.label,
                "category": c.category,
                "variant": c.variant,
                "stage": c.stage,
                "loss_fen": c.loss_fen,
                "received_us": now,
                "created_by": actor.principal.label,
                "body": orjson.dumps(c.to_dict()).decode(),
            }
            for c in cases
        ]
        with self._intake, self.store.session() as s:  # one intake at a time; durable before the answer
            ids = [c.report_id for c in cases]
            stored: dict[str, tuple[str, int | None]] = {}  # report id → (case id, alert revision)
            for k in range(0, len(ids), 500):
                q = select(CaseRow.report_id, CaseRow.case_id, CaseRow.body).where(
                    CaseRow.report_id.in_(ids[k : k + 500])
                )
                for rid, cid, body in s.execute(q):
                    stored[rid] = (cid, orjson.loads(body).get("revision"))
            status = {c.report_id: _status(c, stored.get(c.report_id)) for c in cases}
            new = [r for r in records if status[r["report_id"]] == "accepted"]
            self.store.insert_ignore(s, CaseRow.__table__, new, ["report_id"])  # type: ignore[arg-type]
            kept = ("case_id", "report_id", "received_us", "created_by")
            for rec in records:  # a later revision of a stored alert: the case is filed again from it
                if status[rec["report_id"]] == "updated":
                    changed = {k: v for k, v in rec.items() if k not in kept}
                    at = stored[rec["report_id"]][0]
                    s.execute(update(CaseRow).where(CaseRow.case_id == at).values(**changed))
            tally = Counter(status.values())
            counts = {"accepted": tally["accepted"], "updated": tally["updated"],
                      "duplicates": tally["duplicate"], "rejected": len(rejected)}  # fmt: skip
            self.audit.log(s, actor, "cases.intake", resource="cases", detail=counts)
        out: list[tuple[tuple[str, int], dict[str, Any]]] = []
        for c in cases:
            source, _, row = c.source.rpartition(":")
            item = {"row": int(row), "source": source, "report_id": c.report_id, "case_id": c.case_id}
            if status[c.report_id] == "duplicate":
                out.append(((source, int(row)), {**item, "status": "duplicate"}))
            else:
                brief = {"status": status[c.report_id], "case": _brief(c.to_dict())}
                out.append(((source, int(row)), {**item, **brief}))
        for r in rejected:
            err = coded(r, lang)
            out.append(
                ((r.source, r.row), {"row": r.row, "source": r.source, "status": "rejected", "error": err})
            )
        order = {name: k for k, name in enumerate(dict.fromkeys(x[0][0] for x in out))}
        out.sort(key=lambda x: (order[x[0][0]], x[0][1]))
        return {**counts, "rows": [x[1] for x in out]}, rejected

    def page(self, actor: Actor, filt: CaseFilter, *, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of the stored cases, newest report first, with the filter's total (audited: a read of
        victims' reports)."""
        self.audit.require(actor, PERMISSION, "cases.list", resource="cases")
        conds = [
            col == value
            for col, value in (
                (CaseRow.label, filt.label),
                (CaseRow.category, filt.category),
                (CaseRow.variant, filt.variant),
                (CaseRow.person_id, filt.person_id),
                (CaseRow.report_id, filt.report_id),
            )
            if value is not None
        ]
        if filt.since_us is not None:
            conds.append(CaseRow.time_us >= filt.since_us)
        if filt.until_us is not None:
            conds.append(CaseRow.time_us < filt.until_us)
        with self.store.sessions() as s:
            total = int(s.scalar(select(func.count()).select_from(CaseRow).where(*conds)) or 0)
            q = (
                select(CaseRow.body)
                .where(*conds)
                .order_by(CaseRow.time_us.desc(), CaseRow.case_id)
                .offset(offset)
                .limit(limit)
            )
            items = [_brief(orjson.loads(b)) for b in s.scalars(q)]
        self.audit.record(actor, "cases.list", resource="cases", detail={"total": total, "shown": len(items)})
        return {"total": total, "offset": offset, "limit": limit, "items": items}

    def get(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """One stored case whole (text, findings, identifiers with their spans) and its cluster in the latest
        link job that is done (None without one; -1 for a case linked to nothing)."""
        self.audit.require(actor, PERMISSION, "cases.read", resource="case", resource_id=case_id)
        with self.store.sessions() as s:
            body = s.scalar(select(CaseRow.body).where(CaseRow.case_id == case_id))
        if body is None:
            raise Refused("E904", what="case", id=case_id)
        case: dict[str, Any] = orjson.loads(body)
        case["cluster"] = self.jobs.cluster_of(case_id)
        self.audit.record(actor, "cases.read", resource="case", resource_id=case_id)
        return case

    def stored(self) -> list[dict[str, Any]]:
        """Every stored case as `Case.to_dict` wrote it, in the order they were reported."""
        with self.store.sessions() as s:
            q = select(CaseRow.body).order_by(CaseRow.time_us, CaseRow.case_id)
            return [orjson.loads(b) for b in s.scalars(q)]


def _status(case: Any, stored: tuple[str, int | None] | None) -> str:
    """A filed case against the stored one of its report id: ``accepted`` (none stored), ``updated`` (a later
    revision of a stored alert: `Case.revision`) or ``duplicate``."""
    if stored is None:
        return "accepted"
    if case.revision is not None and stored[1] is not None and case.revision > stored[1]:
        return "updated"
    return "duplicate"


def _report_map(mapping: Any) -> ReportMap:
    """A request's mapping: a mapping file's text, or its content parsed (JSON)."""
    from fanzha.cases.intake import ReportMap

    if isinstance(mapping, str):
        return ReportMap.from_text(mapping, where="mapping")
    return ReportMap.from_dict(mapping, where="mapping")


def case_id_of(report_id: Any) -> str:
    """A stored case's id: from its report id, so the same report is the same case wherever it is filed."""
    return "C" + hashlib.sha256(str(report_id).encode()).hexdigest()[:16]


def _content_id(rec: Any) -> str:
    """A report id for a row that has none: a digest of its fields (sending it again is a duplicate)."""
    return (
        "R"
        + hashlib.sha256(orjson.dumps(rec.fields, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()[:16]
    )


def _safe_upload(name: str, k: int) -> str:
    """An upload's name as messages show it (where a row is): its base name, as sent (it names no file here)."""
    base = Path((name or "").replace("\\", "/")).name[:200]
    return base or f"reports{k}.jsonl"


def _brief(case: dict[str, Any]) -> dict[str, Any]:
    """A case as a list shows it: no text, findings or other mentions; its identifiers with their spans."""
    keep = ("case_id", "report_id", "source", "person_id", "reporter", "time", "contact_time", "label",
            "category", "variant", "stage", "score", "loss", "loss_source", "mo", "identifiers")  # fmt: skip
    return {k: case.get(k) for k in keep} | {"origin": case.get("origin") or "report"}


class CaseJobs(Jobs):
    """Linking (串并案) and leak-source runs over the stored cases, as jobs (`fanzha.centre.jobs`)."""

    what = "case job"
    not_done = "E929"
    private = ("trace_out", "orders_path", "contacts_path")

    def __init__(self, cases: Cases) -> None:
        super().__init__(
            cases.store, cases.audit, cases.settings, cases.now_us, model=CaseJobRow, folder="case_jobs"
        )
        self.cases = cases

    # -- submitting ---------------------------------------------------------------------------------------------

    def submit_link(self, actor: Actor, trace_id: str | None = None) -> dict[str, Any]:
        """A link job over the cases stored now (a snapshot), with a trace job's output when `trace_id` names
        one that is done (shared accounts on the money's path link cases too)."""
        from fanzha.cases.intake import IntakeResult, write_cases
        from fanzha.cases.model import Case

        self.audit.require(actor, PERMISSION, "cases.link", resource="cases")
        trace_out = None
        if trace_id is not None:
            self.audit.require(actor, "traces", "cases.link", resource="trace", resource_id=trace_id)
            trace_out = str(self.cases.traces.done(trace_id))
        stored = [Case.from_dict(d) for d in self.cases.stored()]
        if not stored:
            raise Refused("E930")

        def prepare(inputs: Path) -> dict[str, Any]:
            folder = inputs.parent / "out" / CASE_DIR
            folder.parent.mkdir(parents=True, exist_ok=True)
            write_cases(IntakeResult(stored, [], [], len(stored), 0.0), folder)
            return {"cases": len(stored), "trace_out": trace_out}

        params = {"kind": "link", "trace_id": trace_id}
        return self.create(actor, "cases.link", params, prepare, hidden=self.private, kind="link")

    def submit_leaks(
        self,
        actor: Actor,
        *,
        link_id: str | None = None,
        world: str | None = None,
        orders: bytes | None = None,
        window_days: float | None = None,
        alpha: float | None = None,
        min_victims: int | None = None,
        contacts: bool = False,
    ) -> dict[str, Any]:
        """A leaks job: the merchants of `orders` (an upload of orders.parquet, or a stored `world`'s) tested
        against the cases of link job `link_id` (default: the latest one done); with `contacts`, also the people
        the gang's numbers and accounts named in the reports reached, as the stored world's events record them."""
        from fanzha.cases.leaks import LeakParams

        self.audit.require(actor, PERMISSION, "cases.leaks", resource="cases")
        if (orders is None) == (world is None):
            raise Refused("E922", field="orders")
        if contacts and world is None:  # an upload brings orders only
            raise Refused("E931")
        prm = LeakParams()
        if window_days is not None:  # one window given: only it (default: the leak test's windows)
            prm.windows_days = (window_days,)
        for name, value in (("alpha", alpha), ("min_victims", min_victims)):
            if value is not None:
                setattr(prm, name, value)
        prm.validate()
        link = link_id or self.latest_link()
        if link is None:
            raise Refused("E930")
        link_row = self.row(link)
        if link_row.kind != "link":
            raise Refused("E904", what="link job", id=link)
        self.done(link)
        source = None
        if world is not None:
            valid = self.cases.order_worlds()
            if world not in valid or self.settings.worlds_dir is None:
                raise Refused("E918", name=world, valid=valid)
            source = str(Path(self.settings.worlds_dir) / world / ORDERS)

        def prepare(inputs: Path) -> dict[str, Any]:
            path = source
            if orders is not None:
                (inputs / ORDERS).write_bytes(orders)
                path = str(inputs / ORDERS)
            # the contact records: the stored world's events (a world folder is what `read_contacts` reads)
            records = str(Path(source).parent) if contacts and source else None
            return {"orders_path": path, "contacts_path": records}

        params = {
            "kind": "leaks",
            "link_id": link,
            "world": world,
            "orders": "world" if world is not None else "upload",
            "windows_days": list(prm.windows_days),
            "alpha": prm.alpha,
            "min_victims": prm.min_victims,
            "contacts": contacts,
        }
        return self.create(actor, "cases.leaks", params, prepare, hidden=self.private, kind="leaks")

    # -- running ------------------------------------------------------------------------------------------------

    def execute(self, params: dict[str, Any], folder: Path) -> dict[str, Any]:
        from fanzha.cases.api import clusters_of, run_leaks, run_link
        from fanzha.cases.leaks import LeakParams

        if params["kind"] == "link":
            case_dir = folder / "out" / CASE_DIR
            result = run_link(case_dir, trace_out=params.get("trace_out"), picture=None)
            details = clusters_of(case_dir, result)
            (case_dir / DETAILS).write_bytes(orjson.dumps({"clusters": details}))
            return {"cases": params["cases"], "clusters": len(details), **_ints(result.summary)}
        case_dir = Path(self.row(params["link_id"]).folder) / "out" / CASE_DIR
        prm = LeakParams(
            windows_days=tuple(params["windows_days"]),
            alpha=params["alpha"],
            min_victims=params["min_victims"],
        )
        run = run_leaks(
            case_dir,
            params["orders_path"],
            contacts=params.get("contacts_path"),
            params=prm,
            out=folder / "out",
        )
        return {k: v for k, v in run.summary.items() if k != "scopes"} | {
            "scopes": {name: len(scope["suspects"]) for name, scope in run.summary["scopes"].items()}
        }

    # -- reading ------------------------------------------------------------------------------------------------

    def latest_link(self) -> str | None:
        """The latest link job that is done."""
        rows = self.rows(1, kind="link", status="done")
        return str(rows[0].id) if rows else None

    def cluster_map(self) -> dict[str, int] | None:
        """case_id → its cluster in the latest link job done (a case linked to nothing is absent); None without
        a link job done."""
        link = self.latest_link()
        if link is None:
            return None
        return {m["case_id"]: int(cl["cluster"]) for cl in self._details(link) for m in cl["members"]}

    def cluster_of(self, case_id: str) -> dict[str, Any] | None:
        """The case's cluster in the latest link job done (`link_id`, `cluster`: -1 when linked to nothing)."""
        link = self.latest_link()
        if link is None:
            return None
        for cl in self._details(link):
            if any(m["case_id"] == case_id for m in cl["members"]):
                return {"link_id": link, **cl}
        return {"link_id": link, "cluster": -1}

    def _details(self, job: str) -> list[dict[str, Any]]:
        path = self.done(job) / CASE_DIR / DETAILS
        clusters: list[dict[str, Any]] = orjson.loads(path.read_bytes())["clusters"]
        return clusters

    def _kind(self, actor: Actor, job: str, kind: str, action: str) -> Any:
        self.audit.require(actor, PERMISSION, action, resource="cases", resource_id=job)
        row = self.row(job)
        if row.kind != kind:
            raise Refused("E904", what=f"{kind} job", id=job)
        return row

    def get(self, actor: Actor, job: str, kind: str, lang: str = "zh") -> dict[str, Any]:
        """A link or leaks job's status and, when done, its summary."""
        return self.public(self._kind(actor, job, kind, f"cases.{kind}.read"), lang)

    def recent(self, actor: Actor, kind: str, lang: str = "zh", limit: int = 50) -> list[dict[str, Any]]:
        self.audit.require(actor, PERMISSION, f"cases.{kind}.list", resource="cases")
        return [self.public(r, lang) for r in self.rows(limit, kind=kind)]

    def clusters(
        self, actor: Actor, job: str, *, min_size: int = 2, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of a link job's clusters, largest first: members, strength, the keys that tie them, the hubs
        set aside (audited: the identifiers are victims' reports)."""
        self._kind(actor, job, "link", "cases.clusters")
        shown = [c for c in self._details(job) if c["size"] >= min_size]
        self.audit.record(actor, "cases.clusters", resource="cases", resource_id=job)
        return {
            "link_id": job,
            "total": len(shown),
            "offset": offset,
            "limit": limit,
            "items": shown[offset : offset + limit],
        }

    def suspects(self, actor: Actor, job: str, scope: str = "all") -> dict[str, Any]:
        """A leaks job's suspects in one scope (all, reports, cluster:N), each with the victims and orders
        behind it (audited)."""
        self._kind(actor, job, "leaks", "cases.suspects")
        out = self.done(job)
        summary = orjson.loads((out / "summary.json").read_bytes())
        scopes = summary["scopes"]
        if scope not in scopes:
            raise Refused("E927", option="scope", valid=sorted(scopes), value=scope)
        evidence: dict[str, list[dict[str, str]]] = {}
        with open(out / "evidence.csv", encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["scope"] == scope:
                    evidence.setdefault(r["merchant_id"], []).append(
                        {k: r[k] for k in ("person_id", "cases", "order_id", "order_time")}
                    )
        items = [{**s, "evidence": evidence.get(s["merchant_id"], [])} for s in scopes[scope]["suspects"]]
        self.audit.record(actor, "cases.suspects", resource="cases", resource_id=job, detail={"scope": scope})
        return {"leaks_id": job, "scope": scope, "victims": scopes[scope]["victims"], "suspects": items}


def _ints(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if isinstance(v, int | float | str)}


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
