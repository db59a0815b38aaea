from __future__ import annotations

import dataclasses

import pytest

from aref.events import Event, EventCategory, NullSink, Severity, new_id
from aref.testing import EventCapture, FakeClock


def test_event_create_stamps_time_id_and_topic() -> None:
    clock = FakeClock(start=500.0)
    event = Event.create(
        EventCategory.DETECTION,
        "alert_fired",
        source="detection",
        clock=clock,
        severity=Severity.CRITICAL,
        payload={"service": "payments"},
        correlation_id="COR-1",
    )
    assert event.topic == "detection.alert_fired"
    assert event.timestamp == 500.0
    assert len(event.id) == 12
    assert event.correlation_id == "COR-1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.type = "other"  # type: ignore[misc]


def test_event_round_trips_through_a_dict() -> None:
    event = Event.create(
        EventCategory.CHAOS, "fault_injected", source="chaos", clock=FakeClock(), payload={"rate": 0.8}
    )
    assert Event.from_dict(event.to_dict()) == event
    assert event.to_dict()["topic"] == "chaos.fault_injected"


def test_payload_is_copied_at_creation() -> None:
    payload = {"a": 1}
    event = Event.create(EventCategory.SYSTEM, "x", source="t", clock=FakeClock(), payload=payload)
    payload["a"] = 2
    assert event.payload["a"] == 1


def test_severity_is_ordered() -> None:
    assert [s.rank for s in Severity] == [0, 1, 2, 3]
    assert Severity.EMERGENCY.rank > Severity.WARNING.rank


def test_ids_are_prefixed_and_unique() -> None:
    ids = {new_id("INC") for _ in range(100)}
    assert len(ids) == 100
    assert all(i.startswith("INC-") and len(i) == 12 for i in ids)


def test_sinks() -> None:
    capture, null = EventCapture(), NullSink()
    event = Event.create(EventCategory.SYSTEM, "x", source="t", clock=FakeClock())
    capture.emit(event)
    null.emit(event)
    assert capture.topics() == ["system.x"]
    assert capture.last("system.x") is event
    assert null.dropped == 1
    with pytest.raises(AssertionError, match="no event"):
        capture.last("system.y")
