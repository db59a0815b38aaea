from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from aref import topics
from aref.config import DetectionSettings
from aref.detection.alerts import Alert
from aref.detection.detector import Signal
from aref.detection.engine import DetectionEngine
from aref.detection.probes import ProbeResult
from aref.detection.registry import build_detectors
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, Severity
from aref.models import DetectionClass, HealthSample
from aref.records import to_record
from aref.store import Collection
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topology import SERVICES

SETTINGS = DetectionSettings()


class Rig:
    """An engine on a fake clock; ``step`` advances one second and ingests one sample."""

    def __init__(
        self,
        kinds: Sequence[str] | None = ("threshold",),
        store: MemoryStore | None = None,
        clock: FakeClock | None = None,
        settings: DetectionSettings = SETTINGS,
    ) -> None:
        self.clock = clock or FakeClock()
        self.sink = EventCapture()
        self.store = store
        detectors = None if kinds is None else build_detectors(settings, SERVICES, kinds)
        self.engine = DetectionEngine(settings, self.clock, self.sink, store, detectors=detectors)

    def step(self, errors: int = 0, service: str = "payments", requests: int = 100, latency: float = 80.0) -> float:
        now = self.clock.advance(1.0)
        self.engine.ingest(HealthSample(service, now, requests, errors, 20.0, latency))
        return now

    def fired(self) -> list[Event]:
        return self.sink.of(topics.ALERT_FIRED)


def test_whole_incident_from_healthy_to_resolved() -> None:
    rig = Rig()
    for _ in range(5):
        rig.step(errors=0)
    assert rig.sink.events == []

    onset = rig.step(errors=10)
    rig.step(errors=10)
    assert rig.fired() == []  # N-1 consecutive breaches: not yet
    fired_at = rig.step(errors=10)
    [fired] = rig.fired()
    assert fired.topic == "detection.alert_fired"
    assert (fired.source, fired.severity, fired.timestamp) == ("detection", Severity.WARNING, fired_at)
    assert fired.correlation_id is not None
    assert fired.correlation_id.startswith("COR-")
    alert_id = fired.payload["alert_id"]
    assert fired.payload == {
        "alert_id": alert_id,
        "fingerprint": "threshold:payments:error_rate",
        "service": "payments",
        "metric": "error_rate",
        "detector": "threshold",
        "severity": "warning",
        "value": 0.1,
        "threshold": 0.05,
        "onset_at": onset,
        "onset_witness": "breaching_sample",
        "fired_at": fired_at,
        "detection_class": "threshold",
        "count": 1,
        "details": {"rule": "payments.error_rate"},
    }

    for _ in range(4):
        rig.step(errors=9)
    assert len(rig.fired()) == 1  # deduplicated: no new alert, no new event
    [active] = rig.engine.active_alerts()
    assert (active.id, active.count, active.last_seen, active.value) == (alert_id, 5, rig.clock.now(), 0.09)

    resolved_at = rig.step(errors=0)
    resolved = rig.sink.last(topics.ALERT_RESOLVED)
    assert resolved.correlation_id == fired.correlation_id
    assert resolved.payload["alert_id"] == alert_id
    assert (resolved.payload["resolved_at"], resolved.payload["reason"]) == (resolved_at, "condition_cleared")
    assert rig.engine.active_alerts() == []
    assert rig.sink.topics() == [topics.ALERT_FIRED, topics.ALERT_RESOLVED]


def test_escalation_re_fires_the_same_alert_at_the_higher_severity() -> None:
    rig = Rig()
    for _ in range(3):
        rig.step(errors=10)
    for _ in range(3):
        rig.step(errors=30)
    first, second = rig.fired()
    assert second.payload["alert_id"] == first.payload["alert_id"]
    assert second.correlation_id == first.correlation_id
    assert (second.severity, second.payload["severity"], second.payload["escalated_from"]) == (
        Severity.CRITICAL,
        "critical",
        "warning",
    )
    assert (second.payload["threshold"], second.payload["count"]) == (0.15, 4)  # fired on sample 3, seen on 4-6


def test_one_fault_seen_by_every_default_detector() -> None:
    rig = Rig(kinds=None)
    for i in range(15):
        rig.step(errors=0, latency=80.0 + i % 3)
    onset = rig.step(errors=10)
    rig.step(errors=10)
    rig.step(errors=10)
    alerts = {e.payload["fingerprint"]: e for e in rig.fired()}
    assert sorted(alerts) == [
        "slo_burn:payments:availability",
        "threshold:payments:error_rate",
        "zscore:payments:error_rate",
    ]
    assert {e.payload["onset_at"] for e in alerts.values()} == {onset}
    # one fault, one incident: every alert of the service joins the first open alert's correlation id
    assert len({e.correlation_id for e in alerts.values()}) == 1
    slo = alerts["slo_burn:payments:availability"]
    # 10 bad of 1600 events: 6.25x over both page_slow windows (the young tracker holds only 16 s)
    assert (slo.payload["fired_at"], slo.severity, slo.payload["details"]["policy"]) == (
        onset,
        Severity.CRITICAL,
        "page_slow",
    )
    assert slo.payload["value"] == pytest.approx(6.25)
    assert slo.payload["details"]["budget_consumed"] == pytest.approx(6.25)  # 10 bad of 1.6 allowed


def test_a_longer_threshold_interval_judges_held_samples_on_the_due_tick() -> None:
    rig = Rig(settings=DetectionSettings(threshold_check_interval=5.0))
    rig.step(errors=0)  # the first sample is judged at once
    onset = rig.step(errors=10)
    rig.step(errors=10)
    rig.step(errors=10)
    rig.engine.tick()
    assert rig.fired() == []  # 3 s since the last evaluation
    assert rig.engine.status()["detectors"]["threshold"]["pending_samples"] == 3
    due = rig.clock.advance(2.0)
    rig.engine.tick()
    [fired] = rig.fired()
    assert (fired.payload["onset_at"], fired.payload["fired_at"]) == (onset, due)


def test_slo_burn_alert_resolves_in_tick_once_the_windows_slide() -> None:
    settings = DetectionSettings(burn_rate_window_scale=0.0625, no_data_seconds=10_000)  # the windows alone
    rig = Rig(kinds=("slo_burn",), settings=settings)
    for _ in range(30):
        rig.step(errors=50)
    [fired] = rig.fired()
    assert fired.payload["detection_class"] == "slo_burn"
    rig.clock.advance(100.0)
    rig.engine.tick()
    assert rig.sink.of(topics.ALERT_RESOLVED) == []  # the ticket's 1350 s short window still holds the burn
    rig.clock.advance(1500.0)
    rig.engine.tick()
    assert rig.sink.last(topics.ALERT_RESOLVED).correlation_id == fired.correlation_id


def test_a_failing_probe_fires_an_emergency() -> None:
    rig = Rig(kinds=("synthetic",))
    for _ in range(3):
        now = rig.clock.advance(15.0)
        rig.engine.ingest_probe(ProbeResult("gateway", False, 0.0, None, now))
    [fired] = rig.fired()
    assert (fired.severity, fired.payload["fingerprint"], fired.payload["onset_at"]) == (
        Severity.EMERGENCY,
        "synthetic:gateway:probe.readyz",
        rig.clock.now() - 30.0,
    )
    rig.engine.ingest_probe(ProbeResult("gateway", True, 8.0, 200, rig.clock.advance(15.0)))
    assert rig.sink.last(topics.ALERT_RESOLVED).correlation_id == fired.correlation_id


def test_unknown_services_are_not_found() -> None:
    rig = Rig()
    with pytest.raises(NotFoundError) as err:
        rig.engine.ingest(HealthSample("billing", 1.0, 1, 0))
    assert (err.value.kind, err.value.key) == ("service", "billing")
    with pytest.raises(NotFoundError):
        rig.engine.ingest_probe(ProbeResult("billing", True, 1.0, 200, 1.0))


def fire_one(rig: Rig) -> Event:
    for _ in range(3):
        rig.step(errors=10)
    return rig.fired()[-1]


def test_humans_acknowledge_and_resolve() -> None:
    rig = Rig()
    fired = fire_one(rig)
    alert_id = fired.payload["alert_id"]
    acked = rig.engine.ack(alert_id)
    assert acked.acked_at == rig.clock.now()
    ack_event = rig.sink.last(topics.ALERT_ACKNOWLEDGED)
    assert ack_event.correlation_id == fired.correlation_id
    assert ack_event.payload == {
        "alert_id": alert_id,
        "fingerprint": "threshold:payments:error_rate",
        "service": "payments",
        "acked_at": acked.acked_at,
    }
    rig.clock.advance(5.0)
    resolved = rig.engine.resolve(alert_id)
    event = rig.sink.last(topics.ALERT_RESOLVED)
    assert (event.payload["reason"], event.payload["resolved_at"], event.correlation_id) == (
        "manual",
        resolved.resolved_at,
        fired.correlation_id,
    )
    with pytest.raises(ConflictError):
        rig.engine.resolve(alert_id)
    with pytest.raises(NotFoundError):
        rig.engine.ack("ALR-unknown")


def test_a_condition_that_outlives_a_manual_resolve_opens_a_new_incident() -> None:
    rig = Rig()
    first = fire_one(rig)
    rig.engine.resolve(first.payload["alert_id"])
    rig.step(errors=10)
    second = rig.fired()[-1]
    assert second.payload["alert_id"] != first.payload["alert_id"]
    assert second.correlation_id != first.correlation_id


def test_alerts_survive_an_engine_restart() -> None:
    store, clock = MemoryStore(), FakeClock()
    before = Rig(store=store, clock=clock)
    fired = fire_one(before)
    alert_id = fired.payload["alert_id"]

    after = Rig(store=store, clock=clock)
    assert [a.id for a in after.engine.active_alerts()] == [alert_id]
    for _ in range(4):
        after.step(errors=10)
    assert after.fired() == []  # the reloaded alert absorbs the re-confirmed breach
    assert after.engine.alert(alert_id).count == 3
    after.step(errors=0)
    resolved = after.sink.last(topics.ALERT_RESOLVED)
    assert (resolved.payload["alert_id"], resolved.correlation_id) == (alert_id, fired.correlation_id)
    record = store.get(Collection.ALERTS, alert_id)
    assert record is not None
    assert record["resolved_at"] == clock.now()


def test_every_alert_change_is_persisted() -> None:
    store = MemoryStore()
    rig = Rig(store=store)
    alert_id = fire_one(rig).payload["alert_id"]
    rig.step(errors=10)

    def stored() -> dict[str, Any]:
        record = store.get(Collection.ALERTS, alert_id)
        assert record is not None
        return record

    assert stored()["count"] == 2
    rig.engine.ack(alert_id)
    assert stored()["acked_at"] == rig.clock.now()
    rig.engine.mark_actioned(alert_id)
    assert stored()["actioned_at"] == rig.clock.now()


def test_an_alert_resolved_elsewhere_is_found_in_the_store() -> None:
    store = MemoryStore()
    rig = Rig(store=store)
    done = Alert(
        "ALR-old", "threshold:orders:error_rate", "orders", "error_rate", "threshold", DetectionClass.THRESHOLD,
        Severity.WARNING, 0.1, 0.05, 1.0, 2.0, 3.0, "COR-old", resolved_at=4.0,
    )  # fmt: skip
    store.put(Collection.ALERTS, done.id, to_record(done))
    with pytest.raises(ConflictError):
        rig.engine.resolve("ALR-old")
    assert rig.engine.alert("ALR-old") == done


def test_executed_strategies_count_as_actions() -> None:
    rig = Rig(store=MemoryStore())
    alert_id = fire_one(rig).payload["alert_id"]

    def executed(payload: dict[str, Any]) -> Event:
        return Event.create(
            EventCategory.ADAPTATION, "strategy_executed", source="adaptation", clock=rig.clock, payload=payload
        )

    other = Event.create(
        EventCategory.ABSORPTION, "degradation_changed", source="absorption", clock=rig.clock, payload={}
    )
    rig.engine.handle([other, executed({"alert_id": "ALR-elsewhere"}), executed({}), executed({"alert_id": alert_id})])
    rig.engine.handle([executed({"alert_id": alert_id})])  # counted once
    assert rig.engine.alert(alert_id).actioned_at == rig.clock.now()
    fatigue = rig.engine.status()["fatigue"]
    assert (fatigue["alerts_in_window"], fatigue["actioned"], fatigue["alerts_per_action"]) == (1, 1, 1.0)
    assert {topics.STRATEGY_EXECUTED, topics.BREAKER_OPENED, topics.BREAKER_CLOSED} <= set(DetectionEngine.SUBSCRIBES)


def test_fatigue_history_is_reloaded_from_the_store() -> None:
    store, clock = MemoryStore(), FakeClock()
    first = Rig(store=store, clock=clock)
    alert_id = fire_one(first).payload["alert_id"]
    first.engine.mark_actioned(alert_id)
    fatigue = Rig(store=store, clock=clock).engine.status()["fatigue"]
    assert (fatigue["alerts_in_window"], fatigue["actioned"]) == (1, 1)


def test_status_is_json_ready_and_complete() -> None:
    rig = Rig(kinds=None)
    alert_id = fire_one(rig).payload["alert_id"]
    rig.engine.ingest_probe(ProbeResult("gateway", True, 5.0, 200, rig.clock.now()))
    rig.engine.tick()
    status = json.loads(json.dumps(rig.engine.status()))
    assert set(status) == {"services", "detectors", "active_alerts", "recent_resolved", "alert_counts", "fatigue"}
    assert list(status["detectors"]) == ["threshold", "zscore", "isolation_forest", "slo_burn", "synthetic"]
    assert len(status["detectors"]["threshold"]["rules"]) == 2 * len(SERVICES)
    slos = status["detectors"]["slo_burn"]["slos"]
    assert sorted(s["name"] for s in slos) == sorted(
        f"{s}.{sli}" for s in SERVICES for sli in ("availability", "latency")
    )
    assert alert_id in {a["id"] for a in status["active_alerts"]}
    counts = status["alert_counts"]
    assert counts["open"] == len(status["active_alerts"]) == counts["fired_since_start"]
    assert counts["firing"] == counts["open"]
    assert status["fatigue"]["max_per_week"] == SETTINGS.alert_fatigue_max_per_week


class EveryTickDetector:
    """A detector kind the engine has never heard of, fed through the same protocol."""

    name = "custom"

    def observe(self, observation: object) -> list[Signal]:
        if not isinstance(observation, HealthSample):
            return []
        return [
            Signal(
                "custom", DetectionClass.PREDICTIVE, observation.service, "forecast", True, observation.at,
                Severity.WARNING, 1.0, 0.5, observation.at,
            )
        ]  # fmt: skip

    def evaluate(self, now: float) -> list[Signal]:
        return []

    def status(self) -> dict[str, Any]:
        return {"kind": "custom"}


def test_a_new_detector_plugs_in_without_engine_changes() -> None:
    clock, sink = FakeClock(), EventCapture()
    engine = DetectionEngine(SETTINGS, clock, sink, detectors=[EveryTickDetector()])
    engine.ingest(HealthSample("orders", clock.now(), 10, 0))
    engine.ingest(HealthSample("orders", clock.now(), 10, 0))
    [fired] = sink.of(topics.ALERT_FIRED)
    assert (fired.payload["fingerprint"], fired.payload["detection_class"]) == ("custom:orders:forecast", "predictive")
    assert engine.status()["detectors"] == {"custom": {"kind": "custom"}}


def test_engine_parameters_are_validated() -> None:
    clock, sink = FakeClock(), EventCapture()
    with pytest.raises(InvalidInputError) as names:
        DetectionEngine(SETTINGS, clock, sink, detectors=[EveryTickDetector(), EveryTickDetector()])
    assert names.value.field == "detectors"
    with pytest.raises(InvalidInputError) as services:
        DetectionEngine(SETTINGS, clock, sink, services=())
    assert services.value.field == "services"


def test_a_new_fault_after_resolution_gets_a_new_correlation_id() -> None:
    rig = Rig()
    for _ in range(3):
        rig.step(errors=30)
    first = rig.fired()[-1]
    for _ in range(3):
        rig.step(errors=0)
    for _ in range(3):
        rig.step(errors=30)
    second = rig.fired()[-1]
    assert second.payload["alert_id"] != first.payload["alert_id"]
    assert second.correlation_id != first.correlation_id
