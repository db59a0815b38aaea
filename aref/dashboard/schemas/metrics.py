"""GET /api/aref/metrics."""

from __future__ import annotations

from pydantic import BaseModel


class TimeToMetricOut(BaseModel):
    seconds: float | None
    target_seconds: float
    incidents: int
    meets_target: bool | None


class ServiceAvailabilityOut(BaseModel):
    availability: float
    good: int
    total: int


class AvailabilityOut(BaseModel):
    overall: float
    good: int
    total: int
    services: dict[str, ServiceAvailabilityOut]


class ErrorBudgetOut(BaseModel):
    slo: str
    service: str
    target: float
    events: int
    bad_events: int
    consumed: float | None
    remaining: float


class MetricsOut(BaseModel):
    at: float
    mttd: TimeToMetricOut
    mttr: TimeToMetricOut
    availability: AvailabilityOut
    error_budgets: list[ErrorBudgetOut]
    risk_profile: str
    crs: float
    crs_by_profile: dict[str, float]
    crs_percent_by_profile: dict[str, float]
