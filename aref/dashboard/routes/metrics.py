"""GET /api/aref/metrics: MTTD, MTTR, availability, error budgets, CRS per profile."""

from __future__ import annotations

from fastapi import APIRouter

from aref.control.wire import MetricsView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["metrics"])


@router.get("/metrics")
async def get_metrics(cp: Plane) -> MetricsView:
    return await cp.metrics()
