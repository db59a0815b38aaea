"""Pure builders of the API's views from engine records and status dicts (no engine access).

Both control planes use them, so the local one and the Ray-backed one answer alike.
A service's health is the worst of what is observed about it: no replica running is
``down``; a CRITICAL/EMERGENCY open alert or a MINIMAL/EMERGENCY degradation tier is
``critical``; a WARNING alert, a REDUCED tier or fewer replicas running than asked for is
``degraded``. An injected fault is listed, never counted as health: only its effects are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from aref import __version__
from aref.config import AdaptationSettings
from aref.control.wire import (
    AlertCounts,
    AlertsView,
    AlertView,
    ExperimentView,
    FaultView,
    MaturityView,
    ReplicaCounts,
    ServiceView,
    StatusView,
    TelemetryView,
)
from aref.dashboard.experiments import Experiment
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import HealthSample
from aref.records import json_ready
from aref.scoring import RiskProfile
from aref.topology import DependencyGraph
from chaos.faults import ActiveFault


class ServiceHealth(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    CRITICAL = "critical"
    DOWN = "down"

    @property
    def rank(self) -> int:
        return list(ServiceHealth).index(self)


_TIER_HEALTH = {
    "reduced": ServiceHealth.DEGRADED,
    "minimal": ServiceHealth.CRITICAL,
    "emergency": ServiceHealth.CRITICAL,
}
_ALERT_HEALTH = {
    Severity.WARNING: ServiceHealth.DEGRADED,
    Severity.CRITICAL: ServiceHealth.CRITICAL,
    Severity.EMERGENCY: ServiceHealth.CRITICAL,
}


def alert_view(record: Mapping[str, Any]) -> AlertView:
    """An alert record (``to_record(Alert)``) with its lifecycle state."""
    if record.get("resolved_at") is not None:
        state = "resolved"
    elif record.get("acked_at") is not None:
        state = "acknowledged"
    else:
        state = "firing"
    view: AlertView = json_ready({**record, "state": state})
    return view


def alert_counts(active: Iterable[AlertView]) -> AlertCounts:
    alerts = list(active)
    return {
        "open": len(alerts),
        "firing": sum(a["state"] == "firing" for a in alerts),
        "acknowledged": sum(a["state"] == "acknowledged" for a in alerts),
        "by_severity": {s.value: sum(a["severity"] == s.value for a in alerts) for s in Severity},
    }


def telemetry_view(sample: HealthSample) -> TelemetryView:
    return {
        "at": sample.at,
        "requests": sample.requests,
        "errors": sample.errors,
        "error_rate": sample.error_rate,
        "latency_p50_ms": sample.latency_p50_ms,
        "latency_p99_ms": sample.latency_p99_ms,
    }


def service_view(
    name: str,
    *,
    topology: DependencyGraph,
    replicas: ReplicaCounts,
    degradation_tier: str | None,
    open_alerts: Sequence[AlertView],
    fault_ids: Sequence[str],
    telemetry: TelemetryView | None,
) -> ServiceView:
    verdicts: list[tuple[ServiceHealth, str]] = []
    if replicas["running"] == 0:
        verdicts.append((ServiceHealth.DOWN, "no replica running"))
    elif replicas["running"] < replicas["target"]:
        verdicts.append((ServiceHealth.DEGRADED, f"{replicas['running']} of {replicas['target']} replicas running"))
    for alert in open_alerts:
        health = _ALERT_HEALTH.get(Severity(alert["severity"]))
        if health is not None:
            verdicts.append((health, f"{alert['severity']} alert {alert['id']} on {alert['metric']}"))
    tier_health = _TIER_HEALTH.get(degradation_tier or "")
    if tier_health is not None:
        verdicts.append((tier_health, f"degradation tier {degradation_tier}"))
    status = max((h for h, _ in verdicts), key=lambda h: h.rank, default=ServiceHealth.HEALTHY)
    known = name in topology.nodes
    return {
        "name": name,
        "status": status.value,
        "reasons": [reason for _, reason in verdicts],
        "replicas": replicas,
        "degradation_tier": degradation_tier,
        "open_alerts": len(open_alerts),
        "active_faults": list(fault_ids),
        "dependencies": list(topology.dependencies(name)) if known else [],
        "dependents": list(topology.dependents(name)) if known else [],
        "telemetry": telemetry,
        "version": __version__,
    }


def fault_view(
    fault: ActiveFault,
    now: float,
    *,
    experiment: str | None = None,
    ended_at: float | None = None,
    end_reason: str | None = None,
    replicas_killed: Sequence[str] = (),
) -> FaultView:
    spec = fault.spec
    active = ended_at is None
    return {
        "fault_id": fault.id,
        "service": spec.service,
        "fault_type": spec.fault_type.value,
        "rate": spec.rate,
        "delay_ms": spec.delay_ms,
        "duration_s": spec.duration_s,
        "started_at": fault.started_at,
        "expires_at": fault.expires_at,
        "remaining_s": max(0.0, fault.expires_at - now) if active else 0.0,
        "state": "active" if active else "rolled_back",
        "ended_at": ended_at,
        "end_reason": end_reason,
        "experiment": experiment,
        "correlation_id": fault.correlation_id,
        "replicas_killed": list(replicas_killed),
    }


def experiment_view(experiment: Experiment, running: bool) -> ExperimentView:
    spec = experiment.fault
    return {
        "name": experiment.name,
        "description": experiment.description,
        "hypothesis": experiment.hypothesis,
        "service": spec.service,
        "fault_type": spec.fault_type.value,
        "rate": spec.rate,
        "duration_s": spec.duration_s,
        "delay_ms": spec.delay_ms,
        "running": running,
    }


def status_view(
    *,
    maturity: MaturityView,
    risk_profile: str,
    active_alerts: Sequence[AlertView],
    active_recoveries: int,
    faults: Sequence[FaultView],
    at: float,
) -> StatusView:
    """The overview: CRS under ``risk_profile`` (taken from an assessment under that profile)."""
    return {
        "version": __version__,
        "at": at,
        "risk_profile": risk_profile,
        "crs": maturity["crs"],
        "crs_percent": maturity["crs_percent"],
        "crs_by_profile": dict(maturity["crs_by_profile"]),
        "pillars": {name: {"level": p["level"], "label": p["label"]} for name, p in maturity["pillars"].items()},
        "alerts": alert_counts(active_alerts),
        "active_recoveries": active_recoveries,
        "chaos": {
            "active_faults": len(faults),
            "services": sorted({f["service"] for f in faults}),
            "experiments": sorted({f["experiment"] for f in faults if f["experiment"] is not None}),
        },
    }


def choose_profile(name: str | None, default: RiskProfile) -> RiskProfile:
    """The risk profile a request names (``?profile=``), or the configured one."""
    if not name:
        return default
    try:
        return RiskProfile.parse(name)
    except InvalidInputError as exc:
        raise InvalidInputError("profile", exc.reason) from None


def replica_bounds(replicas: int, settings: AdaptationSettings) -> tuple[int, int]:
    """The (min, max) a replica request must respect; refuses anything else naming ``replicas``."""
    low, high = settings.min_replicas, settings.max_replicas
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not low <= replicas <= high:
        raise InvalidInputError("replicas", f"must be an integer between {low} and {high}, got {replicas!r}")
    return low, high


def alerts_view(detection_status: Mapping[str, Any]) -> AlertsView:
    """Active and recently resolved alerts, with counts, from the detection engine's status."""
    active = [alert_view(a) for a in detection_status["active_alerts"]]
    resolved = [alert_view(a) for a in detection_status["recent_resolved"]]
    return {"active": active, "recent_resolved": resolved, "counts": alert_counts(active)}
