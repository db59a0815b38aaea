"""Maturity, CRS and the headline numbers (MTTD, MTTR, availability, error budgets)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict


class EvidenceView(TypedDict):
    """One piece of evidence a criterion rests on."""

    kind: Annotated[
        str, Field(description="run, drill, alert, incident, adaptation, review, report, breaker or config")
    ]
    ref: Annotated[str, Field(description="what it is: a run id, an incident id, an edge, a setting")]
    at: Annotated[float | None, Field(description="when it happened (epoch s); None for configuration in place")]
    note: Annotated[str, Field(description="what it shows")]


class CriterionView(TypedDict):
    """One maturity criterion with its verdict."""

    id: Annotated[str, Field(description="pillar.name")]
    level: Annotated[int, Field(description="the level (2..5) it belongs to")]
    description: Annotated[str, Field(description="what must hold")]
    holds: Annotated[bool, Field(description="whether it holds now")]
    evidence: Annotated[list[EvidenceView], Field(description="what made it true (newest first), or what was seen")]
    reason: Annotated[str | None, Field(description="why it does not hold; None when it holds")]


class PillarMaturityView(TypedDict):
    """One pillar's level, the gaps to the next level and every criterion with its evidence."""

    level: Annotated[int, Field(description="maturity level 1..5")]
    label: Annotated[str, Field(description="the level's name")]
    description: Annotated[str, Field(description="what the level means")]
    next_level: Annotated[int | None, Field(description="the next level; None at L5")]
    met: Annotated[list[str], Field(description="ids of the criteria that hold")]
    unmet: Annotated[list[str], Field(description="ids of the criteria that do not hold")]
    gaps: Annotated[list[dict[str, Any]], Field(description="the unmet criteria of the next level")]
    criteria: Annotated[list[CriterionView], Field(description="every criterion, by level, with its verdict")]


class MaturityView(TypedDict):
    """The maturity assessment: CRS under a risk profile and in every profile, each pillar's
    criteria with the evidence they rest on (measured only: seeded history never counts,
    evidence decays after evidence_max_age_days, a failed experiment counts for nothing)."""

    profile: Annotated[str, Field(description="the risk profile 'crs' is computed under")]
    crs: Annotated[float, Field(description="composite resilience score 1..5 under profile")]
    crs_percent: Annotated[float, Field(description="crs as a percentage, 0..100")]
    crs_by_profile: Annotated[dict[str, float], Field(description="risk profile -> CRS 1..5, for every profile")]
    pillars: Annotated[dict[str, PillarMaturityView], Field(description="pillar -> its level and criteria")]
    at: Annotated[float, Field(description="when the assessment was made (epoch s)")]
    evidence_max_age_days: Annotated[float, Field(description="evidence older than this no longer counts")]


class TimeToMetric(TypedDict):
    """A mean time (to detect or to recover) over the measured incidents, against its target."""

    seconds: Annotated[float | None, Field(description="the mean, in seconds; None until something was measured")]
    target_seconds: Annotated[float, Field(description="the target, in seconds")]
    incidents: Annotated[int, Field(description="incidents measured")]
    meets_target: Annotated[bool | None, Field(description="seconds <= target_seconds; None until measured")]
    measured_from: Annotated[
        dict[str, int],
        Field(
            description="what each incident's onset is: how many began at the first bad request clients saw "
            "(clients), a probe saw (probes), or the detector's first breaching sample (breaching_sample)"
        ),
    ]


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
    experiment_bad_events: Annotated[
        int, Field(description="of bad_events, those seen while a deliberate chaos fault acted (or just after)")
    ]
    remaining_outside_experiments: Annotated[
        float,
        Field(
            description="fraction of the budget left counting only events seen outside experiments: what an "
            "experiment's budget gate reads, so experiments run back to back while an outage still blocks them"
        ),
    ]


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
