"""AdaptationEngine.facts(): what adaptation has in place and did, as measured."""

from __future__ import annotations

from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.facts import AdaptationFacts
from aref.config import AdaptationSettings
from aref.testing import EventCapture, FakeClock

from .factories import T0, alert_fired, breaker

SETTINGS = AdaptationSettings(adaptation_window_seconds=120, min_replicas=1, max_replicas=4)


def test_controls_are_in_place_and_nothing_was_done_at_rest() -> None:
    eng = AdaptationEngine(SETTINGS, FakeClock(T0), EventCapture())
    facts = eng.facts()
    assert (facts.has_traffic_shifting, facts.automated_scaling) == (True, True)
    assert facts.feature_flags == len(eng.flags.flags()) > 0
    assert (facts.decisions, facts.escalations, facts.adaptations) == (0, 0, ())


def test_an_answered_alert_is_counted_with_its_time() -> None:
    clock = FakeClock(T0)
    eng = AdaptationEngine(SETTINGS, clock, EventCapture())
    clock.advance(3.0)
    eng.handle([alert_fired(clock, alert_id="A1", fired_at=T0)])
    facts = eng.facts()
    assert (facts.decisions, facts.escalations, facts.adaptations) == (1, 0, (("A1", T0 + 3.0),))
    assert facts.latency_seconds({"A1": T0}) == 3.0


def test_an_escalation_is_counted() -> None:
    clock = FakeClock(T0)
    eng = AdaptationEngine(SETTINGS, clock, EventCapture())
    eng.handle([alert_fired(clock, alert_id="A1", severity="emergency", value=0.95)])
    assert (eng.facts().decisions, eng.facts().escalations) == (1, 1)


def test_adaptations_that_answered_no_alert_are_left_out() -> None:
    clock = FakeClock(T0)
    eng = AdaptationEngine(SETTINGS, clock, EventCapture())
    eng.handle([breaker(clock, "opened")])
    assert eng.status()["adaptations"]  # the failover was logged...
    assert eng.facts().adaptations == ()  # ...but it answered no alert


def test_latency_counts_only_adaptations_after_a_known_alert() -> None:
    facts = AdaptationFacts(adaptations=(("A1", 10.0), ("A1", 4.0), ("A2", 30.0), ("A3", 7.0)))
    assert facts.latency_seconds({"A1": 5.0, "A2": 10.0}) == 12.5  # (5 + 20) / 2
    assert facts.latency_seconds({}) is None
