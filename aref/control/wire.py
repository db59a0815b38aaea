"""The control plane's answers: JSON-ready shapes as TypedDicts, the one definition of each API shape.

Plain data only: dicts, lists, str, int, float (always finite), bool and None
(``aref.records.json_ready`` turns engine output into that form).

The HTTP API serves these TypedDicts as they are (its routes' response models): every field
carries its description (``Annotated[T, Field(description=...)]``) and every TypedDict's
docstring describes its shape, both shown in the OpenAPI document. A TypedDict is closed (keys
it does not declare are dropped from a response) unless it is configured ``extra="allow"``:
the pillar views (``DetectionView`` .. ``EvolutionView``) guarantee their declared keys and pass
every other key the engine reports through. Pydantic propagates a TypedDict's config to nested
TypedDicts without their own, so one nested inside an open view declares ``extra="ignore"``.
TypedDict is typing_extensions' (pydantic needs it on Python < 3.12).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

OPEN = ConfigDict(extra="allow")
"""The config of a view whose undeclared keys pass through."""
CLOSED = ConfigDict(extra="ignore")
"""The config of a shape nested in an open view: undeclared keys are dropped, as everywhere else."""

# -- status --------------------------------------------------------------------------------


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


# -- services ------------------------------------------------------------------------------


class TelemetryView(TypedDict):
    """A service's latest telemetry sample, merged over its replicas."""

    at: Annotated[float, Field(description="when the sample was taken (epoch seconds)")]
    requests: Annotated[int, Field(description="requests served in the sample")]
    errors: Annotated[int, Field(description="requests that failed")]
    error_rate: Annotated[float, Field(description="errors / requests, 0..1")]
    latency_p50_ms: Annotated[float, Field(description="median latency (ms)")]
    latency_p99_ms: Annotated[float, Field(description="99th percentile latency (ms)")]


@with_config(CLOSED)  # nested in the open AdaptationView
class ReplicaCounts(TypedDict):
    """A service's replicas: the ones really serving beside the ones asked for."""

    running: Annotated[int, Field(description="replicas really serving")]
    target: Annotated[int, Field(description="replicas asked for")]
    running_ids: Annotated[
        list[str],
        Field(description="the running replicas' ids, when the runtime names its replicas (Serve does); else empty"),
    ]


class ServiceView(TypedDict):
    """One service: its health (the worst of what is observed about it), replicas, alerts, faults, telemetry."""

    name: Annotated[str, Field(description="service name")]
    status: Annotated[str, Field(description="healthy | degraded | critical | down")]
    reasons: Annotated[list[str], Field(description="why it is not healthy (empty when healthy)")]
    replicas: Annotated[ReplicaCounts, Field(description="replicas running beside the target")]
    degradation_tier: Annotated[
        str | None, Field(description="full | reduced | minimal | emergency; None when not known")
    ]
    open_alerts: Annotated[int, Field(description="alerts open on the service")]
    active_faults: Annotated[list[str], Field(description="ids of the chaos faults active on it")]
    dependencies: Annotated[list[str], Field(description="services it calls")]
    dependents: Annotated[list[str], Field(description="services that call it")]
    telemetry: Annotated[TelemetryView | None, Field(description="the latest merged sample; None before the first")]
    version: Annotated[str, Field(description="the AREF version the service runs")]


class ServicesView(TypedDict):
    """Every service of the topology."""

    services: Annotated[list[ServiceView], Field(description="every service, in topology order")]


class ReplicaView(TypedDict):
    """A service's replicas after a scale request, with the bounds a request must respect."""

    service: Annotated[str, Field(description="service name")]
    running: Annotated[int, Field(description="replicas really serving")]
    target: Annotated[int, Field(description="replicas asked for")]
    min: Annotated[int, Field(description="the fewest replicas a scale request may ask for")]
    max: Annotated[int, Field(description="the most replicas a scale request may ask for")]


# -- alerts and the timeline ---------------------------------------------------------------


class AlertView(TypedDict):
    """One alert with its lifecycle state (one open alert at most per fingerprint)."""

    id: Annotated[str, Field(description="alert id")]
    fingerprint: Annotated[str, Field(description="what the alert is about: detector, service and metric")]
    service: Annotated[str, Field(description="the service alerted on")]
    metric: Annotated[str, Field(description="the metric alerted on")]
    detector: Annotated[str, Field(description="the detector that fired it")]
    detection_class: Annotated[
        str,
        Field(
            description="threshold | anomaly | synthetic | slo_burn | change_correlation | human_observation"
            " | predictive"
        ),
    ]
    severity: Annotated[str, Field(description="info | warning | critical | emergency (the worst seen)")]
    state: Annotated[str, Field(description="firing | acknowledged | resolved")]
    value: Annotated[float | None, Field(description="the metric's latest value; None when not finite")]
    threshold: Annotated[float | None, Field(description="the bound it crossed; None when not finite")]
    onset_at: Annotated[float, Field(description="when the problem began (epoch seconds)")]
    fired_at: Annotated[float, Field(description="when the alert fired")]
    last_seen: Annotated[float, Field(description="when the condition was last seen")]
    correlation_id: Annotated[str, Field(description="the incident the alert belongs to")]
    count: Annotated[int, Field(description="firing signals folded into the alert")]
    acked_at: Annotated[float | None, Field(description="when it was acknowledged; None if never")]
    resolved_at: Annotated[float | None, Field(description="when it was resolved; None while open")]
    actioned_at: Annotated[float | None, Field(description="when an adaptation strategy answered it; None if none did")]


class AlertsView(TypedDict):
    """Open and recently resolved alerts, with the open ones counted."""

    active: Annotated[list[AlertView], Field(description="open alerts (firing or acknowledged)")]
    recent_resolved: Annotated[list[AlertView], Field(description="recently resolved alerts, newest first")]
    counts: Annotated[AlertCounts, Field(description="the open alerts, counted")]


class EventView(TypedDict):
    """One event of the timeline."""

    id: Annotated[str, Field(description="event id")]
    topic: Annotated[str, Field(description='"{category}.{type}"')]
    category: Annotated[
        str, Field(description="detection | absorption | adaptation | recovery | evolution | chaos | system")
    ]
    type: Annotated[str, Field(description="what happened, within the category")]
    severity: Annotated[str, Field(description="info | warning | critical | emergency")]
    source: Annotated[str, Field(description="who emitted it")]
    timestamp: Annotated[float, Field(description="when it happened (epoch seconds)")]
    correlation_id: Annotated[str | None, Field(description="the incident it belongs to, if any")]
    payload: Annotated[dict[str, Any], Field(description="the event's own data")]


class TimelineSummary(TypedDict):
    """The matched events, counted."""

    by_category: Annotated[dict[str, int], Field(description="category -> matched events")]
    by_severity: Annotated[dict[str, int], Field(description="severity -> matched events")]
    by_source: Annotated[dict[str, int], Field(description="source -> matched events")]


class TimelineView(TypedDict):
    """Timeline events matching a filter, newest first, with a summary over all of them."""

    events: Annotated[list[EventView], Field(description="newest first, at most 'limit'")]
    matched: Annotated[int, Field(description="events matching the filter before the limit")]
    retained: Annotated[int, Field(description="events the log holds")]
    summary: Annotated[TimelineSummary, Field(description="counts over the matched events")]


# -- pillar views: an engine's status; declared keys guaranteed, any other key passed through


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


# -- adaptation controls ----------------------------------------------------------------------


class FlagView(TypedDict):
    """A feature flag after a change."""

    name: Annotated[str, Field(description='"{service}.{kind}"')]
    service: Annotated[str, Field(description="the service the flag belongs to")]
    kind: Annotated[
        str, Field(description="the feature it switches: analytics, recommendations, search, ..., core_api, auth")
    ]
    enabled: Annotated[bool, Field(description="whether the feature is on")]
    critical: Annotated[bool, Field(description="a critical feature: adaptation never disables it, a human may")]
    changed_by: Annotated[str | None, Field(description="human | auto; None while never changed")]
    changed_at: Annotated[float | None, Field(description="when it last changed; None while never changed")]
    reason: Annotated[str, Field(description="why it last changed")]


class TrafficView(TypedDict):
    """A service's traffic weights after a change."""

    service: Annotated[str, Field(description="service name")]
    weights: Annotated[dict[str, int], Field(description="route -> percent; the percents sum to 100")]


# -- maturity and metrics ---------------------------------------------------------------------


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


# -- chaos ------------------------------------------------------------------------------------


class FaultView(TypedDict):
    """One chaos fault, active or rolled back."""

    fault_id: Annotated[str, Field(description="fault id")]
    service: Annotated[str, Field(description="the service it hits")]
    fault_type: Annotated[str, Field(description="latency | error | timeout | crash")]
    rate: Annotated[float, Field(description="share of requests hit, at most 0.9")]
    delay_ms: Annotated[float, Field(description="latency/timeout delay (ms)")]
    duration_s: Annotated[float, Field(description="how long it lasts (seconds)")]
    started_at: Annotated[float, Field(description="when it was injected (epoch seconds)")]
    expires_at: Annotated[float, Field(description="when it rolls back by itself")]
    remaining_s: Annotated[float, Field(description="seconds left while active; 0 once rolled back")]
    state: Annotated[str, Field(description="active | rolled_back")]
    ended_at: Annotated[float | None, Field(description="when it was rolled back; None while active")]
    end_reason: Annotated[str | None, Field(description="why it was rolled back; None while active")]
    experiment: Annotated[str | None, Field(description="the experiment it belongs to; None for an unlabelled fault")]
    correlation_id: Annotated[str | None, Field(description="correlates its effects in the timeline")]
    replicas_killed: Annotated[
        list[str], Field(description="crash faults: the Serve replicas killed when it was injected")
    ]


class ExperimentView(TypedDict):
    """A registered chaos experiment and its fault."""

    name: Annotated[str, Field(description="experiment name")]
    description: Annotated[str, Field(description="what it does")]
    hypothesis: Annotated[str, Field(description="what the system is expected to do")]
    service: Annotated[str, Field(description="the service its fault hits")]
    fault_type: Annotated[str, Field(description="latency | error | timeout | crash")]
    rate: Annotated[float, Field(description="share of requests hit, at most 0.9")]
    duration_s: Annotated[float, Field(description="how long the fault lasts (seconds)")]
    delay_ms: Annotated[float, Field(description="latency/timeout delay (ms)")]
    running: Annotated[bool, Field(description="whether a fault of it is active now")]


class ExperimentsView(TypedDict):
    """The registered chaos experiments."""

    experiments: Annotated[list[ExperimentView], Field(description="every registered experiment, by name")]


class ChaosStatusView(TypedDict):
    """The fault board: active faults and recently rolled back ones."""

    version: Annotated[int, Field(description="fault board version")]
    active: Annotated[list[FaultView], Field(description="faults active now")]
    recent: Annotated[list[FaultView], Field(description="faults rolled back, newest first")]


class ChaosStopView(TypedDict):
    """What a stop rolled back."""

    stopped: Annotated[list[FaultView], Field(description="the faults rolled back")]


class RunSavedView(TypedDict):
    """The key of a run record just kept."""

    id: Annotated[str, Field(description="the run record's id")]


class RunsView(TypedDict):
    """Experiment run records, as the runner posted them."""

    runs: Annotated[list[dict[str, Any]], Field(description="run records (the runner's RunRecord JSON), newest first")]


# -- demo history -----------------------------------------------------------------------------


class SeededView(TypedDict):
    """What one ``POST /seed`` added (demo history, never measured)."""

    incidents: Annotated[int, Field(description="past, resolved demo incidents added")]
    reviews: Annotated[int, Field(description="post-incident reviews the evolution engine wrote for them")]
    action_items: Annotated[int, Field(description="action items those reviews created")]
    events: Annotated[int, Field(description="history events replayed into the evolution engine")]


# -- load -------------------------------------------------------------------------------------


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
