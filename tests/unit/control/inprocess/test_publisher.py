"""LocalBus: queued emit, batched rounds, topic filtering, failure isolation, loop bound."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from aref.dashboard.inmemory.bus import LocalBus
from aref.errors import ConflictError, InvalidInputError
from aref.events import Event, EventCategory
from aref.testing import FakeClock

CLOCK = FakeClock()


def event(type_: str, category: EventCategory = EventCategory.DETECTION) -> Event:
    return Event.create(category, type_, source="test", clock=CLOCK)


def test_emit_only_queues_and_pump_delivers_batches_by_topic() -> None:
    bus = LocalBus()
    everything: list[list[str]] = []
    fired: list[list[str]] = []
    bus.subscribe("all", None, lambda batch: everything.append([e.topic for e in batch]))
    bus.subscribe("fired", ("detection.alert_fired",), lambda batch: fired.append([e.topic for e in batch]))
    bus.emit(event("alert_fired"))
    bus.emit(event("alert_resolved"))
    assert everything == []
    assert bus.pump() == 2
    assert everything == [["detection.alert_fired", "detection.alert_resolved"]]
    assert fired == [["detection.alert_fired"]]
    assert (bus.pump(), bus.delivered) == (0, 2)


def test_events_emitted_while_handling_go_out_in_the_next_round() -> None:
    bus = LocalBus()
    seen: list[str] = []

    def echo(batch: Sequence[Event]) -> None:
        for e in batch:
            if e.type == "ping":
                bus.emit(event("pong"))

    bus.subscribe("echo", ("detection.ping",), echo)
    bus.subscribe("log", None, lambda batch: seen.extend(e.type for e in batch))
    bus.emit(event("ping"))
    assert bus.pump() == 2
    assert seen == ["ping", "pong"]


def test_a_failing_subscriber_is_recorded_and_the_others_still_receive() -> None:
    bus = LocalBus()
    received: list[str] = []

    def broken(batch: Sequence[Event]) -> None:
        raise InvalidInputError("payload", "broken")

    bus.subscribe("broken", None, broken)
    bus.subscribe("fine", None, lambda batch: received.extend(e.type for e in batch))
    bus.emit(event("alert_fired"))
    bus.pump()
    assert received == ["alert_fired"]
    assert [(f.subscriber, f.topics, f.error) for f in bus.failures] == [
        ("broken", ("detection.alert_fired",), "payload: broken")
    ]


def test_a_feedback_loop_is_cut_after_max_rounds() -> None:
    bus = LocalBus(max_rounds=3)
    bus.subscribe("loop", None, lambda batch: bus.emit(event("again")))
    bus.emit(event("start"))
    with pytest.raises(ConflictError):
        bus.pump()


def test_subscriber_names_are_unique() -> None:
    bus = LocalBus()
    bus.subscribe("x", None, lambda batch: None)
    with pytest.raises(InvalidInputError):
        bus.subscribe("x", None, lambda batch: None)
    with pytest.raises(InvalidInputError):
        LocalBus(max_rounds=0)


def test_an_event_never_goes_back_to_its_publisher() -> None:
    bus = LocalBus()
    got: dict[str, list[str]] = {"detection": [], "adaptation": []}

    def collector(name: str) -> Callable[[Sequence[Event]], None]:
        return lambda batch: got[name].extend(e.source for e in batch)

    for name in got:
        bus.subscribe(name, None, collector(name))
    bus.emit(Event.create(EventCategory.DETECTION, "alert_fired", source="detection", clock=CLOCK))
    bus.pump()
    assert got == {"detection": [], "adaptation": ["detection"]}
