"""The control-plane protocol: everything the dashboard API asks of the running framework.

Every method is async and returns plain JSON-ready data in the shapes of ``aref.control.wire``
(the wire format between the pillar actors and the API). A pillar view (``detection``,
``absorption``, ``recovery``, ``evolution``) is that engine's ``status()`` passed through
``json_ready``. Failures are raised as ``aref.errors``: ``NotFoundError`` (unknown service,
alert, experiment, flag), ``InvalidInputError`` (a broken rule, naming the field),
``ConflictError`` (not possible in the current state), ``RejectedError`` (a guard refused).
Experiment run records (``save_run``, ``runs``) are the runner's ``RunRecord.to_dict()``, kept
in the store's ``experiment_runs`` collection as they come (see ``aref.dashboard.runs``).
The background load (``load_status``, ``start_load``, ``stop_load``) is one ``LoadDriver``
sending orders on a ``TrafficPlan`` (``aref.dashboard.load`` builds its view).
Two implementations: ``LocalControlPlane`` (engines in memory) and the Ray-backed
``RayControlPlane`` in ``services/aref/ray_control_plane.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from aref.control.wire import (
    AlertCounts,
    AlertsView,
    AlertView,
    AvailabilityView,
    ChaosStatusView,
    ChaosStopView,
    ChaosSummary,
    ClientStatsView,
    ErrorBudgetView,
    EventView,
    ExperimentsView,
    ExperimentView,
    FaultView,
    FlagView,
    LoadPlanView,
    LoadRecordView,
    LoadView,
    MaturityView,
    MetricsView,
    PillarScore,
    ReplicaCounts,
    ReplicaView,
    SeededView,
    ServiceAvailability,
    ServicesView,
    ServiceView,
    StatusView,
    TelemetryView,
    TimelineSummary,
    TimelineView,
    TimeToMetric,
    TrafficView,
)
from aref.records import json_ready
from chaos.loadgen import TrafficPlan

__all__ = [
    "AlertCounts",
    "AlertView",
    "AlertsView",
    "AvailabilityView",
    "ChaosStatusView",
    "ChaosStopView",
    "ChaosSummary",
    "ClientStatsView",
    "ControlPlane",
    "ErrorBudgetView",
    "EventView",
    "ExperimentView",
    "ExperimentsView",
    "FaultView",
    "FlagView",
    "LoadPlanView",
    "LoadRecordView",
    "LoadView",
    "MaturityView",
    "MetricsView",
    "PillarScore",
    "ReplicaCounts",
    "ReplicaView",
    "SeededView",
    "ServiceAvailability",
    "ServiceView",
    "ServicesView",
    "StatusView",
    "TelemetryView",
    "TimeToMetric",
    "TimelineSummary",
    "TimelineView",
    "TrafficView",
    "json_ready",
]


# -- the protocol ---------------------------------------------------------------------------


class ControlPlane(Protocol):
    async def status(self) -> StatusView: ...

    async def services(self) -> ServicesView: ...

    async def alerts(self) -> AlertsView: ...

    async def ack_alert(self, alert_id: str) -> AlertView: ...

    async def resolve_alert(self, alert_id: str) -> AlertView: ...

    async def timeline(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> TimelineView:
        """Events newest first, at most ``limit`` (1..1000); filters match exactly, as ``aref.timeline``."""
        ...

    async def detection(self) -> dict[str, Any]: ...

    async def absorption(self) -> dict[str, Any]: ...

    async def adaptation(self) -> dict[str, Any]:
        """The engine's status plus ``replicas``: service -> ReplicaCounts (real beside target)."""
        ...

    async def recovery(self) -> dict[str, Any]: ...

    async def evolution(self) -> dict[str, Any]: ...

    async def maturity(self, profile: str | None = None) -> MaturityView: ...

    async def metrics(self) -> MetricsView: ...

    async def chaos_experiments(self) -> ExperimentsView: ...

    async def start_experiment(self, name: str) -> FaultView: ...

    async def inject_fault(
        self,
        service: str,
        fault_type: str,
        rate: float,
        duration_s: float,
        delay_ms: float | None = None,
        label: str | None = None,
    ) -> FaultView:
        """One ad-hoc fault; ``label`` names the experiment it belongs to (refused while that label runs)."""
        ...

    async def stop_chaos(self) -> ChaosStopView: ...

    async def stop_fault(self, fault_id: str) -> FaultView:
        """Roll back one active fault now; an unknown or already ended one is ``NotFoundError``."""
        ...

    async def chaos_status(self) -> ChaosStatusView: ...

    async def save_run(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Keep one experiment run record under its ``id`` (``InvalidInputError("id")`` without one);
        returns ``{"id": ...}``."""
        ...

    async def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        """Stored run records, newest first, at most ``limit`` (1..1000)."""
        ...

    async def scale(self, service: str, replicas: int) -> ReplicaView: ...

    async def set_flag(self, name: str, enabled: bool) -> FlagView: ...

    async def set_traffic(self, service: str, weights: Mapping[str, int]) -> TrafficView: ...

    async def seed(self, incidents: int) -> SeededView:
        """Add ``incidents`` (1..100) past, resolved demo incidents, each reviewed by the evolution
        engine with its action items (``aref.evolution.seeding``); ``InvalidInputError("incidents")``
        otherwise. Only this call loads demo history."""
        ...

    async def load_status(self) -> LoadView:
        """The background load: running or not, its plan and the client-side record of its outcomes."""
        ...

    async def start_load(self, plan: TrafficPlan) -> LoadView:
        """Start sending orders on ``plan`` with a fresh record; ``ConflictError`` while a load runs."""
        ...

    async def stop_load(self) -> LoadView:
        """Stop sending and wait for the answers in flight; stopping when idle changes nothing."""
        ...

    async def load_record(self, after: int = 0) -> LoadRecordView:
        """The current (or last) load's outcomes from position ``after`` on; empty when none ran."""
        ...
