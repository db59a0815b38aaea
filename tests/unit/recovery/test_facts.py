"""RecoveryEngine.facts(): the runbooks recovery has in place."""

from __future__ import annotations

from aref.config import RecoverySettings
from aref.recovery.defaults import default_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.facts import RecoveryFacts
from aref.testing import EventCapture, FakeClock

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
