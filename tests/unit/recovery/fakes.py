"""Test doubles for the recovery package: scripted action runner and verifier, runbook builder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aref.recovery.runbook import Runbook
from aref.recovery.runbook_schema import runbooks_from_data
from aref.recovery.step_kinds import StepContext, StepResult


@dataclass
class ScriptedRunner:
    """Answers each action with the next scripted result (the last one repeats); unscripted actions succeed."""

    script: dict[str, list[StepResult]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any], StepContext]] = field(default_factory=list)

    def run(self, action: str, params: Mapping[str, Any], context: StepContext) -> StepResult:
        self.calls.append((action, dict(params), context))
        answers = self.script.get(action)
        if not answers:
            return StepResult.done(f"{action} done")
        return answers.pop(0) if len(answers) > 1 else answers[0]

    @property
    def actions(self) -> list[str]:
        return [action for action, _, _ in self.calls]


@dataclass
class ScriptedVerifier:
    """Conditions hold unless set otherwise in ``holds``."""

    holds: dict[str, bool] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def check(self, condition: str, params: Mapping[str, Any], context: StepContext) -> bool:
        self.calls.append(condition)
        return self.holds.get(condition, True)


def step(
    name: str, kind: str = "automated", *, timeout: float = 30, on_failure: str = "escalate", **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "action": extra.pop("action", f"act.{name}"),
        "timeout_seconds": timeout,
        "on_failure": on_failure,
        **extra,
    }


def runbook(
    tier: str,
    steps: Sequence[Mapping[str, Any]],
    *,
    name: str | None = None,
    service: str | None = None,
    trigger: str | None = None,
) -> Runbook:
    data: dict[str, Any] = {"name": name or f"rb-{tier.lower()}", "tier": tier, "steps": list(steps)}
    if service is not None:
        data["service"] = service
    if trigger is not None:
        data["trigger"] = trigger
    (built,) = runbooks_from_data(data, source="test")
    return built
