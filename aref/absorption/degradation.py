"""Graceful degradation: four tiers per service, chosen from health signals.

Tiers FULL < REDUCED < MINIMAL < EMERGENCY each switch off more of the shop's work; every replica
pulls its own service's tier each tick and stops what the tier switches off (``SWITCHED_OFF_AT``
states what each tier adds, ``HONOURED_BY`` which services act on each feature):
- reduced, optional work stops: notifications attempt a message once (``notification_retries``)
  and shed ``low`` messages (``low_priority_notifications``); orders, payments and inventory
  refuse their summary reports (``order_reports``, ``payment_reports``, ``stock_reports``),
  payments the settlement batch (``payment_settlement``), inventory the expiry sweep
  (``stock_sweep``: an expired hold still returns its units on the next touch of its SKU) and a
  reservation that leaves a SKU low orders no restock (``stock_restock``: the next reservation
  of that SKU after the tier lifts orders it);
- minimal, only the order pipeline's core runs: notifications shed ``normal`` messages too, the
  gateway's pipeline skips the receipt (``order_receipts``: create -> pay -> reserve), orders
  refuse listings, the audit log and fulfilment (``order_listings``, ``order_fulfilment``),
  payments their listing (``payment_listings``), inventory the stock list, catalog and movements
  (``stock_listings``). The core stays: create/confirm/cancel/get an order, process/refund/get a
  payment, reserve/release/commit stock and read one SKU or reservation (plus the operators'
  remedies: provider health and reset, replenish, adjust);
- emergency: the gateway and orders refuse new orders with 503 and ``Retry-After``
  (``new_orders``); payments and inventory keep the core for orders already accepted.
A refused request answers 503 + ``Retry-After`` and is counted as shed (never as an error the
detectors judge) and in the replica's ``skipped`` counters under the feature's name.
Critical features (``order_status``, ``health``) are never switched off. The target tier is the
highest one any signal asks for (error rate, share of the service's dependency breakers not
closed, severity of its active alerts). A service
escalates at once and steps down only after its signals have asked for a lower tier for
``step_down_after`` seconds, so a flapping signal cannot flap the tier; without that hold (a
service whose alerts resolved for lack of data: no traffic, nothing to flap) it steps down at
once. A human can pin a service's tier (``pin``): signals no longer move it until the pin is
lifted, after which the tier follows its signals at once (no step-down hold). Every change
publishes ``absorption.degradation_changed``; the correlation id that started an episode (left
FULL) stays on its events until the service is back to FULL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from aref.clock import Clock
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity


class DegradationTier(StrEnum):
    FULL = "full"
    REDUCED = "reduced"
    MINIMAL = "minimal"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return list(DegradationTier).index(self)


CRITICAL_FEATURES: tuple[str, ...] = ("order_status", "health")
# reduced: optional work
NOTIFICATION_RETRIES = "notification_retries"
LOW_PRIORITY_NOTIFICATIONS = "low_priority_notifications"
ORDER_REPORTS = "order_reports"
PAYMENT_REPORTS = "payment_reports"
PAYMENT_SETTLEMENT = "payment_settlement"
STOCK_REPORTS = "stock_reports"
STOCK_SWEEP = "stock_sweep"
STOCK_RESTOCK = "stock_restock"
# minimal: everything outside the order pipeline's core
NORMAL_PRIORITY_NOTIFICATIONS = "normal_priority_notifications"
ORDER_RECEIPTS = "order_receipts"
ORDER_LISTINGS = "order_listings"
ORDER_FULFILMENT = "order_fulfilment"
PAYMENT_LISTINGS = "payment_listings"
STOCK_LISTINGS = "stock_listings"
# emergency
NEW_ORDERS = "new_orders"

SWITCHED_OFF_AT: Mapping[DegradationTier, tuple[str, ...]] = {
    DegradationTier.FULL: (),
    DegradationTier.REDUCED: (
        NOTIFICATION_RETRIES,
        LOW_PRIORITY_NOTIFICATIONS,
        ORDER_REPORTS,
        PAYMENT_REPORTS,
        PAYMENT_SETTLEMENT,
        STOCK_REPORTS,
        STOCK_SWEEP,
        STOCK_RESTOCK,
    ),
    DegradationTier.MINIMAL: (
        NORMAL_PRIORITY_NOTIFICATIONS,
        ORDER_RECEIPTS,
        ORDER_LISTINGS,
        ORDER_FULFILMENT,
        PAYMENT_LISTINGS,
        STOCK_LISTINGS,
    ),
    DegradationTier.EMERGENCY: (NEW_ORDERS,),
}
"""What each tier switches off on top of the tiers below it."""

NON_CRITICAL_FEATURES: tuple[str, ...] = tuple(f for tier in DegradationTier for f in SWITCHED_OFF_AT[tier])

HONOURED_BY: Mapping[str, tuple[str, ...]] = {
    NOTIFICATION_RETRIES: ("notifications",),
    LOW_PRIORITY_NOTIFICATIONS: ("notifications",),
    NORMAL_PRIORITY_NOTIFICATIONS: ("notifications",),
    ORDER_REPORTS: ("orders",),
    ORDER_LISTINGS: ("orders",),
    ORDER_FULFILMENT: ("orders",),
    PAYMENT_REPORTS: ("payments",),
    PAYMENT_SETTLEMENT: ("payments",),
    PAYMENT_LISTINGS: ("payments",),
    STOCK_REPORTS: ("inventory",),
    STOCK_SWEEP: ("inventory",),
    STOCK_RESTOCK: ("inventory",),
    STOCK_LISTINGS: ("inventory",),
    ORDER_RECEIPTS: ("gateway",),
    NEW_ORDERS: ("gateway", "orders"),
}
"""The services whose replicas act on each non-critical feature."""

DISABLED_FEATURES: Mapping[DegradationTier, tuple[str, ...]] = {
    tier: tuple(f for lower in DegradationTier if lower.rank <= tier.rank for f in SWITCHED_OFF_AT[lower])
    for tier in DegradationTier
}
DISABLED_SETS: Mapping[DegradationTier, frozenset[str]] = {t: frozenset(f) for t, f in DISABLED_FEATURES.items()}
"""``DISABLED_FEATURES`` as sets, for the replicas' per-request lookups."""

ALERT_TIERS: Mapping[Severity, DegradationTier] = {
    Severity.INFO: DegradationTier.FULL,
    Severity.WARNING: DegradationTier.REDUCED,
    Severity.CRITICAL: DegradationTier.MINIMAL,
    Severity.EMERGENCY: DegradationTier.EMERGENCY,
}


def enabled_features(tier: DegradationTier, service: str | None = None) -> tuple[str, ...]:
    """The critical features and the non-critical ones ``tier`` leaves on (of ``service``'s, when named)."""
    off = DISABLED_FEATURES[tier]
    return CRITICAL_FEATURES + tuple(f for f in _of(service, NON_CRITICAL_FEATURES) if f not in off)


def switched_off(tier: DegradationTier, service: str | None = None) -> tuple[str, ...]:
    """What ``tier`` switches off (of what ``service``'s replicas act on, when named)."""
    return _of(service, DISABLED_FEATURES[tier])


def _of(service: str | None, features: tuple[str, ...]) -> tuple[str, ...]:
    return features if service is None else tuple(f for f in features if service in HONOURED_BY[f])


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
        """What the tier switches off in this service."""
        return switched_off(self.tier, self.service)


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
        self._pinned: dict[str, DegradationTier] = {}
        self._released: set[str] = set()

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

    def pinned(self) -> dict[str, DegradationTier]:
        """The services whose tier a human pinned, with that tier."""
        return dict(self._pinned)

    def pin(self, service: str, tier: DegradationTier | None, *, reason: str = "") -> ServiceDegradation:
        """Hold ``service`` at ``tier`` (None lifts the pin; the next ``evaluate`` follows signals at once)."""
        current = self.state(service)
        if tier is None:
            if self._pinned.pop(service, None) is not None:
                self._released.add(service)
            return current
        self._pinned[service] = tier
        if tier is not current.tier:
            self._change(current, tier, reason or f"pinned to {tier.value} by a human", None)
        return self.state(service)

    def evaluate(
        self, service: str, signals: HealthSignals, *, correlation_id: str | None = None, hold: bool = True
    ) -> DegradationTier:
        """Move ``service`` towards the tier its signals ask for; returns the tier now in force.

        ``hold=False`` steps down at once instead of after ``step_down_after``."""
        current = self.state(service)
        if service in self._pinned:
            return current.tier
        if service in self._released:
            self._released.discard(service)
            hold = False
        target, reason = target_tier(signals, self._policy)
        now = self._clock.now()
        if target.rank > current.tier.rank:
            self._change(current, target, reason, correlation_id)
        elif target.rank < current.tier.rank:
            since = self._lower_since.setdefault(service, now)
            if not hold or now >= since + self._policy.step_down_after:
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
                    "disabled_features": list(switched_off(to, service)),
                    "enabled_features": list(enabled_features(to, service)),
                },
                correlation_id=cid,
            )
        )
