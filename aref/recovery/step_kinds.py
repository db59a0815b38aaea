"""Runbook step kinds, registered in one place.

A ``StepKind`` says whether it needs a human approval and how to execute a step. The
executor calls ``execute`` when a step starts and again on every advance while the step
reports PENDING or AWAITING_APPROVAL, until it is done, fails or times out. A new kind is
added by registering it (``DEFAULT_STEP_KINDS.register(kind)`` returns a new registry);
the executor never changes. Kinds that need extra collaborators capture them in their
``execute`` closure.

Built-in kinds:
- ``automated``: runs ``step.action`` through the injected ``ActionRunner``.
- ``needs_approval``: waits for ``approve``; once approved runs the action like ``automated``.
  Forbidden in T0/T1 runbooks.
- ``verify``: asks the injected ``Verifier`` whether condition ``step.action`` holds; keeps
  asking on each advance until it does or the step times out.

A result says what the step did (``detail``), what was measured after it (``check``) and the
values behind both (``evidence``, plain JSON data, e.g. the replica ids before and after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.runbook import RunbookStep


class StepProgress(StrEnum):
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"
    AWAITING_APPROVAL = "awaiting_approval"


@dataclass(frozen=True)
class StepResult:
    progress: StepProgress
    detail: str = ""
    check: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def done(cls, detail: str = "", check: str = "", evidence: Mapping[str, Any] | None = None) -> StepResult:
        return cls(StepProgress.DONE, detail, check, dict(evidence or {}))

    @classmethod
    def failed(cls, detail: str = "", check: str = "", evidence: Mapping[str, Any] | None = None) -> StepResult:
        return cls(StepProgress.FAILED, detail, check, dict(evidence or {}))

    @classmethod
    def pending(cls, detail: str = "", check: str = "", evidence: Mapping[str, Any] | None = None) -> StepResult:
        return cls(StepProgress.PENDING, detail, check, dict(evidence or {}))


@dataclass(frozen=True)
class Verdict:
    """A verifier's answer with what it measured (``"error rate 0.02 < 0.05 (payments, 10 s window)"``)."""

    holds: bool
    measured: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepContext:
    """What a step kind knows about the execution it runs in."""

    recovery_id: str
    correlation_id: str
    service: str
    runbook: str
    tier: RecoveryTier
    step_index: int
    started_at: float
    now: float
    polls: int = 0  # how many times execute ran before for this step
    approved_by: str | None = None


class ActionRunner(Protocol):
    """Performs runbook actions. Called again on every advance while it answers PENDING;
    key in-flight work on ``(context.recovery_id, context.runbook, context.step_index)``."""

    def run(self, action: str, params: Mapping[str, Any], context: StepContext) -> StepResult: ...


class Verifier(Protocol):
    """Checks a named condition (e.g. ``"metrics.error_rate_below"``) right now; a ``Verdict``
    says what it measured, a bare bool only whether the condition holds."""

    def check(self, condition: str, params: Mapping[str, Any], context: StepContext) -> bool | Verdict: ...


@dataclass(frozen=True)
class StepTools:
    runner: ActionRunner
    verifier: Verifier


ExecuteFn = Callable[[RunbookStep, StepContext, StepTools], StepResult]


@dataclass(frozen=True)
class StepKind:
    name: str
    needs_approval: bool
    execute: ExecuteFn
    description: str = ""
    names_condition: bool = False  # its ``step.action`` names a Verifier condition, not a runner action


@dataclass(frozen=True)
class Capabilities:
    """What a runner can perform and a verifier can check: a runbook naming anything else is refused."""

    actions: frozenset[str]
    conditions: frozenset[str]

    def knows(self, kind: StepKind, action: str) -> bool:
        return action in (self.conditions if kind.names_condition else self.actions)

    def known(self, kind: StepKind) -> tuple[str, ...]:
        return tuple(sorted(self.conditions if kind.names_condition else self.actions))


def _automated(step: RunbookStep, context: StepContext, tools: StepTools) -> StepResult:
    return tools.runner.run(step.action, step.params, context)


def _needs_approval(step: RunbookStep, context: StepContext, tools: StepTools) -> StepResult:
    if context.approved_by is None:
        return StepResult(StepProgress.AWAITING_APPROVAL, f"waiting for approval ({step.role})")
    return tools.runner.run(step.action, step.params, context)


def _verify(step: RunbookStep, context: StepContext, tools: StepTools) -> StepResult:
    answer = tools.verifier.check(step.action, step.params, context)
    verdict = answer if isinstance(answer, Verdict) else Verdict(bool(answer))
    if verdict.holds:
        return StepResult.done(f"{step.action} holds", verdict.measured, verdict.evidence)
    return StepResult.pending(f"{step.action} does not hold yet", verdict.measured, verdict.evidence)


AUTOMATED = StepKind("automated", False, _automated, "runs the action through the ActionRunner")
NEEDS_APPROVAL = StepKind("needs_approval", True, _needs_approval, "waits for approval, then runs the action")
VERIFY = StepKind("verify", False, _verify, "waits until the Verifier confirms the condition", names_condition=True)


@dataclass(frozen=True)
class StepKindRegistry:
    """An immutable table of step kinds by name; ``register`` returns an extended copy."""

    kinds: tuple[StepKind, ...] = ()

    @classmethod
    def of(cls, *kinds: StepKind) -> StepKindRegistry:
        registry = cls()
        for kind in kinds:
            registry = registry.register(kind)
        return registry

    def register(self, kind: StepKind) -> StepKindRegistry:
        if not kind.name:
            raise InvalidInputError("kind.name", "must not be empty")
        if kind.name in self:
            raise InvalidInputError("kind.name", f"step kind {kind.name!r} is already registered")
        return StepKindRegistry((*self.kinds, kind))

    def get(self, name: str) -> StepKind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise NotFoundError("step kind", name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(k.name for k in self.kinds))

    def __contains__(self, name: object) -> bool:
        return any(k.name == name for k in self.kinds)

    def __iter__(self) -> Iterator[StepKind]:
        return iter(self.kinds)


DEFAULT_STEP_KINDS = StepKindRegistry.of(AUTOMATED, NEEDS_APPROVAL, VERIFY)
