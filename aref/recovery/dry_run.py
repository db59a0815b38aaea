"""Stand-ins used when no real ActionRunner or Verifier is injected.

They change nothing in the system: the runner records what it was asked to do and reports
it done, the verifier confirms every condition. The engine reports ``dry_run`` in its
status while either one is in use, so nobody mistakes a rehearsal for a recovery.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aref.recovery.step_kinds import StepContext, StepResult, Verdict


@dataclass(frozen=True)
class RequestedAction:
    action: str
    params: dict[str, Any]
    context: StepContext


class DryRunActionRunner:
    """Records the last ``keep`` requested actions and reports each one done."""

    def __init__(self, keep: int = 100) -> None:
        self.requested: deque[RequestedAction] = deque(maxlen=keep)

    def run(self, action: str, params: Mapping[str, Any], context: StepContext) -> StepResult:
        self.requested.append(RequestedAction(action, dict(params), context))
        return StepResult.done(f"dry run: {action} not performed", "dry run: not measured")


class DryRunVerifier:
    """Confirms every condition without looking."""

    def check(self, condition: str, params: Mapping[str, Any], context: StepContext) -> Verdict:
        return Verdict(True, "dry run: not measured")
