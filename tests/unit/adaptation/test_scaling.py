from __future__ import annotations

from typing import Any

import pytest

from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.errors import InvalidInputError

POLICY = ScalingPolicy(min_replicas=1, max_replicas=4, latency_target_ms=300, error_rate_target=0.05, target_ongoing=2)


def load(ongoing: float, p99: float = 100.0, errors: float = 0.0) -> LoadSignals:
    return LoadSignals(ongoing_per_replica=ongoing, latency_p99_ms=p99, error_rate=errors)


def test_load_above_the_band_adds_one_replica_at_a_time() -> None:
    decision = POLICY.recommend("orders", 1, load(8.0))
    assert decision == ScaleDecision("orders", 1, 2, "8.00 in flight per replica, target 2")
    assert decision.changed


@pytest.mark.parametrize("ongoing", [1.81, 2.0, 2.19])
def test_within_the_tolerance_band_nothing_changes(ongoing: float) -> None:
    decision = POLICY.recommend("orders", 2, load(ongoing))
    assert not decision.changed
    assert decision.reason.startswith("hold:")
    assert "within ±10%" in decision.reason


def test_just_outside_the_band_changes() -> None:
    assert POLICY.recommend("orders", 2, load(2.21)).desired == 3
    assert POLICY.recommend("orders", 2, load(1.79)).desired == 1


def test_latency_alone_adds_no_replica() -> None:
    assert not POLICY.recommend("orders", 2, load(2.0, p99=5000)).changed


def test_never_above_the_maximum() -> None:
    assert POLICY.recommend("orders", 4, load(50)) == ScaleDecision(
        "orders", 4, 4, "hold: at the maximum (50.00 in flight per replica, target 2)"
    )


def test_scales_down_one_step_when_idle() -> None:
    assert POLICY.recommend("orders", 4, load(0.1)).desired == 3
    assert POLICY.recommend("orders", 1, load(0.0)) == ScaleDecision(
        "orders", 1, 1, "hold: at the minimum (0.00 in flight per replica, target 2)"
    )


@pytest.mark.parametrize(("p99", "errors", "what"), [(900, 0.0, "p99 900 ms"), (100, 0.2, "error rate 20.0%")])
def test_keeps_capacity_while_failing(p99: float, errors: float, what: str) -> None:
    decision = POLICY.recommend("orders", 3, load(0.1, p99=p99, errors=errors))
    assert decision == ScaleDecision("orders", 3, 3, f"hold: {what} over target, keeping capacity")


@pytest.mark.parametrize(("current", "desired"), [(6, 4), (0, 1)])
def test_counts_outside_the_bounds_are_corrected(current: int, desired: int) -> None:
    decision = POLICY.recommend("orders", current, load(2))
    assert (decision.desired, decision.reason) == (desired, f"{current} replicas is outside [1, 4]")


def test_ratio_is_load_over_target() -> None:
    assert POLICY.ratio(load(3.0)) == 1.5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_replicas": 0}, "min_replicas"),
        ({"min_replicas": 3, "max_replicas": 2}, "max_replicas"),
        ({"cooldown_seconds": -1}, "cooldown_seconds"),
        ({"down_stabilization_seconds": -1}, "down_stabilization_seconds"),
        ({"latency_target_ms": 0}, "latency_target_ms"),
        ({"error_rate_target": 1.5}, "error_rate_target"),
        ({"target_ongoing": 0}, "target_ongoing"),
        ({"tolerance": 1.0}, "tolerance"),
        ({"effect_ticks": 0}, "effect_ticks"),
    ],
)
def test_invalid_policy(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ScalingPolicy(**kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ongoing_per_replica": -1}, "ongoing_per_replica"),
        ({"request_rate": -1}, "request_rate"),
        ({"latency_p99_ms": -5}, "latency_p99_ms"),
        ({"error_rate": 1.2}, "error_rate"),
    ],
)
def test_invalid_load(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        LoadSignals(**{"ongoing_per_replica": 1.0, **kwargs})
    assert caught.value.field == field


def test_negative_current_is_invalid() -> None:
    with pytest.raises(InvalidInputError) as caught:
        POLICY.recommend("orders", -1, load(1))
    assert caught.value.field == "current"
