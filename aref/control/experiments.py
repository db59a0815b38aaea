"""The chaos experiments the API can start: one fault each plus the hypothesis it tests.

The registry is read from ``chaos/experiments/*.yaml`` (validated by ``chaos.schema``; the
fault's safety bounds hold at load time). Pass another ``ExperimentRegistry`` to a control
plane to replace it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aref.errors import InvalidInputError, NotFoundError
from chaos.faults import FaultSpec
from chaos.schema import EXPERIMENTS_DIR, load_experiments


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


def seed_registry(directory: Path = EXPERIMENTS_DIR) -> ExperimentRegistry:
    """The experiments of ``chaos/experiments/*.yaml`` (each validated by ``chaos.schema``)."""
    return ExperimentRegistry(
        Experiment(e.name, e.description, e.hypothesis_text(), e.fault.spec(e.target))
        for e in load_experiments(directory)
    )
