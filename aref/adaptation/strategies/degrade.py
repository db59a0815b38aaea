"""Impact 4: degrade the whole blast radius by switching off non-critical features everywhere in it.

Only for a persistent anomaly: the service and every caller in its scope lose their optional
features so the critical path (core_api) keeps its capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action, SetFlag
from aref.adaptation.context import DecisionContext
from aref.models import AnomalyClass


@dataclass(frozen=True)
class DegradeScope:
    name: str = "degrade_scope"
    impact: int = 4
    purpose: str = "disable non-critical features across the blast radius"

    def applies(self, ctx: DecisionContext) -> bool:
        return ctx.mitigable and ctx.anomaly_class == AnomalyClass.PERSISTENT and bool(self.plan(ctx))

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        return tuple(
            SetFlag(flag, enabled=False)
            for member in ctx.scope.members
            for flag in ctx.state_of(member).optional_flags_on
        )
