"""Maturity, CRS and the headline numbers (MTTD, MTTR, availability, error budgets)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict


class MaturityView(TypedDict):
    """The maturity assessment: CRS under a risk profile and in every profile, each pillar's level and gaps."""

    profile: Annotated[str, Field(description="the risk profile 'crs' is computed under")]
    crs: Annotated[float, Field(description="composite resilience score 1..5 under profile")]
    crs_percent: Annotated[float, Field(description="crs as a percentage, 0..100")]
    crs_by_profile: Annotated[dict[str, float], Field(description="risk profile -> CRS 1..5, for every profile")]
    pillars: Annotated[
        dict[str, dict[str, Any]],
        Field(description="pillar -> level, label, description, next_level, met, unmet, gaps"),
    ]
    facts: Annotated[dict[str, Any], Field(description="the measured MaturityContext the levels rest on")]


class TimeToMetric(TypedDict):
    """A mean time (to detect or to recover) over the measured incidents, against its target."""

    seconds: Annotated[float | None, Field(description="the mean, in seconds; None until something was measured")]
    target_seconds: Annotated[float, Field(description="the target, in seconds")]
    incidents: Annotated[int, Field(description="incidents measured")]
    meets_target: Annotated[bool | None, Field(description="seconds <= target_seconds; None until measured")]


class ServiceAvailability(TypedDict):
    """One service's availability, from its availability SLOs."""

    availability: Annotated[float, Field(description="good / total; 1.0 without traffic")]
    good: Annotated[int, Field(description="good events")]
    total: Annotated[int, Field(description="all events")]


class AvailabilityView(TypedDict):
    """Availability from the availability SLOs, overall and per service."""

    overall: Annotated[float, Field(description="good / total over every service; 1.0 without traffic")]
    good: Annotated[int, Field(description="good events, all services")]
    total: Annotated[int, Field(description="all events, all services")]
    services: Annotated[dict[str, ServiceAvailability], Field(description="service -> its availability")]


class ErrorBudgetView(TypedDict):
    """One SLO's error budget."""

    slo: Annotated[str, Field(description="SLO name")]
    service: Annotated[str, Field(description="the service it covers")]
    target: Annotated[float, Field(description="the SLO target, 0..1")]
    events: Annotated[int, Field(description="events in the SLO window")]
    bad_events: Annotated[int, Field(description="events that broke the SLO")]
    consumed: Annotated[
        float | None, Field(description="fraction of the budget spent; None when the budget is zero and already broken")
    ]
    remaining: Annotated[float, Field(description="fraction of the budget left")]


class MetricsView(TypedDict):
    """The headline numbers: MTTD, MTTR, availability, error budgets and CRS per risk profile."""

    at: Annotated[float, Field(description="when the view was taken (epoch seconds)")]
    mttd: Annotated[TimeToMetric, Field(description="mean time to detect")]
    mttr: Annotated[TimeToMetric, Field(description="mean time to recover")]
    availability: Annotated[AvailabilityView, Field(description="availability, overall and per service")]
    error_budgets: Annotated[list[ErrorBudgetView], Field(description="one per SLO")]
    risk_profile: Annotated[str, Field(description="the configured risk profile 'crs' is computed under")]
    crs: Annotated[float, Field(description="composite resilience score 1..5 under risk_profile")]
    crs_by_profile: Annotated[dict[str, float], Field(description="risk profile -> CRS 1..5")]
    crs_percent_by_profile: Annotated[dict[str, float], Field(description="risk profile -> CRS as a percentage")]
