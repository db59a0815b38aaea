"""The chaos actor's own methods without Ray: nothing is published, no replica is pushed to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from actors.chaos_actor import ChaosActor
from actors.host import BufferSink
from aref.events import Event
from aref.store import MemoryStore
from aref.testing import FakeClock


class Published:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


class ChaosHere(ChaosActor):
    def __init__(self, clock: FakeClock) -> None:  # EngineHost.__init__ needs a running Ray
        self.clock = clock
        self.sink = BufferSink()
        self.store = MemoryStore()
        self.publisher = Published()  # type: ignore[assignment]
        self.engine = self.build_engine()
        self.pushed: list[str] = []

    async def _push(self, service: str) -> int:
        self.pushed.append(service)
        return 1

    async def get_status(self) -> dict[str, Any]:
        return {"status": self.engine.status(), "experiments": dict(self.experiments), "crashes": []}
