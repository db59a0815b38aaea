"""GET /api/aref/maturity?profile=: the assessment across all risk profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aref.control.wire import MaturityView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses

router = APIRouter(prefix=API_PREFIX, tags=["maturity"])


@router.get("/maturity", responses=error_responses(422))
async def get_maturity(
    cp: Plane,
    profile: Annotated[str | None, Query(description="risk profile for 'crs'; default: the configured one")] = None,
) -> MaturityView:
    return await cp.maturity(profile)
