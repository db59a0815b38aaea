"""Adaptation as it runs: the decision tree, and its scale requests carried out on real replicas.

Every ``adaptation.scale_requested`` the engine emits is applied through the ``Scaler`` port,
and the real replica counts are read back every ``OBSERVE_EVERY_TICKS`` ticks (and after every
scale) so views show running beside target and the autoscaler sees what really runs; a settled
fleet (every service RUNNING at its target) without load is read every ``SETTLED_OBSERVE_EVERY_TICKS``,
as reading Serve's state costs its controller and the Ray dashboard. A human's
scale goes through ``scale``: bounds checked, applied, kept as the autoscaler's floor, announced
as ``system.replicas_scaled``. With the counts comes the cluster's free capacity (``Scaler.capacity``),
so the autoscaler never asks for more than the cluster can place; ``set_autoscale`` switches
automatic scaling on or off. Replicas pull the flags and traffic weights that concern them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from aref import topics
from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.facts import AdaptationFacts
from aref.adaptation.feature_flags import FeatureFlag
from aref.config import AdaptationSettings
from aref.control.pillar import Effect, PillarService
from aref.control.ports import Environment, LoadObservation, ReplicaCount, Scaler
from aref.control.wiring import ADAPTATION
from aref.errors import ArefError, InvalidInputError, NotFoundError
from aref.events import Event, EventCategory
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph

log = logging.getLogger(__name__)
OBSERVE_EVERY_TICKS = 2
SETTLED_OBSERVE_EVERY_TICKS = 5
LOAD_HOLD_S = 10.0  # a service with requests this recently keeps the fleet read at the fast pace
SCALE_ERRORS_KEPT = 10


def replica_bounds(replicas: int, settings: AdaptationSettings) -> tuple[int, int]:
    """The (min, max) a replica request must respect; refuses anything else naming ``replicas``."""
    low, high = settings.min_replicas, settings.max_replicas
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not low <= replicas <= high:
        raise InvalidInputError("replicas", f"must be an integer between {low} and {high}, got {replicas!r}")
    return low, high


class AdaptationService(PillarService):
    NAME: ClassVar[str] = ADAPTATION
    engine: AdaptationEngine

    def __init__(
        self,
        settings: AdaptationSettings,
        env: Environment,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        services: Sequence[str] = SERVICES,
    ) -> None:
        super().__init__(env.publish())
        self.settings = settings
        self.clock = env.clock
        self.engine = AdaptationEngine(settings, env.clock, self.sink, env.store(), services, topology=topology)
        self._scaler: Scaler = env.scaler()
        self._services = tuple(services)
        self.replicas: dict[str, ReplicaCount] = {}
        self.scale_errors: list[str] = []
        self._loaded_at = float("-inf")

    def on_tick(self) -> None:
        self.engine.tick()
        every = SETTLED_OBSERVE_EVERY_TICKS if self._settled() else OBSERVE_EVERY_TICKS
        if self.ticks % every == 0:
            self.later(self._observe)

    def _settled(self) -> bool:
        """Every service RUNNING at its target, and no requests for ``LOAD_HOLD_S``."""
        quiet = self.clock.now() - self._loaded_at >= LOAD_HOLD_S
        return (
            quiet
            and bool(self.replicas)
            and all(c.status == "RUNNING" and c.running == c.target for c in self.replicas.values())
        )

    def on_events(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.topic == topics.SCALE_REQUESTED:
                self.later(self._scale_effect(str(event.payload["service"]), int(event.payload["desired"])))

    def _scale_effect(self, service: str, desired: int) -> Effect:
        async def apply() -> None:
            await self._apply_scale(service, desired)

        return apply

    async def _apply_scale(self, service: str, desired: int) -> None:
        try:
            await self._scaler.scale(service, desired)
        except ArefError as error:
            self.scale_errors = [*self.scale_errors[-(SCALE_ERRORS_KEPT - 1) :], f"{service}->{desired}: {error}"]
            log.warning("scaling %s to %s failed: %s", service, desired, error)
            return
        await self._observe()

    async def _observe(self) -> None:
        try:
            counts = await self._scaler.replicas()
        except ArefError as error:
            log.debug("replica counts unavailable: %s", error)
            return
        self.replicas = {s: c for s, c in counts.items() if s in self._services}
        for service, count in self.replicas.items():
            self.engine.set_replicas_observed(service, count.running)
        try:
            self.engine.observe_capacity(await self._scaler.capacity())
        except ArefError as error:  # unknown capacity places nothing new (aref.adaptation.capacity)
            log.debug("cluster capacity unavailable: %s", error)

    # -- called by replicas and by detection ------------------------------------------------------

    async def control_for(self, service: str) -> dict[str, Any]:
        """The flags and traffic weights of ``service`` at the current control version."""
        return {
            "version": self.engine.controls.version,
            "flags": {f.name: f.enabled for f in self.engine.flags.flags(service)},
            "traffic": dict(self.engine.traffic.weights(service)),
        }

    def observe_load(self, observation: LoadObservation) -> None:
        """One service's load for the scaling policy (an unknown service is ignored)."""
        o = observation
        if o.rate_per_s > 0:
            self._loaded_at = self.clock.now()
        try:
            self.engine.observe_load(
                o.service,
                o.replicas,
                o.rate_per_s,
                o.latency_p99_ms,
                o.error_rate,
                ongoing_per_replica=o.ongoing_per_replica,
                latency_mean_ms=o.latency_mean_ms,
            )
        except ArefError:
            log.debug("load for unknown service %s ignored", o.service)

    # -- called by the control plane ----------------------------------------------------------------

    async def scale(self, service: str, replicas: int) -> ReplicaCount:
        """A human's replica count: applied, read back, kept as the autoscaler's floor, announced."""
        if service not in self._services:
            raise NotFoundError("service", service)
        replica_bounds(replicas, self.settings)
        previous = await self._target(service)
        await self._scaler.scale(service, replicas)
        self.engine.scale_manually(service, replicas)
        payload = {"service": service, "previous": previous, "replicas": replicas, "actor": "human"}
        self.sink.emit(
            Event.create(EventCategory.SYSTEM, "replicas_scaled", source=ADAPTATION, clock=self.clock, payload=payload)
        )
        await self._observe()
        count = self.replicas.get(service)
        running = count.running if count is not None else 0
        ids = count.replica_ids if count is not None else ()
        return ReplicaCount(service, replicas, running, count.status if count else "UNKNOWN", ids)

    async def _target(self, service: str) -> int:
        if service not in self.replicas:
            await self._observe()
        count = self.replicas.get(service)
        return count.target if count is not None else 0

    async def replica_counts(self, refresh: bool = False) -> dict[str, ReplicaCount]:
        if refresh or not self.replicas:
            await self._observe()
        return dict(self.replicas)

    async def set_autoscale(self, enabled: bool) -> dict[str, Any]:
        """Switch automatic scaling on or off (a human's replica counts still apply); the autoscaler's summary."""
        self.engine.set_autoscale(bool(enabled))
        return self.engine.autoscaler.summary(self.clock.now())

    async def toggle_flag(self, name: str, enabled: bool) -> FeatureFlag:
        return self.engine.toggle_flag(name, enabled)

    async def set_weights(self, service: str, weights: Mapping[str, int]) -> dict[str, int]:
        return self.engine.set_weights(service, dict(weights))

    async def restore(self, service: str) -> None:
        self.engine.restore(service)

    async def facts(self) -> AdaptationFacts:
        return self.engine.facts()

    async def status(self) -> dict[str, Any]:
        if not self.replicas:  # counts and capacity read once before the first status, as replica_counts does
            await self._observe()
        status = await super().status()
        status["scale_errors"] = list(self.scale_errors)
        return status
