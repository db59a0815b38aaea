"""POST /api/aref/seed: how many past demo incidents to add, and what was added."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt

from aref.evolution.demo_history import MAX_INCIDENTS


class SeedIn(BaseModel):
    incidents: StrictInt = Field(ge=1, le=MAX_INCIDENTS, description=f"past incidents to add, 1-{MAX_INCIDENTS}")


class SeededOut(BaseModel):
    incidents: int = Field(description="past, resolved demo incidents added")
    reviews: int = Field(description="post-incident reviews the evolution engine wrote for them")
    action_items: int = Field(description="action items those reviews created")
    events: int = Field(description="history events replayed into the evolution engine")
