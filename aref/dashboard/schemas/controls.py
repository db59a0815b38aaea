"""POST /api/aref/adaptation/flags/{name}, /adaptation/traffic/{service} and /absorption/tiers/{service}."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictInt


class FlagIn(BaseModel):
    enabled: bool = Field(strict=True)


class TrafficIn(BaseModel):
    weights: dict[str, StrictInt] = Field(description="route -> percent; the percents sum to 100")


class TierIn(BaseModel):
    tier: Literal["full", "reduced", "minimal", "emergency"] | None = Field(
        description="the tier to hold the service at; null lifts the pin and the tier follows its signals again"
    )
