"""Alert lifecycle: fire, acknowledge, resolve, with deduplication by fingerprint.

At most one open (unresolved) alert exists per fingerprint. Firing a fingerprint that already
has an open alert does not create an alert: it bumps ``count`` and ``last_seen`` (and raises the
severity when the condition got worse; alerts never de-escalate). Every new alert gets a fresh
correlation id that ties the whole incident together. Resolved alerts are remembered in a
bounded history.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from aref.detection.detector import Signal
from aref.detection.onset import OnsetWitness
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Severity, new_id
from aref.models import DetectionClass


class AlertState(StrEnum):
    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class FireOutcome(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Alert:
    id: str
    fingerprint: str
    service: str
    metric: str
    detector: str
    detection_class: DetectionClass
    severity: Severity
    value: float
    threshold: float
    onset_at: float
    fired_at: float
    last_seen: float
    correlation_id: str
    count: int = 1
    acked_at: float | None = None
    resolved_at: float | None = None
    actioned_at: float | None = None
    resolution: str | None = None  # why it resolved: condition_cleared, no_data or manual; None while open
    onset_witness: str = OnsetWitness.BREACHING_SAMPLE.value  # who saw the onset first (aref.detection.onset)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def state(self) -> AlertState:
        if self.resolved_at is not None:
            return AlertState.RESOLVED
        return AlertState.FIRING if self.acked_at is None else AlertState.ACKNOWLEDGED

    def seen(self, signal: Signal, at: float) -> Alert:
        if signal.severity is None:
            raise InvalidInputError("signal", "only a firing signal updates an alert")
        severity = signal.severity if signal.severity.rank > self.severity.rank else self.severity
        return dataclasses.replace(
            self, count=self.count + 1, last_seen=at, value=signal.value, threshold=signal.threshold, severity=severity
        )

    def acknowledge(self, at: float) -> Alert:
        if self.resolved_at is not None:
            raise ConflictError(f"alert {self.id} is already resolved")
        if self.acked_at is not None:
            raise ConflictError(f"alert {self.id} is already acknowledged")
        return dataclasses.replace(self, acked_at=at)

    def resolve(self, at: float, reason: str = "condition_cleared") -> Alert:
        if self.resolved_at is not None:
            raise ConflictError(f"alert {self.id} is already resolved")
        return dataclasses.replace(self, resolved_at=at, resolution=reason)

    def action(self, at: float) -> Alert:
        if self.actioned_at is not None:
            raise ConflictError(f"alert {self.id} is already marked as actioned")
        return dataclasses.replace(self, actioned_at=at)


class AlertTracker:
    """Open alerts by fingerprint plus the last ``history`` resolved ones."""

    def __init__(self, history: int = 500) -> None:
        if history < 0:
            raise InvalidInputError("history", "must be >= 0")
        self._open: dict[str, Alert] = {}  # by fingerprint
        self._resolved: OrderedDict[str, Alert] = OrderedDict()  # by id, oldest first
        self._history = history

    def fire(
        self, signal: Signal, at: float, witness: OnsetWitness = OnsetWitness.BREACHING_SAMPLE
    ) -> tuple[Alert, FireOutcome]:
        """Open an alert for a firing signal, or fold it into the open alert of its fingerprint.

        ``witness`` says who saw the signal's ``onset_at`` (for a new alert)."""
        if not signal.firing or signal.severity is None or signal.onset_at is None:
            raise InvalidInputError("signal", "only a firing signal can fire an alert")
        current = self._open.get(signal.fingerprint)
        if current is not None:
            updated = current.seen(signal, at)
            self._open[signal.fingerprint] = updated
            escalated = updated.severity.rank > current.severity.rank
            return updated, FireOutcome.ESCALATED if escalated else FireOutcome.DUPLICATE
        alert = Alert(
            id=new_id("ALR"),
            fingerprint=signal.fingerprint,
            service=signal.service,
            metric=signal.metric,
            detector=signal.detector,
            detection_class=signal.detection_class,
            severity=signal.severity,
            value=signal.value,
            threshold=signal.threshold,
            onset_at=min(signal.onset_at, at),
            fired_at=at,
            last_seen=at,
            correlation_id=self._incident_of(signal.service) or new_id("COR"),
            onset_witness=witness.value,
        )
        self._open[alert.fingerprint] = alert
        return alert, FireOutcome.NEW

    def _incident_of(self, service: str) -> str | None:
        """The correlation id of the service's oldest open alert: one fault, one incident."""
        open_alerts = sorted((a for a in self._open.values() if a.service == service), key=lambda a: a.fired_at)
        return open_alerts[0].correlation_id if open_alerts else None

    def open_for(self, fingerprint: str) -> Alert | None:
        return self._open.get(fingerprint)

    def get(self, alert_id: str) -> Alert:
        for alert in self._open.values():
            if alert.id == alert_id:
                return alert
        if alert_id in self._resolved:
            return self._resolved[alert_id]
        raise NotFoundError("alert", alert_id)

    def acknowledge(self, alert_id: str, at: float) -> Alert:
        return self._replace(self.get(alert_id).acknowledge(at))

    def resolve(self, alert_id: str, at: float, reason: str = "condition_cleared") -> Alert:
        return self._replace(self.get(alert_id).resolve(at, reason))

    def mark_actioned(self, alert_id: str, at: float) -> Alert:
        return self._replace(self.get(alert_id).action(at))

    def restore(self, alert: Alert) -> None:
        """Take back an alert reloaded from the store (open or resolved)."""
        self._replace(alert)

    def _replace(self, alert: Alert) -> Alert:
        current = self._open.get(alert.fingerprint)
        if current is not None and current.id == alert.id and not alert.is_open:
            del self._open[alert.fingerprint]
        if alert.is_open:
            if current is not None and current.id != alert.id:
                raise ConflictError(f"fingerprint {alert.fingerprint} already has open alert {current.id}")
            self._open[alert.fingerprint] = alert
        elif self._history:
            self._resolved[alert.id] = alert
            self._resolved.move_to_end(alert.id)
            while len(self._resolved) > self._history:
                self._resolved.popitem(last=False)
        return alert

    def open_alerts(self) -> list[Alert]:
        return sorted(self._open.values(), key=lambda a: a.fired_at)

    def resolved_alerts(self) -> list[Alert]:
        """Recently resolved alerts, newest first."""
        return list(reversed(self._resolved.values()))
