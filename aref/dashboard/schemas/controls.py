"""POST /api/aref/adaptation/flags/{name} and /adaptation/traffic/{service}."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt


class FlagIn(BaseModel):
    enabled: bool = Field(strict=True)


class FlagOut(BaseModel):
    name: str
    service: str
    kind: str
    enabled: bool
    critical: bool
    changed_by: str | None
    changed_at: float | None
    reason: str


class TrafficIn(BaseModel):
    weights: dict[str, StrictInt] = Field(description="route -> percent; the percents sum to 100")


class TrafficOut(BaseModel):
    service: str
    weights: dict[str, int]
