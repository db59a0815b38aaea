"""GET /metrics: Prometheus text exposition of the control plane's state."""

from __future__ import annotations

from fastapi import APIRouter, Response

from aref.dashboard.deps import Plane
from aref.dashboard.prometheus import CONTENT_TYPE, scrape

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
async def prometheus_metrics(cp: Plane) -> Response:
    return Response(await scrape(cp), media_type=CONTENT_TYPE)
