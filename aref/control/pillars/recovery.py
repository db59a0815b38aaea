"""Recovery as it runs: tiered recovery with runbooks, resolved when the incident's alerts clear.

Runbook steps act on the running system through ``RecoveryActions`` (its ports: the other pillar
services, the replica fleet, the notifications service, the store) and verify conditions on
detection's live telemetry and SLO state. A runbook naming an action or condition they cannot
perform is refused when the service is built (``InvalidInputError`` naming the file, the step
and the action). ``RecoverySettings.dry_run`` makes the whole engine a dry run; a drill asked
with ``dry_run`` is one on its own. Either is labelled in every output.
When a recovery resolves, the flags, degradation tier pins and replica targets it changed are
set back (a replica target set by recovery would otherwise stay the autoscaler's floor); traffic
weights stay where it moved them, so a failover is not undone while the failed route still fails.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from aref.config import RecoverySettings
from aref.control.pillar import Effect, PillarService
from aref.control.pillars.recovery_actions import RecoveryActions
from aref.control.pillars.recovery_checks import RecoveryChecks
from aref.control.pillars.recovery_runner import PortRunner
from aref.control.ports import Environment
from aref.control.wiring import RECOVERY
from aref.errors import ArefError
from aref.events import Event
from aref.models import Incident
from aref.recovery.defaults import configured_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.facts import RecoveryFacts
from aref.recovery.runbook import Runbook
from aref.topics import RECOVERY_RESOLVED
from aref.topology import SERVICES

log = logging.getLogger(__name__)


class RecoveryService(PillarService):
    NAME: ClassVar[str] = RECOVERY
    engine: RecoveryEngine

    def __init__(self, settings: RecoverySettings, env: Environment, runbooks: Iterable[Runbook] | None = None) -> None:
        super().__init__(env.publish())
        books = configured_runbooks(settings) if runbooks is None else tuple(runbooks)
        self.runbooks = books
        self.actions = RecoveryActions(
            env.clock, env.store(), env.peers(), env.fleet(), env.notifier(), lambda rid: self.engine.get(rid).incident
        )
        checks = RecoveryChecks(env.peers()).conditions()
        self.runner = PortRunner(self.actions.actions(), checks, self.later, self._advance)
        live = not settings.dry_run
        self.engine = RecoveryEngine(
            settings,
            env.clock,
            self.sink,
            env.store(),
            runbooks=books,
            action_runner=self.runner if live else None,
            verifier=self.runner if live else None,
            capabilities=self.runner.capabilities,
            services=SERVICES,
        )

    def on_events(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.topic == RECOVERY_RESOLVED:
                self.runner.forget(str(event.payload["recovery_id"]))
                if not self.engine.dry_run:
                    self.later(self._undo(str(event.payload["recovery_id"])))

    def _undo(self, recovery_id: str) -> Effect:
        async def undo() -> None:
            try:
                drill = self.engine.get(recovery_id).drill is not None
                await self.actions.undo_recovery(recovery_id, weights=drill)
            except ArefError as exc:
                log.warning("recovery %s: its control changes were not all set back: %s", recovery_id, exc)

        return undo

    def _advance(self) -> None:
        """A step's work finished: run the next steps now, not on the next tick."""
        self.engine.tick()
        self.flush()

    async def resolve(self, recovery_id: str) -> Incident:
        return self.engine.resolve(recovery_id)

    async def approve(self, recovery_id: str, step: str, by: str) -> dict[str, Any]:
        """Approve the step waiting for approval; the recovery's view after it (``aref.recovery.view``)."""
        return self.engine.describe(self.engine.approve(recovery_id, step, by))

    async def drill(
        self,
        service: str,
        tiers: Sequence[str] = ("T0",),
        *,
        runbooks: Sequence[str] = (),
        dry_run: bool = False,
        by: str = "operator",
    ) -> dict[str, Any]:
        """Start a drill of ``service`` (``RecoveryEngine.drill``); the recovery's view right after it started."""
        rec = self.engine.drill(service, tiers, runbooks=runbooks, dry_run=dry_run, by=by)
        return self.engine.describe(rec)

    async def active_count(self) -> int:
        return len(self.engine.active())

    async def facts(self) -> RecoveryFacts:
        return self.engine.facts()
