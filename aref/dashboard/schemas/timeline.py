"""GET /api/aref/timeline."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class EventOut(BaseModel):
    id: str
    topic: str
    category: str
    type: str
    severity: str
    source: str
    timestamp: float
    correlation_id: str | None
    payload: dict[str, Any]


class TimelineSummaryOut(BaseModel):
    by_category: dict[str, int]
    by_severity: dict[str, int]
    by_source: dict[str, int]


class TimelineOut(BaseModel):
    events: list[EventOut]
    matched: int
    retained: int
    summary: TimelineSummaryOut
