"""Whole incidents through AdaptationEngine with a fake clock: mitigate or escalate exactly once."""

from __future__ import annotations

from aref import topics
from aref.adaptation.engine import AdaptationEngine
from aref.config import AdaptationSettings
from aref.testing import EventCapture, FakeClock

from .factories import T0, alert_fired, alert_resolved

WINDOW = 120.0
SETTINGS = AdaptationSettings(adaptation_window_seconds=WINDOW)


def start() -> tuple[AdaptationEngine, FakeClock, EventCapture]:
    clock = FakeClock(T0)
    sink = EventCapture()
    engine = AdaptationEngine(SETTINGS, clock, sink)
    engine.handle([alert_fired(clock, "INC-7", service="payments", metric="error_rate", severity="critical")])
    return engine, clock, sink


def run_ticks(engine: AdaptationEngine, clock: FakeClock, until: float) -> None:
    """Tick once a second, as the runtime does, up to ``until`` seconds after T0."""
    while clock.now() < T0 + until:
        clock.advance(1)
        engine.tick()


def test_unmitigated_alert_escalates_exactly_once_at_the_window_boundary() -> None:
    engine, clock, sink = start()
    executed = sink.of(topics.STRATEGY_EXECUTED)
    assert len(executed) == 1
    assert executed[0].payload["service"] == "payments"
    assert executed[0].correlation_id == "INC-7"

    run_ticks(engine, clock, WINDOW - 1)
    assert sink.of(topics.ESCALATE_TO_RECOVERY) == []

    run_ticks(engine, clock, WINDOW)
    (escalation,) = sink.of(topics.ESCALATE_TO_RECOVERY)
    assert escalation.timestamp == T0 + WINDOW
    assert escalation.correlation_id == "INC-7"
    assert (escalation.payload["service"], escalation.payload["alert_id"]) == ("payments", "A1")

    run_ticks(engine, clock, WINDOW * 3)
    engine.handle([alert_resolved(clock, correlation_id="INC-7")])
    assert len(sink.of(topics.ESCALATE_TO_RECOVERY)) == 1
    assert {e.correlation_id for e in sink.events} == {"INC-7"}
    assert engine.status()["windows"]["recent"][0]["state"] == "escalated"


def test_alert_resolved_within_the_window_is_mitigated_without_escalation() -> None:
    engine, clock, sink = start()
    run_ticks(engine, clock, WINDOW - 30)
    engine.handle([alert_resolved(clock, correlation_id="INC-7")])

    run_ticks(engine, clock, WINDOW * 3)
    assert sink.of(topics.ESCALATE_TO_RECOVERY) == []
    status = engine.status()
    assert status["windows"]["active"] == []
    assert [(w["alert_id"], w["state"]) for w in status["windows"]["recent"]] == [("A1", "mitigated")]
    assert (status["totals"]["mitigated"], status["totals"]["escalations"]) == (1, 0)
    assert {e.correlation_id for e in sink.events} == {"INC-7"}
