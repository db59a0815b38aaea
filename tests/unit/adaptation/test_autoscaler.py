from __future__ import annotations

import pytest

from aref.adaptation.autoscaler import Autoscaler, ReplicaState
from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.errors import InvalidInputError, NotFoundError

from .factories import T0

POLICY = ScalingPolicy(min_replicas=1, max_replicas=4, cooldown_seconds=30)
HOT = LoadSignals(request_rate=120, capacity_per_replica=50)


@pytest.fixture
def scaler() -> Autoscaler:
    return Autoscaler(["orders", "payments"], POLICY, stale_after_seconds=10)


def test_starts_at_the_minimum(scaler: Autoscaler) -> None:
    assert scaler.state("orders") == ReplicaState("orders", 1, 1)


def test_evaluate_requests_scale_and_starts_the_cooldown(scaler: Autoscaler) -> None:
    scaler.observe("orders", 1, HOT, T0)
    assert scaler.evaluate(T0) == [ScaleDecision("orders", 1, 3, "utilisation 240% > target 80%")]
    state = scaler.state("orders")
    assert (state.current, state.desired, state.last_scaled_at) == (1, 3, T0)
    assert not scaler.ready("orders", T0 + 29)
    assert scaler.ready("orders", T0 + 30)


def test_a_pending_request_is_not_repeated(scaler: Autoscaler) -> None:
    scaler.observe("orders", 1, HOT, T0)
    scaler.evaluate(T0)
    scaler.observe("orders", 1, HOT, T0 + 35)
    assert scaler.evaluate(T0 + 35) == []
    scaler.observe("orders", 3, LoadSignals(request_rate=200, capacity_per_replica=50), T0 + 70)
    assert scaler.evaluate(T0 + 70) == [ScaleDecision("orders", 3, 4, "utilisation 133% > target 80%")]


def test_stale_load_is_ignored(scaler: Autoscaler) -> None:
    scaler.observe("orders", 1, HOT, T0)
    assert scaler.evaluate(T0 + 10.5) == []
    assert scaler.state("orders").desired == 1


def test_services_without_load_are_left_alone(scaler: Autoscaler) -> None:
    assert scaler.evaluate(T0) == []


def test_request_is_clamped_and_deduplicated(scaler: Autoscaler) -> None:
    assert scaler.request("orders", 9, T0, "strategy") == ScaleDecision("orders", 1, 4, "strategy")
    assert scaler.request("orders", 4, T0 + 1, "again") is None
    assert scaler.request("payments", 1, T0, "same as current") is None


def test_set_observed_validates(scaler: Autoscaler) -> None:
    scaler.set_observed("orders", 2)
    assert scaler.state("orders").current == 2
    for bad in (-1, 1.5, True):
        with pytest.raises(InvalidInputError) as caught:
            scaler.set_observed("orders", bad)  # type: ignore[arg-type]
        assert caught.value.field == "replicas"
    with pytest.raises(NotFoundError):
        scaler.set_observed("billing", 1)


def test_load_keeps_requests_and_cooldowns_but_not_observations(scaler: Autoscaler) -> None:
    scaler.load([ReplicaState("orders", 2, 3, T0, "before restart"), ReplicaState("billing", 1, 2)])
    assert scaler.state("orders") == ReplicaState("orders", 1, 3, T0, "before restart")
    assert scaler.status(T0 + 5)["orders"] == {
        "current": 1,
        "desired": 3,
        "min": 1,
        "floor": 0,
        "max": 4,
        "last_scaled_at": T0,
        "cooling_down": True,
        "reason": "before restart",
    }


def test_invalid_construction() -> None:
    with pytest.raises(InvalidInputError) as services:
        Autoscaler([], POLICY)
    with pytest.raises(InvalidInputError) as stale:
        Autoscaler(["orders"], POLICY, stale_after_seconds=0)
    assert (services.value.field, stale.value.field) == ("services", "stale_after_seconds")


def test_a_count_set_by_a_human_is_a_floor_the_policy_never_goes_below() -> None:
    policy = ScalingPolicy(min_replicas=1, max_replicas=4, cooldown_seconds=0.0)
    scaler = Autoscaler(["payments"], policy)
    scaler.set_manual("payments", 3, now=10.0)
    scaler.observe("payments", 3, LoadSignals(0.0, 50.0, 10.0, 0.0), at=11.0)
    assert scaler.evaluate(12.0) == []
    assert scaler.state("payments").desired == 3
    scaler.observe("payments", 3, LoadSignals(1000.0, 50.0, 10.0, 0.0), at=13.0)
    [up] = scaler.evaluate(14.0)
    assert up.desired == 4
    assert scaler.status(14.0)["payments"]["floor"] == 3
