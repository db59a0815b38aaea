"""Impact 2: move an erroring service's traffic to its backup route.

A critical or persistent error signal fails over fully (100 %); a warning-level transient one
moves half. Applies only while the backup route holds less than that share.
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action, ShiftTraffic
from aref.adaptation.context import DecisionContext
from aref.adaptation.signals import MetricKind
from aref.events import Severity
from aref.models import AnomalyClass


def _percent(ctx: DecisionContext) -> int:
    full = ctx.signal.severity.rank >= Severity.CRITICAL.rank or ctx.anomaly_class == AnomalyClass.PERSISTENT
    return 100 if full else 50


@dataclass(frozen=True)
class ShiftToBackup:
    name: str = "shift_traffic"
    impact: int = 2
    purpose: str = "route the service's traffic to its backup route"

    def applies(self, ctx: DecisionContext) -> bool:
        state = ctx.state
        if not ctx.mitigable or ctx.signal.kind != MetricKind.ERRORS or state.backup_route is None:
            return False
        return state.weights.get(state.backup_route, 0) < _percent(ctx)

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        backup = ctx.state.backup_route
        if backup is None:
            return ()
        return (ShiftTraffic(ctx.signal.service, backup, _percent(ctx)),)
