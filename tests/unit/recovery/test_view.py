from __future__ import annotations

from aref.config import RecoverySettings
from aref.recovery.executor import RunbookExecutor
from aref.recovery.step_kinds import StepResult, StepTools
from aref.recovery.tiers import TierLadder
from aref.recovery.triggers import RecoveryRequest, open_recovery
from aref.recovery.view import describe
from aref.testing import EventCapture, FakeClock
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier, runbook, step


def test_describe_reports_tier_progress_and_steps() -> None:
    clock = FakeClock(1000.0)
    runner = ScriptedRunner({"act.b": [StepResult.pending("busy")]})
    executor = RunbookExecutor(clock=clock, sink=EventCapture(), tools=StepTools(runner, ScriptedVerifier()))
    rec = open_recovery(RecoveryRequest("orders", "C1", alert_id="A1"), 1000.0)
    rb = runbook("T0", [step("a"), step("b", timeout=60), step("c")])
    rec = rec.with_execution(
        executor.advance(executor.start(rb, recovery_id=rec.id, correlation_id="C1", service="orders"))
    )
    view = describe(rec, TierLadder(RecoverySettings()), now=1120.0)
    assert {k: view[k] for k in ("tier", "tier_name", "elapsed_seconds", "target_seconds", "remaining_seconds")} == {
        "tier": "T0",
        "tier_name": "Emergency Stabilization",
        "elapsed_seconds": 120.0,
        "target_seconds": 300.0,
        "remaining_seconds": 180.0,
    }
    assert (view["runbook"], view["runbook_status"], view["steps_done"], view["steps_total"]) == (
        "rb-t0",
        "running",
        1,
        3,
    )
    assert (view["current_step"], view["current_outcome"]) == ("b", "running")
    assert [s["outcome"] for s in view["steps"]] == ["ok", "running", "not_started"]
    assert (view["open_alerts"], view["tiers"][0]["tier"], view["correlation_id"]) == (["A1"], "T0", "C1")
    late = describe(rec, TierLadder(RecoverySettings()), now=1400.0)
    assert late["remaining_seconds"] == 0.0
