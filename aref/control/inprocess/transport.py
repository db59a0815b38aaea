"""The in-process transport: every pillar service in this process, on an injected clock.

For unit tests, the UI tests and the standalone API without a cluster. The services are the
same ones the actors host, built by ``aref.control.registry``, talking through
``InProcessPublisher`` (the same wiring table the Ray publisher uses). The simulated fleet
stands in for Serve's replicas (replica counts, fault boards, crashes) and the simulated shop for
the gateway (orders under the faults the fleet holds, telemetry a window at a time).
Nothing runs in the background: ``sync`` (called by the control plane before every answer) runs
a tick per ``settings.tick_seconds`` of the clock, rolls expired faults back at once, ingests
a due window of order telemetry and settles every service's queued work. The input methods
(``ingest``, ``ingest_telemetry``, ``apply_reports``) are what replicas push on Ray.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from aref.clock import Clock
from aref.config import ArefSettings
from aref.control.experiments import ExperimentRegistry
from aref.control.host import in_process
from aref.control.inprocess.fleet import SimulatedFleet
from aref.control.inprocess.notifier import SimulatedNotifier
from aref.control.inprocess.prober import SimulatedProbe
from aref.control.inprocess.publisher import InProcessPublisher
from aref.control.inprocess.shop import SimulatedShop
from aref.control.load_views import IN_MEMORY_TARGET
from aref.control.pillar import PillarService
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.chaos import ChaosService
from aref.control.pillars.detection import DetectionService
from aref.control.pillars.evolution import EvolutionService
from aref.control.pillars.loadgen import LoadService
from aref.control.pillars.recovery import RecoveryService
from aref.control.pillars.timeline import TimelineService
from aref.control.plane import ControlPlane
from aref.control.ports import (
    ClientSink,
    LoadObservation,
    LoadObserver,
    Notifier,
    OrderSender,
    Peers,
    Probe,
    ProbeSink,
    Publish,
    ReplicaFleet,
    Scaler,
)
from aref.control.registry import SERVICE_CLASSES, build_service
from aref.control.transport import SIMULATED
from aref.control.wiring import ABSORPTION, ADAPTATION, CHAOS, DETECTION, EVOLUTION, LOADGEN, PROBER, RECOVERY, TIMELINE
from aref.detection.probes import ProbeResult
from aref.models import HealthSample
from aref.recovery.defaults import configured_runbooks
from aref.recovery.runbook import Runbook
from aref.store import MemoryStore, Store
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph
from chaos.faults import FaultBoard
from chaos.loadgen import SendResult

Sleep = Callable[[float], Awaitable[None]]
TICK_ORDER = (CHAOS, PROBER, DETECTION, ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION, TIMELINE, LOADGEN)


class InProcessEnvironment:
    """The ports of every service in this process: one store, one publisher, one simulated fleet."""

    def __init__(self, clock: Clock, store: Store, fleet: SimulatedFleet, sleep: Sleep, transport: InProcessTransport):
        self._clock = clock
        self._store = store
        self._fleet = fleet
        self._sleep = sleep
        self._transport = transport

    @property
    def clock(self) -> Clock:
        return self._clock

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    def store(self) -> Store:
        return self._store

    def publish(self) -> Publish:
        return self._transport.publisher

    def scaler(self) -> Scaler:
        return self._fleet

    def fleet(self) -> ReplicaFleet:
        return self._fleet

    def load_observer(self) -> LoadObserver:
        def observe(observation: LoadObservation) -> None:
            self._transport.raw(AdaptationService).observe_load(observation)

        return observe

    def order_sender(self) -> tuple[OrderSender, str]:
        async def send() -> SendResult:
            return self._transport.place_order()

        return send, IN_MEMORY_TARGET

    def prober(self) -> Probe:
        t = self._transport
        return SimulatedProbe(self._clock, self._fleet, t.shop, t.board)

    def probe_sink(self) -> ProbeSink:
        def sink(results: Sequence[ProbeResult]) -> None:
            detection: DetectionService = self._transport.raw(DetectionService)
            detection.ingest_probes(results)
            detection.flush()

        return sink

    def client_sink(self) -> ClientSink:
        def sink(sent_at: Sequence[float]) -> None:
            self._transport.raw(DetectionService).ingest_client_failures(sent_at)

        return sink

    def peers(self) -> Peers:
        return InProcessPeers(self._transport)

    def notifier(self) -> Notifier:
        return self._transport.notifications


class InProcessPeers:
    """The ``Peers`` port in-process: the services of this transport behind the host's discipline."""

    def __init__(self, transport: InProcessTransport) -> None:
        self._transport = transport

    def detection(self) -> DetectionService:
        return self._transport.detection

    def absorption(self) -> AbsorptionService:
        return self._transport.absorption

    def adaptation(self) -> AdaptationService:
        return self._transport.adaptation


class InProcessTransport:
    runtime = SIMULATED  # said in every status view: no Serve replica is behind these answers

    def __init__(
        self,
        settings: ArefSettings,
        clock: Clock,
        store: Store | None = None,
        *,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        services: Sequence[str] = SERVICES,
        runbooks: Iterable[Runbook] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store: Store = MemoryStore() if store is None else store
        self.services = tuple(services)
        self.runbooks = configured_runbooks(settings.recovery) if runbooks is None else tuple(runbooks)
        self.publisher = InProcessPublisher()
        self.fleet = SimulatedFleet(services, settings.adaptation.min_replicas, clock=clock)
        self.shop = SimulatedShop(services, self.fleet.running)
        self.notifications = SimulatedNotifier()
        self._env = InProcessEnvironment(clock, self.store, self.fleet, sleep, self)
        self._services: dict[str, PillarService] = {
            name: build_service(name, settings, self._env, topology=topology, services=services, runbooks=self.runbooks)
            for name in SERVICE_CLASSES
        }
        self.publisher.attach(self._services)
        self._last_tick = clock.now()

    def raw(self, kind: type[Any]) -> Any:
        """The service of class ``kind`` itself (no host discipline): for inputs and tests."""
        return next(s for s in self._services.values() if isinstance(s, kind))

    def service(self, name: str) -> Any:
        """The service registered under ``name`` itself (no host discipline): for inputs and tests."""
        return self._services[name]

    def replace(self, name: str, build: Callable[[InProcessEnvironment], PillarService]) -> None:
        """Put a new service under ``name``, built over the same ports (a restart, as Ray does it)."""
        self._services[name] = build(self._env)

    def board(self) -> FaultBoard:
        """Every fault the simulated replicas hold (what reached the fleet)."""
        return FaultBoard(0, tuple(f for s in self.services for f in self.fleet.board(s).faults))

    # -- the Transport protocol -------------------------------------------------------------------

    @property
    def detection(self) -> DetectionService:
        return in_process(cast(DetectionService, self._services[DETECTION]))

    @property
    def absorption(self) -> AbsorptionService:
        return in_process(cast(AbsorptionService, self._services[ABSORPTION]))

    @property
    def adaptation(self) -> AdaptationService:
        return in_process(cast(AdaptationService, self._services[ADAPTATION]))

    @property
    def recovery(self) -> RecoveryService:
        return in_process(cast(RecoveryService, self._services[RECOVERY]))

    @property
    def evolution(self) -> EvolutionService:
        return in_process(cast(EvolutionService, self._services[EVOLUTION]))

    @property
    def chaos(self) -> ChaosService:
        return in_process(cast(ChaosService, self._services[CHAOS]))

    @property
    def timeline(self) -> TimelineService:
        return in_process(cast(TimelineService, self._services[TIMELINE]))

    @property
    def loadgen(self) -> LoadService:
        return in_process(cast(LoadService, self._services[LOADGEN]))

    async def sync(self) -> None:
        self.flush_orders(force=not self.raw(LoadService).driver.running)  # a stopped load's window is final
        if self.clock.now() - self._last_tick >= self.settings.tick_seconds:
            self.tick()
        else:
            self._services[CHAOS].tick()  # an expired fault is rolled back at once
        for service in self._services.values():
            await service.settle()

    # -- inputs (what replicas push on Ray) ---------------------------------------------------------

    def tick(self) -> None:
        """One tick of every service (faults expire first, as the chaos actor's own tick would)."""
        for name in TICK_ORDER:
            self._services[name].tick()
        self._last_tick = self.clock.now()

    def ingest(self, *samples: HealthSample) -> None:
        """Merged samples straight to detection."""
        self.detection.ingest_samples(samples)

    def ingest_telemetry(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Replica telemetry records, merged at once (a replica's push plus the next tick's merge)."""
        detection: DetectionService = self.raw(DetectionService)
        detection.ingest_telemetry(records)
        detection.merge_pending()
        detection.flush()

    def apply_reports(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Breaker outcome reports; how many were new."""
        return self.absorption.apply_reports(records)

    def place_order(self) -> SendResult:
        """One order through the simulated shop under the faults the fleet holds."""
        self.flush_orders(force=False)
        return self.shop.order(self.board(), self.clock.now())

    def flush_orders(self, *, force: bool = True) -> None:
        """Ingest the shop's telemetry window: when due, or whatever it holds with ``force``."""
        now = self.clock.now()
        if self.shop.due(now) or force:
            records = self.shop.flush(now)
            if records:
                self.ingest_telemetry(records)


def local_control_plane(
    settings: ArefSettings,
    clock: Clock,
    store: Store | None = None,
    *,
    experiments: ExperimentRegistry | None = None,
    topology: DependencyGraph = DEMO_TOPOLOGY,
    services: Sequence[str] = SERVICES,
    runbooks: Iterable[Runbook] | None = None,
    sleep: Sleep = asyncio.sleep,
) -> ControlPlane:
    """The control plane over an in-process transport (reach it as ``plane.transport``)."""
    transport = InProcessTransport(
        settings, clock, store, topology=topology, services=services, runbooks=runbooks, sleep=sleep
    )
    return ControlPlane(
        settings,
        transport,
        clock,
        runbooks=transport.runbooks,
        experiments=experiments,
        topology=topology,
        services=services,
    )
