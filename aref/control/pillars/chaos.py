"""Chaos as it runs: the source of truth for faults, pushed to every replica of the target at once.

Injection and rollback push the service's fault board to its live replicas through the
``ReplicaFleet`` (replicas also pull it every tick: the safety net for a replica the push missed
or that starts later). A crash fault kills ceil(rate x replicas) real replicas (at least one),
which the runtime replaces. Faults are kept in the store, so a restarted chaos service still
rolls back what it injected. An experiment label runs once at a time (``ConflictError``). The
experiment run records the runner posts are kept in the same store.
"""

from __future__ import annotations

import logging
import math
import random
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from aref.control import runs as run_records
from aref.control.pillar import PillarService
from aref.control.ports import Environment, Replica, ReplicaFleet
from aref.control.wiring import CHAOS
from aref.errors import ConflictError
from aref.records import from_record, to_record
from aref.topology import SERVICES
from chaos.faults import ActiveFault, FaultSpec, FaultType
from chaos.injector import FaultInjector

log = logging.getLogger(__name__)
FAULTS = "faults"
LABELS_KEPT = 500  # fault id -> experiment label entries kept (the injector keeps 200 rolled back)
CRASHES_KEPT = 20


@dataclass(frozen=True)
class FaultRecord:
    """One fault as the control plane shows it: its label, the replicas it killed, how it ended."""

    fault: ActiveFault
    experiment: str | None
    replicas_killed: tuple[str, ...] = ()
    ended_at: float | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class Injected:
    record: FaultRecord
    replicas_reached: int


class ChaosService(PillarService):
    NAME: ClassVar[str] = CHAOS
    engine: FaultInjector

    def __init__(self, env: Environment, services: Sequence[str] = SERVICES) -> None:
        super().__init__(env.publish())
        self.clock = env.clock
        self.store = env.store()
        self._fleet: ReplicaFleet = env.fleet()
        self.engine = FaultInjector(env.clock, self.sink, services=services)
        self._labels: OrderedDict[str, str] = OrderedDict()
        self._killed: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        for record in self.store.list(FAULTS):
            self.engine.adopt(from_record(ActiveFault, record))
            if record.get("experiment"):
                self._label(record["id"], record["experiment"])

    def on_tick(self) -> None:
        for fault in self.engine.tick():
            self._forget(fault)

    def _forget(self, fault: ActiveFault) -> None:
        self.store.delete(FAULTS, fault.id)
        self.later(lambda: self._push(fault.spec.service))

    def _label(self, fault_id: str, experiment: str) -> None:
        self._labels[fault_id] = experiment
        while len(self._labels) > LABELS_KEPT:
            self._labels.popitem(last=False)

    # -- commands ---------------------------------------------------------------------------------

    async def inject(self, spec: FaultSpec, experiment: str | None = None) -> Injected:
        """Inject one fault, pushed to the target's replicas; a crash kills real replicas."""
        if experiment:
            running = [f.id for f in self.engine.active() if self._labels.get(f.id) == experiment]
            if running:
                raise ConflictError(f"experiment {experiment} is already running as fault {running[0]}; stop it first")
        fault = self.engine.inject(spec)
        if experiment:
            self._label(fault.id, experiment)
        self.store.put(FAULTS, fault.id, {**to_record(fault), "experiment": experiment})
        reached = await self._push(spec.service)
        killed: tuple[str, ...] = ()
        if spec.fault_type is FaultType.CRASH:
            killed = await self._crash(fault)
        return Injected(FaultRecord(fault, experiment, killed), reached)

    async def stop(self, fault_id: str, reason: str) -> FaultRecord:
        """Roll one active fault back now (``NotFoundError`` when it is not active)."""
        fault = self.engine.rollback(fault_id, reason)
        self.store.delete(FAULTS, fault_id)
        await self._push(fault.spec.service)
        return self._ended(fault, self.clock.now(), reason)

    async def stop_all(self, reason: str) -> list[FaultRecord]:
        stopped = self.engine.stop_all(reason)
        now = self.clock.now()
        for fault in stopped:
            self.store.delete(FAULTS, fault.id)
        for service in dict.fromkeys(f.spec.service for f in stopped):
            await self._push(service)
        return [self._ended(f, now, reason) for f in stopped]

    async def save_run(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Keep one experiment run record under its id; ``{"id": ...}``."""
        return run_records.save_run(self.store, record)

    async def runs(self, limit: int = run_records.DEFAULT_LIMIT) -> list[dict[str, Any]]:
        """Stored run records, newest first, at most ``limit`` (1..1000)."""
        return run_records.newest_runs(self.store, limit)

    # -- reads --------------------------------------------------------------------------------------

    async def board(self, service: str) -> dict[str, Any]:
        """The fault board of ``service`` (what its replicas pull each tick)."""
        return self.engine.board(service).to_dict()

    async def active(self) -> list[FaultRecord]:
        return [FaultRecord(f, self._labels.get(f.id), self._killed.get(f.id, ())) for f in self.engine.active()]

    async def recent(self) -> list[FaultRecord]:
        """Rolled-back faults, newest first."""
        return [
            FaultRecord(
                from_record(ActiveFault, r),
                self._labels.get(r["id"]),
                self._killed.get(r["id"], ()),
                ended_at=float(r["rolled_back_at"]),
                end_reason=str(r["reason"]),
            )
            for r in self.engine.status()["history"]
        ]

    async def version(self) -> int:
        return self.engine.version

    async def live_replicas(self, service: str) -> list[Replica]:
        """Who answers for ``service`` right now."""
        return await self._fleet.live(service)

    # -- the fleet ----------------------------------------------------------------------------------

    def _ended(self, fault: ActiveFault, at: float, reason: str) -> FaultRecord:
        return FaultRecord(fault, self._labels.get(fault.id), self._killed.get(fault.id, ()), at, reason)

    async def _push(self, service: str) -> int:
        return await self._fleet.push_faults(service, self.engine.board(service))

    async def _crash(self, fault: ActiveFault) -> tuple[str, ...]:
        live = await self._fleet.live(fault.spec.service)
        count = min(len(live), max(1, math.ceil(fault.spec.rate * len(live))))
        killed = [r.replica_id for r in random.sample(live, count) if await self._fleet.kill(r)]
        self._killed[fault.id] = tuple(killed)
        while len(self._killed) > CRASHES_KEPT:
            self._killed.popitem(last=False)
        return tuple(killed)
