"""A breach adaptation only watched is acted on once it spreads to a caller of its service."""

from __future__ import annotations

import pytest

from aref import topics
from aref.adaptation.engine import AdaptationEngine
from aref.config import AdaptationSettings
from aref.events import Event
from aref.testing import EventCapture, FakeClock

from .factories import T0, alert_fired, alert_resolved, optional_flags

SETTINGS = AdaptationSettings(adaptation_window_seconds=120)
NOTIFICATIONS = {"service": "notifications", "metric": "latency_p99", "severity": "warning", "threshold": 300}


@pytest.fixture
def engine(clock: FakeClock, sink: EventCapture) -> AdaptationEngine:
    return AdaptationEngine(SETTINGS, clock, sink)


def slow_notifications(clock: FakeClock, alert_id: str = "N1") -> Event:
    return alert_fired(clock, "CN", alert_id=alert_id, value=1000, onset_at=clock.now() - 3, **NOTIFICATIONS)


def slow_gateway(clock: FakeClock, alert_id: str = "G1", severity: str = "warning") -> Event:
    fields = {"service": "gateway", "metric": "latency_p99", "value": 800, "threshold": 300}
    return alert_fired(clock, "CG", alert_id=alert_id, severity=severity, onset_at=clock.now() - 3, **fields)


def notification_flags(engine: AdaptationEngine) -> dict[str, bool]:
    flags = engine.status()["flags"]
    return {name: flags[name]["enabled"] for name in optional_flags("notifications")}


def strategies(sink: EventCapture) -> list[tuple[str, str, str]]:
    return [
        (e.payload["service"], e.payload["strategy"], e.payload["trigger"]) for e in sink.of(topics.STRATEGY_EXECUTED)
    ]


def test_a_watched_breach_is_shed_once_its_caller_alerts_too(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([slow_notifications(clock)])
    assert strategies(sink) == [("notifications", "observe", "alert")]
    assert set(notification_flags(engine).values()) == {True}
    clock.advance(1)
    engine.handle([slow_gateway(clock)])
    assert ("notifications", "shed_load", "spread") in strategies(sink)
    assert set(notification_flags(engine).values()) == {False}
    spread = [e for e in sink.of(topics.STRATEGY_EXECUTED) if e.payload["trigger"] == "spread"]
    assert {e.correlation_id for e in spread} == {"CN"}
    assert "alerting too: gateway" in spread[0].payload["rationale"]
    window = next(w for w in engine.status()["windows"]["active"] if w["alert_id"] == "N1")
    assert (window["strategy"], window["deadline"]) == ("shed_load", T0 + 120)
    clock.advance(1)
    engine.handle([slow_gateway(clock, "G2")])  # decided once: a second caller alert changes nothing
    assert [s for s in strategies(sink) if s[0] == "notifications"] == [
        ("notifications", "observe", "alert"),
        ("notifications", "shed_load", "spread"),
    ]


def test_a_breach_whose_caller_already_alerts_is_shed_at_once(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([slow_gateway(clock, severity="critical")])
    clock.advance(1)
    engine.handle([slow_notifications(clock)])
    assert ("notifications", "shed_load", "alert") in strategies(sink)
    assert set(notification_flags(engine).values()) == {False}


def test_a_caller_alert_that_resolved_or_a_callee_alert_does_not_spread(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([slow_gateway(clock)])
    engine.handle([alert_resolved(clock, "G1", "gateway")])
    clock.advance(1)
    engine.handle([slow_notifications(clock)])
    assert strategies(sink)[-1] == ("notifications", "observe", "alert")
    engine.handle(
        [alert_fired(clock, "CP", alert_id="P1", service="payments", severity="warning", value=0.06, threshold=0.05)]
    )
    assert [s for s in strategies(sink) if s[0] == "notifications"] == [("notifications", "observe", "alert")]
    assert set(notification_flags(engine).values()) == {True}
