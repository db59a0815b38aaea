"""The callers' view: an open breaker into a service is an alert on that service, even while the
service itself sees no request; it clears when the last breaker into it closes, and goes no_data
when the callers holding the breaker have no traffic."""

from __future__ import annotations

from aref import topics
from aref.config import DetectionSettings
from aref.events import Event, EventCategory, Severity
from tests.unit.detection.test_engine import Rig


def breaker(rig: Rig, state: str, caller: str = "gateway", service: str = "notifications") -> None:
    topic = {"opened": topics.BREAKER_OPENED, "closed": topics.BREAKER_CLOSED, "half_open": topics.BREAKER_HALF_OPEN}
    kind = topic[state].split(".", 1)[1]
    payload = {"breaker": f"{caller}->{service}", "service": caller, "dependency": service, "failure_rate": 0.8}
    payload["at"] = rig.clock.now()
    rig.engine.handle(
        [Event.create(EventCategory.ABSORPTION, kind, source="absorption", clock=rig.clock, payload=payload)]
    )


def caller_traffic(rig: Rig, seconds: int, service: str = "gateway") -> None:
    for _ in range(seconds):
        rig.step(service=service)
        rig.engine.tick()


def test_an_open_breaker_fires_a_critical_alert_on_the_service_it_guards_and_closing_clears_it() -> None:
    rig = Rig(kinds=("threshold",))
    caller_traffic(rig, 2)
    breaker(rig, "opened")
    [fired] = rig.fired()
    assert (fired.payload["service"], fired.payload["metric"], fired.payload["detector"]) == (
        "notifications",
        "caller_failures",
        "breaker",
    )
    assert (fired.severity, fired.payload["value"]) == (Severity.CRITICAL, 0.8)

    breaker(rig, "half_open")
    caller_traffic(rig, 3)
    assert [a.metric for a in rig.engine.active_alerts()] == ["caller_failures"]  # half-open: still failing

    breaker(rig, "closed")
    [resolved] = rig.sink.of(topics.ALERT_RESOLVED)
    assert (resolved.correlation_id, resolved.payload["reason"]) == (fired.correlation_id, "condition_cleared")


def test_the_alert_stays_while_any_caller_still_holds_a_breaker_open() -> None:
    rig = Rig(kinds=("threshold",))
    breaker(rig, "opened", caller="gateway", service="payments")
    breaker(rig, "opened", caller="orders", service="payments")
    breaker(rig, "closed", caller="gateway", service="payments")
    assert [a.service for a in rig.engine.active_alerts()] == ["payments"]
    breaker(rig, "closed", caller="orders", service="payments")
    assert rig.engine.active_alerts() == []


def test_the_alert_lives_on_its_callers_traffic_not_the_silent_service_and_goes_no_data_with_them() -> None:
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(no_data_seconds=5))
    caller_traffic(rig, 1)
    breaker(rig, "opened")
    caller_traffic(rig, 10)  # notifications itself sees nothing all along: its callers stopped calling
    assert [a.service for a in rig.engine.active_alerts()] == ["notifications"]
    for _ in range(5):
        rig.clock.advance(1.0)
        rig.engine.tick()
    [resolved] = rig.sink.of(topics.ALERT_RESOLVED)
    assert resolved.payload["reason"] == "no_data"


def test_breaker_events_of_unknown_services_or_without_names_change_nothing() -> None:
    rig = Rig(kinds=("threshold",))
    breaker(rig, "opened", service="billing")
    payload = {"breaker": "gateway->orders"}
    rig.engine.handle(
        [
            Event.create(
                EventCategory.ABSORPTION,
                "circuit_breaker_opened",
                source="absorption",
                clock=rig.clock,
                payload=payload,
            )
        ]
    )
    assert rig.fired() == []
