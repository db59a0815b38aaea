from __future__ import annotations

import dataclasses

import pytest

from aref.errors import InvalidInputError
from aref.events import Event, EventCategory, Severity
from aref.models import AnomalyClass, DetectionClass, IncidentSeverity, IncidentStatus, RecoveryTier
from aref.recovery.alerts import AlertMemo
from aref.recovery.triggers import (
    RecoveryRequest,
    alert_severity,
    correlation_of,
    from_alert,
    from_escalation,
    open_recovery,
)
from aref.testing import FakeClock

CLOCK = FakeClock(1000.0)
MEMO = AlertMemo("payments", 900.0, 950.0, "payments: error_rate emergency", frozenset({"A1"}))


def _event(kind: str, level: Severity = Severity.INFO, correlation: str | None = "C1", **payload: object) -> Event:
    category = EventCategory.ADAPTATION if kind == "escalate_to_recovery" else EventCategory.DETECTION
    return Event.create(
        category, kind, source="t", clock=CLOCK, severity=level, payload=payload, correlation_id=correlation
    )


def test_correlation_falls_back_to_the_alert_id() -> None:
    assert correlation_of(_event("alert_fired", correlation="C7", alert_id="A1")) == "C7"
    assert correlation_of(_event("alert_fired", correlation=None, alert_id="A1")) == "A1"
    with pytest.raises(InvalidInputError) as err:
        correlation_of(_event("alert_fired", correlation=None))
    assert err.value.field == "correlation_id"


def test_alert_severity_is_the_higher_of_event_and_payload() -> None:
    assert alert_severity(_event("alert_fired", Severity.WARNING, severity="emergency")) == Severity.EMERGENCY
    assert alert_severity(_event("alert_fired", Severity.EMERGENCY, severity="warning")) == Severity.EMERGENCY
    assert alert_severity(_event("alert_fired", Severity.CRITICAL, severity="bogus")) == Severity.CRITICAL


def test_only_an_emergency_alert_asks_for_recovery() -> None:
    assert from_alert(_event("alert_fired", Severity.CRITICAL, alert_id="A1"), MEMO) is None
    request = from_alert(_event("alert_fired", Severity.EMERGENCY, alert_id="A1", detection_class="slo_burn"), MEMO)
    assert request == RecoveryRequest(
        "payments", "C1", 900.0, 950.0, Severity.EMERGENCY, MEMO.title, "A1", DetectionClass.SLO_BURN, "EMERGENCY alert"
    )


def test_escalation_takes_times_from_the_payload_then_the_memo_then_the_event() -> None:
    event = _event(
        "escalate_to_recovery",
        Severity.CRITICAL,
        service="orders",
        alert_id="A2",
        reason="window passed",
        anomaly_class="persistent",
    )
    with_memo = from_escalation(event, MEMO)
    assert with_memo.anomaly_class == AnomalyClass.PERSISTENT
    assert (with_memo.service, with_memo.onset_at, with_memo.detected_at) == ("orders", 900.0, 950.0)
    assert with_memo.reason == "adaptation escalated: window passed"
    bare = from_escalation(event, None)
    assert (bare.onset_at, bare.detected_at, bare.title, bare.alert_id) == (1000.0, 1000.0, None, "A2")
    stated = from_escalation(_event("escalate_to_recovery", onset_at=800.0, detected_at=810.0), MEMO)
    assert (stated.service, stated.onset_at, stated.detected_at) == ("payments", 800.0, 810.0)
    assert from_escalation(_event("escalate_to_recovery", anomaly_class=["odd"]), MEMO).anomaly_class is None


def test_open_recovery_opens_a_recovering_incident_at_t0() -> None:
    request = RecoveryRequest("payments", "C1", 900.0, 950.0, Severity.CRITICAL, None, "A2", None, "EMERGENCY alert")
    rec = open_recovery(dataclasses.replace(request, anomaly_class=AnomalyClass.ESCALATING), 1000.0, frozenset({"A1"}))
    incident = rec.incident
    assert (incident.status, incident.recovery_tier, incident.severity) == (
        IncidentStatus.RECOVERING,
        RecoveryTier.T0,
        IncidentSeverity.SEV2,
    )
    assert (incident.onset_at, incident.detected_at, incident.correlation_id) == (900.0, 950.0, "C1")
    assert (incident.title, incident.anomaly_class) == ("payments: EMERGENCY alert", AnomalyClass.ESCALATING)
    assert (rec.started_at, rec.open_alerts, [t.tier for t in rec.tiers]) == (1000.0, ("A1", "A2"), [RecoveryTier.T0])
    assert rec.id.startswith("REC-")
    assert incident.id.startswith("INC-")


def test_open_recovery_defaults_times_to_now() -> None:
    rec = open_recovery(RecoveryRequest("orders", "C2"), 1000.0)
    assert (rec.incident.onset_at, rec.incident.detected_at, rec.incident.severity) == (
        1000.0,
        1000.0,
        IncidentSeverity.SEV1,
    )


@pytest.mark.parametrize(("service", "correlation", "field"), [("", "C", "service"), ("orders", "", "correlation_id")])
def test_open_recovery_refuses_empty_identity(service: str, correlation: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        open_recovery(RecoveryRequest(service, correlation), 1.0)
    assert err.value.field == field
