"""The pillar views: an engine's status; declared keys guaranteed, any other key passed through."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, with_config
from typing_extensions import TypedDict

from aref.control.wire.config import OPEN
from aref.control.wire.services import ReplicaCounts


@with_config(OPEN)
class DetectionView(TypedDict):
    """The detection engine's status. The declared keys are guaranteed; any other key it reports passes through."""

    services: Annotated[list[str], Field(description="services watched")]
    detectors: Annotated[dict[str, Any], Field(description="detector name -> its status")]
    active_alerts: Annotated[list[dict[str, Any]], Field(description="open alert records")]
    recent_resolved: Annotated[list[dict[str, Any]], Field(description="recently resolved alert records")]
    alert_counts: Annotated[
        dict[str, Any], Field(description="open, firing, acknowledged, fired_since_start, by_severity")
    ]
    fatigue: Annotated[dict[str, Any], Field(description="alert fatigue statistics")]
    probes: Annotated[
        list[dict[str, Any]],
        Field(description="probe targets (service, check): last result, last success and failure, down or not"),
    ]


@with_config(OPEN)
class AbsorptionView(TypedDict):
    """The absorption engine's status. The declared keys are guaranteed; any other key it reports passes through."""

    version: Annotated[int, Field(description="version of the circuit breaker decisions")]
    breakers: Annotated[dict[str, dict[str, Any]], Field(description="dependency edge -> circuit breaker state")]
    bulkheads: Annotated[dict[str, dict[str, Any]], Field(description="service -> bulkhead state")]
    rate_limiters: Annotated[dict[str, dict[str, Any]], Field(description="service -> rate limiter state")]
    blast_radius: Annotated[dict[str, Any], Field(description="containment target and per-service blast radius")]
    degradation: Annotated[dict[str, dict[str, Any]], Field(description="service -> degradation state")]


@with_config(OPEN)
class AdaptationView(TypedDict):
    """The adaptation engine's status plus the replicas. The declared keys are guaranteed; any other key it
    reports passes through."""

    version: Annotated[int, Field(description="version of the adaptation controls")]
    flags: Annotated[dict[str, dict[str, Any]], Field(description="flag name -> feature flag state")]
    traffic: Annotated[dict[str, dict[str, int]], Field(description="service -> route -> percent")]
    scaling: Annotated[dict[str, dict[str, Any]], Field(description="service -> autoscaler state")]
    replicas: Annotated[
        dict[str, ReplicaCounts], Field(description="service -> replicas really running beside the target")
    ]
    adaptations: Annotated[list[dict[str, Any]], Field(description="recent adaptations, from the journal")]
    windows: Annotated[dict[str, Any], Field(description="adaptation windows: active, recent, window_seconds")]


@with_config(OPEN)
class RecoveryView(TypedDict):
    """The recovery engine's status. The declared keys are guaranteed; any other key it reports passes through."""

    active: Annotated[list[dict[str, Any]], Field(description="recoveries in progress")]
    total_active: Annotated[int, Field(description="recoveries in progress, counted")]
    total_recovered: Annotated[int, Field(description="recoveries completed")]
    runbooks: Annotated[list[dict[str, Any]], Field(description="the runbook catalog, summarised")]


@with_config(OPEN)
class RecoveryRunView(TypedDict):
    """One recovery (``aref.recovery.view``). The declared keys are guaranteed; any other key passes through."""

    recovery_id: Annotated[str, Field(description="the recovery's id")]
    status: Annotated[str, Field(description="active or resolved")]
    mode: Annotated[str, Field(description="live, or dry run: nothing performed or measured")]
    dry_run: Annotated[bool, Field(description="whether this recovery is a dry run")]
    trigger: Annotated[str, Field(description="incident, or drill")]
    incident_id: Annotated[str, Field(description="its incident (INC-DRILL-... for a drill)")]
    correlation_id: Annotated[str, Field(description="the correlation id of every event it emits")]
    service: Annotated[str, Field(description="the service recovered or drilled")]
    tier: Annotated[str, Field(description="the current tier, T0-T4")]
    runs: Annotated[list[dict[str, Any]], Field(description="every runbook run with each step's outcome")]


@with_config(OPEN)
class EvolutionView(TypedDict):
    """The evolution engine's status. The declared keys are guaranteed; any other key it reports passes through."""

    reviews: Annotated[dict[str, Any], Field(description="post-incident reviews: total and recent")]
    actions: Annotated[dict[str, Any], Field(description="action item statistics")]
    knowledge_base: Annotated[dict[str, Any], Field(description="knowledge base entries")]
    improvement_velocity: Annotated[
        dict[str, Any], Field(description="action items completed per quarter against the target")
    ]
    recurrence: Annotated[dict[str, Any], Field(description="incident recurrence rate against the target")]
    patterns: Annotated[list[dict[str, Any]], Field(description="recurring incident patterns")]
