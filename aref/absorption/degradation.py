"""Graceful degradation: four tiers per service, chosen from health signals.

Tiers FULL < REDUCED < MINIMAL < EMERGENCY each switch off more non-critical features
(analytics, recommendations, search, experimental); critical features (core_api, auth) are
never switched off. The target tier is the highest one any signal asks for (error rate,
share of the service's dependency breakers not closed, severity of its active alerts).
A service escalates at once and steps down only after its signals have asked for a lower
tier for ``step_down_after`` seconds, so a flapping signal cannot flap the tier.
Every change publishes ``absorption.degradation_changed``; the correlation id that started
an episode (left FULL) stays on its events until the service is back to FULL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from aref.clock import Clock
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity

CRITICAL_FEATURES: tuple[str, ...] = ("core_api", "auth")
NON_CRITICAL_FEATURES: tuple[str, ...] = ("analytics", "recommendations", "search", "experimental")


class DegradationTier(StrEnum):
    FULL = "full"
    REDUCED = "reduced"
    MINIMAL = "minimal"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return list(DegradationTier).index(self)


DISABLED_FEATURES: Mapping[DegradationTier, tuple[str, ...]] = {
    DegradationTier.FULL: (),
    DegradationTier.REDUCED: ("experimental", "analytics"),
    DegradationTier.MINIMAL: ("experimental", "analytics", "recommendations"),
    DegradationTier.EMERGENCY: ("experimental", "analytics", "recommendations", "search"),
}

ALERT_TIERS: Mapping[Severity, DegradationTier] = {
    Severity.INFO: DegradationTier.FULL,
    Severity.WARNING: DegradationTier.REDUCED,
    Severity.CRITICAL: DegradationTier.MINIMAL,
    Severity.EMERGENCY: DegradationTier.EMERGENCY,
}


def enabled_features(tier: DegradationTier) -> tuple[str, ...]:
    off = DISABLED_FEATURES[tier]
    return CRITICAL_FEATURES + tuple(f for f in NON_CRITICAL_FEATURES if f not in off)


@dataclass(frozen=True)
class DegradationPolicy:
    """Thresholds (value >= threshold asks for the tier) and the step-down hold."""

    reduced_error_rate: float = 0.05
    minimal_error_rate: float = 0.15
    emergency_error_rate: float = 0.50
    reduced_open_breakers: int = 1
    minimal_open_fraction: float = 0.5
    emergency_open_fraction: float = 1.0
    step_down_after: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.reduced_error_rate < self.minimal_error_rate < self.emergency_error_rate <= 1:
            raise InvalidInputError("minimal_error_rate", "need 0 < reduced < minimal < emergency error rate <= 1")
        if self.reduced_open_breakers < 1:
            raise InvalidInputError("reduced_open_breakers", "must be >= 1")
        if not 0 < self.minimal_open_fraction <= self.emergency_open_fraction <= 1:
            raise InvalidInputError("minimal_open_fraction", "need 0 < minimal <= emergency open fraction <= 1")
        if self.step_down_after < 0:
            raise InvalidInputError("step_down_after", "must be >= 0")


@dataclass(frozen=True)
class HealthSignals:
    error_rate: float = 0.0
    open_breakers: int = 0
    dependencies: int = 0
    alert_severity: Severity | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.error_rate <= 1:
            raise InvalidInputError("error_rate", "must be in [0, 1]")
        if self.dependencies < 0:
            raise InvalidInputError("dependencies", "must be >= 0")
        if not 0 <= self.open_breakers <= self.dependencies:
            raise InvalidInputError("open_breakers", "must be between 0 and dependencies")


def target_tier(signals: HealthSignals, policy: DegradationPolicy) -> tuple[DegradationTier, str]:
    """The tier the signals ask for and why; ties go to the first signal (error rate)."""
    asks: list[tuple[DegradationTier, str]] = [(DegradationTier.FULL, "healthy")]
    rate = signals.error_rate
    for tier, limit in (
        (DegradationTier.EMERGENCY, policy.emergency_error_rate),
        (DegradationTier.MINIMAL, policy.minimal_error_rate),
        (DegradationTier.REDUCED, policy.reduced_error_rate),
    ):
        if rate >= limit:
            asks.append((tier, f"error rate {rate:.2f} >= {limit:.2f}"))
            break
    if signals.open_breakers:
        share = signals.open_breakers / signals.dependencies
        why = f"{signals.open_breakers}/{signals.dependencies} dependency breakers not closed"
        if share >= policy.emergency_open_fraction:
            asks.append((DegradationTier.EMERGENCY, why))
        elif share >= policy.minimal_open_fraction:
            asks.append((DegradationTier.MINIMAL, why))
        elif signals.open_breakers >= policy.reduced_open_breakers:
            asks.append((DegradationTier.REDUCED, why))
    if signals.alert_severity is not None:
        asks.append((ALERT_TIERS[signals.alert_severity], f"{signals.alert_severity.value} alert active"))
    top = max(tier.rank for tier, _ in asks)
    return next((tier, why) for tier, why in asks if tier.rank == top)


@dataclass(frozen=True)
class ServiceDegradation:
    service: str
    tier: DegradationTier
    since: float
    reason: str

    @property
    def disabled_features(self) -> tuple[str, ...]:
        return DISABLED_FEATURES[self.tier]


class DegradationManager:
    def __init__(
        self,
        services: Iterable[str],
        clock: Clock,
        sink: EventSink | None = None,
        policy: DegradationPolicy | None = None,
    ) -> None:
        self._clock = clock
        self._sink = sink
        self._policy = policy or DegradationPolicy()
        now = clock.now()
        self._states = {s: ServiceDegradation(s, DegradationTier.FULL, now, "initial") for s in services}
        self._lower_since: dict[str, float] = {}
        self._episodes: dict[str, str] = {}

    @property
    def policy(self) -> DegradationPolicy:
        return self._policy

    def state(self, service: str) -> ServiceDegradation:
        found = self._states.get(service)
        if found is None:
            raise NotFoundError("service", service)
        return found

    def tier(self, service: str) -> DegradationTier:
        return self.state(service).tier

    def states(self) -> dict[str, ServiceDegradation]:
        return dict(self._states)

    def evaluate(self, service: str, signals: HealthSignals, *, correlation_id: str | None = None) -> DegradationTier:
        """Move ``service`` towards the tier its signals ask for; returns the tier now in force."""
        current = self.state(service)
        target, reason = target_tier(signals, self._policy)
        now = self._clock.now()
        if target.rank > current.tier.rank:
            self._change(current, target, reason, correlation_id)
        elif target.rank < current.tier.rank:
            since = self._lower_since.setdefault(service, now)
            if now >= since + self._policy.step_down_after:
                self._change(current, target, reason, correlation_id)
        else:
            self._lower_since.pop(service, None)
        return self.tier(service)

    def _change(
        self, current: ServiceDegradation, to: DegradationTier, reason: str, correlation_id: str | None
    ) -> None:
        service = current.service
        self._lower_since.pop(service, None)
        self._states[service] = ServiceDegradation(service, to, self._clock.now(), reason)
        cid = correlation_id or self._episodes.get(service)
        if to is DegradationTier.FULL:
            self._episodes.pop(service, None)
        elif cid is not None:
            self._episodes.setdefault(service, cid)
        if self._sink is None:
            return
        if to is DegradationTier.EMERGENCY:
            severity = Severity.CRITICAL
        elif to.rank > current.tier.rank:
            severity = Severity.WARNING
        else:
            severity = Severity.INFO
        self._sink.emit(
            Event.create(
                EventCategory.ABSORPTION,
                "degradation_changed",
                source="absorption",
                clock=self._clock,
                severity=severity,
                payload={
                    "service": service,
                    "from_tier": current.tier.value,
                    "to_tier": to.value,
                    "reason": reason,
                    "disabled_features": list(DISABLED_FEATURES[to]),
                    "enabled_features": list(enabled_features(to)),
                },
                correlation_id=cid,
            )
        )
