from __future__ import annotations

from aref.models import RecoveryTier
from aref.recovery.dry_run import DryRunActionRunner, DryRunVerifier
from aref.recovery.step_kinds import StepContext, StepProgress

CONTEXT = StepContext("R", "C", "orders", "rb", RecoveryTier.T0, 0, 1.0, 1.0)


def test_the_dry_run_runner_records_and_reports_done() -> None:
    runner = DryRunActionRunner(keep=2)
    for action in ("a", "b", "c"):
        result = runner.run(action, {"n": 1}, CONTEXT)
        assert (result.progress, result.detail) == (StepProgress.DONE, f"dry run: {action} not performed")
    assert [r.action for r in runner.requested] == ["b", "c"]
    assert runner.requested[-1].params == {"n": 1}


def test_the_dry_run_verifier_confirms_everything_and_says_it_measured_nothing() -> None:
    verdict = DryRunVerifier().check("metrics.error_rate_below", {}, CONTEXT)
    assert (verdict.holds, verdict.measured) == (True, "dry run: not measured")
