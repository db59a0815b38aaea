"""GET /api/aref/maturity."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class MaturityOut(BaseModel):
    profile: str
    crs: float
    crs_percent: float
    crs_by_profile: dict[str, float]
    pillars: dict[str, dict[str, Any]]
    facts: dict[str, Any]
