"""GET /api/aref/metrics: MTTD, MTTR, availability, error budgets, CRS per profile."""

from __future__ import annotations

from fastapi import APIRouter

from aref.dashboard.control_plane import MetricsView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.metrics import MetricsOut

router = APIRouter(prefix=API_PREFIX, tags=["metrics"])


@router.get("/metrics", response_model=MetricsOut)
async def get_metrics(cp: Plane) -> MetricsView:
    return await cp.metrics()
