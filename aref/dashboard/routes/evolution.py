"""GET /api/aref/evolution: the evolution engine's status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.pillars import EvolutionOut

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/evolution", response_model=EvolutionOut)
async def get_evolution(cp: Plane) -> dict[str, Any]:
    return await cp.evolution()
