"""The chaos endpoints under /api/aref/chaos: experiments, start, stop (all or one), status, runs."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Query

from aref.control.wire import ChaosStatusView, ChaosStopView, ExperimentsView, FaultView, RunSavedView, RunsView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.chaos import ChaosStartIn
from aref.dashboard.schemas.common import error_responses

router = APIRouter(prefix=f"{API_PREFIX}/chaos", tags=["chaos"])


@router.get("/experiments")
async def list_experiments(cp: Plane) -> ExperimentsView:
    return await cp.chaos_experiments()


@router.post("/start", responses=error_responses(404, 409, 422))
async def start(body: ChaosStartIn, cp: Plane) -> FaultView:
    if body.experiment is not None:
        return await cp.start_experiment(body.experiment)
    return await cp.inject_fault(**body.fault())


@router.post("/stop")
async def stop(cp: Plane) -> ChaosStopView:
    return await cp.stop_chaos()


@router.post("/stop/{fault_id}", responses=error_responses(404))
async def stop_one(fault_id: str, cp: Plane) -> FaultView:
    """Roll back one active fault; 404 when it is unknown or has already ended."""
    return await cp.stop_fault(fault_id)


@router.get("/status")
async def status(cp: Plane) -> ChaosStatusView:
    return await cp.chaos_status()


@router.post("/runs", status_code=201, responses=error_responses(422))
async def save_run(
    record: Annotated[dict[str, Any], Body(description="one run record; its 'id' keys it")], cp: Plane
) -> RunSavedView:
    return cast(
        RunSavedView, await cp.save_run(record)
    )  # typed dict[str, Any] by the plane; the response model checks it


@router.get("/runs", responses=error_responses(422))
async def list_runs(
    cp: Plane, limit: Annotated[int, Query(description="newest run records to return, 1-1000")] = 50
) -> RunsView:
    return {"runs": await cp.runs(limit)}
