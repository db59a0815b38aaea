"""The evolution actor: reviews, action items, recurrence and knowledge, all kept in the store."""

from __future__ import annotations

from typing import Any

from actors.host import EngineHost
from actors.options import EVOLUTION
from aref.evolution.engine import EvolutionEngine
from aref.evolution.seeding import seed_history
from aref.records import to_record
from aref.store import Collection


class EvolutionActor(EngineHost):
    NAME = EVOLUTION

    def build_engine(self) -> EvolutionEngine:
        return EvolutionEngine(self.settings.evolution, self.clock, self.sink, self.store)

    async def reviews(self) -> list[dict[str, Any]]:
        return [to_record(r) for r in self.engine.reviews()]

    async def complete_action(self, action_id: str) -> dict[str, Any]:
        return self.envelope(lambda: to_record(self.engine.complete_action(action_id)))

    async def search_knowledge(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        return [to_record(k) for k in self.engine.search_knowledge(text, limit)]

    async def seed(self, incidents: int) -> dict[str, Any]:
        """Load demo history: ``incidents`` (1..100) past incidents replayed through a review engine
        over this actor's store. Envelope of ``SeedReport.to_dict()``; the engine's review events are
        published (they reach the timeline), the replayed chains are not."""
        return self.envelope(
            lambda: seed_history(
                incidents, settings=self.settings.evolution, clock=self.clock, store=self.store, sink=self.sink
            ).to_dict()
        )

    async def incidents(self) -> list[dict[str, Any]]:
        """Every stored incident record (recovery writes them, evolution reviews them)."""
        return self.store.list(Collection.INCIDENTS)
