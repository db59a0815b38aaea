"""POST /api/aref/adaptation/flags/{name} and /adaptation/traffic/{service}."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt


class FlagIn(BaseModel):
    enabled: bool = Field(strict=True)


class TrafficIn(BaseModel):
    weights: dict[str, StrictInt] = Field(description="route -> percent; the percents sum to 100")
