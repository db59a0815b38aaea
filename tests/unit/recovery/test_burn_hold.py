"""An incident left with budget-burn alerts only resolves once the other detectors were calm for the hold."""

from __future__ import annotations

from aref.config import RecoverySettings
from aref.events import Severity
from aref.topics import RECOVERY_RESOLVED
from tests.unit.recovery.rig import Rig


def test_a_budget_burn_alert_holds_the_incident_only_until_the_other_detectors_were_calm_for_the_hold() -> None:
    rig = Rig()
    hold = RecoverySettings().burn_only_hold_seconds
    rig.fire("A1")
    rig.fire("B1", severity=Severity.CRITICAL, detector="slo_burn")  # its short window lasts long after the fault
    rig.fire("A2", severity=Severity.WARNING)
    rig.resolve_alert("A1")
    rig.resolve_alert("A2")
    rig.engine.tick()
    assert rig.sink.of(RECOVERY_RESOLVED) == []  # calm for no time yet: a flapping detector may fire again
    rig.clock.advance(hold - 1)
    rig.fire("A3", severity=Severity.WARNING)  # it did: the breaker's probe met the broken service
    rig.resolve_alert("A3")
    rig.clock.advance(hold - 1)
    rig.engine.tick()
    assert rig.sink.of(RECOVERY_RESOLVED) == []
    rig.clock.advance(1)
    rig.engine.tick()
    (resolved,) = rig.sink.of(RECOVERY_RESOLVED)
    assert "only budget-burn alerts left" in resolved.payload["reason"]
    rig.resolve_alert("B1")  # the burn alert clearing later changes nothing
    rig.engine.tick()
    assert len(rig.sink.of(RECOVERY_RESOLVED)) == 1


def test_an_incident_seen_by_budget_burn_alone_waits_for_it() -> None:
    rig = Rig()
    rig.fire("B1", detector="slo_burn")
    rig.fire("B2", severity=Severity.CRITICAL, detector="slo_burn")
    rig.resolve_alert("B1")
    assert rig.sink.of(RECOVERY_RESOLVED) == []
    rig.resolve_alert("B2")
    assert len(rig.sink.of(RECOVERY_RESOLVED)) == 1
