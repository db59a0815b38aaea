"""GET /api/aref/evolution: the evolution engine's status."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import EvolutionView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/evolution")
async def get_evolution(cp: Plane) -> EvolutionView:
    return cast(EvolutionView, await cp.evolution())  # typed dict[str, Any] by the plane; the response model checks it
