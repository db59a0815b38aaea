"""Runbooks as data: an ordered list of steps for one recovery tier.

Built by ``aref.recovery.runbook_schema`` (the one validation path) from YAML or plain data.
A step's ``action`` is an opaque name the injected ``ActionRunner`` or ``Verifier``
interprets (``"<area>.<verb>"`` by convention, e.g. ``"absorption.open_breaker"``).
Step names are unique within a runbook; ``params`` is a private copy, treat it as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aref.errors import NotFoundError
from aref.models import RecoveryTier


class OnFailure(StrEnum):
    """What a failed or timed-out step does to its runbook."""

    ESCALATE = "escalate"  # stop the runbook and escalate the recovery to the next tier now
    CONTINUE = "continue"  # record the failure and go on with the next step
    ABORT = "abort"  # stop the runbook; the recovery stays in its tier until the window passes


@dataclass(frozen=True)
class RunbookStep:
    name: str
    kind: str
    action: str
    timeout_seconds: float
    role: str = "automation"
    on_failure: OnFailure = OnFailure.ESCALATE
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        # a private copy: the caller's dict cannot change the step afterwards
        object.__setattr__(self, "params", dict(self.params))


@dataclass(frozen=True)
class Runbook:
    name: str
    tier: RecoveryTier
    steps: tuple[RunbookStep, ...]
    description: str = ""
    service: str | None = None
    trigger: str | None = None
    source: str = ""

    def index_of(self, step: str) -> int:
        for i, candidate in enumerate(self.steps):
            if candidate.name == step:
                return i
        raise NotFoundError("runbook step", f"{self.name}/{step}")

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tier": self.tier.name,
            "service": self.service,
            "description": self.description,
            "trigger": self.trigger,
            "steps": [s.name for s in self.steps],
            "source": self.source,
        }
