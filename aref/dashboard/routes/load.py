"""The load endpoints under /api/aref/load: status, start (409 while one runs), stop (idle is fine)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aref.control.wire import LoadRecordView, LoadView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.load import LoadStartIn

router = APIRouter(prefix=f"{API_PREFIX}/load", tags=["load"])


@router.get("")
async def status(cp: Plane) -> LoadView:
    """The background load: its plan, progress and client-side record (requests, errors, latency)."""
    return await cp.load_status()


@router.get("/record", responses=error_responses(422))
async def record(
    cp: Plane, after: Annotated[int, Query(description="the position to read from (the last reply's 'next')")] = 0
) -> LoadRecordView:
    """Every outcome of the current (or last) load from ``after`` on: what a runner needs for ground truth."""
    return await cp.load_record(after)


@router.post("/start", responses=error_responses(409, 422))
async def start(body: LoadStartIn, cp: Plane) -> LoadView:
    """Send orders through the gateway on a traffic plan, in the background; 409 while a load runs."""
    return await cp.start_load(body.plan())


@router.post("/stop")
async def stop(cp: Plane) -> LoadView:
    """Stop the load and wait for the answers in flight; when none runs, just the last status."""
    return await cp.stop_load()
