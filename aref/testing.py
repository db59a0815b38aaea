"""Test doubles for every layer: a fake clock, an event capture and an in-memory store."""

from __future__ import annotations

from dataclasses import dataclass, field

from aref.errors import InvalidInputError
from aref.events import Event
from aref.store.memory import MemoryStore

__all__ = ["EventCapture", "FakeClock", "MemoryStore"]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise InvalidInputError("seconds", "a clock cannot go backwards")
        self._now += seconds
        return self._now

    def set(self, at: float) -> None:
        if at < self._now:
            raise InvalidInputError("at", "a clock cannot go backwards")
        self._now = at


@dataclass
class EventCapture:
    """An ``EventSink`` that remembers everything it receives."""

    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def topics(self) -> list[str]:
        return [e.topic for e in self.events]

    def of(self, topic: str) -> list[Event]:
        return [e for e in self.events if e.topic == topic]

    def last(self, topic: str) -> Event:
        matching = self.of(topic)
        if not matching:
            raise AssertionError(f"no event {topic!r}; saw {self.topics()}")
        return matching[-1]

    def clear(self) -> None:
        self.events.clear()
