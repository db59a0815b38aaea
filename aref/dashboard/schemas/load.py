"""The load start request: a background load on a traffic plan.

A start request is a ``chaos.loadgen.TrafficPlan`` without the runner-only ``warmup_s``. Values
are only typed here: the plan checks its own bounds and names the field it refuses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chaos.loadgen import MAX_DURATION_S, MAX_RATE_PER_S, Profile, TrafficPlan


class LoadStartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: Profile = Field(Profile.STEADY, description="steady | ramp | spike")
    rate_per_s: float = Field(description=f"orders a second (the steady rate), at most {MAX_RATE_PER_S:g}")
    duration_s: float = Field(description=f"seconds of traffic, at most {MAX_DURATION_S:g}")
    ramp_s: float | None = Field(None, description="ramp: seconds to reach rate_per_s (default: the whole duration)")
    spike_rate_per_s: float | None = Field(None, description="spike: the burst rate (default: 5 x rate_per_s)")
    spike_at_s: float | None = Field(None, description="spike: when the burst starts (default: a third in)")
    spike_s: float | None = Field(None, description="spike: how long it lasts (default: a sixth of the duration)")

    def plan(self) -> TrafficPlan:
        """The plan, checked (``InvalidInputError`` naming the field)."""
        return TrafficPlan(**self.model_dump())


# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
