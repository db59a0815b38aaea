"""The horizontal scaling policy: how many replicas a service should have, as a pure function.

Rules, in order:
- a replica count outside [min, max] is brought back inside at once;
- scale up to the replicas needed to keep utilisation (request rate / (replicas x capacity))
  at or below ``target_utilization``, or by one replica when p99 latency exceeds its target;
- scale down one step at a time, only when one replica fewer still meets the utilisation target,
  latency is within target and the error rate is within target (never shed capacity while failing);
- no change within ``cooldown_seconds`` of the last scale.
The runtime applies a ``ScaleDecision`` to real Serve replicas; this module only decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aref.errors import InvalidInputError


@dataclass(frozen=True)
class LoadSignals:
    """Load of one service: total request rate, what one replica can serve, and its symptoms."""

    request_rate: float
    capacity_per_replica: float
    latency_p99_ms: float = 0.0
    error_rate: float = 0.0

    def __post_init__(self) -> None:
        if self.request_rate < 0:
            raise InvalidInputError("request_rate", "must be >= 0")
        if self.capacity_per_replica <= 0:
            raise InvalidInputError("capacity_per_replica", "must be > 0")
        if self.latency_p99_ms < 0:
            raise InvalidInputError("latency_p99_ms", "must be >= 0")
        if not 0 <= self.error_rate <= 1:
            raise InvalidInputError("error_rate", "must be between 0 and 1")

    def utilization(self, replicas: int) -> float:
        if replicas <= 0:
            return math.inf if self.request_rate > 0 else 0.0
        return self.request_rate / (replicas * self.capacity_per_replica)


@dataclass(frozen=True)
class ScaleDecision:
    service: str
    current: int
    desired: int
    reason: str

    @property
    def changed(self) -> bool:
        return self.desired != self.current


@dataclass(frozen=True)
class ScalingPolicy:
    min_replicas: int = 1
    max_replicas: int = 4
    cooldown_seconds: float = 30.0
    latency_target_ms: float = 300.0
    error_rate_target: float = 0.05
    target_utilization: float = 0.8

    def __post_init__(self) -> None:
        if self.min_replicas < 1:
            raise InvalidInputError("min_replicas", "must be >= 1")
        if self.max_replicas < self.min_replicas:
            raise InvalidInputError("max_replicas", "must be >= min_replicas")
        if self.cooldown_seconds < 0:
            raise InvalidInputError("cooldown_seconds", "must be >= 0")
        if self.latency_target_ms <= 0:
            raise InvalidInputError("latency_target_ms", "must be > 0")
        if not 0 <= self.error_rate_target <= 1:
            raise InvalidInputError("error_rate_target", "must be between 0 and 1")
        if not 0 < self.target_utilization <= 1:
            raise InvalidInputError("target_utilization", "must be in (0, 1]")

    def clamp(self, replicas: int) -> int:
        return max(self.min_replicas, min(self.max_replicas, replicas))

    def needed(self, signals: LoadSignals) -> int:
        """Replicas that keep utilisation at or below the target (at least ``min_replicas``)."""
        exact = signals.request_rate / (signals.capacity_per_replica * self.target_utilization)
        return max(self.min_replicas, math.ceil(exact - 1e-9))

    def in_cooldown(self, now: float, last_scaled_at: float | None) -> bool:
        return last_scaled_at is not None and now - last_scaled_at < self.cooldown_seconds

    def desired(
        self,
        service: str,
        current: int,
        signals: LoadSignals,
        *,
        now: float,
        last_scaled_at: float | None = None,
    ) -> ScaleDecision:
        if current < 0:
            raise InvalidInputError("current", "must be >= 0")
        if self.clamp(current) != current:
            bounds = f"[{self.min_replicas}, {self.max_replicas}]"
            return ScaleDecision(service, current, self.clamp(current), f"{current} replicas is outside {bounds}")
        wanted, reason = self._want(current, signals)
        target = self.clamp(wanted)
        if target == current:
            if wanted != current:
                edge = "maximum" if wanted > current else "minimum"
                reason = f"hold: at the {edge} ({reason})"
            return ScaleDecision(service, current, current, reason)
        if last_scaled_at is not None and self.in_cooldown(now, last_scaled_at):
            left = self.cooldown_seconds - (now - last_scaled_at)
            return ScaleDecision(service, current, current, f"cooldown: {left:g}s left (wanted {target})")
        return ScaleDecision(service, current, target, reason)

    def _want(self, current: int, signals: LoadSignals) -> tuple[int, str]:
        utilization = signals.utilization(current)
        needed = self.needed(signals)
        if needed > current:
            return needed, f"utilisation {utilization:.0%} > target {self.target_utilization:.0%}"
        if signals.latency_p99_ms > self.latency_target_ms:
            return current + 1, f"p99 {signals.latency_p99_ms:g} ms > target {self.latency_target_ms:g} ms"
        if needed < current:
            if signals.error_rate > self.error_rate_target:
                return current, f"hold: error rate {signals.error_rate:.1%} above target, keeping capacity"
            return current - 1, f"utilisation {utilization:.0%}; {current - 1} replicas meet the target"
        return current, f"hold: utilisation {utilization:.0%} within target"
