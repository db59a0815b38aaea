"""The incidents MTTD and MTTR are measured over: stored ones, plus those only alerts know."""

from __future__ import annotations

import dataclasses

from aref.detection.alerts import Alert
from aref.events import Severity
from aref.evolution.measured import measured_incidents
from aref.models import DetectionClass, Incident, IncidentSeverity


def alert(
    aid: str,
    cid: str,
    onset: float,
    fired: float,
    resolved: float | None,
    severity: Severity = Severity.WARNING,
    detection_class: DetectionClass = DetectionClass.THRESHOLD,
) -> Alert:
    return Alert(
        id=aid,
        fingerprint=aid,
        service="orders",
        metric="latency_p99",
        detector="threshold",
        detection_class=detection_class,
        severity=severity,
        value=1.0,
        threshold=0.5,
        onset_at=onset,
        fired_at=fired,
        last_seen=fired,
        correlation_id=cid,
        resolved_at=resolved,
    )


STORED = Incident(
    "INC-1", "payments down", "payments", IncidentSeverity.SEV1, 100.0, "COR-S", detected_at=130.0, resolved_at=400.0
)


def test_alert_only_correlations_become_incidents() -> None:
    alerts = [
        alert("A1", "COR-A", onset=10.0, fired=20.0, resolved=50.0),
        alert("A2", "COR-A", onset=5.0, fired=25.0, resolved=80.0, severity=Severity.CRITICAL),
        alert("B1", "COR-B", onset=0.0, fired=4.0, resolved=None),
        alert("S1", "COR-S", onset=100.0, fired=131.0, resolved=None),  # the stored incident wins
    ]
    incidents = measured_incidents([STORED], alerts)
    assert [i.correlation_id for i in incidents] == ["COR-S", "COR-A", "COR-B"]
    a = incidents[1]
    assert (a.id, a.onset_at, a.detected_at, a.resolved_at, a.severity) == (
        "A1",
        5.0,
        20.0,
        80.0,
        IncidentSeverity.SEV2,
    )
    assert (a.title, a.service, a.detection_class) == ("orders latency_p99", "orders", DetectionClass.THRESHOLD)
    assert incidents[2].resolved_at is None


def test_a_derived_incident_is_open_while_any_of_its_alerts_is() -> None:
    alerts = [
        alert("A1", "COR-A", onset=10.0, fired=20.0, resolved=50.0),
        alert("A2", "COR-A", onset=12.0, fired=22.0, resolved=None, severity=Severity.EMERGENCY),
    ]
    (incident,) = measured_incidents([], alerts)
    assert (incident.resolved_at, incident.severity, incident.time_to_detect) == (None, IncidentSeverity.SEV1, 10.0)


def test_the_first_firing_names_the_derived_incident() -> None:
    alerts = [
        alert("LATE", "COR-A", onset=1.0, fired=30.0, resolved=40.0, severity=Severity.INFO),
        alert("EARLY", "COR-A", onset=3.0, fired=9.0, resolved=35.0, detection_class=DetectionClass.SLO_BURN),
    ]
    (incident,) = measured_incidents([], alerts)
    assert (incident.id, incident.detection_class, incident.onset_at, incident.resolved_at) == (
        "EARLY",
        DetectionClass.SLO_BURN,
        1.0,
        40.0,
    )
    assert incident.severity is IncidentSeverity.SEV3


def test_seeded_demo_incidents_are_not_measured() -> None:
    seeded = dataclasses.replace(STORED, id="INC-SEED-0001", correlation_id="COR-SEED-0001")
    assert measured_incidents([seeded, STORED], []) == [STORED]
