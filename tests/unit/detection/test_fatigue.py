from __future__ import annotations

from typing import Any

import pytest

from aref.detection import fatigue
from aref.detection.fatigue import WEEK_SECONDS, FatigueMonitor
from aref.errors import InvalidInputError


def monitor(**kwargs: Any) -> FatigueMonitor:
    return FatigueMonitor(**{"max_per_week": 5, "target_alerts_per_action": 3.0, "min_alerts": 4, **kwargs})


def test_counts_alerts_of_the_last_week_only() -> None:
    fatigue = monitor()
    fatigue.record("old", fired_at=0.0, actioned=True)
    fatigue.record("new", fired_at=WEEK_SECONDS)
    stats = fatigue.stats(now=WEEK_SECONDS + 1.0)
    assert (stats.alerts_in_window, stats.actioned) == (1, 0)


def test_over_budget_above_the_weekly_maximum() -> None:
    fatigue = monitor()
    for i in range(5):
        fatigue.record(f"a{i}", float(i), actioned=True)
    assert not fatigue.stats(10.0).over_budget
    fatigue.record("a5", 5.0, actioned=True)
    stats = fatigue.stats(10.0)
    assert (stats.alerts_in_window, stats.over_budget, stats.fatigued) == (6, True, True)


def test_alert_to_action_ratio_against_the_target() -> None:
    fatigue = monitor(max_per_week=100, min_alerts=10)
    for i in range(10):
        fatigue.record(f"a{i}", float(i), actioned=i < 3)
    breached = fatigue.stats(20.0)
    assert breached.actioned == 3
    assert breached.alerts_per_action == pytest.approx(10 / 3)
    assert breached.action_fraction == pytest.approx(0.3)
    assert (breached.ratio_breached, breached.fatigued) == (True, True)
    assert fatigue.mark_actioned("a3")
    healthy = fatigue.stats(20.0)
    assert (healthy.alerts_per_action, healthy.ratio_breached, healthy.fatigued) == (2.5, False, False)


def test_ratio_is_not_judged_on_too_few_alerts() -> None:
    fatigue = monitor()
    for i in range(3):
        fatigue.record(f"a{i}", float(i))
    stats = fatigue.stats(5.0)
    assert (stats.alerts_per_action, stats.ratio_breached, stats.fatigued) == (None, False, False)
    fatigue.record("a3", 3.0)
    assert fatigue.stats(5.0).ratio_breached


def test_marking_an_unknown_or_expired_alert() -> None:
    fatigue = monitor()
    assert not fatigue.mark_actioned("nope")
    fatigue.record("a", 0.0)
    fatigue.stats(WEEK_SECONDS + 1)
    assert not fatigue.mark_actioned("a")


def test_empty_window() -> None:
    stats = monitor().stats(0.0)
    assert (stats.alerts_in_window, stats.action_fraction, stats.max_per_week, stats.target_alerts_per_action) == (
        0,
        None,
        5,
        3.0,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_per_week": 0}, "max_per_week"),
        ({"target_alerts_per_action": 0.0}, "target_alerts_per_action"),
        ({"min_alerts": 0}, "min_alerts"),
        ({"window_seconds": 0.0}, "window_seconds"),
    ],
)
def test_invalid_parameters_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        monitor(**kwargs)
    assert err.value.field == field


def test_memory_is_bounded_by_the_window_and_the_cap_without_reading_stats() -> None:
    monitor = FatigueMonitor(max_per_week=10, target_alerts_per_action=5.0, window_seconds=100.0)
    for n in range(1000):
        monitor.record(f"A{n}", fired_at=float(n), actioned=n % 2 == 0)
    assert monitor.kept == 101  # fired within the last 100 s of the newest
    assert monitor.stats(999.0).actioned == 50  # the even ones of 899..999


def test_the_cap_drops_the_oldest_alerts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fatigue, "MAX_KEPT", 3)
    monitor = FatigueMonitor(max_per_week=10, target_alerts_per_action=5.0)
    for n in range(5):
        monitor.record(f"A{n}", fired_at=100.0 + n, actioned=True)
    assert monitor.kept == 3
    assert (monitor.mark_actioned("A0"), monitor.mark_actioned("A4")) == (False, True)
