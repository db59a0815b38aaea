"""A simulated replica fleet: the in-process stand-in for Serve's replicas.

It records each service's replica target and runs that many replicas at once, each with an id
(``{service}-sim-{n}``). A killed replica is replaced at once by one with a new id, as Serve
replaces a killed replica actor. Fault boards pushed to a service are kept and read back by the
simulated shop, so a fault acts only once it has reached the fleet; a replica whose board holds a
fault reports itself degraded, as a Serve replica with a fault acting on it does. Its capacity is configurable
(CPU tokens, free memory, how busy the node is). It serves as both the ``Scaler`` and the
``ReplicaFleet`` port.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from aref.adaptation.capacity import ClusterCapacity
from aref.clock import Clock, SystemClock
from aref.control.ports import Replica, ReplicaCount, ReplicaHealth
from aref.errors import InvalidInputError, NotFoundError
from chaos.faults import FaultBoard, FaultType

RUNNING = "RUNNING"


class SimulatedFleet:
    def __init__(
        self,
        services: Sequence[str],
        initial: int = 1,
        *,
        clock: Clock | None = None,
        cpu_tokens: float = 2.0,
        cpu_per_replica: float = 0.05,
        memory_free_mb: float = 16_000.0,
    ) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        if initial < 0:
            raise InvalidInputError("initial", "must be >= 0")
        self._numbers = itertools.count(1)
        self._ids: dict[str, list[str]] = {s: [] for s in services}
        self._boards: dict[str, FaultBoard] = {s: FaultBoard() for s in services}
        self.killed: list[str] = []
        self.clock: Clock = clock or SystemClock()
        self.cpu_tokens = cpu_tokens
        self.cpu_per_replica = cpu_per_replica
        self.memory_free_mb = memory_free_mb
        self.cpu_busy = 0.0
        for service in services:
            self._resize(service, initial)

    # -- Scaler -------------------------------------------------------------------------------

    async def scale(self, service: str, replicas: int) -> None:
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise InvalidInputError("replicas", "must be an integer >= 0")
        self._resize(service, replicas)

    async def replicas(self) -> Mapping[str, ReplicaCount]:
        return {s: self.count(s) for s in self._ids}

    async def capacity(self) -> ClusterCapacity:
        """Free CPU tokens (``cpu_tokens`` less what the replicas hold), ``memory_free_mb`` and ``cpu_busy``."""
        held = sum(len(ids) for ids in self._ids.values()) * self.cpu_per_replica
        return ClusterCapacity(
            at=self.clock.now(),
            cpu_free=max(0.0, self.cpu_tokens - held),
            memory_free_mb=self.memory_free_mb,
            cpu_busy=self.cpu_busy,
            cpu_per_replica=dict.fromkeys(self._ids, self.cpu_per_replica),
        )

    # -- ReplicaFleet --------------------------------------------------------------------------

    async def push_faults(self, service: str, board: FaultBoard) -> int:
        self._require(service)
        self._boards[service] = board
        return len(self._ids[service])

    async def live(self, service: str) -> list[Replica]:
        return [Replica(service, rid, rid) for rid in self._require(service)]

    async def kill(self, replica: Replica) -> bool:
        ids = self._require(replica.service)
        if replica.replica_id not in ids:
            return False
        ids[ids.index(replica.replica_id)] = self._new_id(replica.service)
        self.killed.append(replica.replica_id)
        return True

    async def health(self, service: str) -> list[ReplicaHealth]:
        faults = self.board(service).faults
        status = "degraded" if faults else "healthy"
        failing = [f.spec.rate for f in faults if f.spec.fault_type is not FaultType.LATENCY]
        return [ReplicaHealth(r, status, max(failing, default=0.0), bool(failing)) for r in await self.live(service)]

    # -- reads ---------------------------------------------------------------------------------

    def count(self, service: str) -> ReplicaCount:
        ids = self._require(service)
        return ReplicaCount(service, len(ids), len(ids), RUNNING, tuple(ids))

    def running(self, service: str) -> int:
        return len(self._require(service))

    def board(self, service: str) -> FaultBoard:
        """The fault board the service's replicas hold."""
        self._require(service)
        return self._boards[service]

    def _resize(self, service: str, replicas: int) -> None:
        ids = self._require(service)
        del ids[replicas:]
        while len(ids) < replicas:
            ids.append(self._new_id(service))

    def _new_id(self, service: str) -> str:
        return f"{service}-sim-{next(self._numbers)}"

    def _require(self, service: str) -> list[str]:
        try:
            return self._ids[service]
        except KeyError:
            raise NotFoundError("service", service) from None
