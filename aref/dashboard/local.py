"""LocalControlPlane: the ``ControlPlane`` over the real pillar engines in memory, no Ray.

For unit tests and for running the API on a laptop without a cluster. The engines, their event
wiring, the fault list and the fake scaler live in ``inmemory.runtime.LocalRuntime``; this
class only answers the protocol. Every read first runs the periodic work that is due (a tick
per ``settings.tick_seconds`` of the injected clock), so no background task is needed.
Local inputs (what replicas would push): ``ingest``, ``ingest_telemetry``, ``apply_reports``.
The load generator is a ``LoadDriver`` over the runtime's simulated shop (``inmemory.shop``): it
runs as a task of the event loop that started it (the server's), sleeping with the injected
``sleep`` (``asyncio.sleep`` by default; tests pass one that moves their fake clock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aref.clock import Clock
from aref.config import ArefSettings
from aref.control.wire import (
    AlertsView,
    AlertView,
    ChaosStatusView,
    ChaosStopView,
    ExperimentsView,
    FaultView,
    FlagView,
    LoadRecordView,
    LoadView,
    MaturityView,
    MetricsView,
    ReplicaView,
    SeededView,
    ServicesView,
    StatusView,
    TimelineView,
    TrafficView,
)
from aref.dashboard import runs as run_records
from aref.dashboard.experiments import ExperimentRegistry, seed_registry
from aref.dashboard.inmemory.runtime import LocalRuntime
from aref.dashboard.load import IN_MEMORY_TARGET, check_after, driver_view, record_view
from aref.dashboard.measures import metrics_view
from aref.dashboard.views import (
    alert_view,
    choose_profile,
    experiment_view,
    replica_bounds,
    service_view,
    status_view,
    telemetry_view,
)
from aref.errors import NotFoundError
from aref.events import Event, EventCategory
from aref.models import HealthSample
from aref.records import json_ready, to_record
from aref.recovery.runbook import Runbook
from aref.store import Store
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph
from chaos.faults import FaultSpec
from chaos.loadgen import SendResult, TrafficPlan
from chaos.loadgen_driver import LoadDriver, Sleep

SOURCE = "dashboard"
STOP_REASON = "stopped by request"
SCALED = "replicas_scaled"  # system.replicas_scaled: a human changed a replica target


class LocalControlPlane:
    def __init__(
        self,
        settings: ArefSettings,
        clock: Clock,
        store: Store | None = None,
        *,
        experiments: ExperimentRegistry | None = None,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        services: Sequence[str] = SERVICES,
        runbooks: Iterable[Runbook] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.experiments = seed_registry() if experiments is None else experiments
        self.runtime = LocalRuntime(settings, clock, store, topology=topology, services=services, runbooks=runbooks)
        self.load = LoadDriver(self._order, clock, sleep)

    # -- local inputs -----------------------------------------------------------------------

    def ingest(self, *samples: HealthSample) -> None:
        self.runtime.ingest(*samples)

    def ingest_telemetry(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.runtime.ingest_telemetry(records)

    def apply_reports(self, records: Sequence[Mapping[str, Any]]) -> int:
        return self.runtime.apply_reports(records)

    def tick(self) -> None:
        self.runtime.tick()

    # -- the ControlPlane protocol ----------------------------------------------------------

    async def status(self) -> StatusView:
        rt = self._synced()
        profile = self.settings.risk_profile
        return status_view(
            maturity=rt.maturity(profile),
            risk_profile=profile.value,
            active_alerts=rt.alerts()["active"],
            active_recoveries=len(rt.engines.recovery.active()),
            faults=rt.active_faults(),
            at=self.clock.now(),
        )

    async def services(self) -> ServicesView:
        rt = self._synced()
        active = rt.alerts()["active"]
        degradation = json_ready(rt.engines.absorption.status()["degradation"])
        faults = rt.faults.active()
        views = []
        for name in rt.services:
            sample = rt.samples.get(name)
            views.append(
                service_view(
                    name,
                    topology=rt.topology,
                    replicas={"running": rt.scaler.running(name), "target": rt.scaler.target(name), "running_ids": []},
                    degradation_tier=degradation[name]["tier"] if name in degradation else None,
                    open_alerts=[a for a in active if a["service"] == name],
                    fault_ids=[f.id for f in faults if f.spec.service == name],
                    telemetry=None if sample is None else telemetry_view(sample),
                )
            )
        return {"services": views}

    async def alerts(self) -> AlertsView:
        return self._synced().alerts()

    async def ack_alert(self, alert_id: str) -> AlertView:
        alert = self.runtime.engines.detection.ack(alert_id)
        self.runtime.bus.pump()
        return alert_view(to_record(alert))

    async def resolve_alert(self, alert_id: str) -> AlertView:
        alert = self.runtime.engines.detection.resolve(alert_id)
        self.runtime.bus.pump()
        return alert_view(to_record(alert))

    async def timeline(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> TimelineView:
        return self._synced().query_timeline(category, severity, correlation_id, limit)

    async def detection(self) -> dict[str, Any]:
        return dict(json_ready(self._synced().engines.detection.status()))

    async def absorption(self) -> dict[str, Any]:
        return dict(json_ready(self._synced().engines.absorption.status()))

    async def adaptation(self) -> dict[str, Any]:
        rt = self._synced()
        replicas = {
            s: {"running": rt.scaler.running(s), "target": rt.scaler.target(s), "running_ids": []} for s in rt.services
        }
        return dict(json_ready({**rt.engines.adaptation.status(), "replicas": replicas}))

    async def recovery(self) -> dict[str, Any]:
        return dict(json_ready(self._synced().engines.recovery.status()))

    async def evolution(self) -> dict[str, Any]:
        return dict(json_ready(self._synced().engines.evolution.status()))

    async def maturity(self, profile: str | None = None) -> MaturityView:
        chosen = choose_profile(profile, self.settings.risk_profile)
        return self._synced().maturity(chosen)

    async def metrics(self) -> MetricsView:
        rt = self._synced()
        assessment = rt.maturity(self.settings.risk_profile)
        view = metrics_view(
            incidents=rt.incidents(rt.alerts()),
            detection_status=rt.engines.detection.status(),
            crs_by_profile=assessment["crs_by_profile"],
            settings=self.settings,
            at=self.clock.now(),
        )
        result: MetricsView = json_ready(view)
        return result

    async def chaos_experiments(self) -> ExperimentsView:
        running = {f["experiment"] for f in self._synced().active_faults()}
        return {"experiments": [experiment_view(e, e.name in running) for e in self.experiments]}

    async def start_experiment(self, name: str) -> FaultView:
        experiment = self.experiments.get(name)
        return self._synced().inject(experiment.fault, experiment=experiment.name)

    async def inject_fault(
        self,
        service: str,
        fault_type: str,
        rate: float,
        duration_s: float,
        delay_ms: float | None = None,
        label: str | None = None,
    ) -> FaultView:
        if service not in self.runtime.services:
            raise NotFoundError("service", service)
        spec = FaultSpec.build(service, fault_type, rate, duration_s, delay_ms)
        return self._synced().inject(spec, experiment=label)

    async def stop_chaos(self) -> ChaosStopView:
        return {"stopped": self.runtime.stop_faults(STOP_REASON)}

    async def stop_fault(self, fault_id: str) -> FaultView:
        return self._synced().stop_fault(fault_id, STOP_REASON)  # synced first: an expired fault is not stopped

    async def chaos_status(self) -> ChaosStatusView:
        rt = self._synced()
        return {"version": rt.faults.version, "active": rt.active_faults(), "recent": rt.recent_faults()}

    async def save_run(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return run_records.save_run(self.runtime.store, record)

    async def runs(self, limit: int = run_records.DEFAULT_LIMIT) -> list[dict[str, Any]]:
        return run_records.newest_runs(self.runtime.store, limit)

    async def scale(self, service: str, replicas: int) -> ReplicaView:
        rt = self.runtime
        rt.scaler.target(service)  # an unknown service is a 404 before any bound is checked
        low, high = replica_bounds(replicas, self.settings.adaptation)
        previous = rt.set_replicas(service, replicas)
        rt.engines.adaptation.scale_manually(service, replicas)  # a floor the autoscaler keeps, as on Ray
        payload = {"service": service, "previous": previous, "replicas": replicas, "actor": "human"}
        rt.publish(
            Event.create(EventCategory.SYSTEM, "replicas_scaled", source=SOURCE, clock=self.clock, payload=payload)
        )
        return {
            "service": service,
            "running": rt.scaler.running(service),
            "target": rt.scaler.target(service),
            "min": low,
            "max": high,
        }

    async def set_flag(self, name: str, enabled: bool) -> FlagView:
        flag = self.runtime.engines.adaptation.toggle_flag(name, enabled)
        self.runtime.bus.pump()
        view: FlagView = json_ready({"name": flag.name, **flag.to_status()})
        return view

    async def set_traffic(self, service: str, weights: Mapping[str, int]) -> TrafficView:
        applied = self.runtime.engines.adaptation.set_weights(service, dict(weights))
        self.runtime.bus.pump()
        return {"service": service, "weights": applied}

    async def seed(self, incidents: int) -> SeededView:
        report = self.runtime.seed(incidents)
        return {
            "incidents": report.incidents,
            "reviews": report.reviews,
            "action_items": report.action_items,
            "events": report.events,
        }

    async def load_status(self) -> LoadView:
        self._synced()
        return driver_view(self.load, IN_MEMORY_TARGET)

    async def start_load(self, plan: TrafficPlan) -> LoadView:
        self._synced()
        self.load.start(plan)  # ConflictError while a plan runs
        return driver_view(self.load, IN_MEMORY_TARGET)

    async def stop_load(self) -> LoadView:
        await self.load.stop()
        self.runtime.flush_orders()
        return driver_view(self.load, IN_MEMORY_TARGET)

    async def load_record(self, after: int = 0) -> LoadRecordView:
        check_after(after)
        return record_view(self.load.record(after), after)

    async def _order(self) -> SendResult:
        return self.runtime.place_order()

    def _synced(self) -> LocalRuntime:
        self.runtime.sync()
        return self.runtime
