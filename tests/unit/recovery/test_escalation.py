"""Recovery started by adaptation's escalation: once per incident, and never for an incident
whose alerts all resolved before the escalation arrived."""

from __future__ import annotations

from aref.events import Severity
from aref.topics import RECOVERY_STARTED
from tests.unit.recovery.test_engine import Rig


def test_adaptation_escalation_starts_recovery_once_per_correlation_id() -> None:
    rig = Rig()
    rig.escalate()
    rig.escalate()
    rig.fire()
    assert len(rig.sink.of(RECOVERY_STARTED)) == 1
    assert len(rig.engine.active()) == 1
    assert rig.engine.active()[0].open_alerts == ("A9", "A1")
    rig.escalate(cid="COR-2")
    assert len(rig.engine.active()) == 2


def test_an_escalation_after_every_alert_of_its_incident_resolved_opens_no_recovery() -> None:
    """Seen on the stack: adaptation escalated a warning anomaly after it had resolved; the recovery
    held its service at minimal for as long as the stack ran, waiting for a resolution already past."""
    rig = Rig()
    rig.fire("A9", severity=Severity.WARNING)
    rig.resolve_alert("A9")
    rig.escalate()
    assert (rig.engine.active(), rig.sink.of(RECOVERY_STARTED)) == ((), [])


def test_an_escalation_while_an_alert_of_its_incident_is_open_opens_a_recovery_that_resolves_with_it() -> None:
    rig = Rig()
    rig.fire("A9", severity=Severity.WARNING)
    rig.fire("A2", severity=Severity.WARNING)
    rig.resolve_alert("A9")
    rig.escalate()
    (rec,) = rig.engine.active()
    assert rec.open_alerts == ("A2",)  # the escalation names A9, already resolved: only A2 can still resolve
    rig.resolve_alert("A2")
    assert rig.engine.active() == ()
