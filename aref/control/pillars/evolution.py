"""Evolution as it runs: reviews, action items, recurrence and knowledge, all kept in the store."""

from __future__ import annotations

from typing import ClassVar

from aref.config import EvolutionSettings
from aref.control.pillar import PillarService
from aref.control.ports import Environment
from aref.control.wiring import EVOLUTION
from aref.evolution.engine import EvolutionEngine
from aref.evolution.facts import EvolutionFacts
from aref.evolution.knowledge import KnowledgeEntry
from aref.evolution.review import PostIncidentReview
from aref.evolution.seeding import SeedReport, seed_history
from aref.models import ActionItem, Incident
from aref.store import Collection, Repository, Store


class EvolutionService(PillarService):
    NAME: ClassVar[str] = EVOLUTION
    engine: EvolutionEngine

    def __init__(self, settings: EvolutionSettings, env: Environment) -> None:
        super().__init__(env.publish())
        self.settings = settings
        self.clock = env.clock
        self.store: Store = env.store()
        self.engine = EvolutionEngine(settings, env.clock, self.sink, self.store)
        self._incidents = Repository(self.store, Collection.INCIDENTS, Incident)

    async def reviews(self) -> list[PostIncidentReview]:
        return self.engine.reviews()

    async def complete_action(self, action_id: str) -> ActionItem:
        return self.engine.complete_action(action_id)

    async def search_knowledge(self, text: str, limit: int = 20) -> list[KnowledgeEntry]:
        return self.engine.search_knowledge(text, limit)

    async def seed(self, incidents: int) -> SeedReport:
        """Demo history: ``incidents`` (1..100) past incidents replayed through a review engine over
        this store. Its review events are published (they reach the timeline); the replayed chains
        are not. Only this call loads demo history."""
        return seed_history(incidents, settings=self.settings, clock=self.clock, store=self.store, sink=self.sink)

    async def incidents(self) -> list[Incident]:
        """Every stored incident (recovery writes them, evolution reviews them)."""
        return self._incidents.all()

    async def facts(self) -> EvolutionFacts:
        return self.engine.facts()
