"""Shared builders for the evolution tests: incidents and events at fixed times."""

from __future__ import annotations

from typing import Any

import pytest

from aref.events import Event, EventCategory, Severity
from aref.models import (
    AnomalyClass,
    DetectionClass,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    RecoveryTier,
)
from aref.testing import FakeClock

from .builders import T0, MakeEvent, MakeIncident


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def make_incident() -> MakeIncident:
    def build(
        incident_id: str = "INC-1",
        *,
        service: str = "payments",
        onset: float = T0,
        detect_after: float | None = 60.0,
        resolve_after: float | None = 600.0,
        tier: RecoveryTier | None = RecoveryTier.T1,
        signature: str = "",
        anomaly: AnomalyClass | None = AnomalyClass.PERSISTENT,
        detection: DetectionClass | None = DetectionClass.THRESHOLD,
        correlation_id: str | None = None,
    ) -> Incident:
        incident = Incident(
            id=incident_id,
            title=f"{service} failing",
            service=service,
            severity=IncidentSeverity.SEV2,
            onset_at=onset,
            correlation_id=correlation_id or f"corr-{incident_id}",
            detected_at=None if detect_after is None else onset + detect_after,
            detection_class=detection,
            anomaly_class=anomaly,
            recovery_tier=tier,
            fault_signature=signature,
        )
        if resolve_after is None:
            return incident
        return incident.advance(IncidentStatus.RESOLVED, onset + resolve_after, "service restored")

    return build


@pytest.fixture
def make_event() -> MakeEvent:
    counter = iter(range(1, 1_000_000))

    def build(topic: str, at: float, correlation_id: str | None = "corr-INC-1", **payload: Any) -> Event:
        category, kind = topic.split(".", 1)
        return Event(
            category=EventCategory(category),
            type=kind,
            severity=Severity.INFO,
            payload=payload,
            source="test",
            id=f"ev-{next(counter)}",
            timestamp=at,
            correlation_id=correlation_id,
        )

    return build
