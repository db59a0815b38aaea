"""Recovery as it runs: tiered recovery with runbooks, resolved when the incident's alerts clear."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aref.config import RecoverySettings
from aref.control.pillar import PillarService
from aref.control.ports import Environment
from aref.control.wiring import RECOVERY
from aref.models import Incident
from aref.recovery.defaults import configured_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.facts import RecoveryFacts
from aref.recovery.runbook import Runbook
from aref.recovery.state import Recovery


class RecoveryService(PillarService):
    NAME: ClassVar[str] = RECOVERY
    engine: RecoveryEngine

    def __init__(self, settings: RecoverySettings, env: Environment, runbooks: Iterable[Runbook] | None = None) -> None:
        super().__init__(env.publish())
        books = configured_runbooks(settings) if runbooks is None else tuple(runbooks)
        self.runbooks = books
        self.engine = RecoveryEngine(settings, env.clock, self.sink, env.store(), runbooks=books)

    async def resolve(self, recovery_id: str) -> Incident:
        return self.engine.resolve(recovery_id)

    async def approve(self, recovery_id: str, step: str, by: str) -> Recovery:
        return self.engine.approve(recovery_id, step, by)

    async def active_count(self) -> int:
        return len(self.engine.active())

    async def facts(self) -> RecoveryFacts:
        return self.engine.facts()
