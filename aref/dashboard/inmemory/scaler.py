"""A replica scaler without a cluster: it records the target and reports it as running at once."""

from __future__ import annotations

from collections.abc import Sequence

from aref.errors import InvalidInputError, NotFoundError


class FakeScaler:
    def __init__(self, services: Sequence[str], initial: int = 1) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        if initial < 0:
            raise InvalidInputError("initial", "must be >= 0")
        self._targets = dict.fromkeys(services, initial)

    def set_target(self, service: str, replicas: int) -> int:
        """Ask for ``replicas``; returns the previous target."""
        previous = self.target(service)
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise InvalidInputError("replicas", "must be an integer >= 0")
        self._targets[service] = replicas
        return previous

    def target(self, service: str) -> int:
        try:
            return self._targets[service]
        except KeyError:
            raise NotFoundError("service", service) from None

    def running(self, service: str) -> int:
        return self.target(service)
