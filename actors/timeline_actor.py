"""The timeline actor: every published event, for the UI, the CLI and experiment records."""

from __future__ import annotations

from typing import Any

from actors.host import EngineHost
from actors.options import TIMELINE
from aref.errors import ArefError, error_to_dict
from aref.events import Event
from aref.timeline import Timeline


class _TimelineEngine:
    """Adapts ``Timeline`` to the engine shape the host expects."""

    def __init__(self) -> None:
        self.timeline = Timeline()

    def handle(self, events: list[Event]) -> None:
        self.timeline.add(events)

    def tick(self) -> None:
        """Nothing periodic."""

    def status(self) -> dict[str, Any]:
        return self.timeline.summary()


class TimelineActor(EngineHost):
    NAME = TIMELINE

    def build_engine(self) -> _TimelineEngine:
        return _TimelineEngine()

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
