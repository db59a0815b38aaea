from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.runbook import RunbookStep
from aref.recovery.step_kinds import (
    AUTOMATED,
    DEFAULT_STEP_KINDS,
    NEEDS_APPROVAL,
    VERIFY,
    StepContext,
    StepKind,
    StepKindRegistry,
    StepProgress,
    StepResult,
    StepTools,
)
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier


def _context(approved_by: str | None = None) -> StepContext:
    return StepContext("REC-1", "C-1", "payments", "rb", RecoveryTier.T2, 0, 100.0, 100.0, approved_by=approved_by)


STEP = RunbookStep("s", "automated", "adaptation.scale", 30, params={"delta": 1})


def test_default_registry_holds_the_three_kinds() -> None:
    assert DEFAULT_STEP_KINDS.names == ("automated", "needs_approval", "verify")
    assert [k.needs_approval for k in (AUTOMATED, NEEDS_APPROVAL, VERIFY)] == [False, True, False]
    assert DEFAULT_STEP_KINDS.get("verify") is VERIFY


def test_register_returns_an_extended_copy() -> None:
    extra = StepKind("noop", False, lambda step, ctx, tools: StepResult.done())
    extended = DEFAULT_STEP_KINDS.register(extra)
    assert "noop" in extended
    assert "noop" not in DEFAULT_STEP_KINDS
    assert extended.names == ("automated", "needs_approval", "noop", "verify")


def test_register_refuses_duplicates_and_empty_names() -> None:
    with pytest.raises(InvalidInputError) as err:
        DEFAULT_STEP_KINDS.register(StepKind("verify", False, VERIFY.execute))
    assert err.value.field == "kind.name"
    with pytest.raises(InvalidInputError):
        StepKindRegistry().register(StepKind("", False, VERIFY.execute))


def test_unknown_kind_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        DEFAULT_STEP_KINDS.get("reboot")


def test_automated_runs_the_action_through_the_runner() -> None:
    runner = ScriptedRunner({"adaptation.scale": [StepResult.failed("no capacity")]})
    result = AUTOMATED.execute(STEP, _context(), StepTools(runner, ScriptedVerifier()))
    assert result == StepResult(StepProgress.FAILED, "no capacity")
    assert runner.calls == [("adaptation.scale", {"delta": 1}, _context())]


def test_needs_approval_waits_without_running_the_action() -> None:
    runner = ScriptedRunner()
    result = NEEDS_APPROVAL.execute(STEP, _context(), StepTools(runner, ScriptedVerifier()))
    assert result.progress == StepProgress.AWAITING_APPROVAL
    assert runner.calls == []


def test_needs_approval_runs_the_action_once_approved() -> None:
    runner = ScriptedRunner()
    result = NEEDS_APPROVAL.execute(STEP, _context(approved_by="ic"), StepTools(runner, ScriptedVerifier()))
    assert result.progress == StepProgress.DONE
    assert runner.actions == ["adaptation.scale"]


@pytest.mark.parametrize(("holds", "progress"), [(True, StepProgress.DONE), (False, StepProgress.PENDING)])
def test_verify_asks_the_verifier(holds: bool, progress: StepProgress) -> None:
    verifier = ScriptedVerifier({"adaptation.scale": holds})
    result = VERIFY.execute(STEP, _context(), StepTools(ScriptedRunner(), verifier))
    assert result.progress == progress
    assert verifier.calls == ["adaptation.scale"]
