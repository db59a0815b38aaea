"""GET /api/aref/status."""

from __future__ import annotations

from pydantic import BaseModel


class PillarScoreOut(BaseModel):
    level: int
    label: str


class AlertCountsOut(BaseModel):
    open: int
    firing: int
    acknowledged: int
    by_severity: dict[str, int]


class ChaosSummaryOut(BaseModel):
    active_faults: int
    services: list[str]
    experiments: list[str]


class StatusOut(BaseModel):
    version: str
    at: float
    risk_profile: str
    crs: float
    crs_percent: float
    crs_by_profile: dict[str, float]
    pillars: dict[str, PillarScoreOut]
    alerts: AlertCountsOut
    active_recoveries: int
    chaos: ChaosSummaryOut
