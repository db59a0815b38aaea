"""The evolution actor without Ray: a memory store, a fake clock, published events kept in a list."""

from __future__ import annotations

from actors.evolution_actor import EvolutionActor
from actors.host import BufferSink
from aref.config import ArefSettings
from aref.store import MemoryStore
from aref.testing import FakeClock
from tests.unit.actors.chaos_here import Published


class EvolutionHere(EvolutionActor):
    def __init__(self, clock: FakeClock) -> None:  # EngineHost.__init__ needs a running Ray
        self.settings = ArefSettings(api_token=None, ray_dashboard_url="http://127.0.0.1:8265")
        self.clock = clock
        self.sink = BufferSink()
        self.store = MemoryStore()
        self.publisher = Published()  # type: ignore[assignment]
        self.engine = self.build_engine()
