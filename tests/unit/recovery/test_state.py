from __future__ import annotations

import dataclasses

from aref.models import Incident, IncidentSeverity, RecoveryTier
from aref.records import from_record, to_record
from aref.recovery.executor import RunbookExecutor
from aref.recovery.state import Recovery, RecoveryStatus, TierEntry
from aref.recovery.step_kinds import StepTools
from aref.testing import EventCapture, FakeClock
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier, runbook, step

CLOCK = FakeClock(100.0)
EXECUTOR = RunbookExecutor(clock=CLOCK, sink=EventCapture(), tools=StepTools(ScriptedRunner(), ScriptedVerifier()))
INCIDENT = Incident("INC-1", "t", "orders", IncidentSeverity.SEV1, 90.0, "C1", detected_at=95.0)


def _run(tier: str, name: str):  # type: ignore[no-untyped-def]
    return EXECUTOR.start(runbook(tier, [step("a")], name=name), recovery_id="R", correlation_id="C1", service="orders")


def test_a_new_recovery_is_active_at_t0() -> None:
    rec = Recovery("R", INCIDENT, started_at=100.0)
    assert (rec.status, rec.tier, rec.execution, rec.tier_entered_at) == (
        RecoveryStatus.ACTIVE,
        RecoveryTier.T0,
        None,
        100.0,
    )
    assert (rec.correlation_id, rec.service) == ("C1", "orders")


def test_with_execution_replaces_the_current_run_or_appends_a_new_one() -> None:
    t0_run = _run("T0", "rb-0")
    rec = Recovery("R", INCIDENT, started_at=100.0).with_execution(t0_run)
    assert rec.execution == t0_run
    advanced = EXECUTOR.advance(t0_run)
    rec = rec.with_execution(advanced)
    assert rec.runs == (advanced,)
    rec = dataclasses.replace(rec, tier=RecoveryTier.T1, tiers=(TierEntry(RecoveryTier.T1, 130.0, "window"),))
    assert rec.execution is None
    assert rec.tier_entered_at == 130.0
    t1_run = _run("T1", "rb-1")
    rec = rec.with_execution(t1_run)
    assert (rec.runs, rec.execution) == ((advanced, t1_run), t1_run)


def test_a_recovery_round_trips_through_a_record() -> None:
    rec = Recovery(
        "R",
        INCIDENT,
        started_at=100.0,
        tiers=(TierEntry(RecoveryTier.T0, 100.0, "start"),),
        open_alerts=("A1",),
    ).with_execution(EXECUTOR.advance(_run("T0", "rb-0")))
    record = to_record(rec)
    assert (record["status"], record["tier"]) == ("active", 0)
    assert from_record(Recovery, record) == rec
