from __future__ import annotations

from aref.adaptation.actions import ShiftTraffic
from aref.adaptation.strategies import ShiftToBackup
from aref.models import AnomalyClass

from ..factories import context, state


def test_critical_errors_fail_over_fully() -> None:
    ctx = context(AnomalyClass.TRANSIENT, states={"payments": state()}, severity="critical")
    assert ShiftToBackup().applies(ctx)
    assert ShiftToBackup().plan(ctx) == (ShiftTraffic("payments", "backup", 100),)


def test_transient_warning_errors_move_half() -> None:
    ctx = context(AnomalyClass.TRANSIENT, states={"payments": state()}, severity="warning", value=0.08, threshold=0.05)
    assert ShiftToBackup().plan(ctx) == (ShiftTraffic("payments", "backup", 50),)


def test_persistent_warning_errors_fail_over_fully() -> None:
    ctx = context(AnomalyClass.PERSISTENT, states={"payments": state()}, severity="warning", value=0.08, threshold=0.05)
    assert ShiftToBackup().plan(ctx) == (ShiftTraffic("payments", "backup", 100),)


def test_does_not_apply_once_the_backup_has_the_share() -> None:
    half = state(weights={"primary": 50, "backup": 50})
    assert not ShiftToBackup().applies(context(AnomalyClass.TRANSIENT, states={"payments": half}, severity="warning"))
    assert ShiftToBackup().applies(context(AnomalyClass.TRANSIENT, states={"payments": half}, severity="critical"))


def test_needs_an_error_signal_and_a_backup_route() -> None:
    assert not ShiftToBackup().applies(context(states={"payments": state()}, metric="latency_p99"))
    assert not ShiftToBackup().applies(context(states={"payments": state(backup_route=None)}))
    assert ShiftToBackup().plan(context(states={"payments": state(backup_route=None)})) == ()
    assert not ShiftToBackup().applies(context(AnomalyClass.ESCALATING, states={"payments": state()}))
