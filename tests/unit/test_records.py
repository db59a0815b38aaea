"""to_record / from_record (aref/records.py): exact round-trips of every core model, and refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aref.errors import StoreError
from aref.events import Event, EventCategory, Severity
from aref.models import (
    ActionItem,
    ActionStatus,
    AnomalyClass,
    DetectionClass,
    HealthSample,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    Pillar,
    Priority,
    RecoveryTier,
    TimelineEntry,
)
from aref.records import from_record, to_record
from aref.testing import FakeClock


def full_incident() -> Incident:
    start = Incident(
        id="INC-7",
        title="checkout errors",
        service="checkout",
        severity=IncidentSeverity.SEV1,
        onset_at=10.0,
        correlation_id="corr-7",
        detected_at=12.5,
        detection_class=DetectionClass.ANOMALY,
        anomaly_class=AnomalyClass.PERSISTENT,
        recovery_tier=RecoveryTier.T0,
        fault_signature="errors:checkout",
    )
    return start.advance(IncidentStatus.RECOVERING, 20.0, "restart").advance(IncidentStatus.RESOLVED, 30.0)


MODELS: list[Any] = [
    full_incident(),
    Incident("INC-8", "bare", "api", IncidentSeverity.SEV4, onset_at=1.0, correlation_id="c"),
    ActionItem("A-1", "INC-7", "add probe", Pillar.DETECTION, 40.0, priority=Priority.LOW, due_at=99.0),
    ActionItem("A-2", "INC-7", "tune breaker", Pillar.ABSORPTION, 41.0).complete(50.0),
    HealthSample("api", 5.0, requests=100, errors=3, latency_p50_ms=12.5, latency_p99_ms=80.0, replicas=2),
    HealthSample("idle", 6.0, requests=0, errors=0),
    Event.create(
        EventCategory.DETECTION,
        "alert_fired",
        source="detection",
        clock=FakeClock(123.0),
        severity=Severity.CRITICAL,
        payload={"service": "api", "value": 0.5, "tags": ["x"]},
        correlation_id="corr-7",
    ),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{type(m).__name__}-{getattr(m, 'id', m)}"[:40])
def test_every_model_round_trips_exactly_through_json(model: Any) -> None:
    record = to_record(model)
    assert json.loads(json.dumps(record)) == record
    rebuilt = from_record(type(model), json.loads(json.dumps(record)))
    assert rebuilt == model
    assert type(rebuilt) is type(model)


def test_incident_record_uses_plain_values_and_rebuilds_real_types() -> None:
    record = to_record(full_incident())
    assert record["severity"] == "sev1"
    assert record["status"] == "resolved"
    assert record["recovery_tier"] == 0
    assert record["timeline"] == [
        {"at": 20.0, "kind": "recovering", "detail": "restart"},
        {"at": 30.0, "kind": "resolved", "detail": ""},
    ]
    rebuilt = from_record(Incident, json.loads(json.dumps(record)))
    assert rebuilt.severity is IncidentSeverity.SEV1
    assert rebuilt.recovery_tier is RecoveryTier.T0
    assert rebuilt.detection_class is DetectionClass.ANOMALY
    assert isinstance(rebuilt.timeline, tuple)
    assert rebuilt.timeline[1] == TimelineEntry(30.0, "resolved", "")
    assert rebuilt.resolved_at == 30.0


def test_absent_optional_fields_take_their_defaults() -> None:
    record = {"id": "A-3", "incident_id": "INC-1", "title": "t", "pillar": "recovery", "created_at": 1}
    item = from_record(ActionItem, record)
    assert item == ActionItem("A-3", "INC-1", "t", Pillar.RECOVERY, 1.0)
    assert isinstance(item.created_at, float)
    assert item.status is ActionStatus.OPEN


def test_unknown_fields_are_ignored() -> None:
    record = {**to_record(MODELS[4]), "added_in_a_later_version": 1}
    assert from_record(HealthSample, record) == MODELS[4]


def test_event_round_trips_through_its_own_dict_form() -> None:
    event = MODELS[-1]
    data = json.loads(json.dumps(event.to_dict()))
    assert data["topic"] == "detection.alert_fired"
    assert Event.from_dict(data) == event
    assert to_record(event) == {k: v for k, v in event.to_dict().items() if k != "topic"}


def incident_record(**changes: Any) -> dict[str, Any]:
    return {**to_record(full_incident()), **changes}


@pytest.mark.parametrize(
    ("record", "mentions"),
    [
        (incident_record(title=5), "title"),
        (incident_record(onset_at="soon"), "onset_at"),
        (incident_record(onset_at=True), "onset_at"),
        (incident_record(severity="sev9"), "severity"),
        (incident_record(status=None), "status"),
        (incident_record(recovery_tier="T9"), "recovery_tier"),
        (incident_record(detected_at="x"), "detected_at"),
        (incident_record(timeline=5), "timeline"),
        (incident_record(timeline=[{"at": "now", "kind": "k", "detail": ""}]), "at"),
        (incident_record(timeline=[3]), "TimelineEntry"),
        (incident_record(detected_at=1.0), "detected_at"),
        ({"id": "INC-1"}, "Incident"),
    ],
    ids=[
        "str-field-int", "float-field-str", "float-field-bool", "unknown-enum", "enum-none", "int-enum-str",
        "optional-wrong", "tuple-not-list", "nested-wrong", "nested-not-object", "broken-invariant", "missing-fields",
    ],
)  # fmt: skip
def test_a_record_of_the_wrong_shape_is_a_store_error(record: dict[str, Any], mentions: str) -> None:
    with pytest.raises(StoreError, match=mentions):
        from_record(Incident, record)


@pytest.mark.parametrize("data", [[1, 2], "INC-1", 7, None])
def test_a_record_that_is_not_an_object_is_a_store_error(data: Any) -> None:
    with pytest.raises(StoreError, match="HealthSample"):
        from_record(HealthSample, data)


def test_an_int_field_refuses_floats_and_bools() -> None:
    good = to_record(MODELS[4])
    for bad in (2.5, True):
        with pytest.raises(StoreError, match="replicas"):
            from_record(HealthSample, {**good, "replicas": bad})


def test_from_record_needs_a_dataclass() -> None:
    with pytest.raises(TypeError):
        from_record(dict, {})


def test_to_record_leaves_plain_values_alone_and_flattens_containers() -> None:
    assert to_record(3) == 3
    assert to_record(None) is None
    assert to_record((Pillar.EVOLUTION, frozenset({1}))) == ["evolution", [1]]
    assert to_record({1: RecoveryTier.T3}) == {"1": 3}
