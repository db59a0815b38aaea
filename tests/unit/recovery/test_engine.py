from __future__ import annotations

import json

import pytest

from aref.config import RecoverySettings
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Severity
from aref.models import Incident, IncidentStatus, RecoveryTier
from aref.records import from_record
from aref.recovery.defaults import default_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.step_kinds import StepResult
from aref.store import Collection
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topics import (
    ESCALATE_TO_RECOVERY,
    RECOVERY_RESOLVED,
    RECOVERY_STARTED,
    RUNBOOK_STEP_COMPLETED,
    TIER_ESCALATED,
)
from tests.unit.recovery.fakes import ScriptedRunner, runbook, step
from tests.unit.recovery.rig import Rig, T

T0_ACTIONS = [s.action for s in default_runbooks()[0].steps]
T1_ACTIONS = [s.action for s in default_runbooks()[1].steps]


def test_an_emergency_alert_starts_recovery_at_t0_and_runs_the_t0_runbook() -> None:
    rig = Rig()
    rig.fire()
    started = rig.sink.last(RECOVERY_STARTED)
    assert started.correlation_id == "COR-1"
    incident = from_record(Incident, started.payload["incident"])
    assert (incident.status, incident.recovery_tier, incident.service) == (
        IncidentStatus.RECOVERING,
        RecoveryTier.T0,
        "payments",
    )
    assert (incident.onset_at, incident.detected_at, started.payload["tier"]) == (T - 30, T, "T0")
    assert rig.runner.actions == T0_ACTIONS
    assert rig.sink.topics() == [RECOVERY_STARTED] + [RUNBOOK_STEP_COMPLETED] * len(T0_ACTIONS)


def test_a_critical_alert_does_not_start_recovery() -> None:
    rig = Rig()
    rig.fire(severity=Severity.CRITICAL)
    assert (rig.sink.events, rig.engine.status()["total_active"]) == ([], 0)


def test_recovery_escalates_to_t1_exactly_when_the_t0_window_passes() -> None:
    slow_t0 = runbook("T0", [step("stabilize", timeout=1000, action="act.slow")], name="slow-t0")
    rig = Rig(
        runbooks=[slow_t0, *default_runbooks()[1:]], runner=ScriptedRunner({"act.slow": [StepResult.pending("busy")]})
    )
    rig.escalate()
    rig.clock.advance(299)
    rig.engine.tick()
    assert rig.sink.of(TIER_ESCALATED) == []
    assert rig.tiers() == ["T0"]
    rig.clock.advance(1)
    rig.engine.tick()
    escalated = rig.sink.last(TIER_ESCALATED)
    assert (escalated.payload["from_tier"], escalated.payload["to_tier"], escalated.correlation_id) == (
        "T0",
        "T1",
        "COR-1",
    )
    assert (escalated.timestamp, escalated.payload["reason"]) == (
        T + 300,
        "T0 window of 300s passed without resolution",
    )
    assert rig.tiers() == ["T1"]
    after = rig.sink.events[rig.sink.events.index(escalated) - 1 :]
    assert [(e.topic, e.payload.get("step"), e.payload.get("outcome")) for e in after[:2]] == [
        (RUNBOOK_STEP_COMPLETED, "stabilize", "skipped"),
        (TIER_ESCALATED, None, None),
    ]
    assert [e.payload["runbook"] for e in after[2:]] == ["t1-minimum-viable-recovery"] * 6
    assert rig.runner.actions == ["act.slow"] * 3 + T1_ACTIONS[:4] + T1_ACTIONS[5:]
    assert rig.engine.active()[0].incident.recovery_tier == RecoveryTier.T1


def test_windows_are_cumulative_from_the_start_of_the_recovery() -> None:
    rig = Rig()
    rig.escalate()
    rig.clock.advance(300)
    rig.engine.tick()
    rig.clock.advance(599)
    rig.engine.tick()
    assert rig.tiers() == ["T1"]
    rig.clock.advance(1)
    rig.engine.tick()
    assert rig.tiers() == ["T2"]
    assert [e.payload["to_tier"] for e in rig.sink.of(TIER_ESCALATED)] == ["T1", "T2"]


def test_a_late_tick_escalates_through_every_passed_tier_in_order() -> None:
    rig = Rig()
    rig.escalate()
    rig.clock.advance(4000)
    rig.engine.tick()
    assert [(e.payload["from_tier"], e.payload["to_tier"]) for e in rig.sink.of(TIER_ESCALATED)] == [
        ("T0", "T1"),
        ("T1", "T2"),
        ("T2", "T3"),
    ]
    assert rig.tiers() == ["T3"]


def test_t4_is_the_last_tier() -> None:
    rig = Rig()
    rig.escalate()
    rig.clock.advance(15 * 86400)
    rig.engine.tick()
    rig.engine.tick()
    assert len(rig.sink.of(TIER_ESCALATED)) == 4
    assert rig.tiers() == ["T4"]


def test_a_step_failing_with_escalate_escalates_at_once() -> None:
    rig = Rig(runner=ScriptedRunner({"adaptation.restart_unhealthy": [StepResult.failed("no replica answers")]}))
    rig.escalate()
    escalated = rig.sink.last(TIER_ESCALATED)
    assert escalated.payload["reason"] == "runbook t0-emergency-stabilization: step 'restart-unhealthy-replicas' failed"
    assert escalated.timestamp == T
    assert rig.tiers() == ["T1"]
    recovery = rig.engine.active()[0]
    assert [run.runbook.name for run in recovery.runs] == ["t0-emergency-stabilization", "t1-minimum-viable-recovery"]


def test_resolving_the_alert_resolves_the_recovery() -> None:
    store = MemoryStore()
    rig = Rig(store=store, runner=ScriptedRunner({T0_ACTIONS[-1]: [StepResult.pending("restarting")]}))
    rig.fire()
    rig.clock.advance(42)
    rig.resolve_alert()
    resolved = rig.sink.last(RECOVERY_RESOLVED)
    assert resolved.correlation_id == "COR-1"
    incident = from_record(Incident, resolved.payload["incident"])
    assert (incident.status, incident.resolved_at, incident.correlation_id) == (
        IncidentStatus.RESOLVED,
        T + 42,
        "COR-1",
    )
    assert (resolved.payload["tier"], resolved.payload["duration_seconds"]) == ("T0", 42.0)
    assert rig.sink.of(RUNBOOK_STEP_COMPLETED)[-1].payload["outcome"] == "skipped"
    assert rig.engine.status()["total_active"] == 0
    assert rig.engine.status()["total_recovered"] == 1
    stored = store.get(Collection.INCIDENTS, incident.id)
    assert stored is not None
    assert from_record(Incident, stored) == incident


def test_an_incident_resolves_only_when_all_its_alerts_have() -> None:
    rig = Rig()
    rig.fire("A1")
    rig.fire("A2", severity=Severity.WARNING)
    rig.resolve_alert("A1")
    assert rig.sink.of(RECOVERY_RESOLVED) == []
    rig.resolve_alert("A2")
    assert len(rig.sink.of(RECOVERY_RESOLVED)) == 1


def test_alerts_of_another_incident_do_not_resolve_it() -> None:
    rig = Rig()
    rig.fire(cid="COR-1")
    rig.resolve_alert(cid="COR-2")
    assert rig.sink.of(RECOVERY_RESOLVED) == []


def test_resolve_by_id() -> None:
    rig = Rig()
    rec = rig.engine.begin_recovery("orders", "COR-5", severity=Severity.WARNING)
    rig.clock.advance(10)
    incident = rig.engine.resolve(rec.id, "fixed by hand")
    assert (incident.status, incident.resolved_at, incident.timeline[-1].detail) == (
        IncidentStatus.RESOLVED,
        T + 10,
        "fixed by hand",
    )
    assert rig.sink.last(RECOVERY_RESOLVED).correlation_id == "COR-5"
    with pytest.raises(NotFoundError):
        rig.engine.resolve(rec.id)


def test_begin_recovery_returns_the_active_recovery_for_a_known_correlation_id() -> None:
    rig = Rig()
    first = rig.engine.begin_recovery("orders", "COR-1")
    assert rig.engine.begin_recovery("payments", "COR-1") == first
    with pytest.raises(InvalidInputError) as err:
        rig.engine.begin_recovery("", "COR-2")
    assert err.value.field == "service"


def test_t2_approval_through_the_engine() -> None:
    rig = Rig()
    rec = rig.engine.begin_recovery("orders", "COR-1")
    rig.clock.advance(900)
    rig.engine.tick()
    view = rig.engine.status()["active"][0]
    assert (view["tier"], view["current_step"], view["current_outcome"]) == (
        "T2",
        "approve-remediation",
        "waiting_approval",
    )
    rig.clock.advance(60)
    approved = rig.engine.approve(rec.id, "approve-remediation", by="ic-alice")
    assert approved.execution is not None
    assert approved.execution.status.value == "completed"
    assert "remediation.rollback_last_change" in rig.runner.actions


def test_a_service_runbook_is_preferred() -> None:
    payments_t0 = runbook(
        "T0", [step("fail-over", action="adaptation.shift_traffic")], name="payments-t0", service="payments"
    )
    rig = Rig(runbooks=[*default_runbooks(), payments_t0])
    rig.fire()
    assert rig.runner.actions == ["adaptation.shift_traffic"]


def test_a_tier_without_runbook_still_escalates() -> None:
    rig = Rig(runbooks=[])
    rig.escalate()
    rig.clock.advance(300)
    rig.engine.tick()
    assert (rig.tiers(), rig.runner.calls, rig.engine.status()["active"][0]["runbook"]) == (["T1"], [], None)


def test_a_new_engine_over_the_same_store_resumes_active_recoveries() -> None:
    store = MemoryStore()
    first = Rig(store=store, runner=ScriptedRunner({T0_ACTIONS[-1]: [StepResult.pending("restarting")]}))
    first.fire(cid="COR-1")
    first.escalate(cid="COR-2")
    first.resolve_alert(alert_id="A9", cid="COR-2")
    first.clock.advance(100)
    second = Rig(store=store, clock=first.clock)
    assert second.engine.active() == first.engine.active()
    assert second.engine.status()["total_recovered"] == 1
    second.clock.advance(200)
    second.engine.tick()
    assert second.tiers() == ["T1"]
    assert second.sink.last(TIER_ESCALATED).correlation_id == "COR-1"
    second.resolve_alert(cid="COR-1")
    assert second.sink.last(RECOVERY_RESOLVED).payload["tiers"] == ["T0", "T1"]


def test_status_reports_progress_runbooks_and_mode() -> None:
    rig = Rig(runner=ScriptedRunner({T0_ACTIONS[2]: [StepResult.pending("degrading")]}))
    rig.fire()
    rig.clock.advance(20)
    rig.engine.tick()
    status = rig.engine.status()
    view = status["active"][0]
    assert (view["tier"], view["elapsed_seconds"], view["target_seconds"], view["steps_done"], view["steps_total"]) == (
        "T0",
        20.0,
        300.0,
        2,
        len(T0_ACTIONS),
    )
    assert [r["name"] for r in status["runbooks"]] == [r.name for r in default_runbooks()]
    assert [t["tier"] for t in status["tiers"]] == ["T0", "T1", "T2", "T3", "T4"]
    assert (status["total_recovered"], status["dry_run"], status["rejected_events"]) == (0, False, [])
    assert json.loads(json.dumps(status)) == status


def test_without_runner_and_verifier_the_engine_runs_dry() -> None:
    engine = RecoveryEngine(RecoverySettings(), FakeClock(T), EventCapture())
    assert engine.status()["dry_run"] is True


def test_unusable_events_are_recorded_and_the_batch_goes_on() -> None:
    rig = Rig()
    bad = rig.event(ESCALATE_TO_RECOVERY, {"service": "orders"}, cid=None)
    unrelated = rig.event("chaos.fault_injected", {"fault_id": "F1"})
    good = rig.event(ESCALATE_TO_RECOVERY, {"service": "orders", "alert_id": "A1"}, cid="COR-3")
    rig.engine.handle([bad, unrelated, good])
    rejected = rig.engine.status()["rejected_events"]
    assert len(rejected) == 1
    assert rejected[0].startswith(f"{ESCALATE_TO_RECOVERY} {bad.id}: correlation_id:")
    assert [r.correlation_id for r in rig.engine.active()] == ["COR-3"]


def test_every_event_carries_the_incident_correlation_id() -> None:
    rig = Rig()
    rig.fire()
    rig.clock.advance(300)
    rig.engine.tick()
    rig.resolve_alert()
    assert {e.correlation_id for e in rig.sink.events} == {"COR-1"}
    assert {e.source for e in rig.sink.events} == {"recovery"}


def test_subscriptions() -> None:
    assert RecoveryEngine.SUBSCRIBES == (
        "adaptation.escalate_to_recovery",
        "detection.alert_fired",
        "detection.alert_resolved",
    )
