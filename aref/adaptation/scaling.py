"""The horizontal scaling policy: the replica count one load sample recommends, as a pure function.

The signal is measured load, not an assumed capacity: the mean number of requests in flight per
replica over a telemetry window (Little's law on the replicas' own request times), against
``target_ongoing`` (Serve's ``target_ongoing_requests``). Rules, in order:

- a replica count outside [min, max] is brought back inside at once;
- within ``tolerance`` of the target (HPA's band, ±10 % by default) nothing changes (hysteresis);
- above it: one replica more (a laptop adds one ~190 MB process at a time);
- below it: one replica fewer, unless p99 latency or the error rate is over its target (never shed
  capacity while failing).

Latency alone never adds a replica: a slow dependency makes every caller slow, and more callers
would not help. Stabilization, cooldown, placement and judging the effect are the
``Autoscaler``'s (``aref.adaptation.autoscaler``); this module only recommends.
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.errors import InvalidInputError


@dataclass(frozen=True)
class LoadSignals:
    """Measured load of one service over one telemetry window."""

    ongoing_per_replica: float
    latency_p99_ms: float = 0.0
    error_rate: float = 0.0
    request_rate: float = 0.0
    latency_mean_ms: float = 0.0

    def __post_init__(self) -> None:
        for name in ("ongoing_per_replica", "latency_p99_ms", "request_rate", "latency_mean_ms"):
            if getattr(self, name) < 0:
                raise InvalidInputError(name, "must be >= 0")
        if not 0 <= self.error_rate <= 1:
            raise InvalidInputError("error_rate", "must be between 0 and 1")


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
    target_ongoing: float = 2.0
    tolerance: float = 0.1
    up_stabilization_seconds: float = 5.0
    down_stabilization_seconds: float = 60.0
    effect_ticks: int = 15

    def __post_init__(self) -> None:
        if self.min_replicas < 1:
            raise InvalidInputError("min_replicas", "must be >= 1")
        if self.max_replicas < self.min_replicas:
            raise InvalidInputError("max_replicas", "must be >= min_replicas")
        for name in ("cooldown_seconds", "up_stabilization_seconds", "down_stabilization_seconds"):
            if getattr(self, name) < 0:
                raise InvalidInputError(name, "must be >= 0")
        if self.latency_target_ms <= 0:
            raise InvalidInputError("latency_target_ms", "must be > 0")
        if not 0 <= self.error_rate_target <= 1:
            raise InvalidInputError("error_rate_target", "must be between 0 and 1")
        if self.target_ongoing <= 0:
            raise InvalidInputError("target_ongoing", "must be > 0")
        if not 0 <= self.tolerance < 1:
            raise InvalidInputError("tolerance", "must be in [0, 1)")
        if self.effect_ticks < 1:
            raise InvalidInputError("effect_ticks", "must be >= 1")

    def clamp(self, replicas: int) -> int:
        return max(self.min_replicas, min(self.max_replicas, replicas))

    def ratio(self, signals: LoadSignals) -> float:
        """Load against its target: 1.0 on target, 2.0 twice the requests in flight it wants."""
        return signals.ongoing_per_replica / self.target_ongoing

    def in_cooldown(self, now: float, last_scaled_at: float | None) -> bool:
        return last_scaled_at is not None and now - last_scaled_at < self.cooldown_seconds

    def recommend(self, service: str, current: int, signals: LoadSignals) -> ScaleDecision:
        """The count this one sample asks for (before stabilization, cooldown and placement)."""
        if current < 0:
            raise InvalidInputError("current", "must be >= 0")
        if self.clamp(current) != current:
            bounds = f"[{self.min_replicas}, {self.max_replicas}]"
            return ScaleDecision(service, current, self.clamp(current), f"{current} replicas is outside {bounds}")
        ratio = self.ratio(signals)
        load = f"{signals.ongoing_per_replica:.2f} in flight per replica, target {self.target_ongoing:g}"
        if ratio > 1 + self.tolerance:
            return self._bounded(service, current, current + 1, load)
        if ratio < 1 - self.tolerance and current > self.min_replicas:
            failing = self._failing(signals)
            if failing:
                return ScaleDecision(service, current, current, f"hold: {failing} over target, keeping capacity")
            return ScaleDecision(service, current, current - 1, load)
        if ratio < 1 - self.tolerance:
            return ScaleDecision(service, current, current, f"hold: at the minimum ({load})")
        return ScaleDecision(service, current, current, f"hold: {load} (within ±{self.tolerance:.0%})")

    def _failing(self, signals: LoadSignals) -> str:
        if signals.latency_p99_ms > self.latency_target_ms:
            return f"p99 {signals.latency_p99_ms:g} ms"
        if signals.error_rate > self.error_rate_target:
            return f"error rate {signals.error_rate:.1%}"
        return ""

    def _bounded(self, service: str, current: int, wanted: int, reason: str) -> ScaleDecision:
        target = self.clamp(wanted)
        if target == current:
            return ScaleDecision(service, current, current, f"hold: at the maximum ({reason})")
        return ScaleDecision(service, current, target, reason)
