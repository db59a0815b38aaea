"""POST /api/aref/recovery/drills and the approval of a waiting step: their request bodies."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictBool


class DrillIn(BaseModel):
    service: str = Field(min_length=1, description="the service to drill, e.g. payments")
    tiers: list[str] = Field(["T0"], min_length=1, description="tiers whose runbooks run one after the other")
    runbooks: list[str] = Field(
        [], description="instead of tiers: the runbooks to run, by name (drill-only ones included), tiers ascending"
    )
    dry_run: StrictBool = Field(False, description="perform and measure nothing; every step says dry run")
    by: str = Field("api", min_length=1, description="who runs the drill")


class ApproveIn(BaseModel):
    by: str = Field(min_length=1, description="who approves the step")
