"""The chaos experiments the API can start, until the YAML experiment files replace them.

Each experiment is one fault (``chaos.faults.FaultSpec``, so the safety bounds hold at import
time) plus the hypothesis it tests. The five seed experiments keep their seed values, except
``cascading_failure`` whose 95 % error rate exceeds the 90 % bound: it runs at the bound.
Replace the registry by passing another ``ExperimentRegistry`` to the control plane.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from aref.errors import InvalidInputError, NotFoundError
from chaos.faults import MAX_RATE, FaultSpec, FaultType


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    hypothesis: str
    fault: FaultSpec


class ExperimentRegistry:
    """Experiments by unique name, in registration order."""

    def __init__(self, experiments: Iterable[Experiment]) -> None:
        self._by_name: dict[str, Experiment] = {}
        for experiment in experiments:
            if not experiment.name:
                raise InvalidInputError("name", "an experiment needs a name")
            if experiment.name in self._by_name:
                raise InvalidInputError("name", f"duplicate experiment {experiment.name!r}")
            self._by_name[experiment.name] = experiment

    def get(self, name: str) -> Experiment:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFoundError("experiment", name) from None

    def __iter__(self) -> Iterator[Experiment]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)


SEED_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        "payment_provider_failure",
        "80% of payment requests fail for 120 s.",
        "The gateway->payments breaker opens within 30 s and traffic fails over to the backup provider.",
        FaultSpec("payments", FaultType.ERROR, 0.8, 120.0),
    ),
    Experiment(
        "order_service_latency",
        "70% of order requests take 3 s longer for 90 s.",
        "Anomaly detection fires within 3 minutes and the autoscaler adds replicas.",
        FaultSpec("orders", FaultType.LATENCY, 0.7, 90.0, 3000.0),
    ),
    Experiment(
        "inventory_degradation",
        "60% of inventory requests fail for 60 s.",
        "Inventory degrades to a cached/minimal mode while orders still process.",
        FaultSpec("inventory", FaultType.ERROR, 0.6, 60.0),
    ),
    Experiment(
        "notification_overload",
        "90% of notification requests take 5 s longer for 60 s.",
        "Feature flags switch notifications off; the core order flow is unaffected.",
        FaultSpec("notifications", FaultType.LATENCY, 0.9, 60.0, 5000.0),
    ),
    Experiment(
        "cascading_failure",
        f"Payments fail hard for 180 s. The seed asks for 95% errors; that exceeds the {MAX_RATE:.0%} "
        f"safety bound, so it runs at {MAX_RATE:.0%}.",
        "The full detect-absorb-adapt-recover-evolve pipeline runs: recovery within 15 minutes and a review.",
        FaultSpec("payments", FaultType.ERROR, MAX_RATE, 180.0),
    ),
)


def seed_registry() -> ExperimentRegistry:
    return ExperimentRegistry(SEED_EXPERIMENTS)
