"""GET /api/aref/services and POST /api/aref/services/{service}/scale."""

from __future__ import annotations

from fastapi import APIRouter

from aref.control.wire import ReplicaView, ServicesView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.services import ScaleIn

router = APIRouter(prefix=API_PREFIX, tags=["services"])


@router.get("/services")
async def list_services(cp: Plane) -> ServicesView:
    return await cp.services()


@router.post(
    "/services/{service}/scale",
    responses=error_responses(404, 422),
)
async def scale_service(service: str, body: ScaleIn, cp: Plane) -> ReplicaView:
    return await cp.scale(service, body.replicas)
