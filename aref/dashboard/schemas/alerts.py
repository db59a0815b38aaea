"""GET /api/aref/alerts, POST /api/aref/alerts/{id}/ack and /resolve."""

from __future__ import annotations

from pydantic import BaseModel, Field

from aref.dashboard.schemas.status import AlertCountsOut


class AlertOut(BaseModel):
    id: str
    fingerprint: str
    service: str
    metric: str
    detector: str
    detection_class: str
    severity: str
    state: str = Field(description="firing | acknowledged | resolved")
    value: float | None
    threshold: float | None
    onset_at: float
    fired_at: float
    last_seen: float
    correlation_id: str
    count: int
    acked_at: float | None
    resolved_at: float | None
    actioned_at: float | None


class AlertsOut(BaseModel):
    active: list[AlertOut]
    recent_resolved: list[AlertOut]
    counts: AlertCountsOut
