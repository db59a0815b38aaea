"""The chaos actor: the source of truth for faults, pushed to every replica of the target at once.

Injection and rollback broadcast the service's fault board to its replicas (milliseconds); the
replicas' own per-tick pull is the safety net for replicas the broadcast missed or that start
later. A crash fault kills real replica actors, which Serve then replaces. Faults are also kept
in the store, so a restarted chaos actor still rolls back what it injected. The experiment run
records the runner posts are kept in the same store (collection ``experiment_runs``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from typing import Any

import ray
from ray import serve

from actors.host import EngineHost
from actors.options import CHAOS, SERVE_NAMESPACE
from aref.dashboard import runs as run_records
from aref.errors import ArefError, ConflictError, error_to_dict
from aref.records import from_record, to_record
from aref.topology import SERVICES
from chaos.faults import ActiveFault, FaultSpec, FaultType
from chaos.injector import FaultInjector

log = logging.getLogger(__name__)
FAULTS = "faults"
BROADCAST_TIMEOUT_S = 5.0


class ChaosActor(EngineHost):
    NAME = CHAOS

    def build_engine(self) -> FaultInjector:
        injector = FaultInjector(self.clock, self.sink, services=SERVICES)
        self.experiments: dict[str, str] = {}
        for record in self.store.list(FAULTS):
            injector.adopt(from_record(ActiveFault, record))
            if record.get("experiment"):
                self.experiments[record["id"]] = record["experiment"]
        self.crashes: list[dict[str, Any]] = []
        return injector

    def on_tick(self) -> None:
        for fault in self.engine.tick():
            self._forget(fault)
            asyncio.get_event_loop().create_task(self._push(fault.spec.service))

    async def inject(
        self, spec: dict[str, Any], correlation_id: str | None = None, experiment: str | None = None
    ) -> dict[str, Any]:
        """Inject one fault; ``experiment`` labels it, and an experiment already running is refused."""
        try:
            running = [f.id for f in self.engine.active() if experiment and self.experiments.get(f.id) == experiment]
            if running:
                raise ConflictError(f"experiment {experiment} is already running as fault {running[0]}; stop it first")
            fault = self.engine.inject(FaultSpec.build(**spec), correlation_id=correlation_id)
        except (ArefError, TypeError) as error:
            self.flush()
            wrapped = error if isinstance(error, ArefError) else ArefError(str(error))
            return {"error": error_to_dict(wrapped)}
        if experiment:
            self.experiments[fault.id] = experiment
        self.store.put(FAULTS, fault.id, {**to_record(fault), "experiment": experiment})
        self.flush()
        reached = await self._push(fault.spec.service)
        killed: list[str] = []
        if fault.spec.fault_type is FaultType.CRASH:
            killed = await self._crash(fault)
        return {"ok": {"fault": to_record(fault), "replicas_reached": reached, "replicas_killed": killed}}

    async def stop(self, fault_id: str, reason: str = "stopped") -> dict[str, Any]:
        reply = self.envelope(lambda: to_record(self.engine.rollback(fault_id, reason)))
        if "ok" in reply:
            self.store.delete(FAULTS, fault_id)
            await self._push(reply["ok"]["spec"]["service"])
        return reply

    async def stop_all(self) -> dict[str, Any]:
        stopped = self.engine.stop_all()
        self.flush()
        for fault in stopped:
            self._forget(fault)
        await asyncio.gather(*(self._push(s) for s in {f.spec.service for f in stopped}))
        return {"ok": {"stopped": [f.id for f in stopped]}}

    async def save_run(self, record: dict[str, Any]) -> dict[str, Any]:
        """Keep one experiment run record in the store under its id; ``{"ok": {"id": ...}}``."""
        return self.envelope(lambda: run_records.save_run(self.store, record))

    async def runs(self, limit: int = run_records.DEFAULT_LIMIT) -> list[dict[str, Any]]:
        """Stored run records, newest first (a bad limit is refused by the control plane first)."""
        return run_records.newest_runs(self.store, limit)

    async def board(self, service: str) -> dict[str, Any]:
        board: dict[str, Any] = self.engine.board(service).to_dict()
        return board

    async def replicas(self, service: str) -> list[dict[str, Any]]:
        """Who answers for ``service`` right now (one entry per live replica)."""
        handle = serve.get_deployment_handle(service, app_name=service)
        results = await handle.broadcast("whoami").results_async(timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True)
        return [r for r in results if isinstance(r, dict)]

    async def get_status(self) -> dict[str, Any]:
        status = await super().get_status()
        status["crashes"] = self.crashes[-20:]
        status["experiments"] = dict(self.experiments)
        return status

    def _forget(self, fault: ActiveFault) -> None:
        self.store.delete(FAULTS, fault.id)

    async def _push(self, service: str) -> int:
        """Broadcast the service's board; returns how many replicas acknowledged it."""
        try:
            handle = serve.get_deployment_handle(service, app_name=service)
            acks = await handle.broadcast("apply_faults", self.engine.board(service).to_dict()).results_async(
                timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True
            )
        except Exception as error:  # the app may not be deployed; replicas will pull
            log.warning("broadcast of faults to %s failed: %s", service, error)
            return 0
        return sum(1 for a in acks if isinstance(a, dict))

    async def _crash(self, fault: ActiveFault) -> list[str]:
        """Kill ceil(rate × replicas) replica actors of the target (at least one)."""
        live = [r for r in await self.replicas(fault.spec.service) if r.get("actor_name")]
        count = min(len(live), max(1, math.ceil(fault.spec.rate * len(live))))
        killed = []
        for replica in random.sample(live, count):
            try:
                ray.kill(ray.get_actor(replica["actor_name"], namespace=SERVE_NAMESPACE), no_restart=True)
                killed.append(str(replica["replica_id"]))
            except ValueError:
                log.warning("replica %s vanished before the crash fault", replica["actor_name"])
        self.crashes.append(
            {"fault_id": fault.id, "service": fault.spec.service, "killed": killed, "at": self.clock.now()}
        )
        return killed
