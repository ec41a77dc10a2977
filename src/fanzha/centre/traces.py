"""Traces as jobs: an investigator uploads bank ledgers and seeds (or names a stored world), the trace runs in a
background worker (`fanzha.trace.run_trace`), and its freeze list, flows, cash-outs and mules are read back
page by page; a freeze request per bank is made from the freeze list (CSV, and a printable page in zh or en).

A job's inputs and outputs live in ``DATA_DIR/traces/ID/``; its status, parameters, summary and error in the
`traces` table; it runs on the centre's one job mechanism (`fanzha.centre.jobs`), and a job that was queued or
running when the process stopped runs again on start-up.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.jobs import Jobs
from fanzha.centre.models import TraceRow
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.records.units import datetime_of

TABLES = ("freeze", "flows", "cash_outs", "mules")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
FREEZE_COLUMNS = ("account_id", "amount", "victims", "hops", "bank", "city", "kind", "path")
FREEZE_HEADER_ZH = (
    "账号",
    "冻结金额（元）",
    "涉及受害人",
    "距被骗转账跳数",
    "开户行",
    "城市",
    "账户类型",
    "资金路径",
)


def _safe_name(name: str, fallback: str) -> str:
    base = _SAFE.sub("_", Path(name or "").name).strip("._")
    return base or fallback


class Traces(Jobs):
    what = "trace"
    not_done = "E917"
    private = ("world",)

    def __init__(self, store: Store, audit: AuditLog, settings: Settings, now_us: Callable[[], int]) -> None:
        super().__init__(store, audit, settings, now_us, model=TraceRow, folder="traces")

    # -- stored worlds ---------------------------------------------------------------------------------

    def worlds(self) -> list[str]:
        root = self.settings.worlds_dir
        if root is None or not Path(root).is_dir():
            return []
        return sorted(p.name for p in Path(root).iterdir() if (p / "transfers.parquet").is_file())

    # -- submitting ------------------------------------------------------------------------------------

    def submit_upload(
        self,
        actor: Actor,
        ledgers: list[tuple[str, bytes]],
        seeds: tuple[str, bytes] | None,
        policy: str = "fifo",
    ) -> dict[str, Any]:
        """A job over uploaded ledger files (CSV or Parquet) and a seeds CSV."""
        self.audit.require(actor, "traces", "trace.create", resource="trace")
        if not ledgers:
            raise Refused("E922", field="ledger")
        if seeds is None:
            raise Refused("E922", field="seeds")
        self._policy(policy)

        def prepare(folder: Path) -> dict[str, Any]:
            names = []
            for k, (name, data) in enumerate(ledgers):
                safe = _safe_name(name, f"ledger{k}.csv")
                if not safe.endswith((".csv", ".parquet")):
                    safe += ".csv"
                (folder / safe).write_bytes(data)
                names.append(safe)
            (folder / "seeds.csv").write_bytes(seeds[1])
            return {"ledgers": names, "seeds": "seeds.csv"}

        return self.create(
            actor, "trace.create", {"source": "upload", "policy": policy}, prepare, hidden=("ledgers",)
        )

    def submit_world(
        self, actor: Actor, world: str, seeds: list[dict[str, str]] | None = None, policy: str = "fifo"
    ) -> dict[str, Any]:
        """A job over a stored world's ledger; seeds given, or the world's reported cases (`reported_seeds`)."""
        self.audit.require(actor, "traces", "trace.create", resource="trace", resource_id=world)
        valid = self.worlds()
        if world not in valid or self.settings.worlds_dir is None:
            raise Refused("E918", name=world, valid=valid)
        self._policy(policy)
        folder = Path(self.settings.worlds_dir) / world

        def prepare(inputs: Path) -> dict[str, Any]:
            rows = seeds if seeds is not None else reported_seeds(folder)
            with open(inputs / "seeds.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["victim_id", "transfer_id"])
                w.writerows([r["victim_id"], r["transfer_id"]] for r in rows)
            return {"world": str(folder), "seeds": "seeds.csv", "seed_count": len(rows)}

        return self.create(
            actor, "trace.create", {"source": "world", "world": world, "policy": policy}, prepare
        )

    def _policy(self, policy: str) -> None:
        from fanzha.trace.policies import get_policy

        get_policy(policy)

    # -- running ---------------------------------------------------------------------------------------

    def execute(self, params: dict[str, Any], folder: Path) -> dict[str, Any]:
        from fanzha.trace.api import run_trace

        inputs = folder / "input"
        ledger: Any = params["world"] if "world" in params else [str(inputs / n) for n in params["ledgers"]]
        run = run_trace(ledger, inputs / "seeds.csv", policy=params["policy"], out=folder / "out")
        summary: dict[str, Any] = run.report.summary
        return summary

    # -- reading ---------------------------------------------------------------------------------------

    def get(self, actor: Actor, job: str, lang: str = "zh") -> dict[str, Any]:
        self.audit.require(actor, "traces", "trace.read", resource="trace", resource_id=job)
        return self.public(self.row(job), lang)

    def recent(self, actor: Actor, lang: str = "zh", limit: int = 50) -> list[dict[str, Any]]:
        self.audit.require(actor, "traces", "trace.list", resource="trace")
        return [self.public(r, lang) for r in self.rows(limit)]

    def table(
        self, actor: Actor, job: str, name: str, *, offset: int = 0, limit: int = 100
    ) -> dict[str, Any]:
        """A page of one output table: freeze, flows, cash_outs or mules."""
        self.audit.require(actor, "traces", f"trace.{name}", resource="trace", resource_id=job)
        out = self.done(job)
        rows = _read_table(out, name)
        return {
            "trace_id": job,
            "table": name,
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "items": rows[offset : offset + limit],
        }

    def banks(self, actor: Actor, job: str) -> list[dict[str, Any]]:
        """The banks of the freeze list: accounts and amount to freeze at each."""
        self.audit.require(actor, "traces", "trace.banks", resource="trace", resource_id=job)
        per: dict[str, dict[str, Any]] = {}
        for acc in _read_table(self.done(job), "freeze"):
            bank = acc.get("bank") or "-"
            item = per.setdefault(bank, {"bank": bank, "accounts": 0, "fen": 0})
            item["accounts"] += 1
            item["fen"] += _fen(acc["amount"])
        from fanzha.records.units import fen_to_yuan

        return [
            {"bank": b["bank"], "accounts": b["accounts"], "amount": fen_to_yuan(b["fen"])}
            for b in sorted(per.values(), key=lambda x: (-x["fen"], x["bank"]))
        ]

    def freeze_request(self, actor: Actor, job: str, bank: str) -> dict[str, Any]:
        """The freeze request to one bank, as data (the service renders it as JSON, CSV or a page)."""
        self.audit.require(actor, "traces", "trace.freeze_request", resource="trace", resource_id=job)
        out = self.done(job)
        accounts = [a for a in _read_table(out, "freeze") if (a.get("bank") or "-") == bank]
        if not accounts:
            valid = sorted({a.get("bank") or "-" for a in _read_table(out, "freeze")})
            raise Refused("E923", bank=bank, valid=valid)
        row = self.row(job)
        summary = orjson.loads(row.summary) if row.summary else {}
        from fanzha.records.units import fen_to_yuan

        self.audit.record(
            actor, "trace.freeze_request", resource="trace", resource_id=job, detail={"bank": bank}
        )
        return {
            "trace_id": job,
            "bank": bank,
            "policy": summary.get("policy", {}),
            "accounts": accounts,
            "total": fen_to_yuan(sum(_fen(a["amount"]) for a in accounts)),
            "date": datetime_of(self.now_us(), "Asia/Shanghai").date().isoformat(),
        }


def _fen(amount: Any) -> int:
    from decimal import Decimal

    return int(Decimal(str(amount)) * 100)


def _read_table(out: Path, name: str) -> list[dict[str, Any]]:
    if name == "freeze":
        data = orjson.loads((out / "freeze_list.json").read_bytes())
        return list(data["accounts"])
    if name == "cash_outs":
        return list(orjson.loads((out / "cash_outs.json").read_bytes())["cash_outs"])
    path = out / ("flows.csv" if name == "flows" else "mules.csv")
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if name == "mules":
        rows.sort(key=lambda r: (r.get("flagged") != "True", -float(r.get("score") or 0)))
    return rows


def reported_seeds(world: Path) -> list[dict[str, str]]:
    """The reported loss transfers as the world's investigators start from them (`investigation/seeds.csv`,
    written by `fanzha sim`): one case per reported campaign, under the report that opened it — a repeat victim's
    second campaign is a case of its own, and only if it was reported."""
    from fanzha.trace.model import Seed
    from fanzha.trace.seeds import read_seeds

    return [
        {"victim_id": s.victim_id, "transfer_id": s.transfer_id}
        for s in read_seeds(world / "investigation" / "seeds.csv")
        if isinstance(s, Seed)
    ]


def freeze_csv(req: dict[str, Any], lang: str = "zh") -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FREEZE_HEADER_ZH if lang == "zh" else FREEZE_COLUMNS)
    for a in req["accounts"]:
        w.writerow([_cell(a, c) for c in FREEZE_COLUMNS])
    return buf.getvalue()


def _cell(a: dict[str, Any], col: str) -> str:
    v = a.get(col)
    if col == "victims" and isinstance(v, dict):
        return ";".join(f"{k}:{x}" for k, x in v.items())
    if col == "path" and isinstance(v, list):
        return ">".join(v)
    return "" if v is None else str(v)


_PAGE = {
    "zh": {
        "title": "协助冻结申请",
        "to": "致：{bank}",
        "body": "我中心在办理冒充电商物流客服诈骗案件中，经资金追踪（追踪编号 {id}，资金归属方法：{policy}），"
        "发现下列账户中存有被害人被骗资金。请依法协助冻结下列账户中的相应金额，并回复冻结结果。",
        "total": "合计：{n} 个账户，{total} 元",
        "sign": "承办人：__________　联系电话：__________　（盖章）",
        "date": "日期：{date}",
    },
    "en": {
        "title": "Request to freeze accounts",
        "to": "To: {bank}",
        "body": "Tracing the money of victims of an e-commerce / courier customer-service impersonation scam (trace "
        "{id}, attribution policy: {policy}), the centre found victims' money in the accounts below. Please "
        "freeze the amounts listed and reply with the result.",
        "total": "Total: {n} accounts, {total} yuan",
        "sign": "Officer: __________   Phone: __________   (seal)",
        "date": "Date: {date}",
    },
}


def freeze_html(req: dict[str, Any], lang: str = "zh") -> str:
    """A printable page: the freeze request to one bank."""
    t = _PAGE["en" if lang == "en" else "zh"]
    e = html.escape
    pol = req.get("policy") or {}
    policy = pol.get(lang) or pol.get("name") or "-"
    head = FREEZE_HEADER_ZH if lang == "zh" else FREEZE_COLUMNS
    rows = "".join(
        "<tr>" + "".join(f"<td>{e(_cell(a, c))}</td>" for c in FREEZE_COLUMNS) + "</tr>"
        for a in req["accounts"]
    )
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{e(t['title'])} · {e(req['bank'])}</title><style>"
        "body{font-family:'Noto Serif CJK SC','Songti SC',serif;max-width:60em;margin:2em auto;line-height:1.6}"
        "table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #444;padding:.3em}"
        "h1{text-align:center}@media print{body{margin:0}}</style></head><body>"
        f"<h1>{e(t['title'])}</h1><p>{e(t['to'].format(bank=req['bank']))}</p>"
        f"<p>{e(t['body'].format(id=req['trace_id'], policy=policy))}</p>"
        "<table><thead><tr>"
        + "".join(f"<th>{e(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<p>{e(t['total'].format(n=len(req['accounts']), total=req['total']))}</p>"
        f"<p>{e(t['sign'])}</p><p>{e(t['date'].format(date=req['date']))}</p></body></html>"
    )
