from __future__ import annotations

from aref.adaptation.actions import Escalate
from aref.adaptation.strategies import EscalateToRecovery
from aref.models import AnomalyClass

from ..factories import context


def test_always_applies_and_says_why() -> None:
    emergency = context(AnomalyClass.TRANSIENT, severity="emergency")
    exhausted = context(AnomalyClass.PERSISTENT)
    assert EscalateToRecovery().applies(emergency)
    assert EscalateToRecovery().plan(emergency) == (Escalate("emergency transient anomaly on payments"),)
    assert EscalateToRecovery().plan(exhausted) == (Escalate("no adaptation strategy left for payments error_rate"),)
