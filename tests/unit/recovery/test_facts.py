"""RecoveryEngine.facts(): the runbooks recovery has in place."""

from __future__ import annotations

from aref.config import RecoverySettings
from aref.recovery.defaults import default_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.facts import PerformedRun, RecoveryFacts
from aref.recovery.step_kinds import StepResult
from aref.testing import EventCapture, FakeClock, MemoryStore
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier

T = 1_700_000_000.0


def test_the_default_catalog_is_counted() -> None:
    eng = RecoveryEngine(RecoverySettings(), FakeClock(T), EventCapture())
    assert eng.facts() == RecoveryFacts(runbooks=len(default_runbooks())) == RecoveryFacts(runbooks=3)


def test_the_count_follows_the_catalog_given() -> None:
    one = RecoveryEngine(RecoverySettings(), FakeClock(T), EventCapture(), runbooks=default_runbooks()[:1])
    none = RecoveryEngine(RecoverySettings(), FakeClock(T), EventCapture(), runbooks=[])
    assert (one.facts().runbooks, none.facts().runbooks) == (1, 0)
    assert none.facts() == RecoveryFacts()


def test_an_active_recovery_changes_no_runbook_count() -> None:
    clock = FakeClock(T)
    eng = RecoveryEngine(RecoverySettings(), clock, EventCapture())
    eng.begin_recovery("payments", "COR-1")
    assert eng.active()
    assert eng.facts().runbooks == 3


def test_only_runs_performed_live_with_every_step_ok_count_as_performed() -> None:
    clock = FakeClock(T)
    store = MemoryStore()
    live = RecoveryEngine(
        RecoverySettings(), clock, EventCapture(), store, action_runner=ScriptedRunner(), verifier=ScriptedVerifier()
    )
    rec = live.begin_recovery("payments", "COR-1")
    failing = ScriptedRunner({"adaptation.shed_load": [StepResult.failed("nothing to shed")]})
    partial = RecoveryEngine(
        RecoverySettings(), clock, EventCapture(), action_runner=failing, verifier=ScriptedVerifier()
    )
    partial.begin_recovery("orders", "COR-2")
    dry = RecoveryEngine(RecoverySettings(), clock, EventCapture())
    dry.begin_recovery("orders", "COR-3")
    assert live.facts().performed == (PerformedRun("T0", rec.id, "t0-emergency-stabilization", T, "COR-1"),)
    assert partial.facts().performed == ()  # a step failed (on_failure: continue): the run completed, not performed
    assert dry.facts().performed == ()
    again = RecoveryEngine(
        RecoverySettings(), clock, EventCapture(), store, action_runner=ScriptedRunner(), verifier=ScriptedVerifier()
    )
    assert again.facts().performed == live.facts().performed  # read back from the store
