"""What a pillar service needs from the world it runs in, as ports a transport fills in.

A pillar service never reaches the cluster itself: it publishes events through ``Publish``,
changes replica counts through ``Scaler``, pushes fault boards to (and kills) replicas through
``ReplicaFleet``, hands each service's observed load to adaptation through ``LoadObserver`` and
sends orders through ``OrderSender``. The Ray transport fills them with Serve and actor handles;
the in-process transport with a simulated fleet. ``Environment`` builds them on demand, so an
actor only opens what its pillar uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from aref.clock import Clock
from aref.events import Event
from aref.store import Store
from chaos.faults import FaultBoard
from chaos.loadgen import SendResult


@dataclass(frozen=True)
class ReplicaCount:
    """A service's replicas as the runtime reports them: asked for, really running, and who runs."""

    service: str
    target: int
    running: int
    status: str
    replica_ids: tuple[str, ...]


@dataclass(frozen=True)
class Replica:
    """One live replica of a service: its id and the name a crash fault kills it by."""

    service: str
    replica_id: str
    actor_name: str


@dataclass(frozen=True)
class LoadObservation:
    """One service's merged load over one telemetry window (detection -> adaptation)."""

    service: str
    replicas: int
    rate_per_s: float
    latency_p99_ms: float
    error_rate: float


class Publish(Protocol):
    def __call__(self, publisher: str, events: Sequence[Event]) -> None:
        """Deliver ``events`` to their subscribers (``aref.control.wiring``); never blocks on one."""


class Scaler(Protocol):
    async def scale(self, service: str, replicas: int) -> None:
        """Ask the runtime for ``replicas`` replicas of ``service``."""

    async def replicas(self) -> Mapping[str, ReplicaCount]:
        """Every service's real replica counts, read back from the runtime."""


class ReplicaFleet(Protocol):
    async def push_faults(self, service: str, board: FaultBoard) -> int:
        """Hand ``board`` to every live replica of ``service``; how many acknowledged it."""

    async def live(self, service: str) -> list[Replica]:
        """The replicas answering for ``service`` right now."""

    async def kill(self, replica: Replica) -> bool:
        """Kill one replica (the runtime replaces it); False when it was already gone."""


LoadObserver = Callable[[LoadObservation], None]
OrderSender = Callable[[], Awaitable[SendResult]]


class Environment(Protocol):
    """Builds the ports of one pillar service in one runtime (each built at most once)."""

    @property
    def clock(self) -> Clock: ...

    async def sleep(self, seconds: float) -> None:
        """Wait on the environment's clock (the wall clock, or a test's fake one)."""

    def store(self) -> Store: ...

    def publish(self) -> Publish: ...

    def scaler(self) -> Scaler: ...

    def fleet(self) -> ReplicaFleet: ...

    def load_observer(self) -> LoadObserver: ...

    def order_sender(self) -> tuple[OrderSender, str]:
        """The sender of one order and a description of where orders go."""
        ...
