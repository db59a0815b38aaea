"""The overview: CRS, pillar levels, alert counts and the chaos summary."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict


class PillarScore(TypedDict):
    """One pillar's maturity level."""

    level: Annotated[int, Field(description="maturity level 1..5")]
    label: Annotated[str, Field(description='the level\'s name: "Reactive" .. "Optimizing"')]


class AlertCounts(TypedDict):
    """Open alerts, counted."""

    open: Annotated[int, Field(description="alerts not resolved (firing or acknowledged)")]
    firing: Annotated[int, Field(description="open alerts nobody acknowledged yet")]
    acknowledged: Annotated[int, Field(description="open alerts acknowledged")]
    by_severity: Annotated[
        dict[str, int], Field(description="severity (every one: info, warning, critical, emergency) -> open alerts")
    ]


class ChaosSummary(TypedDict):
    """The chaos faults active now."""

    active_faults: Annotated[int, Field(description="faults active now")]
    services: Annotated[list[str], Field(description="services with an active fault, sorted")]
    experiments: Annotated[list[str], Field(description="experiments with an active fault, sorted")]


class StatusView(TypedDict):
    """The overview: CRS under the configured risk profile, pillar levels, alerts, recoveries and chaos."""

    version: Annotated[str, Field(description="AREF version")]
    runtime: Annotated[
        str,
        Field(
            description="who answers: ray (Serve replicas and the pillar actors), or simulated (the in-process "
            "transport: a simulated fleet and shop stand in for Serve, for tests and the standalone API)"
        ),
    ]
    environment: Annotated[
        str, Field(description="the deployment's environment name (AREF_ENVIRONMENT; 'local' by default)")
    ]
    at: Annotated[float, Field(description="when the view was taken (epoch seconds)")]
    risk_profile: Annotated[str, Field(description="the configured risk profile 'crs' is computed under")]
    crs: Annotated[float, Field(description="composite resilience score 1..5 under risk_profile")]
    crs_percent: Annotated[float, Field(description="crs as a percentage, 0..100")]
    crs_by_profile: Annotated[dict[str, float], Field(description="risk profile -> CRS 1..5, for every profile")]
    pillars: Annotated[dict[str, PillarScore], Field(description="pillar (every one) -> its maturity level")]
    alerts: Annotated[AlertCounts, Field(description="open alerts, counted")]
    active_recoveries: Annotated[int, Field(description="recoveries in progress")]
    chaos: Annotated[ChaosSummary, Field(description="the chaos faults active now")]
