from __future__ import annotations

import dataclasses

import pytest

from aref.adaptation.window import AdaptationWindow, WindowState, WindowTracker
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import AnomalyClass

from .factories import T0


def open_window(tracker: WindowTracker, alert_id: str = "A1", now: float = T0) -> AdaptationWindow:
    return tracker.open(
        alert_id=alert_id,
        service="payments",
        metric="error_rate",
        severity=Severity.CRITICAL,
        strategy="shed_load",
        anomaly_class=AnomalyClass.TRANSIENT,
        now=now,
        correlation_id="C1",
    )


def test_window_escalates_at_the_deadline_not_before() -> None:
    tracker = WindowTracker(120)
    window = open_window(tracker)
    assert window.deadline == T0 + 120
    assert tracker.due(T0 + 119) == []
    (due,) = tracker.due(T0 + 120)
    assert (due.alert_id, due.state, due.closed_at) == ("A1", WindowState.ESCALATED, T0 + 120)
    assert tracker.due(T0 + 500) == []
    assert tracker.active() == ()


def test_resolution_first_mitigates_and_prevents_escalation() -> None:
    tracker = WindowTracker(120)
    open_window(tracker)
    closed = tracker.resolve("A1", T0 + 60)
    assert closed is not None
    assert closed.state is WindowState.MITIGATED
    assert tracker.due(T0 + 120) == []
    assert tracker.resolve("A1", T0 + 61) is None
    assert [w.state for w in tracker.closed()] == [WindowState.MITIGATED]


def test_an_alert_keeps_its_first_window() -> None:
    tracker = WindowTracker(120)
    first = open_window(tracker)
    assert open_window(tracker, now=T0 + 50) == first
    assert len(tracker.active()) == 1


def test_escalate_early_closes_once() -> None:
    tracker = WindowTracker(120)
    open_window(tracker)
    closed = tracker.escalate("A1", T0 + 5)
    assert closed is not None
    assert closed.state is WindowState.ESCALATED
    assert tracker.escalate("A1", T0 + 6) is None


def test_update_keeps_the_original_deadline() -> None:
    tracker = WindowTracker(120)
    window = open_window(tracker)
    tracker.update(dataclasses.replace(window, strategy="shift_traffic", deadline=T0 + 999, reassessed=True))
    updated = tracker.get("A1")
    assert updated is not None
    assert (updated.strategy, updated.deadline, updated.reassessed) == ("shift_traffic", T0 + 120, True)
    tracker.update(dataclasses.replace(window, alert_id="unknown"))
    assert tracker.get("unknown") is None


def test_closed_history_is_bounded() -> None:
    tracker = WindowTracker(10, history_size=2)
    for n in range(3):
        open_window(tracker, f"A{n}")
        tracker.resolve(f"A{n}", T0 + 1)
    assert [w.alert_id for w in tracker.closed()] == ["A1", "A2"]


def test_load_reinstates_only_open_windows() -> None:
    tracker = WindowTracker(120)
    window = open_window(tracker)
    fresh = WindowTracker(120)
    fresh.load([window, dataclasses.replace(window, alert_id="A2", state=WindowState.MITIGATED)])
    assert fresh.active() == (window,)


def test_status_shows_the_time_left() -> None:
    tracker = WindowTracker(120)
    window = open_window(tracker)
    status = window.to_status(T0 + 45)
    assert (status["remaining_seconds"], status["state"], status["strategy"]) == (75.0, "open", "shed_load")


def test_invalid_parameters() -> None:
    with pytest.raises(InvalidInputError) as window:
        WindowTracker(0)
    with pytest.raises(InvalidInputError) as size:
        WindowTracker(10, history_size=0)
    assert (window.value.field, size.value.field) == ("window_seconds", "history_size")
