"""POST /api/aref/seed: how many past demo incidents to add."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt

from aref.evolution.demo_history import MAX_INCIDENTS


class SeedIn(BaseModel):
    incidents: StrictInt = Field(ge=1, le=MAX_INCIDENTS, description=f"past incidents to add, 1-{MAX_INCIDENTS}")


# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
