"""Impact 3: add one replica to a service with a load problem, within its maximum and cooldown."""

from __future__ import annotations

from dataclasses import dataclass

from aref.adaptation.actions import Action, Scale
from aref.adaptation.context import DecisionContext
from aref.adaptation.signals import MetricKind


@dataclass(frozen=True)
class ScaleOut:
    name: str = "scale_out"
    impact: int = 3
    purpose: str = "add a replica to absorb the load"

    def applies(self, ctx: DecisionContext) -> bool:
        state = ctx.state
        return (
            ctx.mitigable
            and ctx.signal.kind == MetricKind.LOAD
            and state.scaling_ready
            and state.replicas < state.max_replicas
        )

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        state = ctx.state
        return (Scale(state.service, state.replicas, state.replicas + 1),)
