"""Pure builders of the API's views from the pillar services' typed answers (no engine access).

The control plane builds every view with these, whatever the transport. A service's health
is judged by ``aref.health``; an injected fault is listed, never counted as health.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from aref import __version__
from aref.absorption.degradation import DegradationTier
from aref.config import ArefSettings
from aref.control.experiments import Experiment
from aref.control.pillars.chaos import FaultRecord
from aref.control.ports import ReplicaCount
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
from aref.detection.alerts import Alert
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.health import assess_health
from aref.maturity.assess import MaturityAssessor
from aref.maturity.facts import PillarFacts, maturity_context
from aref.models import HealthSample, Incident
from aref.records import json_ready, to_record
from aref.scoring import RiskProfile
from aref.topology import DependencyGraph


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
    replicas: ReplicaCount | None,
    tier: DegradationTier | None,
    open_alerts: Sequence[Alert],
    fault_ids: Sequence[str],
    telemetry: HealthSample | None,
    judged: bool = True,
) -> ServiceView:
    running, target = (replicas.running, replicas.target) if replicas is not None else (0, 0)
    health, reasons = assess_health(running=running, target=target, alerts=open_alerts, tier=tier, judged=judged)
    known = name in topology.nodes
    return {
        "name": name,
        "status": health.value,
        "reasons": list(reasons),
        "replicas": replica_counts(replicas),
        "degradation_tier": None if tier is None else tier.value,
        "open_alerts": len(open_alerts),
        "active_faults": list(fault_ids),
        "dependencies": list(topology.dependencies(name)) if known else [],
        "dependents": list(topology.dependents(name)) if known else [],
        "telemetry": None if telemetry is None else telemetry_view(telemetry),
        "version": __version__,
    }


def replica_counts(count: ReplicaCount | None) -> ReplicaCounts:
    """Running beside target, and who runs (an unknown service: nothing)."""
    if count is None:
        return {"running": 0, "target": 0, "running_ids": []}
    return {"running": count.running, "target": count.target, "running_ids": list(count.replica_ids)}


def fault_view(record: FaultRecord, now: float) -> FaultView:
    fault, spec = record.fault, record.fault.spec
    active = record.ended_at is None
    return {
        "fault_id": fault.id,
        "service": spec.service,
        "fault_type": spec.fault_type.value,
        "provider": spec.provider,
        "rate": spec.rate,
        "delay_ms": spec.delay_ms,
        "duration_s": spec.duration_s,
        "started_at": fault.started_at,
        "expires_at": fault.expires_at,
        "remaining_s": max(0.0, fault.expires_at - now) if active else 0.0,
        "state": "active" if active else "rolled_back",
        "ended_at": record.ended_at,
        "end_reason": record.end_reason,
        "experiment": record.experiment,
        "correlation_id": fault.correlation_id,
        "replicas_killed": list(record.replicas_killed),
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
    environment: str,
    runtime: str,
) -> StatusView:
    """The overview: CRS under ``risk_profile`` (taken from an assessment under that profile)."""
    return {
        "version": __version__,
        "environment": environment,
        "runtime": runtime,
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


def alerts_view(active: Sequence[Alert], recent_resolved: Sequence[Alert]) -> AlertsView:
    """Open and recently resolved alerts (newest first), with counts."""
    open_views = [alert_view(to_record(a)) for a in active]
    resolved = [alert_view(to_record(a)) for a in recent_resolved]
    return {"active": open_views, "recent_resolved": resolved, "counts": alert_counts(open_views)}


def maturity_view(
    facts: PillarFacts,
    *,
    incidents: Sequence[Incident],
    alerts: Sequence[Alert],
    topology: DependencyGraph,
    settings: ArefSettings,
    automated: Collection[str],
    profile: RiskProfile,
    runs: Sequence[Mapping[str, Any]],
    now: float,
) -> MaturityView:
    """The maturity assessment under ``profile``: per pillar every criterion with its evidence."""
    context = maturity_context(
        facts,
        incidents=incidents,
        alerts=alerts,
        topology=topology,
        settings=settings,
        automated=automated,
        runs=runs,
        now=now,
    )
    assessment = MaturityAssessor(profile=profile).assess(context)
    max_age = settings.maturity.evidence_max_age_days
    view: MaturityView = json_ready({**assessment.to_dict(), "at": now, "evidence_max_age_days": max_age})
    return view
