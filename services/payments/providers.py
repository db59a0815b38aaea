"""Simulated payment providers: health per provider, routing by traffic weights, failover order.

A provider is unhealthy once it has failed ``failure_threshold`` times in a row; it is skipped
until ``cooldown_s`` after its last failure, then gets one trial (a success makes it healthy,
a failure restarts the cooldown). Health lives in collection ``payment_providers`` (one record
per provider, changed atomically), so every replica routes on the same view.

Traffic weights come from adaptation, whose routes are ``primary`` / ``backup``; a route named
like a provider addresses that provider directly, ``primary`` is the first provider and
``backup`` the second. A request goes to the provider its uniform draw picks, then fails over
to the other providers in declared order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aref.clock import Clock
from aref.errors import InvalidInputError, NotFoundError
from aref.store import Store
from chaos.faults import ALTERNATIVES
from services.base import checks

PROVIDERS: tuple[str, ...] = ALTERNATIVES["payments"]
ROUTE_ALIASES: Mapping[str, int] = {"primary": 0, "backup": 1}
HEALTH = "payment_providers"


@dataclass(frozen=True)
class ProviderPolicy:
    failure_threshold: int = 3
    cooldown_s: float = 30.0

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise InvalidInputError("failure_threshold", "must be >= 1")
        if self.cooldown_s <= 0:
            raise InvalidInputError("cooldown_s", "must be > 0")


def provider_weights(traffic: Mapping[str, int], providers: tuple[str, ...] = PROVIDERS) -> dict[str, int]:
    """Weights per provider from route weights; unknown routes are ignored, no weight means all on the first."""
    weights = dict.fromkeys(providers, 0)
    for route, weight in traffic.items():
        index = ROUTE_ALIASES.get(route)
        name = providers[index] if index is not None and index < len(providers) else route
        if name in weights and isinstance(weight, int) and not isinstance(weight, bool) and weight > 0:
            weights[name] += weight
    if not any(weights.values()):
        weights[providers[0]] = 100
    return weights


def pick(weights: Mapping[str, int], u: float) -> str:
    """The provider whose share of the total weight holds the draw ``u`` in [0, 1)."""
    draw = checks.fraction("u", u)
    total = sum(w for w in weights.values() if w > 0)
    if total <= 0:
        raise InvalidInputError("weights", "need at least one positive weight")
    point, cumulative = draw * total, 0
    for name, weight in weights.items():
        cumulative += max(weight, 0)
        if point < cumulative:
            return name
    return [name for name, weight in weights.items() if weight > 0][-1]


def failover_order(first: str, providers: tuple[str, ...] = PROVIDERS) -> tuple[str, ...]:
    """``first``, then the other providers in declared order."""
    if first not in providers:
        raise NotFoundError("provider", first)
    return (first, *(p for p in providers if p != first))


class ProviderBoard:
    """Health of every provider, shared through the store."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        providers: tuple[str, ...] = PROVIDERS,
        policy: ProviderPolicy | None = None,
    ) -> None:
        if not providers or len(set(providers)) != len(providers):
            raise InvalidInputError("providers", "must be distinct and non-empty")
        self._store = store
        self._clock = clock
        self.providers = providers
        self.policy = policy or ProviderPolicy()

    def health(self, name: str) -> dict[str, Any]:
        if name not in self.providers:
            raise NotFoundError("provider", name)
        return self._view(self._store.get(HEALTH, name) or self._fresh(name))

    def all(self) -> list[dict[str, Any]]:
        return [self.health(name) for name in self.providers]

    def available(self, name: str) -> bool:
        """Healthy, or unhealthy with its cooldown over (one trial)."""
        view = self.health(name)
        return bool(view["healthy"]) or self._clock.now() >= view["available_at"]

    def record(self, name: str, ok: bool) -> dict[str, Any]:
        """Count one attempt's outcome."""
        self.health(name)
        now = self._clock.now()

        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            record = current or self._fresh(name)
            if ok:
                successes = record["successes"] + 1
                return {**record, "consecutive_failures": 0, "successes": successes, "last_success_at": now}
            return {
                **record,
                "consecutive_failures": record["consecutive_failures"] + 1,
                "failures": record["failures"] + 1,
                "last_failure_at": now,
            }

        stored = self._store.update(HEALTH, name, change)
        assert stored is not None
        return self._view(stored)

    def reset(self, name: str | None = None) -> list[dict[str, Any]]:
        """Mark one provider (or all) healthy again; counters of past attempts are kept."""
        names = self.providers if name is None else (self.health(name)["name"],)
        for each in names:
            fresh = self._fresh(each)

            def change(current: dict[str, Any] | None, fresh: dict[str, Any] = fresh) -> dict[str, Any]:
                return {**(current or fresh), "consecutive_failures": 0}

            self._store.update(HEALTH, each, change)
        return [self.health(each) for each in names]

    def _fresh(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "consecutive_failures": 0,
            "successes": 0,
            "failures": 0,
            "last_failure_at": None,
            "last_success_at": None,
        }

    def _view(self, record: dict[str, Any]) -> dict[str, Any]:
        healthy = record["consecutive_failures"] < self.policy.failure_threshold
        last_failure = record["last_failure_at"]
        available_at = None if healthy or last_failure is None else last_failure + self.policy.cooldown_s
        return {
            **record,
            "primary": record["name"] == self.providers[0],
            "healthy": healthy,
            "available_at": available_at,
        }
