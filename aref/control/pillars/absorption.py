"""Absorption as it runs: the shared circuit-breaker registry, degradation and blast radius.

Replicas push breaker outcome reports each tick and pull the decisions that changed since the
version they hold. The registry lives here (not in a separate actor) because degradation is
derived from breaker state on every report: no hop, one process fewer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from aref.absorption.engine import AbsorptionEngine
from aref.absorption.facts import AbsorptionFacts
from aref.absorption.shared_breaker import OutcomeReport
from aref.config import AbsorptionSettings
from aref.control.pillar import PillarService
from aref.control.ports import Environment
from aref.control.wiring import ABSORPTION
from aref.errors import InvalidInputError, NotFoundError, StoreError
from aref.records import from_record, to_record
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph


class AbsorptionService(PillarService):
    NAME: ClassVar[str] = ABSORPTION
    engine: AbsorptionEngine

    def __init__(
        self,
        settings: AbsorptionSettings,
        env: Environment,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        services: Sequence[str] = SERVICES,
    ) -> None:
        super().__init__(env.publish())
        self.engine = AbsorptionEngine(settings, env.clock, self.sink, env.store(), topology, services=services)
        self._services = tuple(services)

    def apply_reports(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Breaker outcome reports (``to_record(OutcomeReport)``); how many were new."""
        try:
            reports = [from_record(OutcomeReport, r) for r in records]
        except StoreError as exc:
            raise InvalidInputError("reports", str(exc)) from None
        return self.engine.apply_reports(reports)

    async def decisions_since(self, version: int) -> dict[str, Any]:
        """The breaker decisions newer than ``version`` (records), with the newest version."""
        decisions = self.engine.decisions_since(version)
        return {
            "version": max([version, *(d.version for d in decisions.values())]),
            "decisions": {edge: to_record(d) for edge, d in decisions.items()},
        }

    async def tiers(self) -> dict[str, str]:
        """Each service's degradation tier."""
        tiers: dict[str, str] = {}
        for service in self._services:
            try:
                tiers[service] = self.engine.tier(service).value
            except NotFoundError:
                continue  # a service outside the dependency graph has no tier
        return tiers

    async def facts(self) -> AbsorptionFacts:
        return self.engine.facts()
