"""The bridge between the synchronous runbook executor and recovery's asynchronous ports.

The executor polls a step's ``ActionRunner.run`` (or ``Verifier.check``) on every advance and
expects an answer at once; the real work (a kill, an actor call, an HTTP request) is async. So
``PortRunner`` queues the work on the service host (``later``: carried out by the next
``settle``) and answers PENDING until it finished. Work that finishes with a final result stores
it and advances the engine at once, so the next step starts in the same settle; work that has to
wait on the runtime (a replacement replica, a scale-out) answers ``Then`` with the follow-up to run
on the next poll (one poll per tick, never a busy loop). A condition is read again on every poll;
a reading that holds advances at once, one that does not is shown until the next. In-flight
work is keyed on ``(recovery_id, runbook, step_index)``; ``forget`` drops every key of a recovery
that ended (a step that timed out or was cut short by an escalation is never polled again), and
work of a forgotten recovery that finishes later stores nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aref.control.pillar import Effect
from aref.errors import ArefError
from aref.recovery.step_kinds import Capabilities, StepContext, StepProgress, StepResult, Verdict


@dataclass(frozen=True)
class Then:
    """Not done yet: what happened so far and the follow-up to run on the next poll."""

    detail: str
    work: Callable[[], Awaitable[StepResult | Then]]
    evidence: Mapping[str, Any] = field(default_factory=dict)


Outcome = StepResult | Then
Action = Callable[[Mapping[str, Any], StepContext], Awaitable[Outcome]]
Condition = Callable[[Mapping[str, Any], StepContext], Awaitable[Verdict]]
Key = tuple[str, str, int]


def _key(context: StepContext) -> Key:
    return (context.recovery_id, context.runbook, context.step_index)


class PortRunner:
    """The ``ActionRunner`` and ``Verifier`` of a live recovery service."""

    def __init__(
        self,
        actions: Mapping[str, Action],
        conditions: Mapping[str, Condition],
        queue: Callable[[Effect], None],
        advance: Callable[[], None],
    ) -> None:
        self._actions = dict(actions)
        self._conditions = dict(conditions)
        self._queue = queue
        self._advance = advance
        self._busy: set[Key] = set()
        self._results: dict[Key, Outcome] = {}
        self._readings: dict[Key, Verdict] = {}

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(frozenset(self._actions), frozenset(self._conditions))

    # -- ActionRunner ---------------------------------------------------------------------

    def run(self, action: str, params: Mapping[str, Any], context: StepContext) -> StepResult:
        key = _key(context)
        if key in self._busy:
            prior = self._results.get(key)
            if isinstance(prior, Then):
                return StepResult.pending(prior.detail, evidence=prior.evidence)
            return StepResult.pending(f"{action} in progress")
        found = self._results.pop(key, None)
        if isinstance(found, StepResult):
            return found
        if found is None:
            handler = self._actions.get(action)
            if handler is None:
                return StepResult.failed(f"the action runner cannot perform {action!r}")
            self._start(key, lambda: handler(params, context))
            return StepResult.pending(f"{action} started")
        self._results[key] = found
        self._start(key, found.work)
        return StepResult.pending(found.detail, evidence=found.evidence)

    def _start(self, key: Key, work: Callable[[], Awaitable[Outcome]]) -> None:
        self._busy.add(key)

        async def effect() -> None:
            try:
                outcome = await work()
            except ArefError as exc:
                outcome = StepResult.failed(f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # a port failing is a failed step, never a crashed recovery
                outcome = StepResult.failed(f"{type(exc).__name__}: {exc}")
            if key not in self._busy:
                return  # its recovery ended (``forget``) while the work was in flight
            self._busy.discard(key)
            self._results[key] = outcome
            if isinstance(outcome, StepResult) and outcome.progress != StepProgress.PENDING:
                self._advance()

        self._queue(effect)

    def forget(self, recovery_id: str) -> None:
        """Drop the results, readings and in-flight marks of a recovery that ended."""
        self._busy = {k for k in self._busy if k[0] != recovery_id}
        self._results = {k: v for k, v in self._results.items() if k[0] != recovery_id}
        self._readings = {k: v for k, v in self._readings.items() if k[0] != recovery_id}

    @property
    def kept(self) -> int:
        """Keys held: in flight, or finished and not yet polled."""
        return len(self._busy | set(self._results) | set(self._readings))

    # -- Verifier ---------------------------------------------------------------------------

    def check(self, condition: str, params: Mapping[str, Any], context: StepContext) -> Verdict:
        key = _key(context)
        reading = self._readings.pop(key, None)
        if reading is not None and reading.holds:
            return reading
        handler = self._conditions.get(condition)
        if handler is None:
            return Verdict(False, f"the verifier cannot check {condition!r}")
        if key not in self._busy:
            self._busy.add(key)

            async def read() -> None:
                try:
                    verdict = await handler(params, context)
                except Exception as exc:  # an unreadable condition does not hold; the step times out
                    verdict = Verdict(False, f"cannot read {condition}: {type(exc).__name__}: {exc}")
                if key not in self._busy:
                    return
                self._busy.discard(key)
                self._readings[key] = verdict
                if verdict.holds:
                    self._advance()

            self._queue(read)
        return reading or Verdict(False, f"reading {condition}")
