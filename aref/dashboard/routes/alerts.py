"""GET /api/aref/alerts, POST /api/aref/alerts/{alert_id}/ack and /resolve."""

from __future__ import annotations

from fastapi import APIRouter

from aref.control.wire import AlertsView, AlertView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses

router = APIRouter(prefix=API_PREFIX, tags=["alerts"])
ERRORS = error_responses(404, 409)


@router.get("/alerts")
async def list_alerts(cp: Plane) -> AlertsView:
    return await cp.alerts()


@router.post("/alerts/{alert_id}/ack", responses=ERRORS)
async def ack_alert(alert_id: str, cp: Plane) -> AlertView:
    return await cp.ack_alert(alert_id)


@router.post("/alerts/{alert_id}/resolve", responses=ERRORS)
async def resolve_alert(alert_id: str, cp: Plane) -> AlertView:
    return await cp.resolve_alert(alert_id)
