"""Impact 5: hand the incident to recovery. Always applies, so every decision has a strategy."""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action, Escalate
from aref.adaptation.context import DecisionContext


@dataclass(frozen=True)
class EscalateToRecovery:
    name: str = "escalate_to_recovery"
    impact: int = 5
    purpose: str = "nothing less disruptive fits; recovery takes over"

    def applies(self, ctx: DecisionContext) -> bool:
        return True

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        if not ctx.mitigable:
            reason = f"{ctx.signal.severity.value} {ctx.anomaly_class.value} anomaly on {ctx.signal.service}"
        else:
            reason = f"no adaptation strategy left for {ctx.signal.service} {ctx.signal.metric}"
        return (Escalate(reason),)
