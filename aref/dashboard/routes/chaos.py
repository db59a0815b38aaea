"""The chaos endpoints under /api/aref/chaos: experiments, start, stop, status."""

from __future__ import annotations

from fastapi import APIRouter

from aref.dashboard.control_plane import ChaosStatusView, ChaosStopView, ExperimentsView, FaultView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.chaos import ChaosStartIn, ChaosStatusOut, ChaosStopOut, ExperimentsOut, FaultOut
from aref.dashboard.schemas.common import error_responses

router = APIRouter(prefix=f"{API_PREFIX}/chaos", tags=["chaos"])


@router.get("/experiments", response_model=ExperimentsOut)
async def list_experiments(cp: Plane) -> ExperimentsView:
    return await cp.chaos_experiments()


@router.post(
    "/start",
    response_model=FaultOut,
    responses=error_responses(404, 409, 422),
)
async def start(body: ChaosStartIn, cp: Plane) -> FaultView:
    if body.experiment is not None:
        return await cp.start_experiment(body.experiment)
    return await cp.inject_fault(**body.fault())


@router.post("/stop", response_model=ChaosStopOut)
async def stop(cp: Plane) -> ChaosStopView:
    return await cp.stop_chaos()


@router.get("/status", response_model=ChaosStatusOut)
async def status(cp: Plane) -> ChaosStatusView:
    return await cp.chaos_status()
