"""Breaker-driven failover: an open circuit breaker into a service moves that service to its backup route.

The breaker ``gateway->payments`` opening shifts all of ``payments`` to its backup route.
When every breaker into ``payments`` has closed again, the shift this module made is undone;
a shift made by anyone else (a strategy, a human) is never undone here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aref.adaptation.signals import BreakerSignal
from aref.adaptation.traffic import TrafficChange, TrafficShifter


class BreakerFailover:
    def __init__(self, traffic: TrafficShifter) -> None:
        self._traffic = traffic
        self._open: dict[str, set[str]] = {}
        self._shifted: set[str] = set()

    def opened(self, breaker: BreakerSignal) -> TrafficChange | None:
        """Record the open breaker; fail its dependency over unless it is already fully on backup."""
        dep = breaker.dependency
        self._open.setdefault(dep, set()).add(breaker.breaker)
        if dep not in self._traffic.services:
            return None
        backup = self._traffic.backup_route(dep)
        change = None if backup is None else self._traffic.shift(dep, backup, 100)
        if change is not None:
            self._shifted.add(dep)
        return change

    def closed(self, breaker: BreakerSignal) -> TrafficChange | None:
        """Forget the breaker; when none into its dependency is open, undo this module's shift."""
        dep = breaker.dependency
        still_open = self._open.get(dep, set())
        still_open.discard(breaker.breaker)
        if still_open:
            return None
        self._open.pop(dep, None)
        if dep not in self._shifted:
            return None
        self._shifted.discard(dep)
        return self._traffic.restore(dep)

    def open_breakers(self) -> dict[str, tuple[str, ...]]:
        return {dep: tuple(sorted(names)) for dep, names in self._open.items() if names}

    def shifted(self) -> tuple[str, ...]:
        return tuple(sorted(self._shifted))

    def load(self, open_breakers: Mapping[str, Iterable[str]], shifted: Iterable[str]) -> None:
        self._open = {dep: set(names) for dep, names in open_breakers.items()}
        self._shifted = set(shifted)
