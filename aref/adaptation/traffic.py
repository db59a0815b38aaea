"""Weighted traffic routes per service.

Each service has the same ordered routes (default ``primary``, ``backup``); the first is the
primary and starts at 100, the others at 0. Invariant: a service's weights are ints in
0..100 that sum to exactly 100. ``pick`` maps a uniform number in [0, 1) onto the routes in
order, so the data plane chooses deterministically from its own random draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aref.errors import InvalidInputError, NotFoundError

PRIMARY = "primary"
BACKUP = "backup"


@dataclass(frozen=True)
class TrafficChange:
    service: str
    weights: Mapping[str, int]
    previous: Mapping[str, int]


class TrafficShifter:
    def __init__(self, services: Sequence[str], routes: Sequence[str] = (PRIMARY, BACKUP)) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        if not routes or len(set(routes)) != len(routes) or not all(routes):
            raise InvalidInputError("routes", "must be distinct, non-empty names")
        self.routes: tuple[str, ...] = tuple(routes)
        self._weights: dict[str, dict[str, int]] = {
            service: {route: 100 if i == 0 else 0 for i, route in enumerate(self.routes)}
            for service in dict.fromkeys(services)
        }

    @property
    def primary(self) -> str:
        return self.routes[0]

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(self._weights)

    def weights(self, service: str) -> dict[str, int]:
        return dict(self._require(service))

    def backup_route(self, service: str) -> str | None:
        """The failover route: the first non-primary route, if any."""
        self._require(service)
        return self.routes[1] if len(self.routes) > 1 else None

    def set_weights(self, service: str, weights: Mapping[str, int]) -> TrafficChange | None:
        """Replace the weights of ``service``; routes left out get 0. None when nothing changes."""
        current = self._require(service)
        if not isinstance(weights, Mapping):
            raise InvalidInputError("weights", "must map route names to integer percentages")
        unknown = sorted(str(r) for r in weights if r not in self.routes)
        if unknown:
            raise InvalidInputError("weights", f"unknown routes {unknown}; known: {list(self.routes)}")
        for route, weight in weights.items():
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
                raise InvalidInputError("weights", f"{route}: must be an integer between 0 and 100")
        total = sum(weights.values())
        if total != 100:
            raise InvalidInputError("weights", f"must sum to exactly 100, got {total}")
        new = {route: int(weights.get(route, 0)) for route in self.routes}
        if new == current:
            return None
        previous = dict(current)
        self._weights[service] = new
        return TrafficChange(service, dict(new), previous)

    def shift(self, service: str, to_route: str, percent: int) -> TrafficChange | None:
        """Give ``to_route`` exactly ``percent``; the rest keeps its proportions among the other routes."""
        current = self._require(service)
        if to_route not in self.routes:
            raise NotFoundError("route", to_route)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise InvalidInputError("percent", "must be an integer between 0 and 100")
        others = [r for r in self.routes if r != to_route]
        if not others:
            if percent != 100:
                raise InvalidInputError("percent", f"{to_route} is the only route; it must carry 100")
            return None
        rest = 100 - percent
        basis = {r: current[r] for r in others}
        if sum(basis.values()) == 0:
            # nothing to keep proportional: the remainder goes to the primary (or the first other route)
            basis[self.primary if self.primary in basis else others[0]] = 1
        new = {to_route: percent, **_apportion(rest, basis)}
        return self.set_weights(service, new)

    def restore(self, service: str) -> TrafficChange | None:
        """Send all traffic back to the primary route."""
        return self.set_weights(service, {self.primary: 100})

    def pick(self, service: str, u: float) -> str:
        """The route for a request whose uniform draw is ``u`` in [0, 1)."""
        weights = self._require(service)
        if isinstance(u, bool) or not isinstance(u, (int, float)) or not 0 <= u < 1:
            raise InvalidInputError("u", "must be a number in [0, 1)")
        point = u * 100
        cumulative = 0
        for route in self.routes:
            cumulative += weights[route]
            if point < cumulative:
                return route
        raise AssertionError("weights always sum to 100")  # pragma: no cover

    def snapshot(self) -> dict[str, dict[str, int]]:
        return {service: dict(w) for service, w in self._weights.items()}

    def load(self, saved: Mapping[str, Mapping[str, int]]) -> None:
        """Reinstate saved weights; unknown services are ignored, invalid weights raise."""
        for service, weights in saved.items():
            if service in self._weights:
                self.set_weights(service, weights)

    def _require(self, service: str) -> dict[str, int]:
        try:
            return self._weights[service]
        except KeyError:
            raise NotFoundError("service", service) from None


def _apportion(total: int, basis: Mapping[str, int]) -> dict[str, int]:
    """Split ``total`` into ints proportional to ``basis`` (largest remainder, ties by order)."""
    weight_sum = sum(basis.values())
    exact = {r: total * w / weight_sum for r, w in basis.items()}
    shares = {r: int(v) for r, v in exact.items()}
    left = total - sum(shares.values())
    order = sorted(basis, key=lambda r: -(exact[r] - shares[r]))
    for route in order[:left]:
        shares[route] += 1
    return shares
