"""Absorption as it runs: the shared circuit-breaker registry, degradation and blast radius.

Replicas push breaker outcome reports each tick and pull the decisions that changed since the
version they hold. The registry lives here (not in a separate actor) because degradation is
derived from breaker state on every report: no hop, one process fewer.
The same pull carries every service's degradation tier, so each replica applies its tier
within a tick; replicas push what they applied (``report_applied``), kept per replica, so
the API can show applied beside desired. A human can pin a tier (``set_tier``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from aref.absorption.degradation import DegradationTier
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

APPLIED_KEPT_S = 30.0  # a replica silent this long is gone (replaced or scaled in)


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
        self._clock = env.clock
        self._applied: dict[str, dict[str, Any]] = {}

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
            "tiers": await self.tiers(),
        }

    def report_applied(self, record: Mapping[str, Any]) -> None:
        """A replica's applied control state (``ReplicaRuntime.applied``); the latest per replica is kept."""
        replica, service = record.get("replica_id"), record.get("service")
        if not isinstance(replica, str) or not isinstance(service, str):
            raise InvalidInputError("applied", "needs replica_id and service")
        self._forget_silent()
        self._applied[replica] = {**record, "received_at": self._clock.now()}

    async def applied(self) -> list[dict[str, Any]]:
        """The applied control state each replica reported within ``APPLIED_KEPT_S``, by service then replica."""
        self._forget_silent()
        return sorted(self._applied.values(), key=lambda r: (r["service"], r["replica_id"]))

    @property
    def replicas_reporting(self) -> int:
        """Replicas whose applied state is kept (a replaced replica's goes after ``APPLIED_KEPT_S``)."""
        return len(self._applied)

    def _forget_silent(self) -> None:
        horizon = self._clock.now() - APPLIED_KEPT_S
        self._applied = {r: a for r, a in self._applied.items() if a["received_at"] >= horizon}

    async def set_tier(self, service: str, tier: str | None, reason: str = "") -> dict[str, Any]:
        """Pin ``service`` to ``tier`` (a tier name), or lift its pin with None; the tier now in force."""
        if service not in self._services:
            raise NotFoundError("service", service)
        wanted = None
        if tier is not None:
            try:
                wanted = DegradationTier(tier)
            except ValueError:
                raise InvalidInputError("tier", f"must be one of {[t.value for t in DegradationTier]}") from None
        now = self.engine.pin_tier(service, wanted, reason)
        return {"service": service, "tier": now.value, "pinned": wanted is not None}

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
