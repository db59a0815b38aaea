from __future__ import annotations

import dataclasses

import pytest

from aref.adaptation.history import AlertHistory
from aref.errors import InvalidInputError
from aref.models import DetectionClass

from .factories import T0, signal


def test_record_keeps_the_first_delivery_of_an_alert() -> None:
    history = AlertHistory()
    history.record(signal(alert_id="A1", value=0.4))
    history.record(signal(alert_id="A1", value=0.9))
    assert len(history) == 1
    first = history.get("A1")
    assert first is not None
    assert first.value == 0.4
    assert "A1" in history
    assert history.get("nope") is None


def test_resolve_marks_an_alert_once() -> None:
    history = AlertHistory()
    history.record(signal(alert_id="A1"))
    assert history.is_open("A1")
    assert history.resolve("A1", T0 + 10) is True
    assert history.resolve("A1", T0 + 11) is False
    assert history.resolve("unknown", T0) is False
    assert not history.is_open("A1")


def test_chain_is_one_service_and_metric_in_fire_order() -> None:
    history = AlertHistory(window_seconds=100)
    history.record(signal(alert_id="late", fired_at=T0 + 50, onset_at=T0 + 40))
    history.record(signal(alert_id="early", fired_at=T0 + 10, onset_at=T0))
    history.record(signal(alert_id="other-metric", metric="latency_p99", fired_at=T0 + 20, onset_at=T0))
    history.record(signal(alert_id="other-service", service="orders", fired_at=T0 + 20, onset_at=T0))
    chain = history.chain("payments", "error_rate", T0 + 60)
    assert [e.signal.alert_id for e in chain] == ["early", "late"]


def test_chain_drops_resolved_alerts_older_than_the_window_but_keeps_open_ones() -> None:
    history = AlertHistory(window_seconds=100)
    history.record(signal(alert_id="old-resolved", fired_at=T0, onset_at=T0))
    history.record(signal(alert_id="old-open", fired_at=T0 + 1, onset_at=T0))
    history.resolve("old-resolved", T0 + 5)
    now = T0 + 101.5
    assert [e.signal.alert_id for e in history.chain("payments", "error_rate", now)] == ["old-open"]
    history.prune(now)
    assert len(history) == 1
    assert "old-resolved" not in history


def test_alerting_services_are_those_with_an_open_alert_on_live_traffic() -> None:
    history = AlertHistory()
    history.record(signal(alert_id="A1", service="payments"))
    history.record(signal(alert_id="A2", service="orders"))
    history.record(
        dataclasses.replace(signal(alert_id="A3", service="gateway"), detection_class=DetectionClass.SLO_BURN)
    )
    assert history.alerting_services() == {"payments", "orders"}
    history.resolve("A2", T0 + 5)
    assert history.alerting_services() == {"payments"}
    assert history.open_services() == {"payments", "gateway"}


def test_history_is_bounded_oldest_first() -> None:
    history = AlertHistory(max_entries=2)
    for n in range(3):
        history.record(signal(alert_id=f"A{n}"))
    assert len(history) == 2
    assert "A0" not in history
    assert "A2" in history


def test_invalid_parameters() -> None:
    with pytest.raises(InvalidInputError) as window:
        AlertHistory(window_seconds=0)
    with pytest.raises(InvalidInputError) as size:
        AlertHistory(max_entries=0)
    assert (window.value.field, size.value.field) == ("window_seconds", "max_entries")
