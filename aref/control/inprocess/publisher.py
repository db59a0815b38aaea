"""Synchronous event delivery between pillar services in one process, by the one wiring table.

``publish`` only queues while a delivery is under way; the outermost call delivers the queue in
rounds (each round one batch per subscriber, as ``aref.control.wiring.route`` decides) until no
subscriber publishes anything new. A subscriber that raises an ``ArefError`` is recorded in
``failures`` without stopping delivery to the others. ``max_rounds`` bounds a feedback loop.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aref.control.pillar import PillarService
from aref.control.wiring import route
from aref.errors import ArefError, ConflictError, InvalidInputError
from aref.events import Event


@dataclass(frozen=True)
class DeliveryFailure:
    subscriber: str
    topics: tuple[str, ...]
    error: str


class InProcessPublisher:
    def __init__(self, max_rounds: int = 100, failure_memory: int = 50) -> None:
        if max_rounds < 1:
            raise InvalidInputError("max_rounds", "must be >= 1")
        self._max_rounds = max_rounds
        self._pending: list[tuple[str, list[Event]]] = []
        self._delivering = False
        self._services: Mapping[str, PillarService] = {}
        self.failures: deque[DeliveryFailure] = deque(maxlen=failure_memory)
        self.delivered = 0
        self.listeners: list[Callable[[Sequence[Event]], None]] = []

    def attach(self, services: Mapping[str, PillarService]) -> None:
        """The services that receive what the wiring routes to their names."""
        self._services = services

    def __call__(self, publisher: str, events: Sequence[Event]) -> None:
        self._pending.append((publisher, list(events)))
        if self._delivering:
            return
        self._delivering = True
        try:
            self._pump()
        finally:
            self._delivering = False

    def _pump(self) -> None:
        for _ in range(self._max_rounds):
            if not self._pending:
                return
            batch, self._pending = self._pending, []
            for publisher, events in batch:
                self.delivered += len(events)
                for listener in self.listeners:
                    listener(events)
                for receiver, mine in route(events, publisher).items():
                    service = self._services.get(receiver)
                    if service is None:
                        continue
                    try:
                        service.deliver(mine)
                    except ArefError as exc:
                        self.failures.append(DeliveryFailure(receiver, tuple(e.topic for e in mine), str(exc)))
                    service.flush()
        if self._pending:
            self._pending.clear()
            raise ConflictError(f"events still pending after {self._max_rounds} delivery rounds: a feedback loop?")
