from __future__ import annotations

import pytest

from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.records import from_record, to_record
from aref.recovery.executor import ExecutionStatus, RunbookExecution, RunbookExecutor, StepOutcome
from aref.recovery.runbook import Runbook, RunbookStep
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepContext, StepKind, StepResult, StepTools
from aref.testing import EventCapture, FakeClock
from aref.topics import RUNBOOK_STEP_COMPLETED
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier, runbook, step

T = 1_700_000_000.0


class Rig:
    def __init__(self, runner: ScriptedRunner | None = None, verifier: ScriptedVerifier | None = None) -> None:
        self.clock = FakeClock(T)
        self.sink = EventCapture()
        self.runner = runner or ScriptedRunner()
        self.verifier = verifier or ScriptedVerifier()
        self.kinds = DEFAULT_STEP_KINDS
        self.executor = RunbookExecutor(clock=self.clock, sink=self.sink, tools=StepTools(self.runner, self.verifier))

    def run(self, rb: Runbook) -> RunbookExecution:
        started = self.executor.start(rb, recovery_id="REC-1", correlation_id="COR-1", service="payments")
        return self.executor.advance(started)

    def outcomes(self) -> list[tuple[str, str]]:
        return [(e.payload["step"], e.payload["outcome"]) for e in self.sink.of(RUNBOOK_STEP_COMPLETED)]


def _pending(action: str, times: int) -> dict[str, list[StepResult]]:
    return {action: [StepResult.pending("busy")] * times + [StepResult.done("finally")]}


def test_instant_steps_all_run_in_one_advance() -> None:
    rig = Rig()
    ex = rig.run(runbook("T0", [step("a"), step("b"), step("c")]))
    assert ex.status == ExecutionStatus.COMPLETED
    assert [(s.outcome, s.started_at, s.finished_at) for s in ex.steps] == [(StepOutcome.OK, T, T)] * 3
    assert rig.runner.actions == ["act.a", "act.b", "act.c"]
    assert rig.outcomes() == [("a", "ok"), ("b", "ok"), ("c", "ok")]
    event = rig.sink.last(RUNBOOK_STEP_COMPLETED)
    assert event.correlation_id == "COR-1"
    assert {k: event.payload[k] for k in ("recovery_id", "runbook", "step", "kind", "outcome", "tier", "index")} == {
        "recovery_id": "REC-1",
        "runbook": "rb-t0",
        "step": "c",
        "kind": "automated",
        "outcome": "ok",
        "tier": "T0",
        "index": 2,
    }


def test_the_context_describes_the_execution() -> None:
    rig = Rig()
    rig.run(runbook("T1", [step("a"), step("b")]))
    _, _, context = rig.runner.calls[1]
    assert (context.recovery_id, context.correlation_id, context.service) == ("REC-1", "COR-1", "payments")
    assert (context.runbook, context.tier, context.step_index, context.polls) == ("rb-t1", RecoveryTier.T1, 1, 0)


def test_a_pending_step_is_polled_until_done() -> None:
    rig = Rig(ScriptedRunner(_pending("act.a", 2)))
    ex = rig.run(runbook("T0", [step("a", timeout=60), step("b")]))
    assert (ex.current_step and ex.current_step.outcome) == StepOutcome.RUNNING
    rig.clock.advance(10)
    ex = rig.executor.advance(ex)
    assert ex.steps[0].outcome == StepOutcome.RUNNING
    rig.clock.advance(10)
    ex = rig.executor.advance(ex)
    assert (ex.steps[0].outcome, ex.steps[0].started_at, ex.steps[0].finished_at, ex.steps[0].polls) == (
        StepOutcome.OK,
        T,
        T + 20,
        3,
    )
    assert ex.steps[1].started_at == T + 20
    assert ex.status == ExecutionStatus.COMPLETED


def test_a_step_not_done_within_its_timeout_times_out() -> None:
    rig = Rig(ScriptedRunner(_pending("act.a", 100)))
    ex = rig.run(runbook("T0", [step("a", timeout=30, on_failure="continue"), step("b")]))
    rig.clock.advance(29.999)
    ex = rig.executor.advance(ex)
    assert ex.steps[0].outcome == StepOutcome.RUNNING
    assert rig.outcomes() == []
    rig.clock.advance(0.001)
    ex = rig.executor.advance(ex)
    assert (ex.steps[0].outcome, ex.steps[0].finished_at) == (StepOutcome.TIMED_OUT, T + 30)
    assert ex.steps[0].detail == "not done within 30s (busy)"
    assert rig.outcomes() == [("a", "timed_out"), ("b", "ok")]


def test_a_step_done_on_the_poll_at_its_timeout_counts_as_done() -> None:
    rig = Rig(ScriptedRunner(_pending("act.a", 1)))
    ex = rig.run(runbook("T0", [step("a", timeout=30)]))
    rig.clock.advance(30)
    assert rig.executor.advance(ex).steps[0].outcome == StepOutcome.OK


def test_continue_records_the_failure_and_goes_on() -> None:
    rig = Rig(ScriptedRunner({"act.a": [StepResult.failed("nope")]}))
    ex = rig.run(runbook("T0", [step("a", on_failure="continue"), step("b")]))
    assert ex.status == ExecutionStatus.COMPLETED
    assert [(s.outcome, s.detail) for s in ex.steps] == [(StepOutcome.FAILED, "nope"), (StepOutcome.OK, "act.b done")]


@pytest.mark.parametrize(
    ("policy", "status"), [("escalate", ExecutionStatus.ESCALATED), ("abort", ExecutionStatus.ABORTED)]
)
def test_escalate_and_abort_stop_the_run_and_skip_the_rest(policy: str, status: ExecutionStatus) -> None:
    rig = Rig(ScriptedRunner({"act.b": [StepResult.failed("nope")]}))
    ex = rig.run(runbook("T0", [step("a"), step("b", on_failure=policy), step("c"), step("d")]))
    assert (ex.status, ex.finished_at) == (status, T)
    assert [s.outcome for s in ex.steps] == [
        StepOutcome.OK,
        StepOutcome.FAILED,
        StepOutcome.SKIPPED,
        StepOutcome.SKIPPED,
    ]
    assert ex.failed_step is not None
    assert ex.failed_step.name == "b"
    assert rig.runner.actions == ["act.a", "act.b"]
    assert rig.outcomes() == [("a", "ok"), ("b", "failed"), ("c", "skipped"), ("d", "skipped")]
    assert ex.steps_done == 4


def test_a_failing_runner_fails_the_step_instead_of_the_engine() -> None:
    class Exploding(ScriptedRunner):
        def run(self, *args: object, **kwargs: object) -> StepResult:
            raise RuntimeError("boom")

    rig = Rig(Exploding())
    ex = rig.run(runbook("T0", [step("a")]))
    assert (ex.status, ex.steps[0].outcome, ex.steps[0].detail) == (
        ExecutionStatus.ESCALATED,
        StepOutcome.FAILED,
        "RuntimeError: boom",
    )


def test_verify_waits_for_its_condition() -> None:
    verifier = ScriptedVerifier({"act.v": False})
    rig = Rig(verifier=verifier)
    ex = rig.run(runbook("T1", [step("v", "verify", timeout=60)]))
    rig.clock.advance(15)
    ex = rig.executor.advance(ex)
    assert ex.steps[0].outcome == StepOutcome.RUNNING
    verifier.holds["act.v"] = True
    rig.clock.advance(15)
    ex = rig.executor.advance(ex)
    assert (ex.steps[0].outcome, ex.steps[0].finished_at) == (StepOutcome.OK, T + 30)
    assert verifier.calls == ["act.v"] * 3


def test_an_approval_step_waits_then_runs_its_action() -> None:
    rig = Rig()
    ex = rig.run(
        runbook("T2", [step("a"), step("ok-to-rollback", "needs_approval", action="remediation.rollback"), step("c")])
    )
    assert ex.current_step is not None
    assert (ex.current_step.name, ex.current_step.outcome) == ("ok-to-rollback", StepOutcome.WAITING_APPROVAL)
    assert rig.runner.actions == ["act.a"]
    rig.clock.advance(5)
    ex = rig.executor.advance(ex)
    assert ex.steps[1].outcome == StepOutcome.WAITING_APPROVAL
    rig.clock.advance(5)
    ex = rig.executor.approve(ex, "ok-to-rollback", by="alice")
    assert ex.status == ExecutionStatus.COMPLETED
    assert (ex.steps[1].outcome, ex.steps[1].approved_by, ex.steps[1].finished_at) == (StepOutcome.OK, "alice", T + 10)
    assert rig.runner.actions == ["act.a", "remediation.rollback", "act.c"]
    assert rig.runner.calls[1][2].approved_by == "alice"


def test_approve_refuses_steps_that_are_not_waiting() -> None:
    rig = Rig()
    ex = rig.run(runbook("T2", [step("a"), step("b", "needs_approval")]))
    with pytest.raises(ConflictError):
        rig.executor.approve(ex, "a", by="alice")
    with pytest.raises(NotFoundError):
        rig.executor.approve(ex, "zzz", by="alice")
    with pytest.raises(InvalidInputError) as err:
        rig.executor.approve(ex, "b", by="  ")
    assert err.value.field == "by"


def test_an_unapproved_step_times_out() -> None:
    rig = Rig()
    ex = rig.run(runbook("T2", [step("b", "needs_approval", timeout=600)]))
    rig.clock.advance(600)
    ex = rig.executor.advance(ex)
    assert (ex.status, ex.steps[0].outcome) == (ExecutionStatus.ESCALATED, StepOutcome.TIMED_OUT)
    assert rig.runner.calls == []


def test_cancel_skips_the_step_in_flight_and_the_rest() -> None:
    rig = Rig(ScriptedRunner(_pending("act.b", 100)))
    ex = rig.run(runbook("T0", [step("a"), step("b"), step("c")]))
    rig.clock.advance(3)
    ex = rig.executor.cancel(ex, "recovery resolved")
    assert (ex.status, ex.finished_at) == (ExecutionStatus.CANCELLED, T + 3)
    assert [s.outcome for s in ex.steps] == [StepOutcome.OK, StepOutcome.SKIPPED, StepOutcome.SKIPPED]
    assert ex.steps[1].detail == "cancelled: recovery resolved"
    assert rig.outcomes() == [("a", "ok"), ("b", "skipped"), ("c", "skipped")]
    assert rig.executor.cancel(ex, "again") is ex


def test_a_registered_kind_runs_without_changing_the_executor() -> None:
    def settle(step: RunbookStep, context: StepContext, tools: StepTools) -> StepResult:
        return StepResult.done("settled") if context.polls >= 2 else StepResult.pending("settling")

    kinds = DEFAULT_STEP_KINDS.register(StepKind("settle", False, settle))
    rig = Rig()
    executor = RunbookExecutor(clock=rig.clock, sink=rig.sink, tools=StepTools(rig.runner, rig.verifier), kinds=kinds)
    rb = Runbook("custom", RecoveryTier.T0, (RunbookStep("s", "settle", "x", 60),))
    ex = executor.advance(executor.start(rb, recovery_id="R", correlation_id="C", service="orders"))
    ex = executor.advance(executor.advance(ex))
    assert (ex.status, ex.steps[0].polls, ex.steps[0].detail) == (ExecutionStatus.COMPLETED, 3, "settled")


def test_an_execution_round_trips_through_a_record() -> None:
    rig = Rig(ScriptedRunner(_pending("act.b", 100)))
    ex = rig.run(runbook("T0", [step("a", params={"level": "minimal"}), step("b")]))
    assert from_record(RunbookExecution, to_record(ex)) == ex


def test_an_execution_started_as_a_dry_run_performs_nothing_while_the_executor_is_live() -> None:
    rig = Rig()
    rb = runbook("T0", [step("a"), step("v", "verify", action="slo.within_target")])
    rig.verifier.holds["slo.within_target"] = False
    started = rig.executor.start(rb, recovery_id="REC-1", correlation_id="COR-1", service="payments", dry_run=True)
    ex = rig.executor.advance(started)
    assert (ex.status, ex.dry_run, rig.runner.actions, rig.verifier.calls) == (ExecutionStatus.COMPLETED, True, [], [])
    assert [s.detail for s in ex.steps] == ["dry run: act.a not performed", "slo.within_target holds"]
    assert all(e.payload["dry_run"] for e in rig.sink.of(RUNBOOK_STEP_COMPLETED))
    live = rig.run(rb)
    assert (live.dry_run, rig.runner.actions) == (False, ["act.a"])
