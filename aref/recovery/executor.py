"""Step-by-step, clock-driven runbook execution.

``RunbookExecution`` is the frozen state of one runbook run; ``RunbookExecutor`` moves it
forward and returns the new state. A step starts when the previous one finishes and is
executed through its registered ``StepKind``; while it is pending it is polled again on
every ``advance``, and a step not done once ``timeout_seconds`` have passed since it started
is TIMED_OUT (a step that completes on the poll at exactly its timeout counts as done).
A failed or timed-out step applies its ``on_failure`` policy: CONTINUE goes on, ESCALATE and
ABORT stop the run and skip the remaining steps. Every step that reaches a final outcome
emits exactly one ``recovery.runbook_step_completed``. An execution started with ``dry_run``
runs through stand-ins that perform and measure nothing (``aref.recovery.dry_run``), as every
execution of an executor built with ``dry_run`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aref.clock import Clock
from aref.errors import ConflictError, InvalidInputError
from aref.events import Event, EventCategory, EventSink, Severity
from aref.recovery.dry_run import DryRunActionRunner, DryRunVerifier
from aref.recovery.runbook import OnFailure, Runbook
from aref.recovery.step_kinds import (
    DEFAULT_STEP_KINDS,
    StepContext,
    StepKindRegistry,
    StepProgress,
    StepResult,
    StepTools,
)
from aref.topics import RUNBOOK_STEP_COMPLETED


class StepOutcome(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    WAITING_APPROVAL = "waiting_approval"
    OK = "ok"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({StepOutcome.OK, StepOutcome.FAILED, StepOutcome.TIMED_OUT, StepOutcome.SKIPPED})


class ExecutionStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # every step ran (failures with on_failure=continue included)
    ESCALATED = "escalated"  # a step failed with on_failure=escalate
    ABORTED = "aborted"  # a step failed with on_failure=abort
    CANCELLED = "cancelled"  # stopped from outside: recovery resolved or escalated past it


@dataclass(frozen=True)
class StepRecord:
    name: str
    kind: str
    outcome: StepOutcome = StepOutcome.NOT_STARTED
    started_at: float | None = None
    finished_at: float | None = None
    detail: str = ""
    polls: int = 0
    approved_by: str | None = None
    check: str = ""  # what was measured after the step acted (or, for a verify step, the condition's reading)
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunbookExecution:
    recovery_id: str
    correlation_id: str
    service: str
    runbook: Runbook
    started_at: float
    steps: tuple[StepRecord, ...]
    current: int = 0
    status: ExecutionStatus = ExecutionStatus.RUNNING
    finished_at: float | None = None
    dry_run: bool = False

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.outcome.is_final)

    @property
    def current_step(self) -> StepRecord | None:
        if self.status != ExecutionStatus.RUNNING or self.current >= len(self.steps):
            return None
        return self.steps[self.current]

    @property
    def failed_step(self) -> StepRecord | None:
        """The step whose failure stopped the run (ESCALATED or ABORTED)."""
        if self.status not in (ExecutionStatus.ESCALATED, ExecutionStatus.ABORTED):
            return None
        return self.steps[self.current]


class RunbookExecutor:
    """Runs runbooks through the registered step kinds; holds no execution state itself."""

    def __init__(
        self,
        *,
        clock: Clock,
        sink: EventSink,
        tools: StepTools,
        kinds: StepKindRegistry = DEFAULT_STEP_KINDS,
        dry_run: bool = False,
    ) -> None:
        self._clock = clock
        self._sink = sink
        self._tools = tools
        self._kinds = kinds
        self._dry_run = dry_run  # said in every step event: the tools perform nothing
        self._dry_tools = StepTools(DryRunActionRunner(), DryRunVerifier())

    def start(
        self, runbook: Runbook, *, recovery_id: str, correlation_id: str, service: str, dry_run: bool = False
    ) -> RunbookExecution:
        """A new execution, nothing run yet; call ``advance`` to run it. ``dry_run`` makes this one a dry run."""
        return RunbookExecution(
            recovery_id=recovery_id,
            correlation_id=correlation_id,
            service=service,
            runbook=runbook,
            started_at=self._clock.now(),
            steps=tuple(StepRecord(s.name, s.kind) for s in runbook.steps),
            dry_run=dry_run or self._dry_run,
        )

    def advance(self, execution: RunbookExecution) -> RunbookExecution:
        """Run steps until one has to wait or the run ends."""
        ex = execution
        while ex.status == ExecutionStatus.RUNNING:
            if ex.current >= len(ex.steps):
                return dataclasses.replace(ex, status=ExecutionStatus.COMPLETED, finished_at=self._clock.now())
            record = self._poll(ex)
            ex = _with_step(ex, ex.current, record)
            if not record.outcome.is_final:
                return ex
            self._emit(ex, ex.current)
            if record.outcome == StepOutcome.OK:
                ex = dataclasses.replace(ex, current=ex.current + 1)
                continue
            policy = ex.runbook.steps[ex.current].on_failure
            if policy == OnFailure.CONTINUE:
                ex = dataclasses.replace(ex, current=ex.current + 1)
            else:
                stop = ExecutionStatus.ESCALATED if policy == OnFailure.ESCALATE else ExecutionStatus.ABORTED
                ex = self._skip_rest(ex, ex.current + 1, f"runbook {stop.value} at step {record.name!r}", stop)
        return ex

    def approve(self, execution: RunbookExecution, step: str, by: str) -> RunbookExecution:
        """Approve the step waiting for approval, then advance."""
        if not by.strip():
            raise InvalidInputError("by", "must name the approver")
        index = execution.runbook.index_of(step)
        record = execution.steps[index]
        waiting = execution.status == ExecutionStatus.RUNNING and index == execution.current
        if not waiting or record.outcome != StepOutcome.WAITING_APPROVAL:
            raise ConflictError(f"step {step!r} is not waiting for approval (it is {record.outcome.value})")
        return self.advance(_with_step(execution, index, dataclasses.replace(record, approved_by=by.strip())))

    def cancel(self, execution: RunbookExecution, reason: str) -> RunbookExecution:
        """Stop a running execution: the step in flight and the rest are SKIPPED."""
        if execution.status != ExecutionStatus.RUNNING:
            return execution
        return self._skip_rest(execution, execution.current, f"cancelled: {reason}", ExecutionStatus.CANCELLED)

    def _poll(self, ex: RunbookExecution) -> StepRecord:
        now = self._clock.now()
        step = ex.runbook.steps[ex.current]
        record = ex.steps[ex.current]
        started = now if record.started_at is None else record.started_at
        context = StepContext(
            recovery_id=ex.recovery_id,
            correlation_id=ex.correlation_id,
            service=ex.service,
            runbook=ex.runbook.name,
            tier=ex.runbook.tier,
            step_index=ex.current,
            started_at=started,
            now=now,
            polls=record.polls,
            approved_by=record.approved_by,
        )
        try:
            tools = self._dry_tools if ex.dry_run else self._tools
            result = self._kinds.get(step.kind).execute(step, context, tools)
        except Exception as exc:  # an injected runner or verifier failing is a failed step, not a crashed engine
            result = StepResult.failed(f"{type(exc).__name__}: {exc}")
        polled = dataclasses.replace(
            record,
            started_at=started,
            polls=record.polls + 1,
            detail=result.detail,
            check=result.check,
            evidence=dict(result.evidence),
        )
        if result.progress == StepProgress.DONE:
            return dataclasses.replace(polled, outcome=StepOutcome.OK, finished_at=now)
        if result.progress == StepProgress.FAILED:
            return dataclasses.replace(polled, outcome=StepOutcome.FAILED, finished_at=now)
        if now - started >= step.timeout_seconds:
            detail = f"not done within {step.timeout_seconds:g}s ({result.detail})"
            return dataclasses.replace(polled, outcome=StepOutcome.TIMED_OUT, finished_at=now, detail=detail)
        waiting = result.progress == StepProgress.AWAITING_APPROVAL
        return dataclasses.replace(polled, outcome=StepOutcome.WAITING_APPROVAL if waiting else StepOutcome.RUNNING)

    def _skip_rest(self, ex: RunbookExecution, first: int, detail: str, status: ExecutionStatus) -> RunbookExecution:
        now = self._clock.now()
        for i in range(first, len(ex.steps)):
            skipped = dataclasses.replace(ex.steps[i], outcome=StepOutcome.SKIPPED, finished_at=now, detail=detail)
            ex = _with_step(ex, i, skipped)
            self._emit(ex, i)
        return dataclasses.replace(ex, status=status, finished_at=now)

    def _emit(self, ex: RunbookExecution, index: int) -> None:
        record = ex.steps[index]
        step = ex.runbook.steps[index]
        bad = record.outcome in (StepOutcome.FAILED, StepOutcome.TIMED_OUT)
        self._sink.emit(
            Event.create(
                EventCategory.RECOVERY,
                RUNBOOK_STEP_COMPLETED.split(".", 1)[1],
                source="recovery",
                clock=self._clock,
                severity=Severity.WARNING if bad else Severity.INFO,
                correlation_id=ex.correlation_id,
                payload={
                    "recovery_id": ex.recovery_id,
                    "runbook": ex.runbook.name,
                    "step": record.name,
                    "kind": record.kind,
                    "outcome": record.outcome.value,
                    "tier": ex.runbook.tier.name,
                    "index": index,
                    "steps_total": len(ex.steps),
                    "dry_run": ex.dry_run or self._dry_run,
                    "action": step.action,
                    "role": step.role,
                    "started_at": record.started_at,
                    "finished_at": record.finished_at,
                    "detail": record.detail,
                    "check": record.check,
                },
            )
        )


def _with_step(ex: RunbookExecution, index: int, record: StepRecord) -> RunbookExecution:
    return dataclasses.replace(ex, steps=(*ex.steps[:index], record, *ex.steps[index + 1 :]))
