"""A small fake ``Environment`` for one pillar service: a fake clock, a memory store, recorded ports.

``RecordingPublisher`` keeps every published batch with its publisher; ``RecordingFleet`` is the
simulated fleet (replica ids, boards, kills) that also records every push and scale and can be
told to refuse scaling; the load observer keeps what detection forwarded; the order sender
answers at once (every third order is refused by the gateway) and the sleep moves the fake clock
(``Gate``: up to ``park_at``, if given, where it waits until cancelled).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from aref.config import ArefSettings
from aref.control.inprocess.fleet import SimulatedFleet
from aref.control.inprocess.notifier import SimulatedNotifier
from aref.control.ports import (
    ClientSink,
    LoadObservation,
    LoadObserver,
    Notifier,
    OrderSender,
    Peers,
    Publish,
    ReplicaCount,
    ReplicaFleet,
    Scaler,
)
from aref.errors import ArefError
from aref.events import Event
from aref.store import MemoryStore, Store
from aref.testing import FakeClock
from aref.topology import SERVICES
from chaos.faults import FaultBoard
from chaos.loadgen import SendResult
from tests.unit.dashboard.gate import Gate

T0 = 1_700_000_000.0
URL = "http://gw.test/gateway/api/orders"


def pillar_settings() -> ArefSettings:
    return ArefSettings(api_token=None, ray_dashboard_url="http://127.0.0.1:8265")


class RecordingPublisher:
    def __init__(self) -> None:
        self.batches: list[tuple[str, list[Event]]] = []

    def __call__(self, publisher: str, events: Sequence[Event]) -> None:
        self.batches.append((publisher, list(events)))

    @property
    def events(self) -> list[Event]:
        return [e for _, batch in self.batches for e in batch]

    def topics(self) -> list[str]:
        return [e.topic for e in self.events]

    def of(self, topic: str) -> list[Event]:
        return [e for e in self.events if e.topic == topic]


class RecordingFleet(SimulatedFleet):
    def __init__(self, services: Sequence[str] = SERVICES, initial: int = 1, clock: FakeClock | None = None) -> None:
        super().__init__(services, initial, clock=clock)
        self.pushed: list[tuple[str, tuple[str, ...]]] = []  # (service, ids of the faults on the board)
        self.scaled: list[tuple[str, int]] = []
        self.refuse: ArefError | None = None
        self.reads = 0  # how often the counts were read
        self.lagging = False  # every service reports one replica short of its target

    async def replicas(self) -> Mapping[str, ReplicaCount]:
        self.reads += 1
        counts = await super().replicas()
        if not self.lagging:
            return counts
        return {s: replace(c, target=c.running + 1) for s, c in counts.items()}

    async def push_faults(self, service: str, board: FaultBoard) -> int:
        self.pushed.append((service, tuple(f.id for f in board.faults)))
        return await super().push_faults(service, board)

    async def scale(self, service: str, replicas: int) -> None:
        self.scaled.append((service, replicas))
        if self.refuse is not None:
            raise self.refuse
        await super().scale(service, replicas)


class NoPeers:
    """No other pillar service runs beside a service built on ``FakeEnvironment``: any call fails."""

    def detection(self) -> Any:
        raise ArefError("no detection service here")

    def absorption(self) -> Any:
        raise ArefError("no absorption service here")

    def adaptation(self) -> Any:
        raise ArefError("no adaptation service here")


class FakeEnvironment:
    """The ports of one service; pass ``store``/``fleet`` of another to model a restart over them."""

    def __init__(
        self,
        clock: FakeClock | None = None,
        store: Store | None = None,
        fleet: RecordingFleet | None = None,
        services: Sequence[str] = SERVICES,
        park_at: float | None = None,
    ) -> None:
        self.fake_clock = clock if clock is not None else FakeClock(T0)
        self.memory: Store = store if store is not None else MemoryStore()
        self.replicas = fleet if fleet is not None else RecordingFleet(services, clock=self.fake_clock)
        self.published = RecordingPublisher()
        self.observed: list[LoadObservation] = []
        self.gate = Gate(self.fake_clock, park_at)
        self.orders = 0
        self.client_failures: list[float] = []

    @property
    def clock(self) -> FakeClock:
        return self.fake_clock

    async def sleep(self, seconds: float) -> None:
        await self.gate.sleep(seconds)

    def store(self) -> Store:
        return self.memory

    def publish(self) -> Publish:
        return self.published

    def scaler(self) -> Scaler:
        return self.replicas

    def fleet(self) -> ReplicaFleet:
        return self.replicas

    def load_observer(self) -> LoadObserver:
        return self.observed.append

    def order_sender(self) -> tuple[OrderSender, str]:
        return self.answer, URL

    def client_sink(self) -> ClientSink:
        return self.client_failures.extend

    def peers(self) -> Peers:
        return NoPeers()

    def notifier(self) -> Notifier:
        return SimulatedNotifier()

    async def answer(self) -> SendResult:
        """Every third order is refused by the gateway."""
        self.orders += 1
        return SendResult(503, 40.0, "unavailable") if self.orders % 3 == 0 else SendResult(201, 20.0)
