"""The adaptation actor: runs the decision tree and turns its scale requests into real Serve replicas.

It serves each replica the control state that concerns it (flags and traffic weights, versioned),
applies ``adaptation.scale_requested`` through Serve's external-scaler API, and reads the real
replica counts back every few ticks so every view shows running beside target.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from actors.host import EngineHost
from actors.options import ADAPTATION
from actors.serve_admin import ReplicaCount, ServeAdmin
from aref.adaptation.engine import AdaptationEngine
from aref.errors import ArefError, InvalidInputError, NotFoundError, error_to_dict
from aref.events import Event
from aref.records import to_record
from aref.topics import SCALE_REQUESTED

log = logging.getLogger(__name__)
OBSERVE_EVERY_TICKS = 2


class AdaptationActor(EngineHost):
    NAME = ADAPTATION

    def build_engine(self) -> AdaptationEngine:
        self.admin = ServeAdmin(self.settings.ray_dashboard_url)
        self.replicas: dict[str, ReplicaCount] = {}
        self.scale_errors: list[str] = []
        self._background: set[asyncio.Task[None]] = set()
        return AdaptationEngine(self.settings.adaptation, self.clock, self.sink, self.store)

    def flush(self) -> None:
        events = self.sink.drain()
        for event in events:
            if event.topic == SCALE_REQUESTED:
                self._spawn(self._apply_scale(event))
        self.publisher.publish(events)

    def on_tick(self) -> None:
        self.engine.tick()
        if self.ticks % OBSERVE_EVERY_TICKS == 0:
            self._spawn(self._observe_replicas())

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_event_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _apply_scale(self, event: Event) -> None:
        service, desired = str(event.payload["service"]), int(event.payload["desired"])
        try:
            await self.admin.scale(service, desired)
        except ArefError as error:
            self.scale_errors = [*self.scale_errors[-9:], f"{service}->{desired}: {error}"]
            log.warning("scaling %s to %s failed: %s", service, desired, error)

    async def _observe_replicas(self) -> None:
        try:
            self.replicas = await self.admin.replicas()
        except ArefError as error:
            log.debug("replica counts unavailable: %s", error)
            return
        for service, count in self.replicas.items():
            try:
                self.engine.set_replicas_observed(service, count.running)
            except NotFoundError:
                continue  # the aref app itself is not a scaled service

    # called by replicas (control pull) and by the detection actor (load)

    async def control_for(self, service: str) -> dict[str, Any]:
        return {
            "version": self.engine.controls.version,
            "flags": {f.name: f.enabled for f in self.engine.flags.flags(service)},
            "traffic": dict(self.engine.traffic.weights(service)),
        }

    async def observe_load(self, service: str, replicas: int, rate: float, p99: float, error_rate: float) -> None:
        try:
            self.engine.observe_load(service, replicas, rate, p99, error_rate)
        except ArefError:
            log.debug("load for unknown service %s ignored", service)

    # called by the control plane (API)

    async def scale(self, service: str, replicas: int) -> dict[str, Any]:
        limit = self.settings.adaptation.max_replicas
        if service not in self.engine.traffic.services:
            return {"error": error_to_dict(NotFoundError("service", service))}
        if not 1 <= replicas <= limit:
            return {"error": error_to_dict(InvalidInputError("replicas", f"must be between 1 and {limit}"))}
        try:
            await self.admin.scale(service, replicas)
        except ArefError as error:
            return {"error": error_to_dict(error)}
        self.engine.scale_manually(service, replicas)
        self.flush()
        return {"ok": {"service": service, "target": replicas}}

    async def replica_counts(self, refresh: bool = False) -> dict[str, Any]:
        if refresh or not self.replicas:
            await self._observe_replicas()
        return {s: to_record(c) for s, c in self.replicas.items()}

    async def toggle_flag(self, name: str, enabled: bool) -> dict[str, Any]:
        return self.envelope(lambda: self.engine.toggle_flag(name, enabled).to_status())

    async def set_weights(self, service: str, weights: dict[str, int]) -> dict[str, Any]:
        return self.envelope(lambda: self.engine.set_weights(service, weights))

    async def restore(self, service: str) -> dict[str, Any]:
        return self.envelope(lambda: self.engine.restore(service))

    async def get_status(self) -> dict[str, Any]:
        status = await super().get_status()
        status["replicas"] = {s: to_record(c) for s, c in self.replicas.items()}
        status["scale_errors"] = list(self.scale_errors)
        return status
