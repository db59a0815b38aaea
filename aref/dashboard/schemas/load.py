"""The load endpoints: start a background load on a traffic plan, stop it, read its status.

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


class LoadPlanOut(BaseModel):
    profile: str = Field(description="steady | ramp | spike")
    rate_per_s: float
    duration_s: float
    ramp_s: float | None
    spike_rate_per_s: float | None
    spike_at_s: float | None
    spike_s: float | None


class ClientStatsOut(BaseModel):
    requests: int
    errors: int = Field(description="requests not answered 2xx/3xx (status 0: no answer)")
    error_rate: float | None
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    by_status: dict[str, int]
    skipped: int = Field(description="sends not made: too many requests in flight")


class OutcomeOut(BaseModel):
    at: float = Field(description="when the order was sent (epoch seconds)")
    status: int = Field(description="HTTP status; 0 when no answer came")
    latency_ms: float
    error: str | None


class LoadRecordOut(BaseModel):
    outcomes: list[OutcomeOut] = Field(description="in completion order, from position 'after' on")
    next: int = Field(description="the position to ask from next time")
    skipped: int = Field(description="sends not made so far: too many requests in flight")


class LoadOut(BaseModel):
    running: bool
    target: str = Field(description="where the orders go: the gateway's order URL, or the in-memory shop")
    plan: LoadPlanOut | None
    started_at: float | None
    stopped_at: float | None
    sent: int
    in_flight: int
    stats: ClientStatsOut
