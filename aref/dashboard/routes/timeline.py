"""GET /api/aref/timeline?category=&severity=&correlation_id=&limit=."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aref.control.wire import TimelineView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses

router = APIRouter(prefix=API_PREFIX, tags=["timeline"])


@router.get("/timeline", responses=error_responses(422))
async def get_timeline(
    cp: Plane,
    category: Annotated[str | None, Query(description="detection, absorption, ..., chaos, system")] = None,
    severity: Annotated[str | None, Query(description="info, warning, critical or emergency")] = None,
    correlation_id: Annotated[str | None, Query(description="one incident's events")] = None,
    limit: Annotated[int, Query(description="newest events to return, 1-1000")] = 100,
) -> TimelineView:
    return await cp.timeline(category=category, severity=severity, correlation_id=correlation_id, limit=limit)
