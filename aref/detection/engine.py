"""DetectionEngine: the Detection pillar facade.

Telemetry arrives through ``ingest`` (health samples) and ``ingest_probe`` (probe results); every
registered detector judges it and the resulting signals drive the alert lifecycle. A new alert
emits ``detection.alert_fired`` with a fresh correlation id; a duplicate only bumps the open
alert; an escalation re-emits ``alert_fired`` for the same alert (payload ``escalated_from``);
a detector clearing the condition resolves it (``detection.alert_resolved``, same correlation
id). Alerts are judged on the data they came from: a synthetic alert on probe results, every
other on the requests the replicas report. When that data stops for ``no_data_seconds`` there
is nothing to judge: the alert resolves with resolution ``no_data`` and none of its kind fires
until the data returns (a probe keeps no latency alert of past load alive). A dependency breaker
opening is an alert on the service it guards, judged on its callers' requests (``callers``).
Every resolved alert says why (``resolution``: ``condition_cleared``, ``no_data``, ``manual``).
With a store, every alert change is persisted and a new engine over the same store takes
the open alerts back, so an actor restart loses none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, ClassVar

from aref import topics
from aref.clock import Clock
from aref.config import DetectionSettings
from aref.detection import callers
from aref.detection.alerts import Alert, AlertState, AlertTracker, FireOutcome
from aref.detection.detector import Detector, Signal
from aref.detection.experiments import FaultWindowChange
from aref.detection.facts import DetectionFacts, measured_facts
from aref.detection.fatigue import WEEK_SECONDS, FatigueMonitor
from aref.detection.onset import OnsetWitness, Sightings
from aref.detection.probes import ProbeResult
from aref.detection.registry import build_detectors
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity
from aref.models import DetectionClass, HealthSample
from aref.records import to_record
from aref.store import Collection, Repository, Store
from aref.topology import SERVICES

SOURCE = "detection"
CLEARED, NO_DATA, MANUAL = "condition_cleared", topics.NO_DATA, "manual"  # why an alert resolved


class DataSource(StrEnum):
    """What an alert is judged on."""

    REQUESTS = "requests"
    PROBES = "probes"


def data_source(detection_class: DetectionClass) -> DataSource:
    return DataSource.PROBES if detection_class is DetectionClass.SYNTHETIC else DataSource.REQUESTS


RECENT_RESOLVED = 20


class DetectionEngine:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = (
        topics.STRATEGY_EXECUTED,
        topics.FAULT_INJECTED,
        topics.FAULT_ROLLED_BACK,
        *callers.TOPICS,
    )

    def __init__(
        self,
        settings: DetectionSettings,
        clock: Clock,
        sink: EventSink,
        store: Store | None = None,
        services: Sequence[str] = SERVICES,
        detectors: Sequence[Detector] | None = None,
    ) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        self._clock = clock
        self._sink = sink
        self._services = tuple(services)
        self._detectors = list(build_detectors(settings, services) if detectors is None else detectors)
        names = [d.name for d in self._detectors]
        if len(set(names)) != len(names):
            raise InvalidInputError("detectors", f"detector names must be unique: {names}")
        self._alerts = AlertTracker()
        self._fatigue = FatigueMonitor(settings.alert_fatigue_max_per_week, settings.alert_to_action_ratio)
        self._repo = None if store is None else Repository(store, Collection.ALERTS, Alert)
        self._fired = 0
        self._no_data_s = settings.no_data_seconds
        self._sightings = Sightings(self._services, settings.onset_lookback_seconds)
        self._callers = callers.CallerView()
        start = clock.now()  # the start counts as data: a grace
        self._seen_at = {(s, source): start for s in self._services for source in DataSource}
        self._reload()

    def _reload(self) -> None:
        if self._repo is None:
            return
        since = self._clock.now() - WEEK_SECONDS
        for alert in sorted(self._repo.all(), key=lambda a: a.fired_at):
            try:
                self._alerts.restore(alert)
            except ConflictError:
                continue  # a second open alert for one fingerprint: the first one stays authoritative
            if alert.fired_at >= since:
                self._fatigue.record(alert.id, alert.fired_at, actioned=alert.actioned_at is not None)

    # telemetry in

    def ingest(self, sample: HealthSample) -> None:
        self._require_service(sample.service)
        if sample.requests > 0:
            self._seen_at[sample.service, DataSource.REQUESTS] = self._clock.now()
        self._apply([s for d in self._detectors for s in d.observe(sample)])

    def ingest_probe(self, result: ProbeResult) -> None:
        self._require_service(result.target)
        now = self._clock.now()
        self._seen_at[result.target, DataSource.PROBES] = now
        if not result.ok:
            self._sightings.saw((result.target,), result.at, OnsetWitness.PROBES, now)
        self._apply([s for d in self._detectors for s in d.observe(result)])

    def ingest_client_failures(self, sent_at: Sequence[float]) -> None:
        """Orders that failed (or answered too slowly) as clients saw them, by the time each was sent."""
        now = self._clock.now()
        for at in sent_at:
            self._sightings.saw(self._services, at, OnsetWitness.CLIENTS, now)

    def handle(self, events: Sequence[Event]) -> None:
        """Breaker changes are the callers' view (``callers``); a fault injected or rolled back opens or
        closes an experiment window (``experiments``); an executed adaptation strategy names the alert
        it answered: that alert led to an action."""
        for event in events:
            if event.topic in (topics.FAULT_INJECTED, topics.FAULT_ROLLED_BACK):
                change = FaultWindowChange(
                    str(event.payload.get("fault_id") or event.id),
                    event.topic == topics.FAULT_INJECTED,
                    event.timestamp,
                )
                self._apply([s for d in self._detectors for s in d.observe(change)])
                continue
            if event.topic in callers.TOPICS:
                signal = self._callers.observe(event, self._clock.now())
                if signal is not None and signal.service in self._services:
                    self._apply([signal])
                continue
            alert_id = event.payload.get("alert_id")
            if event.topic != topics.STRATEGY_EXECUTED or not isinstance(alert_id, str):
                continue
            try:
                self.mark_actioned(alert_id)
            except (NotFoundError, ConflictError):
                continue  # an alert this engine does not know, or already counted

    def tick(self) -> None:
        now = self._clock.now()
        self._apply([s for d in self._detectors for s in d.evaluate(now)])
        for alert in self._alerts.open_alerts():
            if self._quiet(alert.service, alert.detector, alert.detection_class, now):
                self._emit_resolved(self._save(self._alerts.resolve(alert.id, now, NO_DATA)), NO_DATA)

    def silent_services(self) -> tuple[str, ...]:
        """Services with nothing to judge now: no request nor probe seen for ``no_data_seconds``."""
        now = self._clock.now()
        return tuple(s for s in self._services if all(self._silent(s, now, source) for source in DataSource))

    def _quiet(self, service: str, detector: str, detection_class: DetectionClass, now: float) -> bool:
        """Nothing to judge an alert of ``detector`` on ``service`` on: its data stopped."""
        if detector == callers.BREAKER_DETECTOR:
            holding = self._callers.callers(service)
            if holding:
                return all(self._silent(c, now, DataSource.REQUESTS) for c in holding)
        return self._silent(service, now, data_source(detection_class))

    def _silent(self, service: str, now: float, source: DataSource) -> bool:
        """Nothing of ``source`` seen from ``service`` for ``no_data_seconds``."""
        return now - self._seen_at.get((service, source), now) >= self._no_data_s

    # human actions

    def ack(self, alert_id: str) -> Alert:
        alert = self._save(self._alerts.acknowledge(self._known(alert_id), self._clock.now()))
        self._emit(
            "alert_acknowledged",
            alert,
            {
                "alert_id": alert.id,
                "fingerprint": alert.fingerprint,
                "service": alert.service,
                "acked_at": alert.acked_at,
            },
        )
        return alert

    def resolve(self, alert_id: str) -> Alert:
        """Resolve by hand. If the condition persists, the next firing signal opens a new alert."""
        alert = self._save(self._alerts.resolve(self._known(alert_id), self._clock.now(), MANUAL))
        self._emit_resolved(alert, MANUAL)
        return alert

    def mark_actioned(self, alert_id: str) -> Alert:
        alert = self._save(self._alerts.mark_actioned(self._known(alert_id), self._clock.now()))
        self._fatigue.mark_actioned(alert.id)
        return alert

    # queries

    def alert(self, alert_id: str) -> Alert:
        return self._alerts.get(self._known(alert_id))

    def active_alerts(self) -> list[Alert]:
        return self._alerts.open_alerts()

    def recent_resolved(self) -> list[Alert]:
        """The last resolved alerts, newest first (those ``status()`` lists under ``recent_resolved``)."""
        return self._alerts.resolved_alerts()[:RECENT_RESOLVED]

    def facts(self) -> DetectionFacts:
        """What detection has in place, as measured (see ``aref.detection.facts``)."""
        stats = self._fatigue.stats(self._clock.now())
        return measured_facts(self._detectors, alerts_per_action=stats.alerts_per_action)

    def status(self) -> dict[str, Any]:
        active = self._alerts.open_alerts()
        return {
            "services": list(self._services),
            "detectors": {d.name: d.status() for d in self._detectors},
            "active_alerts": [to_record(a) for a in active],
            "recent_resolved": [to_record(a) for a in self._alerts.resolved_alerts()[:RECENT_RESOLVED]],
            "alert_counts": {
                "open": len(active),
                "firing": sum(a.state is AlertState.FIRING for a in active),
                "acknowledged": sum(a.state is AlertState.ACKNOWLEDGED for a in active),
                "fired_since_start": self._fired,
                "by_severity": {s.value: sum(a.severity is s for a in active) for s in Severity},
            },
            "fatigue": dataclasses.asdict(self._fatigue.stats(self._clock.now())),
        }

    # internals

    def _require_service(self, service: str) -> None:
        if service not in self._services:
            raise NotFoundError("service", service)

    def _known(self, alert_id: str) -> str:
        """The id of an alert the tracker holds, reloading an old resolved one from the store."""
        try:
            self._alerts.get(alert_id)
        except NotFoundError:
            found = None if self._repo is None else self._repo.find(alert_id)
            if found is None:
                raise
            self._alerts.restore(found)
        return alert_id

    def _apply(self, signals: Sequence[Signal]) -> None:
        now = self._clock.now()
        for signal in signals:
            if signal.firing:
                if not self._quiet(signal.service, signal.detector, signal.detection_class, now):
                    self._fire(signal, now)
                continue
            alert = self._alerts.open_for(signal.fingerprint)
            if alert is not None:
                resolved = self._save(self._alerts.resolve(alert.id, now, CLEARED))
                self._emit_resolved(resolved, CLEARED)

    def _fire(self, signal: Signal, now: float) -> None:
        previous = self._alerts.open_for(signal.fingerprint)
        witness = OnsetWitness.BREACHING_SAMPLE
        if previous is None and signal.onset_at is not None:
            onset_at, witness = self._sightings.onset(signal.service, signal.onset_at)
            signal = dataclasses.replace(signal, onset_at=onset_at)
        alert, outcome = self._alerts.fire(signal, now, witness)
        self._save(alert)
        if outcome is FireOutcome.DUPLICATE:
            return
        payload = {
            "alert_id": alert.id,
            "fingerprint": alert.fingerprint,
            "service": alert.service,
            "metric": alert.metric,
            "detector": alert.detector,
            "severity": alert.severity.value,
            "value": alert.value,
            "threshold": alert.threshold,
            "onset_at": alert.onset_at,
            "onset_witness": alert.onset_witness,
            "fired_at": alert.fired_at,
            "detection_class": alert.detection_class.value,
            "count": alert.count,
            "details": dict(signal.details),
        }
        if outcome is FireOutcome.NEW:
            self._fired += 1
            self._fatigue.record(alert.id, alert.fired_at)
        elif previous is not None:
            payload["escalated_from"] = previous.severity.value
        self._emit("alert_fired", alert, payload)

    def _emit_resolved(self, alert: Alert, reason: str) -> None:
        payload = {
            "alert_id": alert.id,
            "fingerprint": alert.fingerprint,
            "service": alert.service,
            "resolved_at": alert.resolved_at,
            "onset_at": alert.onset_at,
            "fired_at": alert.fired_at,
            "reason": reason,
        }
        self._emit("alert_resolved", alert, payload)

    def _emit(self, type_: str, alert: Alert, payload: dict[str, Any]) -> None:
        severity = Severity.INFO if type_ != "alert_fired" else alert.severity
        self._sink.emit(
            Event.create(
                EventCategory.DETECTION,
                type_,
                source=SOURCE,
                clock=self._clock,
                severity=severity,
                payload=payload,
                correlation_id=alert.correlation_id,
            )
        )

    def _save(self, alert: Alert) -> Alert:
        if self._repo is not None:
            self._repo.save(alert)
        return alert
