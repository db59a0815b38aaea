"""POST /api/aref/seed: load optional demo history (past incidents with their reviews); never done by default."""

from __future__ import annotations

from fastapi import APIRouter

from aref.control.wire import SeededView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.seed import SeedIn

router = APIRouter(prefix=API_PREFIX, tags=["demo"])


@router.post("/seed", status_code=201, responses=error_responses(422))
async def seed(body: SeedIn, cp: Plane) -> SeededView:
    """Add past, resolved incidents marked as demo history, each reviewed by the evolution engine."""
    return await cp.seed(body.incidents)
