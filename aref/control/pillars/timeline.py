"""The timeline as it runs: every published event, for the UI, the CLI and experiment records.

Events are kept in the store (the newest ``capacity`` of them), so a restarted timeline still
shows every incident's chain; an event delivered twice is kept once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import chain, islice
from typing import Any, ClassVar

from aref.control.pillar import PillarService
from aref.control.ports import Environment
from aref.control.timeline_view import check_limit, timeline_view
from aref.control.wire import TimelineView
from aref.control.wiring import TIMELINE
from aref.events import Event
from aref.store import Collection, Store
from aref.timeline import DEFAULT_CAPACITY, Timeline


class TimelineService(PillarService):
    NAME: ClassVar[str] = TIMELINE

    def __init__(self, env: Environment, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__(env.publish())
        self.timeline = Timeline(capacity)
        self._store: Store = env.store()
        self._kept: deque[str] = deque()
        self._ids: set[str] = set()
        self._capacity = capacity
        stored = [Event.from_dict(r) for r in self._store.list(Collection.EVENTS)]
        self._store.write_many(Collection.EVENTS, {}, self._overflow(stored))
        self._keep(stored)
        self.timeline.add(stored)

    def on_tick(self) -> None:
        """Nothing periodic."""

    def deliver(self, events: Sequence[Event]) -> int:
        """Keep the batch's new events: one store transaction per batch, memory changed only after it."""
        fresh = list({e.id: e for e in events if e.id not in self._ids}.values())
        if not fresh:
            return 0
        self._store.write_many(Collection.EVENTS, {e.id: e.to_dict() for e in fresh}, self._overflow(fresh))
        self._keep(fresh)
        self.timeline.add(fresh)
        return len(fresh)

    def _overflow(self, arriving: Sequence[Event]) -> list[str]:
        """The ids that ``arriving`` pushes past capacity, oldest first (arriving ones included)."""
        excess = len(self._kept) + len(arriving) - self._capacity
        oldest = chain(self._kept, (e.id for e in arriving))
        return list(islice(oldest, max(0, excess)))

    def _keep(self, events: Sequence[Event]) -> None:
        self._kept.extend(e.id for e in events)
        self._ids.update(e.id for e in events)
        while len(self._kept) > self._capacity:
            self._ids.discard(self._kept.popleft())

    async def query(
        self,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> TimelineView:
        """Matching events newest first (at most ``limit``, 1..1000), with counts over every match."""
        check_limit(limit)
        everything = max(1, len(self.timeline))
        matched = self.timeline.query(
            category=category, severity=severity, correlation_id=correlation_id, limit=everything
        )
        return timeline_view(matched, limit=limit, retained=len(self.timeline))

    async def status(self) -> dict[str, Any]:
        return self.timeline.summary()
