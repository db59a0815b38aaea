from __future__ import annotations

import pytest

from aref import topics
from aref.errors import InvalidInputError
from aref.evolution.chain import collect
from aref.evolution.recurrence import (
    Pattern,
    Recurrence,
    RecurrenceMatcher,
    derive_signature,
    fault_signature,
    is_specific,
    normalise_signature,
)

from .builders import T0, MakeEvent, MakeIncident

HOUR = 3600.0


def test_fault_signature_normalises_each_part() -> None:
    assert fault_signature(" Payments ", "Error Rate", "ERROR!") == "payments:error_rate:error"
    assert fault_signature("orders", "", "  ") == "orders:unknown:unknown"


def test_fault_signature_needs_a_service() -> None:
    with pytest.raises(InvalidInputError) as caught:
        fault_signature(" -- ", "error_rate", "error")
    assert caught.value.field == "service"


def test_normalise_signature_accepts_other_separators() -> None:
    assert normalise_signature("Payments/Error-Rate|Crash") == "payments:error_rate:crash"
    assert normalise_signature("payments:error_rate:error") == "payments:error_rate:error"
    with pytest.raises(InvalidInputError) as caught:
        normalise_signature(" : / ")
    assert caught.value.field == "fault_signature"


def test_derive_prefers_the_incidents_own_signature(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(signature="Payments:Latency:Slow")
    facts = collect([make_event(topics.ALERT_FIRED, T0, metric="error_rate")])
    assert derive_signature(incident, facts) == "payments:latency:slow"


def test_derive_uses_first_alert_metric_and_injected_fault(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    facts = collect(
        [
            make_event(topics.ALERT_FIRED, T0 + 2, metric="latency_p99", detector="zscore"),
            make_event(topics.ALERT_FIRED, T0 + 1, metric="error_rate", detector="threshold"),
            make_event(topics.FAULT_INJECTED, T0, fault_type="Crash"),
        ]
    )
    assert derive_signature(make_incident(), facts) == "payments:error_rate:crash"


def test_derive_falls_back_to_detector_then_classes_then_unknown(
    make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    no_metric = collect([make_event(topics.ALERT_FIRED, T0, detector="zscore")])
    assert derive_signature(make_incident(), no_metric) == "payments:zscore:persistent"
    assert derive_signature(make_incident()) == "payments:threshold:persistent"
    bare = make_incident(anomaly=None, detection=None)
    assert derive_signature(bare) == "payments:unknown:unknown"


def test_same_signature_earlier_is_a_recurrence(make_incident: MakeIncident) -> None:
    first = make_incident("INC-1", onset=T0, signature="payments:error_rate:error")
    second = make_incident("INC-2", onset=T0 + HOUR, signature="payments:error_rate:error")
    third = make_incident("INC-3", onset=T0 + 2 * HOUR, signature="Payments/Error_Rate/Error")
    matcher = RecurrenceMatcher()
    assert matcher.match(third, [second, third, first]) == Recurrence(
        "INC-3", "payments:error_rate:error", ("INC-1", "INC-2")
    )


def test_a_different_signature_is_not_a_recurrence(make_incident: MakeIncident) -> None:
    first = make_incident("INC-1", onset=T0, signature="payments:error_rate:error")
    other = make_incident("INC-2", onset=T0 + HOUR, signature="payments:latency_p99:error")
    elsewhere = make_incident("INC-3", onset=T0 + HOUR, service="orders", signature="orders:error_rate:error")
    matcher = RecurrenceMatcher()
    assert matcher.match(other, [first]) is None
    assert matcher.match(elsewhere, [first]) is None


def test_only_strictly_earlier_incidents_count(make_incident: MakeIncident) -> None:
    sig = "payments:error_rate:error"
    now = make_incident("INC-1", onset=T0, signature=sig)
    same_time = make_incident("INC-2", onset=T0, signature=sig)
    later = make_incident("INC-3", onset=T0 + 1, signature=sig)
    assert RecurrenceMatcher().match(now, [now, same_time, later]) is None


def test_the_window_limits_how_far_back_a_match_reaches(make_incident: MakeIncident) -> None:
    sig = "payments:error_rate:error"
    old = make_incident("INC-1", onset=T0, signature=sig)
    recent = make_incident("INC-2", onset=T0 + 20 * HOUR, signature=sig)
    now = make_incident("INC-3", onset=T0 + 25 * HOUR, signature=sig)
    recurrence = RecurrenceMatcher(window_seconds=24 * HOUR).match(now, [old, recent])
    assert recurrence is not None
    assert recurrence.previous_incident_ids == ("INC-2",)
    with pytest.raises(InvalidInputError) as caught:
        RecurrenceMatcher(window_seconds=0)
    assert caught.value.field == "window_seconds"


def test_recurrence_rate_is_the_percent_of_repeats(make_incident: MakeIncident) -> None:
    a, b = "payments:error_rate:error", "orders:latency_p99:slow"
    incidents = [
        make_incident("INC-1", onset=T0, signature=a),
        make_incident("INC-2", onset=T0 + 1, signature=a),
        make_incident("INC-3", onset=T0 + 2, service="orders", signature=b),
        make_incident("INC-4", onset=T0 + 3, signature=a),
        make_incident("INC-4", onset=T0 + 3, signature=a),  # same id twice counts once
    ]
    matcher = RecurrenceMatcher()
    assert matcher.recurrence_rate(incidents) == pytest.approx(50.0)
    assert matcher.recurrence_rate([]) is None
    assert matcher.recurrence_rate(incidents[:1]) == 0.0


def test_patterns_group_repeated_signatures(make_incident: MakeIncident) -> None:
    a, b, c = "payments:error_rate:error", "orders:latency_p99:slow", "inventory:error_rate:crash"
    incidents = [
        make_incident("INC-3", onset=T0 + 30, service="orders", signature=b),
        make_incident("INC-1", onset=T0 + 10, signature=a),
        make_incident("INC-2", onset=T0 + 20, service="orders", signature=b),
        make_incident("INC-4", onset=T0 + 40, signature=a),
        make_incident("INC-5", onset=T0 + 50, signature=a),
        make_incident("INC-6", onset=T0 + 60, service="inventory", signature=c),
    ]
    matcher = RecurrenceMatcher()
    assert matcher.patterns(incidents) == (
        Pattern(a, ("INC-1", "INC-4", "INC-5"), T0 + 10, T0 + 50),
        Pattern(b, ("INC-2", "INC-3"), T0 + 20, T0 + 30),
    )
    assert [p.signature for p in matcher.patterns(incidents, min_occurrences=1)] == [a, b, c]
    assert matcher.patterns(incidents)[0].count == 3
    with pytest.raises(InvalidInputError):
        matcher.patterns(incidents, min_occurrences=0)


def test_a_signature_naming_only_the_service_never_matches(make_incident: MakeIncident) -> None:
    vague = [
        make_incident("INC-1", onset=T0, anomaly=None, detection=None),
        make_incident("INC-2", onset=T0 + 1, anomaly=None, detection=None),
    ]
    half = make_incident("INC-3", onset=T0 + 2, signature="payments:unknown:error")
    matcher = RecurrenceMatcher()
    assert [is_specific(derive_signature(i)) for i in [*vague, half]] == [False, False, True]
    assert matcher.match(vague[1], vague) is None
    assert matcher.recurrence_rate(vague) == 0.0
    assert matcher.patterns(vague) == ()
