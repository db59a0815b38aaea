"""GET /api/aref/recovery (the engine's status), POST /api/aref/recovery/drills (start a drill) and
POST /api/aref/recovery/{recovery_id}/steps/{step}/approve (approve a step waiting for approval)."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import RecoveryRunView, RecoveryView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.recovery import ApproveIn, DrillIn

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/recovery")
async def get_recovery(cp: Plane) -> RecoveryView:
    return cast(RecoveryView, await cp.recovery())  # typed dict[str, Any] by the plane; the response model checks it


@router.post("/recovery/drills", status_code=202, responses=error_responses(404, 409, 422))
async def start_drill(body: DrillIn, cp: Plane) -> RecoveryRunView:
    """Run the runbooks of ``tiers`` (or the ``runbooks`` named) on ``service`` back to back, as a
    recovery marked as a drill (a dry run when asked). Refused while the service recovers (409)."""
    return await cp.drill(body.service, body.tiers, runbooks=body.runbooks, dry_run=body.dry_run, by=body.by)


@router.post("/recovery/{recovery_id}/steps/{step}/approve", responses=error_responses(404, 409, 422))
async def approve_step(recovery_id: str, step: str, body: ApproveIn, cp: Plane) -> RecoveryRunView:
    """Approve the step of the recovery's current runbook that waits for approval; the recovery goes on."""
    return await cp.approve(recovery_id, step, body.by)
