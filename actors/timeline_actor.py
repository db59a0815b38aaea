"""The timeline actor: every published event, for the UI, the CLI and experiment records."""

from __future__ import annotations

from collections import deque
from typing import Any

from actors.host import EngineHost
from actors.options import TIMELINE
from aref.errors import ArefError, error_to_dict
from aref.events import Event
from aref.store import Collection, Store
from aref.timeline import DEFAULT_CAPACITY, Timeline


class _TimelineEngine:
    """Adapts ``Timeline`` to the engine shape the host expects, keeping the events in the store
    (the newest ``capacity`` of them) so a restarted timeline still shows every incident's chain."""

    def __init__(self, store: Store, capacity: int = DEFAULT_CAPACITY) -> None:
        self.timeline = Timeline(capacity)
        self._store = store
        self._kept: deque[str] = deque()
        self._ids: set[str] = set()
        self._capacity = capacity
        stored = [Event.from_dict(r) for r in store.list(Collection.EVENTS)]
        for event in stored:
            self._keep(event)
        self.timeline.add(stored)

    def handle(self, events: list[Event]) -> None:
        fresh = [e for e in events if e.id not in self._ids]
        self.timeline.add(fresh)
        for event in fresh:
            self._store.put(Collection.EVENTS, event.id, event.to_dict())
            self._keep(event)

    def _keep(self, event: Event) -> None:
        self._kept.append(event.id)
        self._ids.add(event.id)
        while len(self._kept) > self._capacity:
            dropped = self._kept.popleft()
            self._ids.discard(dropped)
            self._store.delete(Collection.EVENTS, dropped)

    def tick(self) -> None:
        """Nothing periodic."""

    def status(self) -> dict[str, Any]:
        return self.timeline.summary()


class TimelineActor(EngineHost):
    NAME = TIMELINE

    def build_engine(self) -> _TimelineEngine:
        return _TimelineEngine(self.store)

    async def query(
        self,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        topic: str | None = None,
        limit: int = 100,
    ) -> dict[str, Any]:
        try:
            events = self.engine.timeline.query(
                category=category, severity=severity, correlation_id=correlation_id, topic=topic, limit=limit
            )
        except ArefError as error:
            return {"error": error_to_dict(error)}
        return {"ok": {"events": [e.to_dict() for e in events], "summary": self.engine.timeline.summary()}}
