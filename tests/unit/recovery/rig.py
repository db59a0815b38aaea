"""A recovery engine on a fake clock, with scripted runner and verifier, fed alert and escalation events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aref.config import RecoverySettings
from aref.events import Event, EventCategory, Severity
from aref.recovery.engine import RecoveryEngine
from aref.recovery.runbook import Runbook
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topics import ALERT_FIRED, ESCALATE_TO_RECOVERY
from tests.unit.recovery.fakes import ScriptedRunner, ScriptedVerifier

T = 1_700_000_000.0


class Rig:
    def __init__(
        self,
        runbooks: Iterable[Runbook] | None = None,
        store: MemoryStore | None = None,
        runner: ScriptedRunner | None = None,
        clock: FakeClock | None = None,
    ) -> None:
        self.clock = clock or FakeClock(T)
        self.sink = EventCapture()
        self.store = store
        self.runner = runner or ScriptedRunner()
        self.verifier = ScriptedVerifier()
        self.engine = RecoveryEngine(
            RecoverySettings(),
            self.clock,
            self.sink,
            store,
            runbooks=runbooks,
            action_runner=self.runner,
            verifier=self.verifier,
        )

    def event(
        self, topic: str, payload: dict[str, Any], *, severity: Severity = Severity.INFO, cid: str | None = "COR-1"
    ) -> Event:
        category, kind = topic.split(".")
        return Event.create(
            EventCategory(category),
            kind,
            source="test",
            clock=self.clock,
            severity=severity,
            payload=payload,
            correlation_id=cid,
        )

    def fire(
        self,
        alert_id: str = "A1",
        severity: Severity = Severity.EMERGENCY,
        cid: str = "COR-1",
        detector: str = "threshold",
    ) -> None:
        payload = {
            "alert_id": alert_id,
            "service": "payments",
            "detector": detector,
            "metric": "error_rate",
            "severity": severity.value,
            "onset_at": self.clock.now() - 30,
            "fired_at": self.clock.now(),
        }
        self.engine.handle([self.event(ALERT_FIRED, payload, severity=severity, cid=cid)])

    def resolve_alert(self, alert_id: str = "A1", cid: str = "COR-1") -> None:
        self.engine.handle(
            [self.event("detection.alert_resolved", {"alert_id": alert_id, "service": "payments"}, cid=cid)]
        )

    def escalate(self, cid: str = "COR-1", service: str = "orders") -> None:
        payload = {"service": service, "alert_id": "A9", "reason": "adaptation window passed"}
        self.engine.handle([self.event(ESCALATE_TO_RECOVERY, payload, severity=Severity.CRITICAL, cid=cid)])

    def tiers(self) -> list[str]:
        return [rec["tier"] for rec in self.engine.status()["active"]]
