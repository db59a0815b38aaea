"""Adaptation and the error budget: an slo_burn alert past the trigger freezes a service's optional features."""

from __future__ import annotations

from typing import Any

from aref import topics
from aref.adaptation.engine import AdaptationEngine
from aref.config import DetectionSettings
from aref.detection.engine import DetectionEngine
from aref.events import Event
from aref.models import HealthSample
from aref.testing import EventCapture, FakeClock, MemoryStore

from .factories import alert_fired, alert_resolved, optional_flags
from .test_engine import SETTINGS, engine

__all__ = ["engine"]  # the engine suite's fixture (clock and sink come from conftest.py)
OPTIONAL_PAYMENTS = list(optional_flags("payments"))


def slo_fired(clock: FakeClock, consumed: float, correlation_id: str = "C1", **fields: Any) -> Event:
    """An slo_burn alert on payments availability, persistent (so the decision tree fails over, not sheds)."""
    fields.setdefault("onset_at", clock.now() - 90)
    details = {"slo": "payments.availability", "policy": "page_fast", "budget_consumed": consumed}
    return alert_fired(
        clock, correlation_id, metric="availability", value=14.4, threshold=14.4, details=details, **fields
    )


def test_a_spent_error_budget_freezes_optional_features_until_the_alert_resolves(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([slo_fired(clock, consumed=0.6)])
    assert engine.status()["traffic"]["payments"] == {"primary": 0, "backup": 100}  # the tree's answer, as before
    assert engine.flags.optional_enabled("payments") == ()
    shed = sink.of(topics.FLAG_CHANGED)
    assert [(e.payload["flag"], e.payload["enabled"], e.payload["actor"]) for e in shed] == [
        (f, False, "auto") for f in OPTIONAL_PAYMENTS
    ]
    assert {e.correlation_id for e in shed} == {"C1"}
    record = engine.status()["adaptations"][-1]
    assert (record["trigger"], record["service"], record["strategy"]) == ("auto", "payments", "error_budget_freeze")
    assert record["actions"] == [f"disable {f}" for f in OPTIONAL_PAYMENTS]
    assert record["rationale"] == "availability error budget 60% consumed reached the 50% trigger"
    assert engine.status()["error_budget"]["frozen"][0]["spent"] == {"payments:availability": "A1"}

    sink.clear()
    clock.advance(60)
    engine.handle([alert_resolved(clock, correlation_id="C1")])
    assert engine.flags.optional_enabled("payments") == tuple(OPTIONAL_PAYMENTS)
    assert [(e.payload["flag"], e.payload["enabled"]) for e in sink.of(topics.FLAG_CHANGED)] == [
        (f, True) for f in OPTIONAL_PAYMENTS
    ]
    assert engine.status()["adaptations"][-1]["strategy"] == "error_budget_restore"
    assert engine.status()["error_budget"] == {"trigger": 0.5, "frozen": []}


def test_an_escalation_reports_a_fresh_budget(engine: AdaptationEngine, clock: FakeClock, sink: EventCapture) -> None:
    engine.handle([slo_fired(clock, consumed=0.2, severity="warning")])
    assert engine.flags.optional_enabled("payments") == tuple(OPTIONAL_PAYMENTS)
    clock.advance(30)
    engine.handle([slo_fired(clock, consumed=0.55, severity="critical")])  # the same alert, escalated
    assert engine.flags.optional_enabled("payments") == ()
    assert engine.status()["totals"]["decisions"] == 1  # the decision tree answered the alert once
    clock.advance(30)
    engine.handle([slo_fired(clock, consumed=0.4, alert_id="A2", correlation_id="C2")])
    assert engine.flags.optional_enabled("payments") == tuple(OPTIONAL_PAYMENTS)  # the budget is back under
    assert sink.last(topics.FLAG_CHANGED).correlation_id == "C2"


def test_the_budget_trigger_is_a_setting(clock: FakeClock, sink: EventCapture) -> None:
    engine = AdaptationEngine(SETTINGS.model_copy(update={"feature_flag_error_budget_trigger": 0.9}), clock, sink)
    engine.handle([slo_fired(clock, consumed=0.6)])
    assert engine.flags.optional_enabled("payments") == tuple(OPTIONAL_PAYMENTS)
    engine.handle([slo_fired(clock, consumed=0.95, alert_id="A2")])
    assert engine.flags.optional_enabled("payments") == ()


def test_a_budget_freeze_survives_a_restart(clock: FakeClock) -> None:
    store = MemoryStore()
    AdaptationEngine(SETTINGS, clock, EventCapture(), store).handle([slo_fired(clock, consumed=0.7)])
    sink = EventCapture()
    second = AdaptationEngine(SETTINGS, clock, sink, store)
    assert second.flags.optional_enabled("payments") == ()
    second.handle([alert_resolved(clock)])
    assert second.flags.optional_enabled("payments") == tuple(OPTIONAL_PAYMENTS)
    assert len(sink.of(topics.FLAG_CHANGED)) == len(OPTIONAL_PAYMENTS) == 1


def test_a_detection_slo_alert_drives_the_freeze(clock: FakeClock, sink: EventCapture) -> None:
    detection_sink = EventCapture()
    detection = DetectionEngine(
        DetectionSettings(burn_rate_window_scale=0.0625), clock, detection_sink, services=["payments"]
    )
    for _ in range(30):
        detection.ingest(HealthSample("payments", clock.advance(1.0), 100, 50))
    fired = [e for e in detection_sink.of(topics.ALERT_FIRED) if e.payload["detector"] == "slo_burn"]
    assert fired
    assert fired[0].payload["details"]["budget_consumed"] >= 0.5
    engine = AdaptationEngine(SETTINGS, clock, sink, services=["payments"])
    engine.handle(fired)
    assert engine.flags.optional_enabled("payments") == ()
