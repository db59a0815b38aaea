"""Shed load comes back: flags adaptation switched off return once their service has had no open
alert for the hold; a human's choice and a budget freeze stay."""

from __future__ import annotations

import pytest

from aref import topics
from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.relief import ShedRelief
from aref.config import AdaptationSettings
from aref.errors import InvalidInputError
from aref.testing import EventCapture, FakeClock

from .factories import T0, alert_fired, alert_resolved

HOLD = 10.0


def test_a_service_is_due_only_after_a_whole_quiet_hold() -> None:
    relief = ShedRelief(HOLD)
    assert relief.due({"payments"}, {"payments"}, 0.0) == ()
    assert relief.due({"payments"}, set(), 1.0) == ()  # quiet from here
    assert relief.due({"payments"}, set(), 10.9) == ()
    assert relief.due({"payments"}, {"payments"}, 11.0) == ()  # loud again: the hold restarts
    assert relief.due({"payments"}, set(), 12.0) == ()
    assert relief.due({"payments"}, set(), 22.0) == ("payments",)
    with pytest.raises(InvalidInputError):
        ShedRelief(-1.0)


def rig() -> tuple[AdaptationEngine, FakeClock, EventCapture]:
    clock, sink = FakeClock(T0), EventCapture()
    return AdaptationEngine(AdaptationSettings(restore_after_seconds=HOLD), clock, sink), clock, sink


def test_flags_shed_for_an_alert_come_back_after_the_service_is_quiet_for_the_hold() -> None:
    engine, clock, sink = rig()
    engine.handle([alert_fired(clock)])
    assert engine.flags.is_enabled("payments.analytics") is False
    clock.advance(30)
    engine.tick()
    assert engine.flags.is_enabled("payments.analytics") is False  # the alert is still open
    engine.handle([alert_resolved(clock)])
    engine.tick()  # the first tick that sees the service quiet starts the hold
    clock.advance(HOLD - 1)
    engine.tick()
    clock.advance(0.5)
    engine.tick()
    assert engine.flags.is_enabled("payments.analytics") is False
    sink.clear()
    clock.advance(0.5)
    engine.tick()
    assert engine.flags.is_enabled("payments.analytics") is True
    changed = sink.last(topics.FLAG_CHANGED).payload
    assert (changed["flag"], changed["enabled"]) == ("payments.analytics", True)
    assert sink.last(topics.FLAG_CHANGED).correlation_id == "C1"  # the episode that shed it
    assert [a["strategy"] for a in engine.status()["adaptations"]] == ["shed_load", "restore_shed_load"]


def test_a_human_choice_is_never_restored() -> None:
    engine, clock, _ = rig()
    engine.toggle_flag("payments.analytics", False)
    for _ in range(3):
        clock.advance(HOLD)
        engine.tick()
    assert engine.flags.is_enabled("payments.analytics") is False
