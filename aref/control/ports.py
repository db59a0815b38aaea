"""What a pillar service needs from the world it runs in, as ports a transport fills in.

A pillar service never reaches the cluster itself: it publishes events through ``Publish``,
changes replica counts through ``Scaler``, pushes fault boards to (and kills) replicas through
``ReplicaFleet``, hands each service's observed load to adaptation through ``LoadObserver`` and
sends orders through ``OrderSender``; the prober probes through ``Probe`` and hands its results to
detection through ``ProbeSink``. Recovery acts through ``Peers`` (typed clients of the other pillar
services), the fleet (replica health, kills) and ``Notifier`` (the shop's notifications service).
The Ray transport fills them with Serve and actor handles; the in-process transport with a
simulated fleet. ``Environment`` builds them on demand, so an actor only opens what its pillar uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aref.adaptation.capacity import ClusterCapacity
from aref.clock import Clock
from aref.detection.probes import ProbeResult, ProbeTarget
from aref.events import Event
from aref.store import Store
from chaos.faults import FaultBoard
from chaos.loadgen import SendResult

if TYPE_CHECKING:
    from aref.control.pillars.absorption import AbsorptionService
    from aref.control.pillars.adaptation import AdaptationService
    from aref.control.pillars.detection import DetectionService


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
class ReplicaHealth:
    """One live replica's own account of its health (``/health`` of that replica)."""

    replica: Replica
    status: str  # "healthy" or "degraded" (recent error rate >= 50 % or a fault acting on it)
    recent_error_rate: float
    failing: bool = False
    """Its requests fail or hang (recent error rate >= 50 %, or an error, timeout or crash fault acting):
    what a restart may cure. A replica only slow (a latency fault) answers; killing it loses the
    requests it holds and, when it is the only one, the service."""

    @property
    def healthy(self) -> bool:
        return self.status == "healthy"


@dataclass(frozen=True)
class LoadObservation:
    """One service's merged load over one telemetry window (detection -> adaptation).

    ``ongoing_per_replica`` is the mean number of requests in flight per replica (the replicas'
    busy time over the window's span, Little's law); ``latency_mean_ms`` their mean latency."""

    service: str
    replicas: int
    rate_per_s: float
    latency_p99_ms: float
    error_rate: float
    ongoing_per_replica: float = 0.0
    latency_mean_ms: float = 0.0


class Publish(Protocol):
    def __call__(self, publisher: str, events: Sequence[Event]) -> None:
        """Deliver ``events`` to their subscribers (``aref.control.wiring``); never blocks on one."""


class Scaler(Protocol):
    async def scale(self, service: str, replicas: int) -> None:
        """Ask the runtime for ``replicas`` replicas of ``service``."""

    async def replicas(self) -> Mapping[str, ReplicaCount]:
        """Every service's real replica counts, read back from the runtime."""

    async def capacity(self) -> ClusterCapacity:
        """What the cluster has free for new replicas (``aref.adaptation.capacity``)."""


class ReplicaFleet(Protocol):
    async def push_faults(self, service: str, board: FaultBoard) -> int:
        """Hand ``board`` to every live replica of ``service``; how many acknowledged it."""

    async def live(self, service: str) -> list[Replica]:
        """The replicas answering for ``service`` right now."""

    async def kill(self, replica: Replica) -> bool:
        """Kill one replica (the runtime replaces it); False when it was already gone."""

    async def health(self, service: str) -> list[ReplicaHealth]:
        """Every live replica of ``service`` with the health it reports itself."""


class Notifier(Protocol):
    async def notify(self, channel: str, recipient: str, message: str, priority: str) -> dict[str, Any]:
        """Send one message through the shop's notifications service; ``{"status": <code>, "body": ...}``."""


class Peers(Protocol):
    """Typed clients of the pillar services another service acts through (the host's call discipline)."""

    def detection(self) -> DetectionService: ...

    def absorption(self) -> AbsorptionService: ...

    def adaptation(self) -> AdaptationService: ...


class Probe(Protocol):
    async def probe(self, target: ProbeTarget) -> ProbeResult:
        """Probe ``target`` once; an answer that is no success is a failed result, never an exception."""


LoadObserver = Callable[[LoadObservation], None]
OrderSender = Callable[[], Awaitable[SendResult]]
ProbeSink = Callable[[Sequence[ProbeResult]], None]
ClientSink = Callable[[Sequence[float]], None]
"""Takes the send times of orders clients saw fail or answer too slowly."""


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

    def prober(self) -> Probe:
        """Probes of the shop's services (HTTP through the Serve proxy, or the simulated shop)."""
        ...

    def probe_sink(self) -> ProbeSink:
        """Where probe results go: detection (never blocks on it)."""
        ...

    def client_sink(self) -> ClientSink:
        """Where the load generator's bad orders go: detection, which dates incident onsets by them."""
        ...

    def peers(self) -> Peers:
        """The other pillar services, called as their typed clients."""
        ...

    def notifier(self) -> Notifier:
        """The notifications service of the shop (HTTP through Serve, or the simulated shop)."""
        ...
