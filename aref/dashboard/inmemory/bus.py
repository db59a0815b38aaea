"""Synchronous event fan-out between engines in one process.

An ``EventSink``: ``emit`` only queues; ``pump`` delivers the queue in rounds (each round is
one batch per subscriber, in subscription order, holding the events of the topics it asked
for) until no subscriber emits anything new. As in ``actors/wiring.py``, an event never goes
back to its publisher (the subscriber named like the event's ``source``), and a subscriber
that raises an ``ArefError`` is recorded in ``failures`` without stopping delivery to the
others. ``max_rounds`` bounds a feedback loop between engines.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from aref.errors import ArefError, ConflictError, InvalidInputError
from aref.events import Event

Handler = Callable[[Sequence[Event]], object]


@dataclass(frozen=True)
class Subscription:
    name: str
    topics: frozenset[str] | None  # None: every topic
    handler: Handler

    def wants(self, event: Event) -> bool:
        if event.source == self.name:
            return False  # never back to its publisher
        return self.topics is None or event.topic in self.topics


@dataclass(frozen=True)
class DeliveryFailure:
    subscriber: str
    topics: tuple[str, ...]
    error: str


class LocalBus:
    def __init__(self, max_rounds: int = 100, failure_memory: int = 50) -> None:
        if max_rounds < 1:
            raise InvalidInputError("max_rounds", "must be >= 1")
        self._max_rounds = max_rounds
        self._pending: list[Event] = []
        self._subscriptions: list[Subscription] = []
        self.failures: deque[DeliveryFailure] = deque(maxlen=failure_memory)
        self.delivered = 0

    def subscribe(self, name: str, topics: Collection[str] | None, handler: Handler) -> None:
        if any(s.name == name for s in self._subscriptions):
            raise InvalidInputError("name", f"subscriber {name!r} is already registered")
        wanted = None if topics is None else frozenset(topics)
        self._subscriptions.append(Subscription(name, wanted, handler))

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    def pump(self) -> int:
        """Deliver until quiet; returns how many events were delivered."""
        delivered = 0
        for _ in range(self._max_rounds):
            if not self._pending:
                self.delivered += delivered
                return delivered
            batch, self._pending = self._pending, []
            delivered += len(batch)
            for sub in self._subscriptions:
                mine = [e for e in batch if sub.wants(e)]
                if not mine:
                    continue
                try:
                    sub.handler(mine)
                except ArefError as exc:
                    self.failures.append(DeliveryFailure(sub.name, tuple(e.topic for e in mine), str(exc)))
        self.delivered += delivered
        raise ConflictError(f"events still pending after {self._max_rounds} delivery rounds: a feedback loop?")
