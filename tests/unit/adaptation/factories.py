"""Builders for adaptation tests: detection/absorption events, signals and decision contexts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aref.adaptation.classify import Classification
from aref.adaptation.context import DecisionContext, Scope, ServiceState
from aref.adaptation.feature_flags import CRITICAL_KINDS, flag_kinds
from aref.adaptation.signals import AlertSignal
from aref.clock import Clock
from aref.events import Event, EventCategory, Severity
from aref.models import AnomalyClass

T0 = 1_700_000_000.0


def alert_payload(
    *,
    alert_id: str = "A1",
    service: str = "payments",
    metric: str = "error_rate",
    severity: str = "critical",
    value: float = 0.4,
    threshold: float = 0.15,
    onset_at: float = T0 - 20,
    fired_at: float = T0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "fingerprint": f"{service}:{metric}",
        "service": service,
        "metric": metric,
        "detector": "threshold",
        "severity": severity,
        "value": value,
        "threshold": threshold,
        "onset_at": onset_at,
        "fired_at": fired_at,
        "detection_class": "threshold",
        **extra,
    }


def event(
    clock: Clock,
    topic: str,
    payload: Mapping[str, Any],
    correlation_id: str | None = "C1",
    severity: Severity = Severity.INFO,
) -> Event:
    category, type_ = topic.split(".", 1)
    return Event.create(
        EventCategory(category),
        type_,
        source=category,
        clock=clock,
        severity=severity,
        payload=payload,
        correlation_id=correlation_id,
    )


def alert_fired(clock: Clock, correlation_id: str | None = "C1", **fields: Any) -> Event:
    now = clock.now()
    fields.setdefault("fired_at", now)
    fields.setdefault("onset_at", now - 20)
    return event(clock, "detection.alert_fired", alert_payload(**fields), correlation_id)


def alert_resolved(
    clock: Clock, alert_id: str = "A1", service: str = "payments", correlation_id: str | None = "C1"
) -> Event:
    payload = {"alert_id": alert_id, "fingerprint": f"{service}:error_rate", "service": service}
    return event(clock, "detection.alert_resolved", {**payload, "resolved_at": clock.now()}, correlation_id)


def breaker(
    clock: Clock,
    state: str,
    caller: str = "gateway",
    dependency: str = "payments",
    correlation_id: str | None = "B1",
) -> Event:
    payload: dict[str, Any] = {"breaker": f"{caller}->{dependency}", "service": caller, "dependency": dependency}
    if state == "opened":
        payload["failure_rate"] = 0.8
    return event(clock, f"absorption.circuit_breaker_{state}", payload, correlation_id)


def signal(**fields: Any) -> AlertSignal:
    payload = alert_payload(**fields)
    return AlertSignal(
        alert_id=payload["alert_id"],
        fingerprint=payload["fingerprint"],
        service=payload["service"],
        metric=payload["metric"],
        severity=Severity(payload["severity"]),
        value=payload["value"],
        threshold=payload["threshold"],
        onset_at=payload["onset_at"],
        fired_at=payload["fired_at"],
    )


def context(
    anomaly: AnomalyClass = AnomalyClass.PERSISTENT,
    states: Mapping[str, ServiceState] | None = None,
    scope: Scope | None = None,
    **signal_fields: Any,
) -> DecisionContext:
    sig = signal(**signal_fields)
    return DecisionContext(
        signal=sig,
        classification=Classification(anomaly, "test"),
        scope=scope or Scope(sig.service),
        states=states or {},
        now=T0,
    )


def optional_flags(service: str) -> tuple[str, ...]:
    """The names of ``service``'s non-critical flags, in the manager's order."""
    return tuple(f"{service}.{k}" for k in flag_kinds(service) if k not in CRITICAL_KINDS)


def state(service: str = "payments", **fields: Any) -> ServiceState:
    fields.setdefault("optional_flags_on", optional_flags(service))
    fields.setdefault("weights", {"primary": 100, "backup": 0})
    fields.setdefault("backup_route", "backup")
    fields.setdefault("replicas", 1)
    fields.setdefault("max_replicas", 4)
    fields.setdefault("scaling_ready", True)
    return ServiceState(service, **fields)
