"""Recovery drills: planned tiers run back to back, the drill resolves itself, dry run per drill."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from aref.config import RecoverySettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.models import IncidentSeverity, IncidentStatus, RecoveryTier
from aref.recovery.defaults import default_runbooks
from aref.recovery.drills import DrillPlan, is_drill, plan_drill
from aref.recovery.engine import RecoveryEngine
from aref.recovery.runbook import Runbook
from aref.recovery.state import RecoveryStatus
from aref.recovery.step_kinds import StepResult
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topics import RECOVERY_RESOLVED, RECOVERY_STARTED, RUNBOOK_STEP_COMPLETED, TIER_ESCALATED
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier, runbook, step

T = 1_700_000_000.0
T0_ACTIONS, T1_ACTIONS, T2_ACTIONS = ([s.action for s in rb.steps] for rb in default_runbooks())
VERIFY = {"metrics.error_rate_below", "slo.within_target"}


class Rig:
    def __init__(self, runbooks: Iterable[Runbook] | None = None, store: MemoryStore | None = None) -> None:
        self.clock = FakeClock(T)
        self.sink = EventCapture()
        self.runner = ScriptedRunner()
        self.verifier = ScriptedVerifier()
        self.store = store
        self.runbooks = runbooks
        self.engine = self.build()

    def build(self) -> RecoveryEngine:
        return RecoveryEngine(
            RecoverySettings(),
            self.clock,
            self.sink,
            self.store,
            runbooks=self.runbooks,
            action_runner=self.runner,
            verifier=self.verifier,
            services=("payments", "orders"),
        )


def test_a_plan_takes_tiers_in_any_spelling_and_refuses_bad_ones() -> None:
    assert plan_drill(["t1", 2], by=" ic ") == DrillPlan((RecoveryTier.T1, RecoveryTier.T2), "ic")
    for bad in ([], "T1", ["T2", "T1"], ["T1", "T1"], ["T9"]):
        with pytest.raises(InvalidInputError):
            plan_drill(bad, by="ic")
    with pytest.raises(InvalidInputError, match="who runs"):
        plan_drill(["T0"], by=" ")


def test_a_t1_t2_drill_runs_both_runbooks_back_to_back_and_resolves_after_the_approved_last() -> None:
    r = Rig()
    rec = r.engine.drill("payments", ["T1", "T2"], by="ic")
    assert is_drill(rec.incident.id)
    assert rec.correlation_id.startswith("drill-")
    assert (rec.tier, rec.incident.severity, rec.open_alerts) == (RecoveryTier.T2, IncidentSeverity.SEV4, ())
    # T1 ran at once, T2 started right after it finished (not at T1's window) and waits for approval
    assert r.runner.actions == T1_ACTIONS[:4] + T1_ACTIONS[5:] + ["diagnostics.correlate_changes"]
    view = r.engine.describe(rec)
    assert (view["trigger"], view["drill_tiers"], view["mode"], view["current_step"]) == (
        "drill",
        ["T1", "T2"],
        "live",
        "approve-remediation",
    )
    assert [t["tier"] for t in view["tiers"]] == ["T1", "T2"]
    escalated = r.sink.last(TIER_ESCALATED).payload
    assert (escalated["from_tier"], escalated["to_tier"], escalated["reason"]) == (
        "T1",
        "T2",
        "drill: T1 runbook completed",
    )
    started = r.sink.last(RECOVERY_STARTED).payload
    assert (started["tier"], started["trigger"], started["drill_tiers"], started["dry_run"]) == (
        "T1",
        "drill",
        ["T1", "T2"],
        False,
    )

    done = r.engine.approve(rec.id, "approve-remediation", "ic")
    assert done.status == RecoveryStatus.RESOLVED
    assert done.incident.status == IncidentStatus.RESOLVED
    assert [a for a in r.runner.actions if a in T2_ACTIONS] == [a for a in T2_ACTIONS if a not in VERIFY]
    assert [run.status.value for run in done.runs] == ["completed", "completed"]
    resolved = r.sink.last(RECOVERY_RESOLVED).payload
    assert (resolved["drill"], resolved["dry_run"], resolved["tiers"]) == (True, False, ["T1", "T2"])
    assert resolved["reason"] == "drill finished: T1 completed, T2 completed"
    assert r.engine.active() == ()


def test_the_next_tier_starts_when_the_previous_runbook_failed() -> None:
    books = [
        runbook("T0", [step("breaks"), step("never")]),
        runbook("T1", [step("next")]),
    ]
    r = Rig(books)
    r.runner.script["act.breaks"] = [StepResult.failed("no")]
    rec = r.engine.get(r.engine.drill("payments", ["T0", "T1"]).id)
    assert r.runner.actions == ["act.breaks", "act.next"]
    assert [run.status.value for run in rec.runs] == ["escalated", "completed"]
    assert rec.status == RecoveryStatus.RESOLVED


def test_a_drill_waits_for_its_verify_step_past_the_tier_window_and_resolves_once_it_holds() -> None:
    window = RecoverySettings().t0_target_seconds
    r = Rig([runbook("T0", [step("check", "verify", action="slo.within_target", timeout=window * 2)])])
    r.verifier.holds["slo.within_target"] = False
    rec = r.engine.drill("payments")
    r.clock.advance(window + 1)  # a tier window does not move a drill on
    r.engine.tick()
    assert (r.engine.get(rec.id).tier, r.engine.get(rec.id).status) == (RecoveryTier.T0, RecoveryStatus.ACTIVE)
    assert TIER_ESCALATED not in r.sink.topics()
    r.verifier.holds["slo.within_target"] = True
    r.clock.advance(5)
    r.engine.tick()
    assert r.engine.get(rec.id).status == RecoveryStatus.RESOLVED
    assert r.engine.get(rec.id).runs[0].steps[0].outcome.value == "ok"


def test_a_dry_run_drill_performs_nothing_and_says_so_while_the_engine_stays_live() -> None:
    r = Rig()
    rec = r.engine.drill("payments", ["T0", "T1"], dry_run=True)
    assert (r.runner.actions, r.verifier.calls) == ([], [])
    assert rec.status == RecoveryStatus.RESOLVED
    assert rec.incident.title.startswith("dry-run drill")
    steps = r.sink.of(RUNBOOK_STEP_COMPLETED)
    assert len(steps) == len(T0_ACTIONS) + len(T1_ACTIONS)
    assert all(e.payload["dry_run"] for e in steps)
    assert all(s.detail.startswith("dry run") for run in rec.runs for s in run.steps if s.kind != "verify")
    view = r.engine.describe(rec)
    assert (view["dry_run"], view["mode"], [run["dry_run"] for run in view["runs"]]) == (True, "dry run", [True, True])
    assert r.engine.status()["dry_run"] is False

    r.engine.begin_recovery("payments", "COR-1")  # a real incident afterwards runs live
    assert r.runner.actions == T0_ACTIONS
    assert not r.sink.last(RUNBOOK_STEP_COMPLETED).payload["dry_run"]


def test_a_drill_is_refused_while_the_service_recovers_for_an_unknown_service_and_a_tier_without_runbook() -> None:
    r = Rig()
    with pytest.raises(NotFoundError, match="nowhere"):
        r.engine.drill("nowhere")
    with pytest.raises(InvalidInputError, match="no runbook for payments at T3"):
        r.engine.drill("payments", ["T2", "T3"])
    r.verifier.holds["metrics.error_rate_below"] = False
    first = r.engine.drill("payments", ["T1"])
    with pytest.raises(ConflictError, match=first.id):
        r.engine.drill("payments", ["T0"])
    assert r.engine.drill("orders").service == "orders"  # another service may drill meanwhile


def test_an_active_drill_survives_a_restart_over_the_same_store() -> None:
    store = MemoryStore()
    r = Rig(store=store)
    rec = r.engine.drill("payments", ["T1", "T2"], by="ic")
    again = r.build()
    resumed = again.get(rec.id)
    names = ("t1-minimum-viable-recovery", "t2-functional-recovery")
    assert resumed.drill == DrillPlan((RecoveryTier.T1, RecoveryTier.T2), "ic", runbooks=names)
    assert again.approve(rec.id, "approve-remediation", "ic").status == RecoveryStatus.RESOLVED


def test_drill_runs_never_count_as_performed_recovery() -> None:
    r = Rig(store=MemoryStore())
    r.engine.drill("payments", ["T0"])
    assert r.engine.facts().performed == ()
    r.engine.begin_recovery("payments", "COR-1")
    assert [p.tier for p in r.engine.facts().performed] == ["T0"]


def test_a_drill_naming_runbooks_runs_those_and_a_drill_only_runbook_never_runs_for_an_incident() -> None:
    books = [
        runbook("T0", [step("generic")], name="generic-t0"),
        runbook("T0", [step("specific")], name="payments-t0", service="payments"),
        runbook("T1", [step("rehearsed")], name="drill-only", service="payments", trigger="drill"),
    ]
    r = Rig(books)
    r.engine.drill("payments", runbooks=["generic-t0", "drill-only"])
    assert r.runner.actions == ["act.generic", "act.rehearsed"]
    r.engine.drill("payments", ["T0"])
    assert r.runner.actions[2:] == ["act.specific"]
    rec = r.engine.begin_recovery("payments", "COR-1")
    r.clock.advance(RecoverySettings().t0_target_seconds + 1)
    r.engine.tick()
    assert (r.engine.get(rec.id).tier, r.engine.get(rec.id).execution) == (RecoveryTier.T1, None)
    assert r.runner.actions[3:] == ["act.specific"]


def test_a_drill_refuses_a_runbook_unknown_or_written_for_another_service() -> None:
    r = Rig([runbook("T0", [step("a")], name="orders-t0", service="orders")])
    with pytest.raises(InvalidInputError, match="unknown runbooks nope"):
        r.engine.drill("payments", runbooks=["nope"])
    with pytest.raises(InvalidInputError, match=r"not written for payments: orders-t0 \(for orders\)"):
        r.engine.drill("payments", runbooks=["orders-t0"])
