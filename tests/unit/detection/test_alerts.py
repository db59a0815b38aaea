from __future__ import annotations

import pytest

from aref.detection.alerts import Alert, AlertState, AlertTracker, FireOutcome
from aref.detection.detector import Signal
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Severity
from aref.models import DetectionClass
from aref.records import from_record, to_record


def firing(
    value: float = 0.1, severity: Severity = Severity.WARNING, onset: float = 10.0, service: str = "payments"
) -> Signal:
    return Signal(
        "threshold", DetectionClass.THRESHOLD, service, "error_rate", True, 12.0, severity, value, 0.05, onset
    )


def test_fire_opens_an_alert_with_fresh_ids() -> None:
    tracker = AlertTracker()
    alert, outcome = tracker.fire(firing(), at=12.0)
    assert outcome is FireOutcome.NEW
    assert alert.id.startswith("ALR-")
    assert alert.correlation_id.startswith("COR-")
    assert (alert.fingerprint, alert.service, alert.metric, alert.detector, alert.detection_class) == (
        "threshold:payments:error_rate",
        "payments",
        "error_rate",
        "threshold",
        DetectionClass.THRESHOLD,
    )
    assert (alert.severity, alert.value, alert.threshold, alert.onset_at, alert.fired_at, alert.count) == (
        Severity.WARNING,
        0.1,
        0.05,
        10.0,
        12.0,
        1,
    )
    assert alert.state is AlertState.FIRING
    assert tracker.open_for(alert.fingerprint) == alert


def test_onset_never_follows_the_firing_time() -> None:
    alert, _ = AlertTracker().fire(firing(onset=20.0), at=15.0)
    assert alert.onset_at == 15.0


def test_same_fingerprint_while_open_is_deduplicated() -> None:
    tracker = AlertTracker()
    first, _ = tracker.fire(firing(0.1), at=12.0)
    again, outcome = tracker.fire(firing(0.12), at=13.0)
    assert outcome is FireOutcome.DUPLICATE
    assert (again.id, again.correlation_id, again.count, again.last_seen, again.value, again.fired_at) == (
        first.id,
        first.correlation_id,
        2,
        13.0,
        0.12,
        12.0,
    )
    assert tracker.open_alerts() == [again]


def test_a_worse_condition_escalates_and_never_de_escalates() -> None:
    tracker = AlertTracker()
    tracker.fire(firing(), at=12.0)
    escalated, outcome = tracker.fire(firing(0.3, Severity.CRITICAL), at=13.0)
    assert (outcome, escalated.severity, escalated.count) == (FireOutcome.ESCALATED, Severity.CRITICAL, 2)
    calmer, outcome = tracker.fire(firing(0.08, Severity.WARNING), at=14.0)
    assert (outcome, calmer.severity) == (FireOutcome.DUPLICATE, Severity.CRITICAL)


def test_acknowledge_then_resolve() -> None:
    tracker = AlertTracker()
    alert, _ = tracker.fire(firing(), at=12.0)
    acked = tracker.acknowledge(alert.id, at=20.0)
    assert (acked.acked_at, acked.state) == (20.0, AlertState.ACKNOWLEDGED)
    with pytest.raises(ConflictError):
        tracker.acknowledge(alert.id, at=21.0)
    resolved = tracker.resolve(alert.id, at=30.0)
    assert (resolved.resolved_at, resolved.state, resolved.is_open) == (30.0, AlertState.RESOLVED, False)
    assert tracker.open_alerts() == []
    assert tracker.resolved_alerts() == [resolved]
    assert tracker.get(alert.id) == resolved


def test_resolving_twice_is_a_conflict_and_unknown_ids_are_not_found() -> None:
    tracker = AlertTracker()
    alert, _ = tracker.fire(firing(), at=12.0)
    tracker.resolve(alert.id, at=13.0)
    with pytest.raises(ConflictError):
        tracker.resolve(alert.id, at=14.0)
    with pytest.raises(ConflictError):
        tracker.acknowledge(alert.id, at=14.0)
    for action in (tracker.resolve, tracker.acknowledge, tracker.mark_actioned):
        with pytest.raises(NotFoundError) as err:
            action("ALR-nope", 1.0)
        assert (err.value.kind, err.value.key) == ("alert", "ALR-nope")


def test_after_resolution_the_fingerprint_fires_a_new_incident() -> None:
    tracker = AlertTracker()
    first, _ = tracker.fire(firing(), at=12.0)
    tracker.resolve(first.id, at=13.0)
    second, outcome = tracker.fire(firing(), at=14.0)
    assert outcome is FireOutcome.NEW
    assert second.id != first.id
    assert second.correlation_id != first.correlation_id


def test_a_clear_signal_cannot_fire() -> None:
    clear = Signal.clear("threshold", DetectionClass.THRESHOLD, "payments", "error_rate", 1.0)
    with pytest.raises(InvalidInputError) as err:
        AlertTracker().fire(clear, at=1.0)
    assert err.value.field == "signal"


def test_mark_actioned_once() -> None:
    tracker = AlertTracker()
    alert, _ = tracker.fire(firing(), at=12.0)
    assert tracker.mark_actioned(alert.id, at=15.0).actioned_at == 15.0
    with pytest.raises(ConflictError):
        tracker.mark_actioned(alert.id, at=16.0)


def test_resolved_history_is_bounded() -> None:
    tracker = AlertTracker(history=2)
    ids = []
    for service in ("a", "b", "c"):
        alert, _ = tracker.fire(firing(service=service), at=12.0)
        tracker.resolve(alert.id, at=13.0)
        ids.append(alert.id)
    assert [a.id for a in tracker.resolved_alerts()] == [ids[2], ids[1]]
    with pytest.raises(NotFoundError):
        tracker.get(ids[0])


def test_restore_takes_back_open_alerts_and_refuses_a_second_one_per_fingerprint() -> None:
    source = AlertTracker()
    alert, _ = source.fire(firing(), at=12.0)
    tracker = AlertTracker()
    tracker.restore(alert)
    assert tracker.open_for(alert.fingerprint) == alert
    other, _ = AlertTracker().fire(firing(), at=13.0)
    with pytest.raises(ConflictError):
        tracker.restore(other)


def test_alerts_round_trip_through_records() -> None:
    alert, _ = AlertTracker().fire(firing(), at=12.0)
    acked = alert.acknowledge(13.0)
    assert from_record(Alert, to_record(acked)) == acked
