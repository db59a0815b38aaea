"""The base of every pillar service: one engine, its buffered events, its periodic work.

A pillar service is what runs inside one actor (or in-process): plain Python taking its ports
from an ``Environment``. Events the engine emits are buffered and published after every call
and every tick (``flush``); work that must wait on the runtime (a scale request, a fault push)
is queued by the synchronous engine side and carried out by ``settle``. The host (the actor
wrapper or the in-process transport) calls ``tick`` on a timer, and ``flush`` then ``settle``
after every call, so a caller sees every effect of its call once it returns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

from aref.events import Event
from aref.records import json_ready

Effect = Callable[[], Awaitable[object]]


class BufferSink:
    """Collects events between flushes."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def drain(self) -> list[Event]:
        drained, self._events = self._events, []
        return drained


class PillarService:
    NAME: ClassVar[str]
    engine: Any

    def __init__(self, publish: Callable[[str, Sequence[Event]], None]) -> None:
        self.sink = BufferSink()
        self._publish = publish
        self._effects: list[Effect] = []
        self.ticks = 0

    def tick(self) -> None:
        """One period of work (the host calls it every ``tick_seconds``), then publish."""
        self.ticks += 1
        self.on_tick()
        self.flush()

    def on_tick(self) -> None:
        self.engine.tick()

    def flush(self) -> None:
        events = self.sink.drain()
        if events:
            self.on_events(events)
            self._publish(self.NAME, events)

    def on_events(self, events: Sequence[Event]) -> None:
        """What this service does with its own events before they go out (queue effects)."""

    def later(self, effect: Effect) -> None:
        """Queue work on the runtime for the next ``settle``."""
        self._effects.append(effect)

    async def settle(self) -> None:
        """Carry out the queued work, in order (new work it queues runs too)."""
        while self._effects:
            effects, self._effects = self._effects, []
            for effect in effects:
                await effect()

    def deliver(self, events: Sequence[Event]) -> int:
        """Events of the topics this pillar subscribes to (``aref.control.wiring``)."""
        self.engine.handle(list(events))
        return len(events)

    async def status(self) -> dict[str, Any]:
        """The engine's status as plain JSON data."""
        return dict(json_ready(self.engine.status()))
