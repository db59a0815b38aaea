from __future__ import annotations

from typing import Any

import pytest

from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.errors import InvalidInputError

from .factories import T0

POLICY = ScalingPolicy(
    min_replicas=1, max_replicas=4, cooldown_seconds=30, latency_target_ms=300, error_rate_target=0.05
)


def load(rate: float, p99: float = 100.0, errors: float = 0.0) -> LoadSignals:
    return LoadSignals(request_rate=rate, capacity_per_replica=50.0, latency_p99_ms=p99, error_rate=errors)


def test_scales_up_to_the_replicas_the_utilisation_target_needs() -> None:
    decision = POLICY.desired("orders", 1, load(120), now=T0)
    assert decision == ScaleDecision("orders", 1, 3, "utilisation 240% > target 80%")
    assert decision.changed


def test_exactly_at_the_target_needs_no_extra_replica() -> None:
    assert POLICY.needed(load(80)) == 2
    assert POLICY.desired("orders", 2, load(80), now=T0).desired == 2


def test_high_latency_adds_one_replica() -> None:
    decision = POLICY.desired("orders", 2, load(20, p99=900), now=T0)
    assert decision == ScaleDecision("orders", 2, 3, "p99 900 ms > target 300 ms")


def test_never_above_the_maximum() -> None:
    assert POLICY.desired("orders", 1, load(10_000), now=T0).desired == 4
    at_max = POLICY.desired("orders", 4, load(20, p99=900), now=T0)
    assert at_max == ScaleDecision("orders", 4, 4, "hold: at the maximum (p99 900 ms > target 300 ms)")


def test_scales_down_one_step_at_a_time() -> None:
    decision = POLICY.desired("orders", 4, load(10), now=T0)
    assert decision == ScaleDecision("orders", 4, 3, "utilisation 5%; 3 replicas meet the target")


def test_keeps_capacity_while_errors_are_above_target() -> None:
    decision = POLICY.desired("orders", 3, load(10, errors=0.2), now=T0)
    assert decision == ScaleDecision("orders", 3, 3, "hold: error rate 20.0% above target, keeping capacity")


def test_does_not_scale_down_while_latency_is_high() -> None:
    assert POLICY.desired("orders", 4, load(10, p99=900), now=T0).desired == 4


@pytest.mark.parametrize(("since", "desired"), [(29.9, 1), (30.0, 3)])
def test_no_change_within_the_cooldown(since: float, desired: int) -> None:
    decision = POLICY.desired("orders", 1, load(120), now=T0 + since, last_scaled_at=T0)
    assert decision.desired == desired


def test_cooldown_reason_says_what_it_wanted() -> None:
    decision = POLICY.desired("orders", 1, load(120), now=T0 + 10, last_scaled_at=T0)
    assert decision.reason == "cooldown: 20s left (wanted 3)"


@pytest.mark.parametrize(("current", "desired"), [(6, 4), (0, 1)])
def test_counts_outside_the_bounds_are_corrected_even_in_cooldown(current: int, desired: int) -> None:
    decision = POLICY.desired("orders", current, load(40), now=T0, last_scaled_at=T0)
    assert decision.desired == desired
    assert decision.reason == f"{current} replicas is outside [1, 4]"


def test_a_steady_service_holds() -> None:
    assert POLICY.desired("orders", 2, load(60), now=T0) == ScaleDecision(
        "orders", 2, 2, "hold: utilisation 60% within target"
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_replicas": 0}, "min_replicas"),
        ({"min_replicas": 3, "max_replicas": 2}, "max_replicas"),
        ({"cooldown_seconds": -1}, "cooldown_seconds"),
        ({"latency_target_ms": 0}, "latency_target_ms"),
        ({"error_rate_target": 1.5}, "error_rate_target"),
        ({"target_utilization": 0}, "target_utilization"),
    ],
)
def test_invalid_policy(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ScalingPolicy(**kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"request_rate": -1}, "request_rate"),
        ({"capacity_per_replica": 0}, "capacity_per_replica"),
        ({"latency_p99_ms": -5}, "latency_p99_ms"),
        ({"error_rate": 1.2}, "error_rate"),
    ],
)
def test_invalid_load(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        LoadSignals(**{"request_rate": 10.0, "capacity_per_replica": 50.0, **kwargs})
    assert caught.value.field == field


def test_negative_current_is_invalid() -> None:
    with pytest.raises(InvalidInputError) as caught:
        POLICY.desired("orders", -1, load(10), now=T0)
    assert caught.value.field == "current"
