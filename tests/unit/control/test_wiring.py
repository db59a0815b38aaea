"""The subscription table: who receives which topic (no Ray needed)."""

from __future__ import annotations

from aref import topics
from aref.control.wiring import route
from aref.events import Event, EventCategory, Severity
from aref.testing import FakeClock


def event(topic: str, cid: str | None = "COR-1") -> Event:
    category, kind = topic.split(".")
    return Event.create(
        EventCategory(category), kind, source=category, clock=FakeClock(), severity=Severity.INFO, correlation_id=cid
    )


def test_an_alert_reaches_adaptation_recovery_absorption_evolution_and_the_timeline() -> None:
    batches = route([event(topics.ALERT_FIRED)], publisher="detection")
    assert set(batches) == {"absorption", "adaptation", "recovery", "evolution", "timeline"}


def test_the_publisher_never_hears_its_own_events() -> None:
    batches = route([event(topics.STRATEGY_EXECUTED)], publisher="adaptation")
    assert "adaptation" not in batches
    assert "detection" in batches  # it marks the alert as actioned


def test_uncorrelated_events_skip_evolution_but_reach_the_timeline() -> None:
    batches = route([event(topics.BREAKER_OPENED, cid=None)], publisher="absorption")
    assert "evolution" not in batches
    assert "timeline" in batches


def test_faults_reach_detection_which_counts_their_burn_apart() -> None:
    batches = route([event(topics.FAULT_INJECTED, cid=None)], publisher="chaos")
    assert set(batches) == {"detection", "timeline"}


def test_one_batch_per_subscriber_in_publication_order() -> None:
    fired, resolved = event(topics.ALERT_FIRED), event(topics.ALERT_RESOLVED)
    batches = route([fired, resolved], publisher="detection")
    assert batches["recovery"] == [fired, resolved]
    assert batches["timeline"] == [fired, resolved]
