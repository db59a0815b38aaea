"""Impact 1: switch off the non-critical features of the affected service.

Fits a transient breach of any kind, and a load problem of any duration, as long as the
service still has a non-critical flag on.
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action, SetFlag
from aref.adaptation.context import DecisionContext
from aref.adaptation.signals import MetricKind
from aref.models import AnomalyClass


@dataclass(frozen=True)
class ShedLoad:
    name: str = "shed_load"
    impact: int = 1
    purpose: str = "disable non-critical features of the service to free capacity"

    def applies(self, ctx: DecisionContext) -> bool:
        fits = ctx.anomaly_class == AnomalyClass.TRANSIENT or ctx.signal.kind == MetricKind.LOAD
        return ctx.mitigable and fits and bool(ctx.state.optional_flags_on)

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        return tuple(SetFlag(flag, enabled=False) for flag in ctx.state.optional_flags_on)
