"""The knobs adaptation turns, kept together: flags (with the error-budget freeze), traffic routes
(with breaker failover) and replicas.

Every change to what the data plane must apply (a flag, a weight, a requested replica count)
bumps ``version`` once per ``commit``, so a replica that pulls the same version twice knows
nothing changed. ``state_of`` is the view strategies decide on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aref.adaptation.autoscaler import Autoscaler
from aref.adaptation.budget import ErrorBudgetPolicy
from aref.adaptation.capacity import Placement
from aref.adaptation.context import ServiceState
from aref.adaptation.failover import BreakerFailover
from aref.adaptation.feature_flags import FeatureFlagManager
from aref.adaptation.persistence import EngineSnapshot
from aref.adaptation.scaling import ScalingPolicy
from aref.adaptation.traffic import TrafficShifter
from aref.adaptation.window import AdaptationWindow
from aref.clock import Clock
from aref.config import AdaptationSettings


class Controls:
    def __init__(
        self,
        services: Sequence[str],
        clock: Clock,
        policy: ScalingPolicy,
        *,
        budget_trigger: float,
        placement: Placement | None = None,
    ) -> None:
        self._clock = clock
        self.flags = FeatureFlagManager(services, clock)
        self.budget = ErrorBudgetPolicy(self.flags, budget_trigger)
        self.traffic = TrafficShifter(services)
        self.failover = BreakerFailover(self.traffic)
        self.autoscaler = Autoscaler(services, policy, placement=placement)
        self.version = 0
        self._key = self._fingerprint()

    @classmethod
    def from_settings(cls, services: Sequence[str], clock: Clock, settings: AdaptationSettings) -> Controls:
        """The knobs as the settings configure them: scaling policy, placement, budget trigger, autoscale."""
        policy = ScalingPolicy(
            min_replicas=settings.min_replicas,
            max_replicas=settings.max_replicas,
            cooldown_seconds=settings.scale_cooldown_seconds,
            latency_target_ms=settings.scale_latency_target_ms,
            error_rate_target=settings.scale_error_rate_target,
            target_ongoing=settings.scale_target_ongoing,
            tolerance=settings.scale_tolerance,
            up_stabilization_seconds=settings.scale_up_stabilization_seconds,
            down_stabilization_seconds=settings.scale_down_stabilization_seconds,
            effect_ticks=settings.scale_effect_ticks,
        )
        placement = Placement(
            replica_memory_mb=settings.scale_replica_memory_mb,
            memory_reserve_mb=settings.scale_memory_reserve_mb,
            max_cpu_busy=settings.scale_max_node_cpu,
        )
        controls = cls(
            services, clock, policy, budget_trigger=settings.feature_flag_error_budget_trigger, placement=placement
        )
        controls.autoscaler.set_enabled(settings.autoscale)
        return controls

    def state_of(self, service: str) -> ServiceState:
        if service not in self.traffic.services:
            return ServiceState(service)
        replicas = self.autoscaler.state(service)
        return ServiceState(
            service=service,
            optional_flags_on=self.flags.optional_enabled(service),
            weights=self.traffic.weights(service),
            backup_route=self.traffic.backup_route(service),
            replicas=max(replicas.current, replicas.desired),
            max_replicas=self.autoscaler.policy.max_replicas,
            scaling_ready=self.autoscaler.ready(service, self._clock.now()),
        )

    def commit(self) -> int:
        """Bump the version if anything the data plane applies changed since the last commit."""
        key = self._fingerprint()
        if key != self._key:
            self._key = key
            self.version += 1
        return self.version

    def snapshot(self, windows: Sequence[AdaptationWindow], totals: Mapping[str, int]) -> EngineSnapshot:
        return EngineSnapshot(
            version=self.version,
            flags=self.flags.flags(),
            weights=self.traffic.snapshot(),
            replicas=self.autoscaler.states(),
            windows=tuple(windows),
            open_breakers=self.failover.open_breakers(),
            breaker_shifted=self.failover.shifted(),
            totals=dict(totals),
            budget_freezes=self.budget.states(),
        )

    def load(self, snapshot: EngineSnapshot) -> None:
        self.flags.load(snapshot.flags)
        self.budget.load(snapshot.budget_freezes)
        self.traffic.load(snapshot.weights)
        self.autoscaler.load(snapshot.replicas)
        self.failover.load(snapshot.open_breakers, snapshot.breaker_shifted)
        self.version = snapshot.version
        self._key = self._fingerprint()

    def _fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple(f.enabled for f in self.flags.flags()),
            tuple(tuple(w.values()) for w in self.traffic.snapshot().values()),
            tuple(s.desired for s in self.autoscaler.states()),
        )
