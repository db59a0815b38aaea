from __future__ import annotations

from typing import Any

import pytest

from aref.adaptation.classify import AnomalyClassifier, Classification
from aref.adaptation.history import AlertHistory
from aref.adaptation.signals import AlertSignal
from aref.errors import InvalidInputError
from aref.models import AnomalyClass

from .factories import T0, signal

CLASSIFIER = AnomalyClassifier(persistent_after_seconds=60, recurrence_count=3, escalation_growth=0.25)


def classify(current: AlertSignal, *earlier: AlertSignal, now: float = T0) -> Classification:
    history = AlertHistory(window_seconds=600)
    for s in (*earlier, current):
        history.record(s)
    return CLASSIFIER.classify(current, history.chain(current.service, current.metric, now), now)


def at(offset: float, **fields: Any) -> AlertSignal:
    """An alert fired ``offset`` seconds after T0 whose breach began 10 s before it fired."""
    fields.setdefault("onset_at", T0 + offset - 10)
    return signal(fired_at=T0 + offset, **fields)


def test_a_single_short_breach_is_transient() -> None:
    result = classify(at(0))
    assert result == Classification(AnomalyClass.TRANSIENT, "single breach of 10s")


@pytest.mark.parametrize(("lasted", "expected"), [(59.5, AnomalyClass.TRANSIENT), (60.0, AnomalyClass.PERSISTENT)])
def test_a_breach_becomes_persistent_at_the_threshold(lasted: float, expected: AnomalyClass) -> None:
    current = signal(onset_at=T0 - 20, fired_at=T0)
    assert classify(current, now=T0 - 20 + lasted).anomaly_class is expected


def test_a_recurring_breach_is_persistent() -> None:
    result = classify(at(200, alert_id="A3"), at(0, alert_id="A1"), at(100, alert_id="A2"), now=T0 + 200)
    assert result == Classification(AnomalyClass.PERSISTENT, "3 alerts on error_rate within the window")


def test_two_alerts_are_not_yet_a_recurrence() -> None:
    assert classify(at(100, alert_id="A2"), at(0, alert_id="A1"), now=T0 + 100).anomaly_class is AnomalyClass.TRANSIENT


def test_rising_severity_is_escalating() -> None:
    prev = at(0, alert_id="A1", severity="warning", value=0.08, threshold=0.05)
    cur = at(30, alert_id="A2", severity="critical", value=0.2, threshold=0.15)
    assert classify(cur, prev, now=T0 + 30) == Classification(
        AnomalyClass.ESCALATING, "severity rose from warning to critical"
    )


@pytest.mark.parametrize(("value", "expected"), [(0.5, AnomalyClass.ESCALATING), (0.49, AnomalyClass.TRANSIENT)])
def test_a_value_worse_by_the_growth_factor_is_escalating(value: float, expected: AnomalyClass) -> None:
    prev = at(0, alert_id="A1", value=0.4)
    cur = at(30, alert_id="A2", value=value)
    assert classify(cur, prev, now=T0 + 30).anomaly_class is expected


def test_falling_severity_is_not_escalating() -> None:
    prev = at(0, alert_id="A1", severity="critical", value=0.9)
    cur = at(30, alert_id="A2", severity="warning", value=0.06, threshold=0.05)
    assert classify(cur, prev, now=T0 + 30).anomaly_class is AnomalyClass.TRANSIENT


def test_a_lower_is_worse_metric_escalates_when_it_falls() -> None:
    prev = at(0, alert_id="A1", metric="availability", value=0.9, threshold=0.99)
    cur = at(30, alert_id="A2", metric="availability", value=0.6, threshold=0.99)
    recovered = at(60, alert_id="A3", metric="availability", value=0.95, threshold=0.99)
    assert classify(cur, prev, now=T0 + 30).anomaly_class is AnomalyClass.ESCALATING
    history = AlertHistory()
    for s in (prev, recovered):
        history.record(s)
    chain = history.chain("payments", "availability", T0 + 60)
    assert CLASSIFIER.classify(recovered, chain, T0 + 60).anomaly_class is AnomalyClass.TRANSIENT


def test_only_the_previous_alert_of_the_same_metric_counts() -> None:
    prev = at(0, alert_id="A1", metric="latency_p99", severity="warning", value=400, threshold=300)
    cur = at(30, alert_id="A2")
    assert classify(cur, prev, now=T0 + 30).anomaly_class is AnomalyClass.TRANSIENT


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"persistent_after_seconds": 0}, "persistent_after_seconds"),
        ({"recurrence_count": 1}, "recurrence_count"),
        ({"escalation_growth": 0}, "escalation_growth"),
        ({"escalation_growth": 1}, "escalation_growth"),
    ],
)
def test_invalid_parameters(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        AnomalyClassifier(**kwargs)
    assert caught.value.field == field
