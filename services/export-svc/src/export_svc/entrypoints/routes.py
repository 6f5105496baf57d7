"""Export jobs: create, status and progress, download (ranges), list, delete."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse

from export_svc.domain.jobs import ExportSpec, JobStatus, SourceKind
from export_svc.entrypoints.access import RevealAnonymized
from export_svc.entrypoints.deps import Services
from export_svc.entrypoints.schemas import ExportCreate, JobOut, JobPage
from export_svc.service_layer import jobs as uc
from segshared.http import Conflict, NotFound
from segshared.inputs import MAX_OFFSET, RowId
from segshared.openapi import problem_responses

router = APIRouter(prefix="/exports", tags=["exports"])


def spec_of(body: ExportCreate, reveal: bool) -> ExportSpec:
    kind: SourceKind = "segment" if body.segment_id else "card" if body.card_id else "definition"
    definition = body.definition.model_dump(exclude_none=True) if body.definition else None
    return ExportSpec(
        kind,
        body.segment_id or body.card_id,
        definition,
        tuple(body.columns or ("player_id",)),
        body.sort,
        body.order == "desc",
        body.bom,
        reveal,
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=problem_responses(404, 503),
)
async def create_export(
    body: ExportCreate,
    services: Services,
    reveal: RevealAnonymized,
    request: Request,
    response: Response,
) -> JobOut:
    """Queue an export of a segment, a card or an unsaved definition; poll its status."""
    job = await uc.create_job(
        spec_of(body, reveal), store=services.store, peers=services.peers, now=services.clock()
    )
    runner = getattr(request.app.state, "runner", None)
    if runner is not None:
        runner.poke()
    response.headers["Location"] = f"/exports/{job.id}"
    return JobOut.of(job)


@router.get("", response_model=JobPage)
async def list_exports(
    services: Services,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    source_kind: Annotated[SourceKind | None, Query()] = None,
    source_id: Annotated[RowId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> JobPage:
    """Jobs, newest first."""
    rows, total = await asyncio.to_thread(
        services.store.jobs,
        status=status_.value if status_ else None,
        source_kind=source_kind,
        source_id=source_id,
        limit=limit,
        offset=offset,
    )
    return JobPage(items=[JobOut.of(r) for r in rows], total=total)


@router.get("/{job_id}", response_model=JobOut)
async def get_export(job_id: RowId, services: Services) -> JobOut:
    """Status and progress (phase, rows read and written, percent)."""
    return JobOut.of(await uc.get_job(job_id, store=services.store))


@router.get("/{job_id}/file", response_class=FileResponse, responses=problem_responses(409, 410))
async def download(job_id: RowId, services: Services) -> FileResponse:
    """The CSV file; supports ``Range`` (206, 416) and ``If-Range`` to resume a download."""
    job = await uc.get_job(job_id, store=services.store)
    if job.status == JobStatus.EXPIRED:
        raise Gone(f"export {job_id}'s file passed its retention and was removed")
    if job.status != JobStatus.SUCCEEDED:
        raise Conflict(f"export {job_id} is {job.status}; its file is ready once succeeded")
    path = services.files.path(job.file_name)
    if not path.is_file():
        raise NotFound(f"export {job_id}'s file is missing")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=job.file_name)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_export(job_id: RowId, services: Services) -> Response:
    """Delete the job and its file; a running job stops."""
    await uc.delete_job(job_id, store=services.store, files=services.files)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class Gone(LookupError):
    """The resource existed and is gone for good (410)."""
