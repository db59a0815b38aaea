"""Impact 0: watch a short, non-critical breach without touching anything."""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action
from aref.adaptation.context import DecisionContext
from aref.events import Severity
from aref.models import AnomalyClass


@dataclass(frozen=True)
class Observe:
    name: str = "observe"
    impact: int = 0
    purpose: str = "a transient warning-level breach; watch it within the adaptation window"

    def applies(self, ctx: DecisionContext) -> bool:
        return (
            ctx.mitigable
            and ctx.anomaly_class == AnomalyClass.TRANSIENT
            and ctx.signal.severity.rank <= Severity.WARNING.rank
        )

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        return ()
