"""资金追踪 (traces: start one, the flow graph, the freeze list, the freeze request per bank), 统计 (the dashboard)
and 案件 (cases: a victim's report filed, linking and leak-source jobs started and followed, the cases filed
through the service, and a stored world's reports filed, linked and tested for the leak)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from fanzha.centre.cases import CaseFilter
from fanzha.centre.traces import freeze_csv, freeze_html
from fanzha.console import views
from fanzha.console.web import CSP, ConsoleRoute, Ctx, context, finish, json_response, page, respond
from fanzha.errors import FanzhaError, InputError
from fanzha.records.units import us_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(context)]
SOURCES = ("world", "upload")
TABLE_ROWS = 100
GRAPH_ROWS = 5_000
#: the cases page: the latest jobs of each kind listed, the clusters of a link job shown
JOBS_SHOWN = 5
TABLE_CLUSTERS = 50


def _policies() -> list[str]:
    from fanzha.trace import POLICIES

    return list(POLICIES)


def _traces_page(ctx: Ctx, error: FanzhaError | None = None, form: Any = None) -> Response:
    from fanzha.centre.coded import coded

    data = {
        "page": "traces",
        "traces": ctx.centre.traces.recent(ctx.actor, ctx.lang),
        "worlds": ctx.centre.traces.worlds(),
        "policies": _policies(),
        "error": coded(error, ctx.lang) if error is not None else None,
        "form": defaultdict(str, form or {}),
    }
    return page(ctx, "traces.html", data, ctx.status_of(error) if error is not None else 200)


@router.get("/traces")
def traces_page(ctx: CtxDep) -> Response:
    """资金追踪: the latest trace jobs and the form to start one (a stored world's reported victims, or uploaded
    bank ledgers and seeds)."""
    ctx.require_user()
    return _traces_page(ctx)


@router.post("/traces")
async def traces_submit(request: Request, ctx: CtxDep) -> Response:
    """Start a trace job; the browser goes to its page, which follows it until it is done."""
    form, fields = await ctx.posted()
    traces = ctx.centre.traces
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "traces", "trace.create", resource="trace")
        source = views.choice(fields.get("source"), SOURCES, "source")
        policy = views.choice(fields.get("policy") or "fifo", _policies(), "policy")
        if source == "world":
            world = views.bounded(fields.get("world"), "world", 200, required=True)
            job = traces.submit_world(ctx.actor, world, None, policy)
        else:
            ledgers = [
                (f.filename or f"ledger{i}.csv", await f.read())
                for i, f in enumerate(form.getlist("ledger"))
                if not isinstance(f, str) and f.filename
            ]
            seeds_file = form.get("seeds")
            seeds = None
            if seeds_file is not None and not isinstance(seeds_file, str) and seeds_file.filename:
                seeds = (seeds_file.filename, await seeds_file.read())
            job = traces.submit_upload(ctx.actor, ledgers, seeds, policy)
    except FanzhaError as err:
        if ctx.want_json:
            raise
        return _traces_page(ctx, err, fields)
    return respond(ctx, job, f"/traces/{job['id']}", 202)


@router.get("/traces/{trace_id}")
def trace_page(trace_id: str, ctx: CtxDep) -> Response:
    """One trace: its state, the flow graph, the freeze list and the freeze request per bank."""
    ctx.require_user()
    job = ctx.centre.traces.get(ctx.actor, trace_id, ctx.lang)
    data: dict[str, Any] = {"page": "trace", "trace": job, "freeze": None, "banks": [], "cash_outs": None}
    if job["status"] == "done":
        traces = ctx.centre.traces
        data["freeze"] = traces.table(ctx.actor, trace_id, "freeze", limit=TABLE_ROWS)
        data["banks"] = traces.banks(ctx.actor, trace_id)
        data["cash_outs"] = traces.table(ctx.actor, trace_id, "cash_outs", limit=TABLE_ROWS)
    return page(ctx, "trace.html", data)


@router.get("/traces/{trace_id}/graph")
def trace_graph(trace_id: str, ctx: CtxDep) -> Response:
    """The flow graph as Cytoscape elements (JSON): victims' accounts → mules → cash-out points."""
    ctx.require_user()
    traces = ctx.centre.traces
    flows = traces.table(ctx.actor, trace_id, "flows", limit=GRAPH_ROWS)
    cash = traces.table(ctx.actor, trace_id, "cash_outs", limit=GRAPH_ROWS)
    return finish(ctx, json_response(views.flow_graph(flows["items"], cash["items"])))


def _csv(ctx: Ctx, body: str, name: str) -> Response:
    resp = Response(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    return finish(ctx, resp)


@router.get("/traces/{trace_id}/freeze.csv")
def trace_freeze_csv(trace_id: str, ctx: CtxDep) -> Response:
    """The whole freeze list as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read Chinese)."""
    ctx.require_user()
    table = ctx.centre.traces.table(ctx.actor, trace_id, "freeze", limit=10_000_000)
    return _csv(ctx, freeze_csv({"accounts": table["items"]}, ctx.lang), f"freeze-{trace_id}.csv")


@router.get("/traces/{trace_id}/banks/{bank}.csv")
def trace_bank_csv(trace_id: str, bank: str, ctx: CtxDep) -> Response:
    """The freeze request to one bank as CSV."""
    ctx.require_user()
    req = ctx.centre.traces.freeze_request(ctx.actor, trace_id, bank)
    return _csv(ctx, freeze_csv(req, ctx.lang), f"freeze-{trace_id}-{len(req['accounts'])}.csv")


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@router.get("/traces/{trace_id}/banks/{bank}")
def trace_bank_print(trace_id: str, bank: str, ctx: CtxDep) -> Response:
    """The freeze request to one bank as a page to print (its JSON twin: ``?format=json``)."""
    ctx.require_user()
    req = ctx.centre.traces.freeze_request(ctx.actor, trace_id, bank)
    if ctx.want_json:
        return finish(ctx, json_response(req))
    html = freeze_html(req, ctx.lang)
    resp = HTMLResponse(html)
    # the printable page carries its own small style sheet: allowed by its hash, nothing else inline
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _STYLE.findall(html)
    )
    resp.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", f"style-src 'self' {hashes}")
    return finish(ctx, resp)


# -- the dashboard -----------------------------------------------------------------------------------------


def _day(value: str | None, field: str, end: bool = False) -> int | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise InputError("E951", where=field, field=field, valid=["YYYY-MM-DD"]) from None
    from datetime import timedelta

    return us_of(datetime.combine(d + timedelta(days=1) if end else d, time(0), ZoneInfo("Asia/Shanghai")))


@router.get("/stats")
def stats_page(ctx: CtxDep, since: str | None = None, until: str | None = None) -> Response:
    """统计: alerts per day by level, the dissuasion rate, the amount protected, response times, variants over
    time."""
    ctx.require_user()
    lo, hi = _day(since, "since"), _day(until, "until", end=True)
    stats = ctx.centre.stats.compute(ctx.actor, since_us=lo, until_us=hi)
    series = ctx.centre.views.series(ctx.actor, since_us=lo, until_us=hi)
    names = ctx.centre.alerts.rules.variant_names
    data = {
        "page": "stats",
        "since": since or "",
        "until": until or "",
        "stats": stats,
        "series": series,
        "variant_names": {v: n.get(ctx.lang) for v, n in names.items()},
        "level_names": {lv.id: lv.name.get(ctx.lang) for lv in ctx.centre.alerts.playbook.levels},
        "outcome_names": {o: ctx.t(f"outcome.{o}") for o in stats["outcomes"]},
    }
    return page(ctx, "stats.html", data)


@router.get("/cases")
def cases_page(
    ctx: CtxDep,
    world: str | None = None,
    link: str | None = None,
    leaks: str | None = None,
    filed: str | None = None,
    duplicate: str | None = None,
) -> Response:
    """案件: the form to file a victim's report, the buttons to start a linking (串并案) or leak-source job over
    the stored cases, the cases filed through the service, the latest jobs (followed until done) with the
    clusters of the link job shown (`link`, default the newest) and the suspects of the leaks job shown (`leaks`),
    and a stored world's police reports filed, linked and tested for the leak (`world`; without it, the first
    stored world with reports). `filed` / `duplicate`: the case a report just filed became (or was already)."""
    ctx.require_user()
    notice = None
    if filed or duplicate:
        key = "cases.filed" if filed else "cases.duplicate"
        notice = {"text": ctx.t(key, case=(filed or duplicate or "")[:40]), "case": filed or duplicate}
    return _cases_page(ctx, world, link=link, leaks=leaks, notice=notice)


def _cases_page(
    ctx: Ctx,
    world: str | None = None,
    *,
    link: str | None = None,
    leaks: str | None = None,
    error: FanzhaError | None = None,
    form: Any = None,
    notice: dict[str, Any] | None = None,
) -> Response:
    from fanzha.centre.coded import coded

    cases = ctx.centre.cases
    stored = cases.page(ctx.actor, CaseFilter(), limit=50)  # the cases filed through the service
    clusters = cases.jobs.cluster_map()
    for c in stored["items"]:
        c["time"] = str(c["time"] or "")[:16].replace("T", " ")
        c["loss_yuan"] = float(c["loss"] or 0)
        c["cluster"] = None if clusters is None else clusters.get(c["case_id"], -1)
        c["keys"] = [f"{_kind_name(ctx, i['kind'])} {i['text']}" for i in c["identifiers"][:4]]
    _name_variants(ctx, stored["items"])
    worlds = cases.worlds()
    chosen = world if world is not None else (worlds[0] if worlds else "")
    traces = ctx.centre.traces.recent(ctx.actor, ctx.lang) if ctx.can("traces") else []
    data: dict[str, Any] = {
        "page": "cases", "worlds": worlds, "world": chosen, "filed": None, "stored": stored,
        "error": coded(error, ctx.lang) if error is not None else None, "notice": notice,
        "form": defaultdict(str, form or {}), "order_worlds": cases.order_worlds(),
        "done_traces": [tr["id"] for tr in traces if tr["status"] == "done"],
        **_case_jobs(ctx, link, leaks),
    }  # fmt: skip
    status = ctx.status_of(error) if error is not None else 200
    if not chosen:
        return page(ctx, "cases.html", data, status)
    try:
        filed = cases.of_world(ctx.actor, chosen)
    except FanzhaError as err:
        if err.code != "E918":  # a world not stored: the page again with the code; the rest as any page does
            raise
        data["error"] = coded(err, ctx.lang)
        return page(ctx, "cases.html", data, ctx.status_of(err))
    data["filed"] = filed
    if filed["status"] == "filing":  # its part polls the page until the world's reports are filed
        data["world_url"] = ctx.url("/cases", world=chosen, lang=ctx.lang)
        return page(ctx, "cases.html", data, status)
    for c in filed["cases"]:
        c["time"] = _local(c["time_us"])
        c["loss_yuan"] = c["loss_fen"] / 100
    _name_variants(ctx, filed["cases"])
    for cl in filed["clusters"]:
        cl["first_time"], cl["last_time"] = _local(cl["first"]), _local(cl["last"])
        _name_keys(ctx, cl)
    return page(ctx, "cases.html", data, status)


def _case_jobs(ctx: Ctx, link: str | None, leaks: str | None) -> dict[str, Any]:
    """The latest link and leaks jobs; the one of each shown (asked for, else the newest) and, when it is done,
    its clusters (largest first) or its suspects (scope all); whether the page follows a job not done yet."""
    jobs = ctx.centre.cases.jobs
    links = jobs.recent(ctx.actor, "link", ctx.lang, limit=JOBS_SHOWN)
    leak_jobs = jobs.recent(ctx.actor, "leaks", ctx.lang, limit=JOBS_SHOWN)
    shown_link = jobs.get(ctx.actor, link, "link", ctx.lang) if link else (links[0] if links else None)
    shown_leaks = (
        jobs.get(ctx.actor, leaks, "leaks", ctx.lang) if leaks else (leak_jobs[0] if leak_jobs else None)
    )
    clusters = None
    if shown_link is not None and shown_link["status"] == "done":
        clusters = jobs.clusters(ctx.actor, shown_link["id"], limit=TABLE_CLUSTERS)["items"]
        for cl in clusters:
            cl["first_time"], cl["last_time"] = (str(cl[k])[:16].replace("T", " ") for k in ("first", "last"))
            _name_keys(ctx, cl)
    suspects = None
    if shown_leaks is not None and shown_leaks["status"] == "done":
        suspects = jobs.suspects(ctx.actor, shown_leaks["id"], "all")["suspects"]
    following = [j for j in (*links, *leak_jobs) if j["status"] in ("queued", "running")]
    return {
        "link_jobs": links, "leak_jobs": leak_jobs, "link_job": shown_link, "leaks_job": shown_leaks,
        "clusters": clusters, "suspects": suspects, "following": bool(following),
        "jobs_url": ctx.url("/cases/jobs", link=link, leaks=leaks),
    }  # fmt: skip


@router.get("/cases/jobs")
def case_jobs_part(ctx: CtxDep, link: str | None = None, leaks: str | None = None) -> Response:
    """The cases page's jobs alone (the page swaps them in every second while a job is queued or running)."""
    ctx.require_user()
    return page(ctx, "cases_jobs.html", {"page": "cases", **_case_jobs(ctx, link, leaks)})


@router.post("/cases/reports")
async def cases_report(ctx: CtxDep) -> Response:
    """File one victim's report (its text; report id, time, loss in yuan, reporter and victim optional) as a case;
    the browser goes back to the cases page with the case marked, or the page again with the coded error and
    what was typed."""
    _, fields = await ctx.posted()
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "cases", "cases.intake", resource="cases")
        short = {
            k: views.bounded(fields.get(k), k, 200)
            for k in ("report_id", "time", "loss", "reporter", "person_id")
        }
        result = ctx.centre.cases.file_report(
            ctx.actor,
            fields.get("text") or "",
            report_id=short["report_id"],
            time=short["time"],
            loss_yuan=short["loss"],
            reporter=short["reporter"],
            person_id=short["person_id"],
            lang=ctx.lang,
        )
    except FanzhaError as err:
        return _cases_again(ctx, err, fields)
    new = result["status"] == "accepted"
    where = ctx.url("/cases", **{"filed" if new else "duplicate": result["case_id"]}) + "#stored-title"
    return respond(ctx, result, where, 201 if new else 200)


@router.post("/cases/reports/upload")
async def cases_upload(ctx: CtxDep) -> Response:
    """File the reports of a police system's export (CSV, TSV, JSONL, JSON or text files, with the column mapping
    `fanzha cases intake --mapping` reads, as YAML; alerts files of `fanzha warn`): the cases page again with
    what became of them — accepted, updated, duplicates, and each row kept aside with its code and where; a
    mapping or a file the intake cannot read at all, the page with that coded error and the mapping as typed."""
    form, fields = await ctx.posted()
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "cases", "cases.intake", resource="cases")
        uploads = [
            (f.filename or f"reports{i}.csv", await f.read())
            for i, f in enumerate(form.getlist("reports"))
            if not isinstance(f, str) and f.filename
        ]
        if not uploads:
            raise InputError("E955", where="reports", field="reports")
        mapping = views.bounded(fields.get("mapping"), "mapping", 20_000) or None
        result = ctx.centre.cases.take(ctx.actor, uploads=uploads, mapping=mapping, lang=ctx.lang)
    except FanzhaError as err:
        return _cases_again(ctx, err, fields)
    if ctx.want_json:
        return respond(ctx, result, "", 200)
    rejected = [r for r in result["rows"] if r["status"] == "rejected"]
    notice = {
        "text": ctx.t(
            "cases.uploaded",
            files=len(uploads),
            accepted=result["accepted"],
            updated=result["updated"],
            duplicates=result["duplicates"],
            rejected=result["rejected"],
        ),
        "rejected": [r["error"] for r in rejected[:TABLE_ROWS]],
        "case": next((r["case_id"] for r in result["rows"] if r["status"] == "accepted"), None),
    }
    return _cases_page(ctx, notice=notice)


@router.post("/cases/link")
async def cases_link(ctx: CtxDep) -> Response:
    """Start a linking job (串并案) over the cases stored now, with a finished trace job's accounts when one is
    chosen; the cases page follows it until it is done."""
    _, fields = await ctx.posted()
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "cases", "cases.link", resource="cases")
        trace_id = views.bounded(fields.get("trace_id"), "trace_id", 40) or None
        job = ctx.centre.cases.jobs.submit_link(ctx.actor, trace_id)
    except FanzhaError as err:
        return _cases_again(ctx, err, fields)
    return respond(ctx, job, ctx.url("/cases", link=job["id"]) + "#jobs-title", 202)


@router.post("/cases/leaks")
async def cases_leaks(ctx: CtxDep) -> Response:
    """Start a leak-source job: a stored world's orders, or an uploaded orders.parquet (`orders`), tested
    against a linking job's cases (the one chosen, else the latest done), with the people the gang's numbers
    and accounts reached when `contacts` is ticked (a stored world's records: not with an upload, E927)."""
    form, fields = await ctx.posted()
    try:
        ctx.check_origin()
        ctx.centre.audit.require(ctx.actor, "cases", "cases.leaks", resource="cases")
        upload = next((f for f in form.getlist("orders") if not isinstance(f, str) and f.filename), None)
        orders = await upload.read() if upload is not None else None
        world = (
            None if orders is not None else views.bounded(fields.get("world"), "world", 200, required=True)
        )
        link_id = views.bounded(fields.get("link_id"), "link_id", 40) or None
        contacts = fields.get("contacts") == "1"
        job = ctx.centre.cases.jobs.submit_leaks(
            ctx.actor, world=world, orders=orders, link_id=link_id, contacts=contacts
        )
    except FanzhaError as err:
        return _cases_again(ctx, err, fields)
    return respond(ctx, job, ctx.url("/cases", leaks=job["id"]) + "#jobs-title", 202)


def _cases_again(ctx: Ctx, err: FanzhaError, fields: dict[str, str]) -> Response:
    """After a cases form's bad input: the page again with the coded error and what was typed (a refusal, or
    the JSON twin: the error page, as any page)."""
    if ctx.want_json or err.code in ("E901", "E903"):
        raise err
    return _cases_page(ctx, error=err, form=fields)


def _name_keys(ctx: Ctx, cluster: dict[str, Any]) -> None:
    """Each key that ties `cluster` named for the reader (`name`)."""
    for k in cluster["tying"]:
        k["name"] = _kind_name(ctx, k["kind"])


def _name_variants(ctx: Ctx, cases: list[dict[str, Any]]) -> None:
    """Each case's `variant_name` in the reader's language (its id when the rules do not name it; — for none)."""
    names = ctx.centre.alerts.rules.variant_names
    for c in cases:
        name = names.get(c["variant"]) if c["variant"] else None
        c["variant_name"] = name.get(ctx.lang) if name is not None else (c["variant"] or "—")


def _kind_name(ctx: Ctx, kind: str) -> str:
    """An identifier kind as the reader names it (银行卡, QQ号 …; a linking key `partial:bank_card` is a partial
    number), or the kind itself when the catalogue has none."""
    key = "entity.partial_number" if kind.startswith("partial:") else f"entity.{kind}"
    try:
        return ctx.msg(key)
    except KeyError:
        return kind


def _local(t_us: int | None) -> str:
    """``2024-03-04 23:00`` in China's time, from µs."""
    if not t_us:
        return "—"
    return datetime.fromtimestamp(t_us / 1e6, ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
