"""The five pillar engines running in one process, wired like the Ray actors, without Ray.

Wiring (as actors/wiring.py does with actors): every event goes to the timeline
(``aref.timeline.Timeline``) and to evolution (which keeps each incident's chain for its
review); detection, absorption, adaptation and recovery get the topics of their ``SUBSCRIBES``;
``adaptation.scale_requested`` goes to the fake scaler, which reports the target as running and
tells adaptation so. Faults live in ``chaos.injector.FaultInjector``; the runtime remembers which
experiment started which fault and refuses to start an experiment that is still running.
Events are delivered synchronously after every input (``LocalBus.pump``). ``tick`` expires
faults and runs every engine's periodic work; ``sync`` ticks when ``settings.tick_seconds`` passed since
the last tick, and rolls expired faults back even between ticks. Telemetry arrives as the
replicas push it to the actors: merged samples (``ingest``), replica telemetry records
(``ingest_telemetry``) and breaker outcome reports (``apply_reports``). Orders from the load
generator go to the simulated shop (``place_order``, ``inmemory.shop``), whose telemetry is
ingested a window at a time, as replicas push theirs. ``seed`` loads demo history
(``aref.evolution.seeding``) on request only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aref import topics
from aref.absorption.engine import AbsorptionEngine
from aref.absorption.shared_breaker import OutcomeReport
from aref.adaptation.engine import AdaptationEngine
from aref.clock import Clock
from aref.config import ArefSettings
from aref.control.wire import (
    AlertsView,
    FaultView,
    MaturityView,
    TimelineView,
)
from aref.dashboard.facts import PillarStatuses, automated_tiers, maturity_view
from aref.dashboard.inmemory.bus import LocalBus
from aref.dashboard.inmemory.scaler import FakeScaler
from aref.dashboard.inmemory.shop import SimulatedShop
from aref.dashboard.measures import measured_incidents
from aref.dashboard.timeline import check_limit, timeline_view
from aref.dashboard.views import alerts_view, fault_view
from aref.detection.engine import DetectionEngine
from aref.errors import ConflictError, InvalidInputError, StoreError
from aref.events import Event
from aref.evolution.engine import EvolutionEngine
from aref.evolution.seeding import SeedReport, seed_history
from aref.models import HealthSample, Incident
from aref.records import from_record
from aref.recovery.defaults import default_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.runbook import Runbook
from aref.scoring import RiskProfile
from aref.store import Collection, MemoryStore, Repository, Store
from aref.telemetry import ReplicaTelemetry, merge_service
from aref.timeline import Timeline
from aref.topology import DependencyGraph
from chaos.faults import ActiveFault, FaultSpec
from chaos.injector import FaultInjector
from chaos.loadgen import SendResult

T = TypeVar("T")
EXPERIMENT_MEMORY = 500  # fault id -> experiment entries kept (the injector keeps 200 rolled back)


@dataclass(frozen=True)
class Engines:
    detection: DetectionEngine
    absorption: AbsorptionEngine
    adaptation: AdaptationEngine
    recovery: RecoveryEngine
    evolution: EvolutionEngine

    def statuses(self) -> PillarStatuses:
        return PillarStatuses(
            self.detection.status(),
            self.absorption.status(),
            self.adaptation.status(),
            self.recovery.status(),
            self.evolution.status(),
        )


class LocalRuntime:
    def __init__(
        self,
        settings: ArefSettings,
        clock: Clock,
        store: Store | None,
        *,
        topology: DependencyGraph,
        services: Sequence[str],
        runbooks: Iterable[Runbook] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store: Store = MemoryStore() if store is None else store
        self.topology = topology
        self.services = tuple(services)
        self.bus = LocalBus()
        self.timeline = Timeline()
        books = default_runbooks() if runbooks is None else tuple(runbooks)
        bus, db = self.bus, self.store
        self.engines = Engines(
            DetectionEngine(settings.detection, clock, bus, db, services),
            AbsorptionEngine(settings.absorption, clock, bus, db, topology, services=services),
            AdaptationEngine(settings.adaptation, clock, bus, db, services, topology=topology),
            RecoveryEngine(settings.recovery, clock, bus, db, runbooks=books),
            EvolutionEngine(settings.evolution, clock, bus, db),
        )
        self.faults = FaultInjector(clock, bus, services)
        self._experiments: OrderedDict[str, str] = OrderedDict()
        self.scaler = FakeScaler(services, settings.adaptation.min_replicas)
        self.shop = SimulatedShop(services, self.scaler.running)
        self.samples: dict[str, HealthSample] = {}
        self._automated = automated_tiers(books)
        self._incidents = Repository(self.store, Collection.INCIDENTS, Incident)
        self._last_tick = clock.now()
        e = self.engines
        bus.subscribe("timeline", None, self.timeline.add)
        bus.subscribe("evolution", None, e.evolution.handle)
        bus.subscribe("detection", e.detection.SUBSCRIBES, e.detection.handle)
        bus.subscribe("absorption", e.absorption.SUBSCRIBES, e.absorption.handle)
        bus.subscribe("adaptation", e.adaptation.SUBSCRIBES, e.adaptation.handle)
        bus.subscribe("recovery", e.recovery.SUBSCRIBES, e.recovery.handle)
        bus.subscribe("scaler", (topics.SCALE_REQUESTED,), self._on_scale_requested)

    # -- inputs -----------------------------------------------------------------------------

    def ingest(self, *samples: HealthSample) -> None:
        """Merged samples straight to detection (no load reaches adaptation: a sample has no duration)."""
        for sample in samples:
            self.engines.detection.ingest(sample)
            self.samples[sample.service] = sample
        self.bus.pump()

    def ingest_telemetry(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Replica telemetry records (``to_record(ReplicaTelemetry)``), as the detection actor takes them:
        merged per service at now into detection, and the service's load (requests per second over
        the reports' span) forwarded to adaptation's scaling policy."""
        reports = [_decode(ReplicaTelemetry, r, "telemetry") for r in records]
        now = self.clock.now()
        for service in dict.fromkeys(r.service for r in reports):
            mine = [r for r in reports if r.service == service]
            sample = merge_service(mine, service, now)
            self.engines.detection.ingest(sample)
            self.samples[service] = sample
            span = max(r.ended_at for r in mine) - min(r.started_at for r in mine)
            if span > 0:
                rate = sample.requests / span
                self.engines.adaptation.observe_load(
                    service, sample.replicas, rate, sample.latency_p99_ms, sample.error_rate
                )
        self.bus.pump()

    def apply_reports(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Breaker outcome reports (``to_record(OutcomeReport)``); returns how many were new."""
        applied = self.engines.absorption.apply_reports([_decode(OutcomeReport, r, "reports") for r in records])
        self.bus.pump()
        return applied

    def place_order(self) -> SendResult:
        """One order through the simulated shop under the live faults (a due telemetry window first)."""
        self.flush_orders(force=False)
        return self.shop.order(self.faults.board(), self.clock.now())

    def flush_orders(self, *, force: bool = True) -> None:
        """Ingest the shop's telemetry window: when due, or whatever it holds with ``force``."""
        now = self.clock.now()
        if self.shop.due(now) or force:
            records = self.shop.flush(now)
            if records:
                self.ingest_telemetry(records)

    def publish(self, event: Event) -> None:
        self.bus.emit(event)
        self.bus.pump()

    def tick(self) -> None:
        self.faults.tick()
        e = self.engines
        for engine in (e.detection, e.absorption, e.adaptation, e.recovery, e.evolution):
            engine.tick()
        self._last_tick = self.clock.now()
        self.bus.pump()

    def sync(self) -> None:
        """Ingest a due window of order telemetry; tick when one is due; expired faults roll back
        at once either way."""
        self.flush_orders(force=False)
        if self.clock.now() - self._last_tick >= self.settings.tick_seconds:
            self.tick()
        elif self.faults.tick():
            self.bus.pump()

    def seed(self, incidents: int) -> SeedReport:
        """Demo history into the store through the evolution engine's input; its review events go
        out on the bus (to the timeline), the replayed chains do not."""
        report = seed_history(
            incidents, settings=self.settings.evolution, clock=self.clock, store=self.store, sink=self.bus
        )
        self.bus.pump()
        return report

    def set_replicas(self, service: str, replicas: int) -> int:
        """Set the scaler's target, tell adaptation what runs now; returns the previous target."""
        previous = self.scaler.set_target(service, replicas)
        self.engines.adaptation.set_replicas_observed(service, self.scaler.running(service))
        return previous

    # -- reads ------------------------------------------------------------------------------

    def alerts(self) -> AlertsView:
        return alerts_view(self.engines.detection.status())

    def incidents(self, alerts: AlertsView) -> list[Incident]:
        return measured_incidents(self._incidents.all(), [*alerts["active"], *alerts["recent_resolved"]])

    def maturity(self, profile: RiskProfile) -> MaturityView:
        alerts = self.alerts()
        return maturity_view(
            self.engines.statuses(),
            incidents=self.incidents(alerts),
            alerts=[*alerts["active"], *alerts["recent_resolved"]],
            topology=self.topology,
            settings=self.settings,
            automated=self._automated,
            profile=profile,
        )

    def query_timeline(
        self, category: str | None, severity: str | None, correlation_id: str | None, limit: int
    ) -> TimelineView:
        check_limit(limit)
        everything = max(1, len(self.timeline))
        matched = self.timeline.query(
            category=category, severity=severity, correlation_id=correlation_id, limit=everything
        )
        return timeline_view(matched, limit=limit, retained=len(self.timeline))

    # -- chaos --------------------------------------------------------------------------------

    def inject(self, spec: FaultSpec, *, experiment: str | None = None) -> FaultView:
        running = [f.id for f in self.faults.active() if experiment and self._experiments.get(f.id) == experiment]
        if running:
            raise ConflictError(f"experiment {experiment} is already running as fault {running[0]}; stop chaos first")
        fault = self.faults.inject(spec)
        if experiment is not None:
            self._experiments[fault.id] = experiment
            while len(self._experiments) > EXPERIMENT_MEMORY:
                self._experiments.popitem(last=False)
        self.bus.pump()
        return fault_view(fault, self.clock.now(), experiment=experiment)

    def stop_faults(self, reason: str) -> list[FaultView]:
        now = self.clock.now()
        stopped = self.faults.stop_all(reason)
        self.bus.pump()
        return [
            fault_view(f, now, experiment=self._experiments.get(f.id), ended_at=now, end_reason=reason) for f in stopped
        ]

    def stop_fault(self, fault_id: str, reason: str) -> FaultView:
        """Roll back one active fault (``NotFoundError`` when it is not active)."""
        now = self.clock.now()
        fault = self.faults.rollback(fault_id, reason)
        self.bus.pump()
        return fault_view(fault, now, experiment=self._experiments.get(fault.id), ended_at=now, end_reason=reason)

    def active_faults(self) -> list[FaultView]:
        now = self.clock.now()
        return [fault_view(f, now, experiment=self._experiments.get(f.id)) for f in self.faults.active()]

    def recent_faults(self) -> list[FaultView]:
        """Rolled-back faults, newest first."""
        now = self.clock.now()
        return [
            fault_view(
                from_record(ActiveFault, record),
                now,
                experiment=self._experiments.get(record["id"]),
                ended_at=record["rolled_back_at"],
                end_reason=record["reason"],
            )
            for record in self.faults.status()["history"]
        ]

    def _on_scale_requested(self, events: Sequence[Event]) -> None:
        for event in events:
            service, desired = event.payload.get("service"), event.payload.get("desired")
            if isinstance(service, str) and isinstance(desired, int) and service in self.services:
                self.set_replicas(service, desired)


def _decode(kind: type[T], record: Mapping[str, Any], field: str) -> T:
    try:
        return from_record(kind, record)
    except StoreError as exc:
        raise InvalidInputError(field, str(exc)) from None
