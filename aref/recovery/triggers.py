"""Which events start a recovery (and what a drill asks for), and the incident a new recovery opens.

``adaptation.escalate_to_recovery`` always asks for one; ``detection.alert_fired`` only when
the alert is EMERGENCY (the higher of the event's and the payload's severity). The incident's
onset and detection times come from the payload when it states them, else from the first
alert remembered for the correlation id, else from the event time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from aref.errors import InvalidInputError
from aref.events import Event, Severity, new_id
from aref.models import AnomalyClass, DetectionClass, Incident, IncidentSeverity, IncidentStatus, RecoveryTier
from aref.recovery.alerts import AlertMemo
from aref.recovery.drills import DRILL_CORRELATION_PREFIX, DRILL_INCIDENT_PREFIX, DrillPlan
from aref.recovery.state import Recovery, TierEntry

E = TypeVar("E", bound=Enum)

_INCIDENT_SEVERITY = {
    Severity.EMERGENCY: IncidentSeverity.SEV1,
    Severity.CRITICAL: IncidentSeverity.SEV2,
    Severity.WARNING: IncidentSeverity.SEV3,
    Severity.INFO: IncidentSeverity.SEV4,
}


@dataclass(frozen=True)
class RecoveryRequest:
    service: str
    correlation_id: str
    onset_at: float | None = None
    detected_at: float | None = None
    severity: Severity | IncidentSeverity = IncidentSeverity.SEV1
    title: str | None = None
    alert_id: str | None = None
    detection_class: DetectionClass | None = None
    reason: str = "recovery started"
    anomaly_class: AnomalyClass | None = None
    onset_witness: str = "breaching_sample"
    drill: DrillPlan | None = None


def correlation_of(event: Event) -> str:
    """The event's correlation id, falling back to its alert id."""
    correlation_id = event.correlation_id or str(event.payload.get("alert_id") or "")
    if not correlation_id:
        raise InvalidInputError("correlation_id", f"{event.topic} carries neither a correlation id nor an alert_id")
    return correlation_id


def alert_severity(event: Event) -> Severity:
    stated = str(event.payload.get("severity", ""))
    named = Severity(stated) if stated in Severity._value2member_map_ else Severity.INFO
    return max(event.severity, named, key=lambda s: s.rank)


def from_escalation(event: Event, memo: AlertMemo | None) -> RecoveryRequest | None:
    """A request for adaptation's escalation; None when every alert of its incident resolved before it
    arrived (events cross: a recovery waiting on them would never resolve). An escalated alert already
    resolved is not one the recovery waits for."""
    payload = event.payload
    alert_id = str(payload.get("alert_id") or "") or None
    if memo is not None and alert_id in memo.resolved_alerts:
        if not memo.open_alerts:
            return None
        alert_id = None
    detected = _number(payload.get("detected_at"), memo.fired_at if memo else event.timestamp)
    return RecoveryRequest(
        service=str(payload.get("service") or (memo.service if memo else "")),
        correlation_id=correlation_of(event),
        onset_at=_number(payload.get("onset_at"), memo.onset_at if memo else detected),
        detected_at=detected,
        severity=event.severity,
        title=memo.title if memo else None,
        alert_id=alert_id,
        reason=f"adaptation escalated: {payload.get('reason') or 'adaptation window passed'}",
        anomaly_class=_enum(AnomalyClass, payload.get("anomaly_class")),
        onset_witness=memo.onset_witness if memo else "breaching_sample",
    )


def from_alert(event: Event, memo: AlertMemo) -> RecoveryRequest | None:
    """A request for an EMERGENCY alert, None for any other."""
    if alert_severity(event) != Severity.EMERGENCY:
        return None
    return RecoveryRequest(
        service=memo.service,
        correlation_id=correlation_of(event),
        onset_at=memo.onset_at,
        detected_at=memo.fired_at,
        severity=Severity.EMERGENCY,
        title=memo.title,
        alert_id=str(event.payload.get("alert_id") or "") or None,
        detection_class=_enum(DetectionClass, event.payload.get("detection_class")),
        reason="EMERGENCY alert",
        onset_witness=memo.onset_witness,
    )


def for_drill(service: str, plan: DrillPlan) -> RecoveryRequest:
    """A drill's request: its own correlation id, no alert, the lowest severity."""
    mode = "dry-run " if plan.dry_run else ""
    return RecoveryRequest(
        service,
        new_id(DRILL_CORRELATION_PREFIX),
        severity=IncidentSeverity.SEV4,
        title=f"{mode}drill of {service}: {plan.label}",
        reason=f"{mode}drill of {plan.label} asked by {plan.by}",
        drill=plan,
    )


def open_recovery(req: RecoveryRequest, now: float, known_alerts: frozenset[str] = frozenset()) -> Recovery:
    """A new recovery whose incident is RECOVERING; ``known_alerts`` are already open. It starts at
    T0, or a drill at its first planned tier with an ``INC-DRILL-`` incident."""
    if not req.service:
        raise InvalidInputError("service", "must not be empty")
    if not req.correlation_id:
        raise InvalidInputError("correlation_id", "must not be empty")
    detected = now if req.detected_at is None else req.detected_at
    severity = req.severity
    tier = req.drill.tiers[0] if req.drill is not None else RecoveryTier.T0
    incident = Incident(
        id=new_id(DRILL_INCIDENT_PREFIX if req.drill is not None else "INC"),
        title=req.title or f"{req.service}: {req.reason}",
        service=req.service,
        severity=severity if isinstance(severity, IncidentSeverity) else _INCIDENT_SEVERITY[severity],
        onset_at=detected if req.onset_at is None else req.onset_at,
        correlation_id=req.correlation_id,
        detected_at=detected,
        detection_class=req.detection_class,
        anomaly_class=req.anomaly_class,
        recovery_tier=tier,
        onset_witness=req.onset_witness if req.onset_at is not None else "breaching_sample",
    ).advance(IncidentStatus.RECOVERING, now, req.reason)
    return Recovery(
        id=new_id("REC"),
        incident=incident,
        started_at=now,
        tier=tier,
        tiers=(TierEntry(tier, now, req.reason),),
        open_alerts=tuple(sorted(known_alerts | ({req.alert_id} if req.alert_id else set()))),
        drill=req.drill,
    )


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _enum(kind: type[E], value: Any) -> E | None:
    return kind(value) if isinstance(value, str) and value in kind._value2member_map_ else None
