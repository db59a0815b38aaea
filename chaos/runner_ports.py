"""What the experiment runner is plugged into: the AREF API, the load generator, a run sink.

Protocols only (plus the runner's tunables), so the runner stays free of Ray and HTTP: the
HTTP API (``chaos.http_api``), the load generators (``chaos.loadgen_http``,
``actors.loadgen_actor``) and the test fakes implement them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from aref.store import Collection, Store
from chaos.faults import FaultSpec
from chaos.loadgen import ClientRecord, TrafficPlan


class ExperimentApi(Protocol):
    """What the runner reads and changes in AREF; failures are raised as ``aref.errors``."""

    async def error_budgets(self) -> list[dict[str, Any]]:
        """``GET /metrics`` -> ``error_budgets`` (ErrorBudgetView list)."""
        ...

    async def detectors(self) -> list[str]:
        """The detector names (``GET /detection`` -> ``detectors`` keys)."""
        ...

    async def services(self) -> list[dict[str, Any]]:
        """``GET /services`` -> ``services`` (ServiceView list)."""
        ...

    async def inject(self, spec: FaultSpec, experiment: str) -> dict[str, Any]:
        """Start one fault; a FaultView, plus ``replicas_killed`` when the API reports it."""
        ...

    async def stop_fault(self, fault_id: str) -> None:
        """Roll the fault back (a fault that already ended is not an error)."""
        ...

    async def alerts(self) -> list[dict[str, Any]]:
        """Active and recently resolved AlertViews."""
        ...

    async def events(self, category: str) -> list[dict[str, Any]]:
        """The newest timeline EventViews of one category."""
        ...

    async def breakers(self) -> dict[str, dict[str, Any]]:
        """``GET /absorption`` -> ``breakers`` (edge -> snapshot)."""
        ...

    async def flags(self) -> dict[str, bool]:
        """Flag name -> enabled on some live replica (off only when every replica reporting it has it off)."""
        ...

    async def captured(self, service: str) -> dict[str, int]:
        """Per alternative of ``service`` (a payment provider), the payments it captured, as the
        service's replicas count them; empty for a service without alternatives."""
        ...


class LoadGenerator(Protocol):
    async def start(self, plan: TrafficPlan) -> None: ...

    async def stop(self) -> None: ...

    async def record(self) -> ClientRecord:
        """Every outcome since ``start``."""
        ...


class RunSink(Protocol):
    async def save_run(self, run_id: str, record: Mapping[str, Any]) -> None:
        """Keep one run record (collection ``experiment_runs``)."""
        ...


class StoreRunSink:
    """A ``RunSink`` over a ``Store``: collection ``experiment_runs``, keyed by run id."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def save_run(self, run_id: str, record: Mapping[str, Any]) -> None:
        self._store.put(Collection.EXPERIMENT_RUNS, run_id, record)


Sleep = Callable[[float], Awaitable[None]]
Progress = Callable[[str, Mapping[str, Any]], None]
"""Told each phase as it happens: ``experiment``, ``budget``, ``load_started`` (plan), ``sampled``
(the client record after every poll), ``standing_down`` (what AREF still holds: ``busy``, once
per change), ``steady_state``, ``injected`` (the fault view), ``observed``
(verdicts, the ``Observation`` and the observation's end ``until``), ``rolled_back``,
``steady_state_after``, ``done`` (the record). A consumer ignores phases it does not show."""


@dataclass(frozen=True)
class RunnerConfig:
    poll_s: float = 1.0
    budget_floor: float = 0.2  # refuse when the target's budget left outside experiments is below this
    grace_s: float = 30.0  # alerts this long after the fault ended still count as caused by it
    lag_s: float = 3.0  # how late the API may show a fact; a "within" fails only after it
    data_wait_s: float = 30.0  # before the fault: how long to wait for the probes' first answered orders
    rest_wait_s: float = (
        90.0  # before the fault: how long to wait for AREF to stand down (not scaled: its holds are not)
    )

    def scaled(self, factor: float) -> RunnerConfig:
        return replace(
            self,
            poll_s=self.poll_s * factor,
            grace_s=self.grace_s * factor,
            lag_s=self.lag_s * factor,
            data_wait_s=self.data_wait_s * factor,
        )
