"""Load shedding is temporary: what adaptation shed comes back once the service has been quiet.

A service's flags that adaptation itself switched off (``Actor.AUTO``) are switched on again once
the service has had no open alert for ``hold_seconds``. A human's choice stays as it is, and a
service whose error budget holds it frozen keeps its flags off until the budget thaws
(``aref.adaptation.budget``). The hold restarts whenever an alert on the service opens.
"""

from __future__ import annotations

from collections.abc import Iterable

from aref.errors import InvalidInputError


class ShedRelief:
    def __init__(self, hold_seconds: float) -> None:
        if hold_seconds < 0:
            raise InvalidInputError("hold_seconds", "must be >= 0")
        self.hold_seconds = hold_seconds
        self._quiet_since: dict[str, float] = {}

    def due(self, shed: Iterable[str], alerting: Iterable[str], now: float) -> tuple[str, ...]:
        """The services in ``shed`` (something of theirs is shed) quiet for the hold: no service in
        ``alerting`` since ``hold_seconds``."""
        loud = set(alerting)
        ready: list[str] = []
        shed = set(shed)
        for service in list(self._quiet_since):
            if service not in shed or service in loud:
                del self._quiet_since[service]
        for service in sorted(shed - loud):
            since = self._quiet_since.setdefault(service, now)
            if now - since >= self.hold_seconds:
                ready.append(service)
                del self._quiet_since[service]
        return tuple(ready)
