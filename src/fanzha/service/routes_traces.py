"""Trace jobs: upload ledgers and seeds or name a stored world; read the freeze list, flows, cash-outs, mules;
the freeze request per bank as JSON, CSV or a printable page (its JSON twin)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, Response

from fanzha.centre.traces import freeze_csv, freeze_html
from fanzha.service.deps import ActorDep, CentreDep, LangDep
from fanzha.service.routes_public import json
from fanzha.service.schemas import TablePage, TracePublic, WorldTraceCreate

router = APIRouter(prefix="/v1")
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Limit = Annotated[int, Query(ge=1, le=5_000)]


@router.post("/traces", tags=["traces"], response_model=TracePublic, status_code=202)
async def create_trace(
    actor: ActorDep,
    centre: CentreDep,
    ledger: Annotated[list[UploadFile] | None, File(description="ledger CSV or Parquet files")] = None,
    seeds: Annotated[UploadFile | None, File(description="SEEDS.csv: victim_id,transfer_id rows")] = None,
    policy: Annotated[str, Form(max_length=40)] = "fifo",
) -> Response:
    """A trace job over uploaded bank ledgers and seeds (multipart/form-data); it runs in the background."""
    from starlette.concurrency import run_in_threadpool

    centre.audit.require(actor, "traces", "trace.create", resource="trace")
    ledgers = [(f.filename or f"ledger{i}.csv", await f.read()) for i, f in enumerate(ledger or [])]
    seed = (seeds.filename or "seeds.csv", await seeds.read()) if seeds is not None else None
    job = await run_in_threadpool(centre.traces.submit_upload, actor, ledgers, seed, policy)
    return json(job, 202)


@router.post("/traces/world", tags=["traces"], response_model=TracePublic, status_code=202)
def create_world_trace(body: WorldTraceCreate, actor: ActorDep, centre: CentreDep) -> Response:
    """A trace job over a stored world's ledger (seeds given, or the world's reported cases: one a reported
    campaign, under its report's id)."""
    seeds = [s.model_dump() for s in body.seeds] if body.seeds is not None else None
    return json(centre.traces.submit_world(actor, body.world, seeds, body.policy), 202)


@router.get("/traces", tags=["traces"], response_model=list[TracePublic])
def list_traces(actor: ActorDep, centre: CentreDep, lang: LangDep) -> list[dict[str, Any]]:
    """The latest trace jobs."""
    return centre.traces.recent(actor, lang)


@router.get("/traces/worlds", tags=["traces"])
def list_worlds(actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """The stored worlds a trace can name."""
    centre.audit.require(actor, "traces", "trace.worlds", resource="trace")
    return {"worlds": centre.traces.worlds()}


@router.get("/traces/{trace_id}", tags=["traces"], response_model=TracePublic)
def get_trace(trace_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> dict[str, Any]:
    """A job's status and, when done, its summary."""
    return centre.traces.get(actor, trace_id, lang)


def _table(name: str) -> Any:
    def read(
        trace_id: str, actor: ActorDep, centre: CentreDep, offset: Offset = 0, limit: Limit = 100
    ) -> Response:
        return json(centre.traces.table(actor, trace_id, name, offset=offset, limit=limit))

    read.__name__ = f"get_trace_{name}"
    read.__doc__ = f"A page of the trace's {name.replace('_', ' ')} table."
    return read


for _name, _path in (
    ("freeze", "freeze"),
    ("flows", "flows"),
    ("cash_outs", "cash-outs"),
    ("mules", "mules"),
):
    router.add_api_route(
        f"/traces/{{trace_id}}/{_path}",
        _table(_name),
        methods=["GET"],
        tags=["traces"],
        response_model=TablePage,
    )


@router.get("/traces/{trace_id}/banks", tags=["traces"])
def list_freeze_banks(trace_id: str, actor: ActorDep, centre: CentreDep) -> dict[str, Any]:
    """The banks of the freeze list, with the accounts and the amount to freeze at each."""
    return {"trace_id": trace_id, "banks": centre.traces.banks(actor, trace_id)}


@router.get(
    "/traces/{trace_id}/freeze-requests/{bank}",
    tags=["traces"],
    responses={200: {"content": {"text/csv": {}, "text/html": {}, "application/json": {}}}},
)
def get_freeze_request(
    trace_id: str,
    bank: str,
    actor: ActorDep,
    centre: CentreDep,
    lang: LangDep,
    format: Literal["json", "csv", "html"] = "json",
) -> Response:
    """The freeze request to one bank: JSON, CSV, or a printable page (zh by default)."""
    req = centre.traces.freeze_request(actor, trace_id, bank)
    if format == "csv":
        return Response(
            "\ufeff" + freeze_csv(req, lang),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="freeze-{trace_id}.csv"'},
        )
    if format == "html":
        return HTMLResponse(freeze_html(req, lang))
    return json(req)
