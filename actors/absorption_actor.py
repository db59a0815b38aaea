"""The absorption actor: the shared circuit-breaker registry plus degradation and blast radius.

Replicas push outcome reports each tick and pull the decisions that changed since the version
they hold. ARCHITECTURE §3 names a separate ``breakers`` actor; the registry lives here instead
because degradation is derived from breaker state on every report (no hop, one process fewer).
"""

from __future__ import annotations

from typing import Any

from actors.host import EngineHost
from actors.options import ABSORPTION
from aref.absorption.engine import AbsorptionEngine
from aref.absorption.shared_breaker import OutcomeReport
from aref.records import from_record, to_record


class AbsorptionActor(EngineHost):
    NAME = ABSORPTION

    def build_engine(self) -> AbsorptionEngine:
        return AbsorptionEngine(self.settings.absorption, self.clock, self.sink, self.store)

    async def apply_reports(self, reports: list[dict[str, Any]]) -> dict[str, Any]:
        return self.envelope(lambda: self.engine.apply_reports([from_record(OutcomeReport, r) for r in reports]))

    async def decisions_since(self, version: int) -> dict[str, Any]:
        decisions = self.engine.decisions_since(version)
        self.flush()
        return {
            "version": max([version, *(d.version for d in decisions.values())]),
            "decisions": {edge: to_record(d) for edge, d in decisions.items()},
        }
