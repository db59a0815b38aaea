"""The experiment registry, built from the YAML files in chaos/experiments/."""

from __future__ import annotations

import pytest

from aref.control.experiments import Experiment, ExperimentRegistry, seed_registry
from aref.errors import InvalidInputError, NotFoundError
from chaos.faults import FaultSpec, FaultType


def test_the_seed_experiments_keep_the_seed_values() -> None:
    specs = {e.name: e.fault for e in seed_registry()}
    assert specs == {
        "payment_provider_failure": FaultSpec("payments", FaultType.ERROR, 0.8, 120.0, provider="stripe-sim"),
        "order_service_latency": FaultSpec("orders", FaultType.LATENCY, 0.7, 90.0, 3000.0),
        "inventory_degradation": FaultSpec("inventory", FaultType.ERROR, 0.6, 60.0),
        "notification_overload": FaultSpec("notifications", FaultType.LATENCY, 0.9, 60.0, 5000.0),
        "cascading_failure": FaultSpec("payments", FaultType.ERROR, 0.9, 180.0),
        "replica_crash": specs["replica_crash"],
    }
    assert specs["replica_crash"].fault_type is FaultType.CRASH


def test_cascading_failure_says_it_was_clamped_to_the_bound() -> None:
    cascading = seed_registry().get("cascading_failure")
    assert "95%" in cascading.description
    assert "90%" in cascading.description


def test_unknown_experiment_is_not_found() -> None:
    with pytest.raises(NotFoundError) as err:
        seed_registry().get("meteor")
    assert (err.value.kind, err.value.key) == ("experiment", "meteor")


def test_names_are_unique_and_non_empty() -> None:
    first = next(iter(seed_registry()))
    with pytest.raises(InvalidInputError):
        ExperimentRegistry([first, first])
    with pytest.raises(InvalidInputError):
        ExperimentRegistry([Experiment("", "d", "h", first.fault)])
    assert len(ExperimentRegistry([first])) == 1
