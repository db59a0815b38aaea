"""The control plane's answers: JSON-ready shapes as TypedDicts, the one definition of each API shape.

Plain data only: dicts, lists, str, int, float (always finite), bool and None
(``aref.records.json_ready`` turns engine output into that form).
"""

from __future__ import annotations

from typing import Any, TypedDict

# -- shapes ------------------------------------------------------------------------------


class PillarScore(TypedDict):
    level: int  # maturity level 1..5
    label: str  # "Reactive" .. "Optimizing"


class AlertCounts(TypedDict):
    open: int
    firing: int
    acknowledged: int
    by_severity: dict[str, int]  # every Severity value -> open alerts


class ChaosSummary(TypedDict):
    active_faults: int
    services: list[str]  # services with an active fault
    experiments: list[str]  # experiments with an active fault


class StatusView(TypedDict):
    version: str  # AREF version
    at: float
    risk_profile: str
    crs: float  # 1..5 under risk_profile
    crs_percent: float  # 0..100
    crs_by_profile: dict[str, float]
    pillars: dict[str, PillarScore]  # every Pillar value
    alerts: AlertCounts
    active_recoveries: int
    chaos: ChaosSummary


class TelemetryView(TypedDict):
    at: float
    requests: int
    errors: int
    error_rate: float
    latency_p50_ms: float
    latency_p99_ms: float


class ReplicaCounts(TypedDict):
    running: int  # replicas really serving
    target: int  # replicas asked for
    running_ids: list[str]  # who is serving, when the runtime names its replicas (Serve does); else empty


class ServiceView(TypedDict):
    name: str
    status: str  # healthy | degraded | critical | down
    reasons: list[str]  # why it is not healthy (empty when healthy)
    replicas: ReplicaCounts
    degradation_tier: str | None  # full | reduced | minimal | emergency
    open_alerts: int
    active_faults: list[str]  # fault ids
    dependencies: list[str]
    dependents: list[str]
    telemetry: TelemetryView | None  # the latest merged sample
    version: str


class ServicesView(TypedDict):
    services: list[ServiceView]


class AlertView(TypedDict):
    id: str
    fingerprint: str
    service: str
    metric: str
    detector: str
    detection_class: str
    severity: str
    state: str  # firing | acknowledged | resolved
    value: float | None
    threshold: float | None
    onset_at: float
    fired_at: float
    last_seen: float
    correlation_id: str
    count: int
    acked_at: float | None
    resolved_at: float | None
    actioned_at: float | None


class AlertsView(TypedDict):
    active: list[AlertView]
    recent_resolved: list[AlertView]  # newest first
    counts: AlertCounts


class EventView(TypedDict):
    id: str
    topic: str  # "{category}.{type}"
    category: str
    type: str
    severity: str
    source: str
    timestamp: float
    correlation_id: str | None
    payload: dict[str, Any]


class TimelineSummary(TypedDict):
    by_category: dict[str, int]
    by_severity: dict[str, int]
    by_source: dict[str, int]


class TimelineView(TypedDict):
    events: list[EventView]  # newest first, at most ``limit``
    matched: int  # events matching the filter before the limit
    retained: int  # events the log holds
    summary: TimelineSummary  # over the matched events


class ReplicaView(TypedDict):
    service: str
    running: int
    target: int
    min: int
    max: int


class FlagView(TypedDict):
    name: str
    service: str
    kind: str
    enabled: bool
    critical: bool
    changed_by: str | None  # human | auto
    changed_at: float | None
    reason: str


class TrafficView(TypedDict):
    service: str
    weights: dict[str, int]  # route -> percent, sums to 100


class MaturityView(TypedDict):
    profile: str
    crs: float
    crs_percent: float
    crs_by_profile: dict[str, float]
    pillars: dict[str, dict[str, Any]]  # level, label, description, next_level, met, unmet, gaps
    facts: dict[str, Any]  # the measured MaturityContext the levels rest on


class TimeToMetric(TypedDict):
    seconds: float | None  # None until something was measured
    target_seconds: float
    incidents: int  # incidents measured
    meets_target: bool | None


class ServiceAvailability(TypedDict):
    availability: float  # good / total; 1.0 without traffic
    good: int
    total: int


class AvailabilityView(TypedDict):
    overall: float
    good: int
    total: int
    services: dict[str, ServiceAvailability]


class ErrorBudgetView(TypedDict):
    slo: str
    service: str
    target: float
    events: int
    bad_events: int
    consumed: float | None  # fraction spent; None when the budget is zero and already broken
    remaining: float


class MetricsView(TypedDict):
    at: float
    mttd: TimeToMetric
    mttr: TimeToMetric
    availability: AvailabilityView
    error_budgets: list[ErrorBudgetView]
    risk_profile: str
    crs: float
    crs_by_profile: dict[str, float]
    crs_percent_by_profile: dict[str, float]


class FaultView(TypedDict):
    fault_id: str
    service: str
    fault_type: str  # latency | error | timeout | crash
    rate: float
    delay_ms: float
    duration_s: float
    started_at: float
    expires_at: float
    remaining_s: float
    state: str  # active | rolled_back
    ended_at: float | None
    end_reason: str | None
    experiment: str | None
    correlation_id: str | None
    replicas_killed: list[str]  # crash faults: the replicas killed when it was injected


class ExperimentView(TypedDict):
    name: str
    description: str
    hypothesis: str
    service: str
    fault_type: str
    rate: float
    duration_s: float
    delay_ms: float
    running: bool


class ExperimentsView(TypedDict):
    experiments: list[ExperimentView]


class ChaosStatusView(TypedDict):
    version: int  # fault board version
    active: list[FaultView]
    recent: list[FaultView]  # rolled back, newest first


class ChaosStopView(TypedDict):
    stopped: list[FaultView]


class SeededView(TypedDict):
    """What one ``POST /seed`` added (demo history, never measured)."""

    incidents: int  # past incidents, resolved
    reviews: int  # post-incident reviews the evolution engine wrote for them
    action_items: int  # action items those reviews created
    events: int  # history events replayed into the evolution engine


class LoadPlanView(TypedDict):
    """What the load generator sends (a ``chaos.loadgen.TrafficPlan``; None: that profile's default)."""

    profile: str  # steady | ramp | spike
    rate_per_s: float
    duration_s: float
    ramp_s: float | None
    spike_rate_per_s: float | None
    spike_at_s: float | None
    spike_s: float | None


class ClientStatsView(TypedDict):
    """What the load generator's client saw (``chaos.loadgen.ClientStats``): status 0 = no answer."""

    requests: int  # answered or failed, so far
    errors: int  # not 2xx/3xx
    error_rate: float | None  # None without requests
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    by_status: dict[str, int]  # HTTP status -> requests
    skipped: int  # sends not made: too many requests in flight


class LoadView(TypedDict):
    """The background load: its plan, its progress and its client-side record."""

    running: bool
    target: str  # where the orders go: the gateway's order URL, or the in-memory shop
    plan: LoadPlanView | None  # None until a load was started
    started_at: float | None
    stopped_at: float | None  # when the plan ended or was stopped
    sent: int
    in_flight: int
    stats: ClientStatsView


class OutcomeView(TypedDict):
    """One order the load generator sent (``chaos.loadgen.Outcome``): status 0 = no answer."""

    at: float  # when it was sent
    status: int
    latency_ms: float
    error: str | None


class LoadRecordView(TypedDict):
    """The load's outcomes from a position on, for a client that follows the record (the runner)."""

    outcomes: list[OutcomeView]  # in completion order
    next: int  # the position to ask from next time
    skipped: int  # sends not made so far: too many requests in flight
