"""The recovery actor: tiered recovery with runbooks, resolved when the incident's alerts clear."""

from __future__ import annotations

from typing import Any

from actors.host import EngineHost
from actors.options import RECOVERY
from aref.records import to_record
from aref.recovery.defaults import configured_runbooks
from aref.recovery.engine import RecoveryEngine


class RecoveryActor(EngineHost):
    NAME = RECOVERY

    def build_engine(self) -> RecoveryEngine:
        return RecoveryEngine(
            self.settings.recovery,
            self.clock,
            self.sink,
            self.store,
            runbooks=configured_runbooks(self.settings.recovery),
        )

    async def resolve(self, recovery_id: str) -> dict[str, Any]:
        return self.envelope(lambda: to_record(self.engine.resolve(recovery_id)))

    async def approve(self, recovery_id: str, step: str, by: str) -> dict[str, Any]:
        return self.envelope(lambda: to_record(self.engine.approve(recovery_id, step, by)))
