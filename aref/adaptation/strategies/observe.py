"""Impact 0: watch a short, non-critical breach, or a slow SLO burn (a ticket), without touching anything.

A breach its callers already alert on has spread beyond its service: it is not one to watch
(``DecisionContext.alerting_dependents``), even while it is short and mild.

A warning-level ``slo_burn`` alert is the workbook's ticket: the budget burns slowly over hours,
which is for a human to look at, not for switching features off across the blast radius. What
spending the budget does to flags is the error-budget policy's (``aref.adaptation.budget``).
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action
from aref.adaptation.context import DecisionContext
from aref.events import Severity
from aref.models import AnomalyClass, DetectionClass


@dataclass(frozen=True)
class Observe:
    name: str = "observe"
    impact: int = 0
    purpose: str = "a transient warning-level breach or a slow SLO burn (ticket); watch it within the adaptation window"

    def applies(self, ctx: DecisionContext) -> bool:
        ticket = ctx.signal.detection_class == DetectionClass.SLO_BURN
        return (
            ctx.mitigable
            and (ctx.anomaly_class == AnomalyClass.TRANSIENT or ticket)
            and (ticket or not ctx.alerting_dependents)
            and ctx.signal.severity.rank <= Severity.WARNING.rank
        )

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        return ()
