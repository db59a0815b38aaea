"""The background load: its plan, progress and client-side record."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict


class LoadPlanView(TypedDict):
    """What the load generator sends (a ``chaos.loadgen.TrafficPlan``; None: that profile's default)."""

    profile: Annotated[str, Field(description="steady | ramp | spike")]
    rate_per_s: Annotated[float, Field(description="orders a second (the steady rate)")]
    duration_s: Annotated[float, Field(description="seconds of traffic")]
    ramp_s: Annotated[float | None, Field(description="ramp: seconds to reach rate_per_s")]
    spike_rate_per_s: Annotated[float | None, Field(description="spike: the burst rate")]
    spike_at_s: Annotated[float | None, Field(description="spike: when the burst starts")]
    spike_s: Annotated[float | None, Field(description="spike: how long it lasts")]


class ClientStatsView(TypedDict):
    """What the load generator's client saw (``chaos.loadgen.ClientStats``): status 0 = no answer."""

    requests: Annotated[int, Field(description="requests answered or failed, so far")]
    errors: Annotated[int, Field(description="requests not answered 2xx/3xx (status 0: no answer)")]
    error_rate: Annotated[float | None, Field(description="errors / requests; None without requests")]
    latency_p50_ms: Annotated[float | None, Field(description="median latency (ms); None without requests")]
    latency_p99_ms: Annotated[float | None, Field(description="99th percentile latency (ms); None without requests")]
    by_status: Annotated[dict[str, int], Field(description="HTTP status -> requests")]
    skipped: Annotated[int, Field(description="sends not made: too many requests in flight")]


class LoadView(TypedDict):
    """The background load: its plan, its progress and its client-side record."""

    running: Annotated[bool, Field(description="whether the load is sending now")]
    target: Annotated[str, Field(description="where the orders go: the gateway's order URL, or the in-memory shop")]
    plan: Annotated[LoadPlanView | None, Field(description="what it sends; None until a load was started")]
    started_at: Annotated[float | None, Field(description="when the plan started; None until one did")]
    stopped_at: Annotated[float | None, Field(description="when the plan ended or was stopped; None while it runs")]
    sent: Annotated[int, Field(description="orders sent so far")]
    in_flight: Annotated[int, Field(description="orders sent and not answered yet")]
    stats: Annotated[ClientStatsView, Field(description="the client-side record of the outcomes")]


class OutcomeView(TypedDict):
    """One order the load generator sent (``chaos.loadgen.Outcome``): status 0 = no answer."""

    at: Annotated[float, Field(description="when the order was sent (epoch seconds)")]
    status: Annotated[int, Field(description="HTTP status; 0 when no answer came")]
    latency_ms: Annotated[float, Field(description="time to the answer (ms)")]
    error: Annotated[str | None, Field(description="what went wrong; None when answered")]


class LoadRecordView(TypedDict):
    """The load's outcomes from a position on, for a client that follows the record (the runner)."""

    outcomes: Annotated[list[OutcomeView], Field(description="in completion order, from position 'after' on")]
    next: Annotated[int, Field(description="the position to ask from next time")]
    skipped: Annotated[int, Field(description="sends not made so far: too many requests in flight")]
