"""案件 (cases): reports filed as cases (JSON rows or an upload of a police system's export), the stored cases
page by page, and linking (串并案) and leak-source runs as jobs — all through `Centre.cases`, as the console's
cases page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fanzha.centre.cases import CaseFilter
from fanzha.records.units import us_of
from fanzha.service.deps import ActorDep, CentreDep, LangDep
from fanzha.service.routes_public import json
from fanzha.service.schemas import (
    CaseJobPublic,
    CasePage,
    CasePublic,
    ClusterPage,
    IntakePublic,
    LeaksCreate,
    LinkCreate,
    ReportsCreate,
    SuspectsPublic,
)

router = APIRouter(prefix="/v1")
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
Field = Annotated[str | None, Query(max_length=200)]


@router.post("/cases/reports", tags=["cases"], response_model=IntakePublic)
async def take_reports(body: ReportsCreate, actor: ActorDep, centre: CentreDep, lang: LangDep) -> Response:
    """Reports as JSON objects → cases, as `fanzha cases intake` files them: each row accepted (its case: label,
    category, variant, stage, loss, identifiers with their spans), a duplicate of a stored report id, or
    rejected with its code; the new cases are stored before the answer."""
    result = await run_in_threadpool(
        lambda: centre.cases.take(
            actor, rows=body.reports, mapping=body.mapping, pairs=body.map or (), lang=lang
        )
    )
    return json(result)


@router.post("/cases/reports/upload", tags=["cases"], response_model=IntakePublic)
async def upload_reports(
    actor: ActorDep,
    centre: CentreDep,
    lang: LangDep,
    reports: Annotated[
        list[UploadFile] | None, File(description="report files: .jsonl, .json, .csv, .tsv (an export), .txt")
    ] = None,
    mapping: Annotated[str | None, Form(max_length=20_000, description="a column mapping (YAML)")] = None,
    map: Annotated[list[str] | None, Form(description="FIELD=COLUMN pairs, as --map")] = None,
) -> Response:
    """A police system's export (CSV with a column mapping, JSONL, JSON, text) → cases, row by row, as
    `POST /v1/cases/reports` (multipart/form-data)."""
    centre.audit.require(actor, "cases", "cases.intake", resource="cases")
    files = [(f.filename or f"reports{i}.jsonl", await f.read()) for i, f in enumerate(reports or [])]
    result = await run_in_threadpool(
        lambda: centre.cases.take(actor, uploads=files, mapping=mapping, pairs=map or (), lang=lang)
    )
    return json(result)


@router.get("/cases", tags=["cases"], response_model=CasePage)
def list_cases(
    actor: ActorDep,
    centre: CentreDep,
    label: Annotated[str | None, Query(pattern="^(scam|suspicious|safe)$")] = None,
    category: Field = None,
    variant: Field = None,
    person_id: Field = None,
    report_id: Field = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Response:
    """The stored cases, newest report first: `label`, `category`, `variant`, `person_id`, `report_id`, the
    report time from `since` to before `until`; each with its identifiers."""
    filt = CaseFilter(
        label,
        category,
        variant,
        person_id,
        report_id,
        us_of(since) if since is not None else None,
        us_of(until) if until is not None else None,
    )
    return json(centre.cases.page(actor, filt, offset=offset, limit=limit))


@router.post("/cases/link", tags=["cases"], response_model=CaseJobPublic, status_code=202)
def create_link(body: LinkCreate, actor: ActorDep, centre: CentreDep) -> Response:
    """A linking job (串并案) over the cases stored now, with a trace job's accounts when `trace_id` is given."""
    return json(centre.cases.jobs.submit_link(actor, body.trace_id), 202)


@router.get("/cases/link", tags=["cases"], response_model=list[CaseJobPublic])
def list_links(actor: ActorDep, centre: CentreDep, lang: LangDep) -> list[dict[str, Any]]:
    """The latest linking jobs."""
    return centre.cases.jobs.recent(actor, "link", lang)


@router.get("/cases/link/{link_id}", tags=["cases"], response_model=CaseJobPublic)
def get_link(link_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> dict[str, Any]:
    """A linking job's status and, when done, its summary."""
    return centre.cases.jobs.get(actor, link_id, "link", lang)


@router.get("/cases/link/{link_id}/clusters", tags=["cases"], response_model=ClusterPage)
def get_link_clusters(
    link_id: str,
    actor: ActorDep,
    centre: CentreDep,
    min_size: Annotated[int, Query(ge=1, le=100_000)] = 2,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Response:
    """A page of the clusters, largest first: members, strength, the identifiers that tie them, hubs set aside."""
    return json(centre.cases.jobs.clusters(actor, link_id, min_size=min_size, offset=offset, limit=limit))


@router.post("/cases/leaks", tags=["cases"], response_model=CaseJobPublic, status_code=202)
def create_leaks(body: LeaksCreate, actor: ActorDep, centre: CentreDep) -> Response:
    """A leak-source job: a stored world's orders tested against a linking job's cases."""
    return json(centre.cases.jobs.submit_leaks(actor, **body.model_dump()), 202)


@router.post("/cases/leaks/upload", tags=["cases"], response_model=CaseJobPublic, status_code=202)
async def upload_leaks(
    actor: ActorDep,
    centre: CentreDep,
    orders: Annotated[UploadFile | None, File(description="orders.parquet (docs/cases.md)")] = None,
    link_id: Annotated[str | None, Form(max_length=40)] = None,
    window_days: Annotated[float | None, Form(gt=0, le=3650)] = None,
    alpha: Annotated[float | None, Form(gt=0, lt=1)] = None,
    min_victims: Annotated[int | None, Form(ge=1, le=100_000)] = None,
) -> Response:
    """A leak-source job over uploaded orders (multipart/form-data)."""
    centre.audit.require(actor, "cases", "cases.leaks", resource="cases")
    data = await orders.read() if orders is not None else None
    options: dict[str, Any] = {
        "link_id": link_id,
        "window_days": window_days,
        "alpha": alpha,
        "min_victims": min_victims,
    }
    job = await run_in_threadpool(lambda: centre.cases.jobs.submit_leaks(actor, orders=data, **options))
    return json(job, 202)


@router.get("/cases/leaks", tags=["cases"], response_model=list[CaseJobPublic])
def list_leaks(actor: ActorDep, centre: CentreDep, lang: LangDep) -> list[dict[str, Any]]:
    """The latest leak-source jobs."""
    return centre.cases.jobs.recent(actor, "leaks", lang)


@router.get("/cases/leaks/{leaks_id}", tags=["cases"], response_model=CaseJobPublic)
def get_leaks(leaks_id: str, actor: ActorDep, centre: CentreDep, lang: LangDep) -> dict[str, Any]:
    """A leak-source job's status and, when done, its summary."""
    return centre.cases.jobs.get(actor, leaks_id, "leaks", lang)


@router.get("/cases/leaks/{leaks_id}/suspects", tags=["cases"], response_model=SuspectsPublic)
def get_leak_suspects(
    leaks_id: str,
    actor: ActorDep,
    centre: CentreDep,
    scope: Annotated[str, Query(max_length=40, description="all, reports, or cluster:N")] = "all",
) -> Response:
    """The merchants suspected of the leak in one scope, each with the victims and orders behind it."""
    return json(centre.cases.jobs.suspects(actor, leaks_id, scope))


@router.get("/cases/{case_id}", tags=["cases"], response_model=CasePublic)
def get_case(case_id: str, actor: ActorDep, centre: CentreDep) -> Response:
    """One case whole: text, findings, identifiers with their spans, and its cluster in the latest linking job."""
    return json(centre.cases.get(actor, case_id))
